/* Unit tests for common/vocab.c: the Zendesk spellings derived from the
 * vocabulary enums' descriptors, the parsers, and the shared predicates
 * (unsolved, staff, status order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/vocab.h"
#include "unit.h"

static void test_spellings_are_zendesks(void **state)
{
	(void)state;
	assert_string_equal(hd_status_name(HD__TICKET_STATUS__STATUS_OPEN),
			    "open");
	assert_string_equal(
		hd_priority_name(HD__TICKET_PRIORITY__PRIORITY_URGENT),
		"urgent");
	assert_string_equal(hd_type_name(HD__TICKET_TYPE__TYPE_INCIDENT),
			    "incident");
	assert_string_equal(hd_via_name(HD__VIA_CHANNEL__VIA_SIDE_CONVERSATION),
			    "side_conversation");
	assert_string_equal(hd_role_name(HD__USER_ROLE__ROLE_END_USER),
			    "end-user");
	assert_string_equal(hd_status_name(HD__TICKET_STATUS__STATUS_UNSET),
			    "");
	assert_string_equal(hd_status_name((Hd__TicketStatus)99), "");
}

static void test_every_value_round_trips(void **state)
{
	(void)state;
	const ProtobufCEnumDescriptor *d[] = {
		&hd__ticket_status__descriptor,
		&hd__ticket_priority__descriptor, &hd__ticket_type__descriptor,
		&hd__via_channel__descriptor, &hd__user_role__descriptor};
	for (size_t e = 0; e < sizeof d / sizeof d[0]; e++)
		for (unsigned i = 0; i < d[e]->n_values; i++) {
			int v = d[e]->values[i].value, back = -1;
			const char *name = hd_vocab_name(d[e], v);
			assert_int_equal(v == 0, name[0] == '\0');
			assert_hd_ok(hd_vocab_parse(d[e], name, &back));
			assert_int_equal(back, v);
		}
}

static void test_parse_refuses_other_words(void **state)
{
	(void)state;
	Hd__TicketStatus s = HD__TICKET_STATUS__STATUS_HOLD;
	Hd__UserRole r = HD__USER_ROLE__ROLE_AGENT;
	assert_int_equal(hd_status_parse("Open", &s), HD_E_INVALID);
	assert_int_equal(hd_status_parse("opened", &s), HD_E_INVALID);
	assert_int_equal(s, HD__TICKET_STATUS__STATUS_HOLD);
	assert_int_equal(hd_role_parse("end_user", &r), HD_E_INVALID);
	assert_hd_ok(hd_role_parse("end-user", &r));
	assert_int_equal(r, HD__USER_ROLE__ROLE_END_USER);
	assert_hd_ok(hd_status_parse(NULL, &s));
	assert_int_equal(s, HD__TICKET_STATUS__STATUS_UNSET);
}

static void test_predicates(void **state)
{
	(void)state;
	const char *unsolved[] = {"new", "open", "pending", "hold"};
	const char *done[] = {"solved", "closed", "deleted", "", "x"};
	for (size_t i = 0; i < 4; i++)
		assert_true(hd_ticket_unsolved_str(unsolved[i]));
	for (size_t i = 0; i < 5; i++)
		assert_false(hd_ticket_unsolved_str(done[i]));
	/* solved: solved or closed; neither for "" and other words */
	for (size_t i = 0; i < 4; i++)
		assert_false(hd_ticket_solved_str(unsolved[i]));
	assert_true(hd_ticket_solved_str("solved"));
	assert_true(hd_ticket_solved_str("closed"));
	assert_false(hd_ticket_solved_str("deleted"));
	assert_false(hd_ticket_solved_str(""));
	assert_false(hd_ticket_solved_str("Solved"));
	assert_true(hd_role_is_staff_str("agent"));
	assert_true(hd_role_is_staff_str("admin"));
	assert_false(hd_role_is_staff_str("end-user"));
	assert_false(hd_role_is_staff_str(""));
	assert_true(hd_role_is_staff(HD__USER_ROLE__ROLE_SYSTEM));
	/* a stored spelling's value; anything else is unset */
	assert_int_equal(hd_role_of("end-user"), HD__USER_ROLE__ROLE_END_USER);
	assert_int_equal(hd_role_of("root"), HD__USER_ROLE__ROLE_UNSET);
	assert_int_equal(hd_role_of(NULL), HD__USER_ROLE__ROLE_UNSET);
	assert_int_equal(hd_status_of("hold"), HD__TICKET_STATUS__STATUS_HOLD);
	assert_int_equal(hd_status_of("Hold"), HD__TICKET_STATUS__STATUS_UNSET);
	assert_int_equal(hd_priority_of("urgent"),
			 HD__TICKET_PRIORITY__PRIORITY_URGENT);
	assert_int_equal(hd_type_of("task"), HD__TICKET_TYPE__TYPE_TASK);
	assert_int_equal(hd_via_of("side_conversation"),
			 HD__VIA_CHANNEL__VIA_SIDE_CONVERSATION);
	/* agent: the people who work tickets, not the suite itself */
	assert_true(hd_role_is_agent_str("agent"));
	assert_true(hd_role_is_agent_str("admin"));
	assert_false(hd_role_is_agent_str("system"));
	assert_false(hd_role_is_agent_str("end-user"));
	assert_false(hd_role_is_agent_str("Agent"));
	assert_false(hd_role_is_agent(HD__USER_ROLE__ROLE_UNSET));
	/* admin: settings and other people; the suite may too */
	assert_true(hd_role_is_admin(HD__USER_ROLE__ROLE_ADMIN));
	assert_true(hd_role_is_admin(HD__USER_ROLE__ROLE_SYSTEM));
	assert_false(hd_role_is_admin(HD__USER_ROLE__ROLE_AGENT));
	assert_false(hd_role_is_admin(HD__USER_ROLE__ROLE_UNSET));
}

static void test_status_order(void **state)
{
	(void)state;
	const char *order[] = {"new",  "open",   "pending",
			       "hold", "solved", "closed"};
	for (int i = 0; i < 6; i++)
		assert_int_equal(hd_status_rank(order[i]), i);
	assert_int_equal(hd_status_rank("deleted"), -1);
	assert_int_equal(hd_status_rank(""), -1);
}

static void test_priority_order(void **state)
{
	(void)state;
	const char *order[] = {"", "low", "normal", "high", "urgent"};
	for (int i = 0; i < 5; i++)
		assert_int_equal(hd_priority_rank(order[i]), i);
	assert_int_equal(hd_priority_rank(NULL), 0);
	assert_int_equal(hd_priority_rank("Urgent"), -1);
	assert_int_equal(hd_priority_rank("critical"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings_are_zendesks),
		cmocka_unit_test(test_every_value_round_trips),
		cmocka_unit_test(test_parse_refuses_other_words),
		cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_status_order),
		cmocka_unit_test(test_priority_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
