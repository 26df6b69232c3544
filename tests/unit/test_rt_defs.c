/* Unit tests for the rule builder's definitions (rt_cond_definitions,
 * rt_cond_custom_operators, rt_act_definitions): everything they offer is
 * accepted by the checks rules are saved with (rt_cond_valid,
 * rt_act_invalid), and every operator they leave out of a field is
 * refused — so the console's builder offers exactly the valid choices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rt_rules.h"
#include "alerts.pb-c.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "rt_cond.h"
#include "routing.h"
#include "hd/tokenize.h"
#include "unit.h"

/* A value of the kind the definition asks for, when it lists none. */
static const char *sample(const char *type)
{
	if (!strcmp(type, "hours"))
		return "24";
	if (!strcmp(type, "id"))
		return "5";
	if (!strcmp(type, "tags"))
		return "vip gold";
	return "환불";
}

static bool offered(json_t *ops, const char *op)
{
	size_t i;
	json_t *o;
	json_array_foreach(
		ops, i,
		o) if (!strcmp(json_string_value(json_object_get(o, "value")),
			       op)) return true;
	return false;
}

static void check_conditions(bool automation)
{
	json_t *defs = rt_cond_definitions(automation), *d;
	size_t i, n = 0;
	assert_non_null(defs);
	json_array_foreach(defs, i, d)
	{
		const char *sub =
			json_string_value(json_object_get(d, "subject"));
		const char *type =
			json_string_value(json_object_get(d, "type"));
		json_t *ops = json_object_get(d, "operators");
		json_t *vals = json_object_get(d, "values"), *o, *v;
		size_t k, m;
		assert_true(json_array_size(ops) > 0);
		json_array_foreach(ops, k, o)
		{
			const char *op =
				json_string_value(json_object_get(o, "value"));
			if (json_is_true(json_object_get(o, "terminal"))) {
				assert_true(
					rt_cond_valid(sub, op, "", automation));
				continue;
			}
			if (!json_array_size(vals) &&
			    !rt_cond_valid(sub, op, sample(type), automation))
				fail_msg("offered but invalid: %s %s '%s'", sub,
					 op, sample(type));
			json_array_foreach(vals, m, v)
			{
				const char *val = json_string_value(
					json_object_get(v, "value"));
				if (!rt_cond_valid(sub, op, val, automation))
					fail_msg("offered but invalid: %s %s "
						 "'%s'",
						 sub, op, val);
			}
		}
		/* what is left out is refused whatever the value */
		for (k = 0; rt_cond_op_names[k]; k++)
			if (!offered(ops, rt_cond_op_names[k]) &&
			    rt_cond_valid(sub, rt_cond_op_names[k],
					  sample(type), automation))
				fail_msg("valid but not offered: %s %s", sub,
					 rt_cond_op_names[k]);
		n++;
	}
	assert_true(n > 10);
	json_decref(defs);
}

static void test_trigger_conditions_offered(void **state)
{
	(void)state;
	check_conditions(false);
	json_t *defs = rt_cond_definitions(false);
	char *text = json_dumps(defs, 0);
	/* triggers see update_type, never the time fields */
	assert_non_null(strstr(text, "\"update_type\""));
	assert_null(strstr(text, "\"NEW\""));
	free(text);
	json_decref(defs);
}

static void test_automation_conditions_offered(void **state)
{
	(void)state;
	check_conditions(true);
	json_t *defs = rt_cond_definitions(true);
	char *text = json_dumps(defs, 0);
	assert_non_null(strstr(text, "\"SOLVED\""));
	assert_null(strstr(text, "\"update_type\""));
	assert_null(strstr(text, "\"changed\""));
	free(text);
	json_decref(defs);
}

static void test_custom_operators(void **state)
{
	(void)state;
	for (int a = 0; a < 2; a++) {
		json_t *ops = rt_cond_custom_operators(a), *o;
		size_t i;
		assert_true(json_array_size(ops) >= 4);
		json_array_foreach(ops, i, o) assert_true(rt_cond_valid(
			"custom_fields_7",
			json_string_value(json_object_get(o, "value")),
			"refund", a));
		assert_int_equal(offered(ops, "value"), !a);
		json_decref(ops);
	}
}

/* A value for an action definition, as the builder would send it. */
static json_t *action_value(const char *sub, const char *type, json_t *vals)
{
	const char *first = json_string_value(
		json_object_get(json_array_get(vals, 0), "value"));
	if (!strcmp(type, "notification"))
		return json_pack("[s, s, s]",
				 first ? first
				 : strcmp(sub, "notification_group")
					 ? "5"
					 : "group_id",
				 "제목", "본문");
	if (!strcmp(type, "webhook"))
		return json_pack("[s, s]", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "{}");
	return json_string(first ? first : sample(type));
}

static void test_actions_offered(void **state)
{
	(void)state;
	json_t *defs = rt_act_definitions(), *d;
	size_t i;
	assert_true(json_array_size(defs) >= 10);
	json_array_foreach(defs, i, d)
	{
		const char *sub =
			json_string_value(json_object_get(d, "subject"));
		const char *type =
			json_string_value(json_object_get(d, "type"));
		json_t *vals = json_object_get(d, "values"), *v;
		size_t k;
		json_t *one = action_value(sub, type, vals);
		const char *why = rt_act_invalid(sub, one);
		if (why)
			fail_msg("offered but invalid: %s (%s)", sub, why);
		json_decref(one);
		json_array_foreach(vals, k, v)
		{
			if (!strcmp(type, "notification"))
				continue; /* recipients, checked above */
			why = rt_act_invalid(sub, json_object_get(v, "value"));
			if (why)
				fail_msg("offered but invalid: %s = %s (%s)",
					 sub,
					 json_string_value(
						 json_object_get(v, "value")),
					 why);
		}
	}
	json_decref(defs);
}

/* rules.save's check (rt_rule_apply): only the fields the request names
 * are copied, each refusal names its field and index. */
static void test_rule_apply(void **state)
{
	(void)state;
	Hd__RuleCondition c = HD__RULE_CONDITION__INIT, *all[] = {&c};
	Hd__RuleValue v = HD__RULE_VALUE__INIT;
	Hd__RuleAction a = HD__RULE_ACTION__INIT, *acts[] = {&a};
	Hd__Rule in = HD__RULE__INIT;
	Hd__RuleSaveRequest sr = HD__RULE_SAVE_REQUEST__INIT;
	char *fields[] = {"title", "all", "actions", "position"};
	c.field = "status";
	c.operator_ = "is";
	c.value = "new";
	v.kind = HD__RULE_VALUE__KIND__VALUE_TEXT;
	v.text = "urgent";
	a.field = "priority";
	a.value = &v;
	in.title = "긴급";
	in.description = "not named: kept";
	in.position = 7;
	in.all = all;
	in.n_all = 1;
	in.actions = acts;
	in.n_actions = 1;
	sr.kind = "trigger";
	sr.rule = &in;
	sr.fields = fields;
	sr.n_fields = 4;
	Hd__Rule *r = hd_pb_new(&hd__rule__descriptor);
	assert_non_null(r);
	assert_hd_ok(hd_pb_set_string(&r->kind, "trigger"));
	assert_hd_ok(hd_pb_set_string(&r->description, "stored"));
	hd_rpc_rep rep;
	memset(&rep, 0, sizeof rep);
	assert_hd_ok(rt_rule_apply(&sr, r, &rep));
	assert_string_equal(r->title, "긴급");
	assert_string_equal(r->description, "stored");
	assert_int_equal(r->position, 7);
	assert_int_equal(r->n_all, 1);
	assert_string_equal(r->actions[0]->value->text, "urgent");
	/* a value the field does not allow, named with its index */
	v.text = "very";
	assert_hd_rc(rt_rule_apply(&sr, r, &rep), HD_E_INVALID);
	assert_string_equal(rep.field, "actions");
	assert_non_null(strstr(rep.message, "actions[0]"));
	v.text = "urgent";
	c.value = "reopened";
	assert_hd_rc(rt_rule_apply(&sr, r, &rep), HD_E_INVALID);
	assert_non_null(strstr(rep.message, "conditions.all[0]"));
	c.value = "new";
	in.position = 2000000;
	assert_hd_rc(rt_rule_apply(&sr, r, &rep), HD_E_INVALID);
	assert_string_equal(rep.field, "position");
	in.position = 1;
	fields[3] = "owner";
	assert_hd_rc(rt_rule_apply(&sr, r, &rep), HD_E_INVALID);
	assert_string_equal(rep.field, "fields");
	hd_buf_release(&rep.payload);
	hd__rule__free_unpacked(r, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trigger_conditions_offered),
		cmocka_unit_test(test_automation_conditions_offered),
		cmocka_unit_test(test_custom_operators),
		cmocka_unit_test(test_actions_offered),
		cmocka_unit_test(test_rule_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
