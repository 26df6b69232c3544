/* Unit tests for action values (common/rule_value.c): every JSON value
 * Zendesk sends maps to hd.RuleValue and back unchanged, objects and
 * nested lists are refused, and rules and macros stored when the value was
 * JSON text (field 2) read back typed, once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/rule_value.h"
#include "macros.pb-c.h"
#include "unit.h"

/* text → RuleValue → packed → unpacked → JSON text. */
static char *round_trip(const char *text)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(j);
	Hd__RuleValue *v = NULL;
	assert_hd_ok(hd_rule_value_from_json(j, &v));
	json_decref(j);
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	assert_hd_ok(hd_pb_pack(&b, v));
	hd__rule_value__free_unpacked(v, NULL);
	v = hd__rule_value__unpack(NULL, b.len, (const uint8_t *)b.data);
	hd_buf_release(&b);
	assert_non_null(v);
	json_t *back = hd_rule_value_json(v);
	hd__rule_value__free_unpacked(v, NULL);
	char *s = json_dumps(back, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(back);
	return s;
}

static void test_round_trip(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"\"open\"",
		"\"\"",
		"\"한국어 태그\"",
		"12",
		"-3",
		"1.5",
		"true",
		"false",
		"null",
		"[]",
		"[\"requester_id\",\"제목\",\"본문 {{ticket.id}}\"]",
		"[12,\"subject\",null,true]",
		"-9223372036854775808",
		"0.25",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = round_trip(cases[i]);
		assert_string_equal(s, cases[i]);
		free(s);
	}
}

static void test_refused(void **state)
{
	(void)state;
	static const char *const cases[] = {"{\"a\":1}", "[[\"a\"]]",
					    "[{\"a\":1}]"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = json_loads(cases[i], JSON_DECODE_ANY, NULL);
		Hd__RuleValue *v = (Hd__RuleValue *)1;
		assert_hd_rc(hd_rule_value_from_json(j, &v), HD_E_INVALID);
		assert_null(v);
		json_decref(j);
	}
}

/* A record written before hd.RuleValue: the action's field 2 holds the
 * value as JSON text. */
static void pack_old_action(hd_buf *b, const char *field, const char *json)
{
	Hd__MacroAction a = HD__MACRO_ACTION__INIT;
	a.field = (char *)field;
	assert_hd_ok(hd_pb_pack(b, &a));
	assert_hd_ok(hd_pb_put_bytes(b, 2, json, strlen(json)));
}

static void test_upgrade_rule(void **state)
{
	(void)state;
	hd_buf act, rule;
	hd_buf_init(&act, 1 << 16);
	hd_buf_init(&rule, 1 << 16);
	pack_old_action(&act, "set_tags", "\"vip 긴급\"");
	Hd__Rule r = HD__RULE__INIT;
	r.id = 9;
	r.kind = "trigger";
	assert_hd_ok(hd_pb_pack(&rule, &r));
	assert_hd_ok(hd_pb_put_bytes(&rule, 9, act.data, act.len));
	Hd__Rule *got =
		hd__rule__unpack(NULL, rule.len, (const uint8_t *)rule.data);
	assert_non_null(got);
	assert_int_equal(got->n_actions, 1);
	assert_null(got->actions[0]->value);
	bool changed = false;
	assert_hd_ok(hd_rule_upgrade(&got->base, &changed));
	assert_true(changed);
	assert_non_null(got->actions[0]->value);
	assert_int_equal(got->actions[0]->value->kind,
			 HD__RULE_VALUE__KIND__VALUE_TEXT);
	assert_string_equal(got->actions[0]->value->text, "vip 긴급");
	assert_int_equal(got->actions[0]->base.n_unknown_fields, 0);
	assert_hd_ok(hd_rule_upgrade(&got->base, &changed));
	assert_false(changed);
	hd__rule__free_unpacked(got, NULL);
	hd_buf_release(&act);
	hd_buf_release(&rule);
}

static void test_upgrade_macro_action(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	pack_old_action(&b, "comment_value",
			"[\"channel:all\",\"안녕하세요\"]");
	Hd__MacroAction *a =
		hd__macro_action__unpack(NULL, b.len, (const uint8_t *)b.data);
	assert_non_null(a);
	bool changed = false;
	assert_hd_ok(hd_rule_value_upgrade(&a->base, &a->value, &changed));
	assert_true(changed);
	assert_int_equal(a->value->kind, HD__RULE_VALUE__KIND__VALUE_LIST);
	assert_int_equal(a->value->n_items, 2);
	assert_string_equal(a->value->items[1]->text, "안녕하세요");
	hd__macro_action__free_unpacked(a, NULL);
	/* old text that is not JSON is reported, not guessed at */
	hd_buf_release(&b);
	hd_buf_init(&b, 1 << 16);
	pack_old_action(&b, "status", "{not json");
	a = hd__macro_action__unpack(NULL, b.len, (const uint8_t *)b.data);
	assert_non_null(a);
	assert_hd_rc(hd_rule_value_upgrade(&a->base, &a->value, NULL),
		     HD_E_CORRUPT);
	hd__macro_action__free_unpacked(a, NULL);
	hd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_upgrade_rule),
		cmocka_unit_test(test_upgrade_macro_action),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
