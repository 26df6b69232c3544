/* Unit tests for common/ticket_patch.c: the "ticket" object to a typed
 * hd.TicketPatch (JSON types checked, values left to intake), the keys it
 * does not take, and via's source kept in each channel's shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/ticket_patch.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

/* Fill a patch from text; rc is what the filler answered. */
static Hd__TicketPatch *fill(const char *text, int *rc, hd_patch_err *err)
{
	json_t *obj = json_loads(text, 0, NULL);
	assert_non_null(obj);
	Hd__TicketPatch *p = hd_ticket_patch_new();
	assert_non_null(p);
	memset(err, 0, sizeof *err);
	*rc = hd_ticket_patch_from_json(obj, p, err);
	json_decref(obj);
	return p;
}

static void test_typed_fields_and_the_list_of_set_ones(void **state)
{
	(void)state;
	hd_patch_err err;
	int rc;
	Hd__TicketPatch *p = fill(
		"{\"subject\":\"배송 문의\",\"status\":\"pending\","
		"\"priority\":null,\"type\":\"task\",\"assignee_id\":7,"
		"\"due_at\":\"2026-01-02T03:04:05Z\",\"tags\":[\"A\",\"b\"],"
		"\"custom_fields\":[{\"id\":5,\"value\":1.5},{\"id\":6,"
		"\"value\":[\"x\"]}],\"comment\":{\"body\":\"안녕\","
		"\"public\":false},\"email_ccs\":[{\"user_id\":9,"
		"\"action\":\"delete\"}],\"safe_update\":true,"
		"\"updated_stamp\":\"2026-01-01T00:00:00Z\",\"color\":1}",
		&rc, &err);
	assert_int_equal(rc, HD_OK);
	assert_string_equal(p->subject, "배송 문의");
	assert_int_equal(p->status, HD__TICKET_STATUS__STATUS_PENDING);
	assert_int_equal(p->priority, HD__TICKET_PRIORITY__PRIORITY_UNSET);
	assert_true(hd_patch_has(p, "priority")); /* null is a value */
	assert_false(hd_patch_has(p, "group_id"));
	assert_int_equal(p->type, HD__TICKET_TYPE__TYPE_TASK);
	assert_int_equal(p->assignee_id, 7);
	assert_int_equal(p->due_at, 1767323045000LL);
	assert_int_equal(p->n_tags, 2); /* lower case and syntax: intake's */
	assert_string_equal(p->tags[0], "A");
	assert_int_equal(p->n_custom_fields, 2);
	assert_string_equal(p->custom_fields[0]->text, "1.5");
	assert_string_equal(p->custom_fields[1]->kind, "tags");
	assert_string_equal(p->comment->body, "안녕");
	assert_true(p->comment->has_public);
	assert_false(p->comment->public_);
	assert_int_equal(p->n_email_ccs, 1);
	assert_true(p->email_ccs[0]->remove);
	assert_true(p->safe_update);
	assert_string_equal(p->updated_stamp, "2026-01-01T00:00:00Z");
	assert_int_equal(p->n_unpermitted, 1);
	assert_string_equal(p->unpermitted[0], "color");
	hd_ticket_patch_free(p);
}

static void test_wrong_types_name_the_field(void **state)
{
	(void)state;
	static const struct {
		const char *text, *field;
	} bad[] = {
		{"{\"status\":\"later\"}", "status"},
		{"{\"status\":3}", "status"},
		{"{\"assignee_id\":-1}", "assignee_id"},
		{"{\"tags\":\"a b\"}", "tags"},
		{"{\"tags\":[1]}", "tags"},
		{"{\"due_at\":\"tomorrow\"}", "due_at"},
		{"{\"comment\":{\"body\":5}}", "comment"},
		{"{\"custom_fields\":[{\"id\":0}]}", "custom_fields"},
		{"{\"custom_fields\":[{\"id\":1,\"value\":{}}]}",
		 "custom_fields"},
		{"{\"via\":{\"channel\":\"pigeon\"}}", "via"},
		{"{\"via\":{\"source\":{\"from\":1}}}", "via"},
		{"{\"followers\":[{\"user_id\":\"x\"}]}", "followers"},
		{"{\"satisfaction_rating\":{\"score\":1}}",
		 "satisfaction_rating"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hd_patch_err err;
		int rc;
		Hd__TicketPatch *p = fill(bad[i].text, &rc, &err);
		if (rc != HD_E_INVALID || strcmp(err.field, bad[i].field))
			fail_msg("%s: rc %s field '%s'", bad[i].text,
				 hd_errname(rc), err.field);
		assert_non_null(strstr(err.message, bad[i].field));
		hd_ticket_patch_free(p);
	}
}

/* The stored via source keeps the keys each channel gave, in order. */
static void test_via_source_keeps_its_shape(void **state)
{
	(void)state;
	static const char *const shapes[] = {
		"{\"from\":{\"address\":\"a@example.com\",\"name\":null},"
		"\"to\":{\"address\":\"help@example.com\",\"name\":\"도움\"},"
		"\"rel\":null}",
		"{\"rel\":\"sla_escalation\",\"from\":{\"id\":3,\"title\":"
		"\"기본\",\"metric\":\"first_reply_time\",\"on\":\"breach\"}}",
		"{\"from\":{\"name\":\"손님\",\"chat_id\":\"c-1\"},\"to\":{},"
		"\"rel\":\"chat\"}",
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		json_t *src = json_loads(shapes[i], 0, NULL);
		json_t *via = json_pack("{s:s, s:O}", "channel", "email",
					"source", src);
		Hd__Via *v = hd_via_new();
		hd_patch_err err;
		assert_int_equal(hd_via_from_json(via, v, &err), HD_OK);
		assert_int_equal(v->channel, HD__VIA_CHANNEL__VIA_EMAIL);
		char *text = hd_via_source_text(v);
		assert_non_null(text);
		char *want = json_dumps(src, JSON_COMPACT);
		assert_string_equal(text, want);
		free(want);
		free(text);
		hd__via__free_unpacked(v, NULL);
		json_decref(via);
		json_decref(src);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typed_fields_and_the_list_of_set_ones),
		cmocka_unit_test(test_wrong_types_name_the_field),
		cmocka_unit_test(test_via_source_keeps_its_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
