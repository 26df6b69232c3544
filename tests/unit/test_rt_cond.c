/* Unit tests for trigger and automation conditions
 * (services/routing/rt_cond.c): which conditions each kind of rule may
 * hold, and every field and operator against the facts of one update. The
 * module is pure, so it is compiled into this test directly (with the
 * status and priority ranks it shares with views). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../services/rules/rt_cond.c"
#include "../../services/rules/rules_rank.c"
#include "../../services/routing/views_match.c"
#include "unit.h"

#define HOUR ((int64_t)3600000)
#define NOW  ((int64_t)1800000000000)

typedef struct row {
	const char *field, *op, *value;
	bool want;
} row;

/* before: new, no priority, requester 5; after: pending, high, assignee 9,
 * tags vip 배송, custom 7 = A-1; a private note by agent 9 over email. */
typedef struct fixture {
	Hd__Ticket before, after;
	Hd__CustomFieldValue cf;
	Hd__CustomFieldValue *cfs[1];
	char *tags[2];
	Hd__RuleTicketTimes times;
	rt_facts f;
} fixture;

static void setup_fixture(fixture *x)
{
	memset(x, 0, sizeof *x);
	hd__ticket__init(&x->before);
	x->before.id = 1;
	x->before.status = "new";
	x->before.requester_id = 5;
	x->before.subject = "배송 지연 문의";
	x->before.created_at = NOW - 30 * HOUR;
	x->after = x->before;
	x->after.status = "pending";
	x->after.priority = "high";
	x->after.type = "question";
	x->after.assignee_id = 9;
	x->after.group_id = 3;
	x->after.updated_at = NOW - 2 * HOUR;
	x->after.due_at = NOW + 5 * HOUR + 1;
	x->tags[0] = "vip";
	x->tags[1] = "배송";
	x->after.tags = x->tags;
	x->after.n_tags = 2;
	hd__custom_field_value__init(&x->cf);
	x->cf.id = 7;
	x->cf.has_value = true;
	x->cf.kind = "text";
	x->cf.text = "A-1";
	x->cfs[0] = &x->cf;
	x->after.custom_fields = x->cfs;
	x->after.n_custom_fields = 1;
	hd__rule_ticket_times__init(&x->times);
	x->times.status_at = NOW - 3 * HOUR - 1;
	x->times.assigned_at = NOW - 3 * HOUR;
	x->times.requester_updated_at = NOW - 30 * HOUR;
	x->f = (rt_facts){
		.tk = &x->after,
		.before = &x->before,
		.created = false,
		.comment = "내부 메모: 환불 승인합니다",
		.comment_public = false,
		.role = "agent",
		.updater_id = 9,
		.via = "email",
		.requester_locale = "ko",
		.now_ms = NOW,
		.times = &x->times,
	};
}

static void run_rows(const rt_facts *f, const row *rows)
{
	for (size_t i = 0; rows[i].field; i++) {
		Hd__RuleCondition c = HD__RULE_CONDITION__INIT;
		c.field = (char *)rows[i].field;
		c.operator_ = (char *)rows[i].op;
		c.value = (char *)rows[i].value;
		if (rt_cond_match(&c, f) != rows[i].want)
			fail_msg("%s %s '%s': want %d", rows[i].field,
				 rows[i].op, rows[i].value, rows[i].want);
	}
}

static void test_trigger_conditions(void **state)
{
	(void)state;
	fixture x;
	setup_fixture(&x);
	static const row rows[] = {
		{"update_type", "is", "Change", true},
		{"update_type", "is", "Create", false},
		{"update_type", "is_not", "Create", true},
		{"status", "is", "pending", true},
		{"status", "is_not", "pending", false},
		{"status", "less_than", "solved", true},
		{"status", "greater_than", "open", true},
		{"status", "greater_than", "pending", false},
		{"status", "changed", "", true},
		{"status", "not_changed", "", false},
		{"status", "value", "pending", true},
		{"status", "value", "open", false},
		{"status", "value_previous", "new", true},
		{"status", "not_value", "pending", false},
		{"status", "not_value_previous", "new", false},
		{"status", "not_value_previous", "open", true},
		{"priority", "is", "high", true},
		{"priority", "greater_than", "normal", true},
		{"priority", "less_than", "high", false},
		{"priority", "value_previous", "", true},
		{"type", "is", "question", true},
		{"type", "is_not", "task", true},
		{"group_id", "is", "3", true},
		{"group_id", "is", "", false},
		{"assignee_id", "is", "current_user", true},
		{"assignee_id", "value", "9", true},
		{"assignee_id", "not_changed", "", false},
		{"requester_id", "is", "5", true},
		{"requester_id", "changed", "", false},
		{"requester_id", "is", "current_user", false},
		{"organization_id", "is", "", true},
		{"ticket_form_id", "is_not", "", false},
		{"brand_id", "is", "", true},
		{"current_tags", "includes", "gold 배송", true},
		{"current_tags", "includes", "gold", false},
		{"current_tags", "not_includes", "gold", true},
		{"via_id", "is", "4", true},
		{"via_id", "is_not", "5", true},
		{"custom_fields_7", "is", "A-1", true},
		{"custom_fields_7", "is_not", "A-1", false},
		{"custom_fields_7", "present", "", true},
		{"custom_fields_7", "not_present", "", false},
		{"custom_fields_7", "changed", "", true},
		{"custom_fields_7", "value_previous", "", true},
		{"custom_fields_8", "not_present", "", true},
		{"comment_is_public", "is", "false", true},
		{"comment_is_public", "is", "true", false},
		{"comment_includes_word", "includes", "반품 환불", true},
		{"comment_includes_word", "includes", "반품", false},
		{"comment_includes_word", "not_includes", "반품", true},
		{"comment_includes_word", "is", "환불 승인", true},
		{"comment_includes_word", "is", "승인 환불", false},
		{"comment_includes_word", "is_not", "메모", false},
		{"subject_includes_word", "includes", "지연", true},
		{"subject_includes_word", "not_includes", "지연", false},
		{"role", "is", "agent", true},
		{"role", "is_not", "end_user", true},
		{"satisfaction_score", "is", "", true},
		{"satisfaction_score", "is_not", "good", true},
		{"locale_id", "is", "ko", true},
		{"locale_id", "is", "KO", true},
		{"locale_id", "is_not", "ko", false},
		{"locale_id", "is", "en-US", false},
		{"nope", "is", "1", false},
		{"status", "sounds_like", "new", false},
		{NULL, NULL, NULL, false},
	};
	run_rows(&x.f, rows);
}

static void test_create_and_no_comment(void **state)
{
	(void)state;
	fixture x;
	setup_fixture(&x);
	x.f.before = NULL;
	x.f.created = true;
	x.f.comment = NULL;
	static const row rows[] = {
		{"update_type", "is", "Create", true},
		{"status", "changed", "", true}, /* from nothing */
		{"status", "value_previous", "new", false},
		{"requester_id", "changed", "", true},
		{"comment_is_public", "is", "true", false},
		{"comment_is_public", "is", "false", false},
		{"comment_includes_word", "includes", "환불", false},
		{"comment_includes_word", "not_includes", "환불", true},
		{NULL, NULL, NULL, false},
	};
	run_rows(&x.f, rows);
}

static void test_time_conditions(void **state)
{
	(void)state;
	fixture x;
	setup_fixture(&x);
	x.f.before = NULL;
	static const row rows[] = {
		{"NEW", "is", "30", true},
		{"NEW", "greater_than", "29", true},
		{"NEW", "less_than", "30", false},
		{"PENDING", "is", "3", true},
		{"OPEN", "greater_than", "0", false}, /* not open */
		{"SOLVED", "less_than", "100", false},
		{"assigned_at", "is", "3", true},
		{"updated_at", "less_than", "3", true},
		{"requester_updated_at", "greater_than", "29", true},
		{"assignee_updated_at", "greater_than", "0", false}, /* never */
		{"until_due_date", "is", "5", true},
		{"until_due_date", "less_than", "5", false},
		{"due_date", "greater_than", "0", false},
		{NULL, NULL, NULL, false},
	};
	run_rows(&x.f, rows);
	x.f.now_ms = NOW + 7 * HOUR;
	static const row later[] = {
		{"due_date", "is", "1", true},
		{"until_due_date", "less_than", "0", true},
		{NULL, NULL, NULL, false},
	};
	run_rows(&x.f, later);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(rt_cond_valid("status", "value", "open", false));
	assert_false(rt_cond_valid("status", "value", "open", true));
	assert_false(rt_cond_valid("status", "is", "reopened", false));
	assert_true(rt_cond_valid("status", "changed", "", false));
	assert_false(rt_cond_valid("status", "includes", "open", false));
	assert_true(rt_cond_valid("SOLVED", "greater_than", "96", true));
	assert_false(rt_cond_valid("SOLVED", "greater_than", "96", false));
	assert_false(rt_cond_valid("SOLVED", "greater_than", "-1", true));
	assert_false(rt_cond_valid("SOLVED", "changed", "", true));
	assert_false(rt_cond_valid("update_type", "is", "Create", true));
	assert_false(rt_cond_valid("update_type", "is", "Delete", false));
	assert_false(rt_cond_valid("role", "is", "owner", false));
	assert_true(rt_cond_valid("via_id", "is", "29", false));
	assert_false(rt_cond_valid("via_id", "is", "999", false));
	assert_false(rt_cond_valid("group_id", "is", "current_user", false));
	assert_true(rt_cond_valid("assignee_id", "is", "current_user", false));
	assert_false(rt_cond_valid("custom_fields_0", "is", "1", false));
	assert_true(rt_cond_valid("custom_fields_7", "present", "", false));
	assert_false(rt_cond_valid("current_tags", "includes", "  ", false));
	assert_true(rt_cond_valid("locale_id", "is", "en-US", true));
	assert_false(rt_cond_valid("locale_id", "is", "", false));
	assert_false(rt_cond_valid("locale_id", "is", "ko<x>", false));
	assert_int_equal(rt_via_id("email"), 4);
	assert_int_equal(rt_via_id("pigeon"), -1);
}

static void test_all_and_any(void **state)
{
	(void)state;
	fixture x;
	setup_fixture(&x);
	Hd__RuleCondition a = HD__RULE_CONDITION__INIT,
			  b = HD__RULE_CONDITION__INIT;
	a.field = "status";
	a.operator_ = "is";
	a.value = "pending";
	b.field = "priority";
	b.operator_ = "is";
	b.value = "low";
	Hd__RuleCondition *all[] = {&a}, *any[] = {&b, &a};
	Hd__Rule r = HD__RULE__INIT;
	r.all = all;
	r.n_all = 1;
	assert_true(rt_conds_match(&r, &x.f));
	r.any = any;
	r.n_any = 1;
	assert_false(rt_conds_match(&r, &x.f)); /* any: priority low only */
	r.n_any = 2;
	assert_true(rt_conds_match(&r, &x.f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trigger_conditions),
		cmocka_unit_test(test_create_and_no_comment),
		cmocka_unit_test(test_time_conditions),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_all_and_any),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
