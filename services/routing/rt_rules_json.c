/* A trigger or automation from Zendesk's JSON (API.md §7): conditions as
 * {"all":[…],"any":[…]} (or top-level all/any), actions [{field,value}].
 * Every condition and action is checked here, naming its index. */
#include "rt_rules.h"

#include "hd/err.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONDITIONS 64
#define MAX_ACTIONS    64
#define MAX_TITLE      255
#define MAX_TEXT       65536

#define invalid(rep, field, ...)                                               \
	hd_rpc_fail(rep, HD_E_INVALID, field, __VA_ARGS__)

static bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n <= max && hd_utf8_valid(s, n);
}

/* A condition's value as text: strings as given, numbers and booleans as
 * Zendesk clients send them, null as "". */
static bool value_text(const json_t *v, char *buf, size_t cap, const char **out)
{
	if (!v || json_is_null(v))
		*out = "";
	else if (json_is_string(v))
		*out = json_string_value(v);
	else if (json_is_integer(v) && json_integer_value(v) >= 0)
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v)),
			*out = buf;
	else if (json_is_boolean(v))
		*out = json_is_true(v) ? "true" : "false";
	else
		return false;
	return text_ok(*out, 1024);
}

static Hd__RuleCondition *new_cond(const char *f, const char *op, const char *v)
{
	Hd__RuleCondition *c = malloc(sizeof *c);
	if (!c)
		return NULL;
	hd__rule_condition__init(c);
	if (hd_pb_set_string(&c->field, f) ||
	    hd_pb_set_string(&c->operator_, op) ||
	    hd_pb_set_string(&c->value, v)) {
		hd__rule_condition__free_unpacked(c, NULL);
		return NULL;
	}
	return c;
}

static void free_conds(Hd__RuleCondition **c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hd__rule_condition__free_unpacked(c[i], NULL);
	free(c);
}

/* Read one list (all or any) into *out; which: its name in messages. */
static int read_conds(const json_t *list, bool automation, const char *which,
		      Hd__RuleCondition ***out, size_t *n, hd_rpc_rep *rep)
{
	char where[48];
	if (list && !json_is_array(list))
		return invalid(rep, "conditions",
			       "conditions: %s must be "
			       "an array of {field, operator, value}",
			       which);
	size_t count = json_array_size(list), i;
	if (count > MAX_CONDITIONS)
		return invalid(rep, "conditions",
			       "conditions: %s has more "
			       "than 64 conditions",
			       which);
	Hd__RuleCondition **c = calloc(count ? count : 1, sizeof *c);
	if (!c)
		return HD_E_NOMEM;
	json_t *x;
	int rc = HD_OK;
	json_array_foreach(list, i, x)
	{
		const char *f = json_string_value(json_object_get(x, "field"));
		const char *op =
			json_string_value(json_object_get(x, "operator"));
		const char *v = NULL;
		char num[24];
		snprintf(where, sizeof where, "%s[%zu]", which, i);
		if (!f || !op ||
		    !value_text(json_object_get(x, "value"), num, sizeof num,
				&v) ||
		    !rt_cond_valid(f, op, v, automation)) {
			rc = invalid(rep, "conditions",
				     "conditions.%s: is not a valid %s "
				     "condition",
				     where,
				     automation ? "automation" : "trigger");
			break;
		}
		if (!(c[i] = new_cond(f, op, v))) {
			rc = HD_E_NOMEM;
			break;
		}
	}
	if (rc) {
		free_conds(c, count);
		return rc;
	}
	*out = c;
	*n = count;
	return HD_OK;
}

static int set_conds(Hd__Rule *r, const json_t *list, bool any, hd_rpc_rep *rep)
{
	bool automation = !strcmp(r->kind, "automation");
	Hd__RuleCondition **c = NULL;
	size_t n = 0;
	int rc = read_conds(list, automation, any ? "any" : "all", &c, &n, rep);
	if (rc)
		return rc;
	free_conds(any ? r->any : r->all, any ? r->n_any : r->n_all);
	if (any) {
		r->any = c;
		r->n_any = n;
	} else {
		r->all = c;
		r->n_all = n;
	}
	return HD_OK;
}

static int read_conditions(json_t *obj, Hd__Rule *r, hd_rpc_rep *rep)
{
	json_t *conds = json_object_get(obj, "conditions");
	json_t *all = json_object_get(obj, "all");
	json_t *any = json_object_get(obj, "any");
	int rc = HD_OK;
	if (conds && !json_is_object(conds))
		return invalid(rep, "conditions",
			       "conditions: must be {\"all\":[…],\"any\""
			       ":[…]}");
	if (conds) {
		all = json_object_get(conds, "all");
		any = json_object_get(conds, "any");
		rc = set_conds(r, all, false, rep);
		return rc ? rc : set_conds(r, any, true, rep);
	}
	if (all)
		rc = set_conds(r, all, false, rep);
	if (!rc && any)
		rc = set_conds(r, any, true, rep);
	return rc;
}

static void free_actions(Hd__Rule *r)
{
	for (size_t i = 0; i < r->n_actions; i++)
		hd__rule_action__free_unpacked(r->actions[i], NULL);
	free(r->actions);
	r->actions = NULL;
	r->n_actions = 0;
}

static int read_actions(const json_t *list, Hd__Rule *r, hd_rpc_rep *rep)
{
	char where[24];
	if (!json_is_array(list) || json_array_size(list) > MAX_ACTIONS)
		return invalid(rep, "actions",
			       "actions: must be an array of "
			       "at most 64 {field, value}");
	size_t n = json_array_size(list), i;
	Hd__RuleAction **a = calloc(n ? n : 1, sizeof *a);
	if (!a)
		return HD_E_NOMEM;
	json_t *x;
	int rc = HD_OK;
	json_array_foreach(list, i, x)
	{
		const char *f = json_string_value(json_object_get(x, "field"));
		json_t *v = json_object_get(x, "value");
		const char *why =
			f ? rt_act_invalid(f, v) : "needs a field name";
		char *text =
			why ? NULL
			    : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		snprintf(where, sizeof where, "[%zu]", i);
		if (!why && (!text || strlen(text) > MAX_TEXT))
			why = "is too large";
		if (!why && (a[i] = malloc(sizeof *a[i]))) {
			hd__rule_action__init(a[i]);
			int vrc = hd_pb_set_string(&a[i]->field, f);
			if (!vrc)
				vrc = hd_rule_value_from_json(v, &a[i]->value);
			if (vrc == HD_E_INVALID)
				why = "must be text, a number, true/false, "
				      "null or a list of those";
			if (vrc) {
				hd__rule_action__free_unpacked(a[i], NULL);
				a[i] = NULL;
			}
		}
		free(text);
		if (why) {
			rc = invalid(rep, "actions", "actions%s: %s", where,
				     why);
			break;
		}
		if (!a[i]) {
			rc = HD_E_NOMEM;
			break;
		}
	}
	if (rc) {
		for (size_t k = 0; k < n; k++)
			hd__rule_action__free_unpacked(a[k], NULL);
		free(a);
		return rc;
	}
	free_actions(r);
	r->actions = a;
	r->n_actions = n;
	return HD_OK;
}

static int read_text(json_t *obj, const char *key, size_t max, char **field,
		     hd_rpc_rep *rep)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return HD_OK;
	if (!json_is_string(v) && !json_is_null(v))
		return invalid(rep, key, "%s: must be a string", key);
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	if (!text_ok(s, max))
		return invalid(rep, key, "%s: is too long or not UTF-8", key);
	return hd_pb_set_string(field, s);
}

static int read_scalars(json_t *obj, Hd__Rule *r, hd_rpc_rep *rep)
{
	json_t *active = json_object_get(obj, "active");
	json_t *pos = json_object_get(obj, "position");
	json_t *cat = json_object_get(obj, "category_id");
	if (active && !json_is_boolean(active))
		return invalid(rep, "active",
			       "active: must be true or "
			       "false");
	if (pos && (!json_is_integer(pos) || json_integer_value(pos) < 0 ||
		    json_integer_value(pos) > 1000000))
		return invalid(rep, "position",
			       "position: must be a whole "
			       "number from 0");
	if (active)
		r->active = json_is_true(active);
	if (pos)
		r->position = (uint32_t)json_integer_value(pos);
	if (cat) {
		char num[24];
		const char *s = NULL;
		if (!value_text(cat, num, sizeof num, &s) || strlen(s) > 64)
			return invalid(rep, "category_id",
				       "category_id: must "
				       "be an id");
		int rc = hd_pb_set_string(&r->category_id, s);
		if (rc)
			return rc;
	}
	int rc = read_text(obj, "title", MAX_TITLE, &r->title, rep);
	if (!rc)
		rc = read_text(obj, "description", MAX_TEXT, &r->description,
			       rep);
	return rc;
}

static bool has_time_condition(const Hd__Rule *r)
{
	for (size_t i = 0; i < r->n_all; i++)
		if (!rt_cond_valid(r->all[i]->field, r->all[i]->operator_,
				   r->all[i]->value, false))
			return true; /* valid only in automations: a time */
	return false;
}

int rt_rule_from_json(json_t *obj, Hd__Rule *r, bool creating, hd_rpc_rep *rep)
{
	if (!json_is_object(obj))
		return invalid(rep, r->kind, "%s: must be an object", r->kind);
	int rc = read_scalars(obj, r, rep);
	if (!rc)
		rc = read_conditions(obj, r, rep);
	json_t *actions = json_object_get(obj, "actions");
	if (!rc && (actions || creating))
		rc = read_actions(actions, r, rep);
	if (rc)
		return rc;
	size_t n = strlen(r->title);
	if (n == 0 || strspn(r->title, " \t\r\n") == n)
		return invalid(rep, "title", "title: cannot be blank");
	if (r->n_all + r->n_any == 0)
		return invalid(rep, "conditions",
			       "conditions: at least one "
			       "condition is needed");
	if (r->n_actions == 0)
		return invalid(rep, "actions",
			       "actions: at least one action "
			       "is needed");
	if (!strcmp(r->kind, "automation") && !has_time_condition(r))
		return invalid(rep, "conditions",
			       "conditions: an automation "
			       "needs a time condition in all (NEW, SOLVED, "
			       "updated_at, …)");
	return HD_OK;
}
