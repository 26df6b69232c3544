/* Zendesk's trigger / automation object into hd.RuleSaveRequest (see
 * gw_rules.h): one row per key in readers[]. */
#include "gw_rules.h"

#include "hd/err.h"
#include "hd/rule_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More than routing allows (64), so routing says how many are allowed;
 * this only bounds the memory a request takes. */
#define MAX_LIST 1000

typedef struct reader_ctx {
	json_t *obj;
	const char *kind;
	gw_rule_input *in;
	Hd__RuleSaveRequest *sr;
	size_t used; /* conditions taken from in->conds */
	gw_resp *out;
} reader_ctx;

static void set(reader_ctx *x, const char *name)
{
	Hd__RuleSaveRequest *sr = x->sr;
	if (sr->n_fields < sizeof x->in->fields / sizeof x->in->fields[0])
		x->in->fields[sr->n_fields++] = (char *)name;
}

static int read_text(reader_ctx *x, json_t *v, const char *key, char **to)
{
	if (!json_is_string(v) && !json_is_null(v))
		return gw_invalidf(x->out, key, "%s: must be a string", key);
	*to = json_is_string(v) ? (char *)json_string_value(v) : "";
	set(x, key);
	return HD_OK;
}

static int read_title(reader_ctx *x, json_t *v)
{
	return read_text(x, v, "title", &x->in->rule.title);
}

static int read_description(reader_ctx *x, json_t *v)
{
	return read_text(x, v, "description", &x->in->rule.description);
}

static int read_active(reader_ctx *x, json_t *v)
{
	if (!json_is_boolean(v))
		return gw_invalidf(x->out, "active",
				   "active: must be true or false");
	x->in->rule.active = json_is_true(v);
	set(x, "active");
	return HD_OK;
}

static int read_position(reader_ctx *x, json_t *v)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > UINT32_MAX)
		return gw_invalidf(x->out, "position",
				   "position: must be a whole number from 0");
	x->in->rule.position = (uint32_t)json_integer_value(v);
	set(x, "position");
	return HD_OK;
}

/* A condition value (or category id) as text: strings as given, numbers
 * and booleans as Zendesk clients send them, null as "". */
static bool value_text(json_t *v, char *buf, size_t cap, char **out)
{
	if (!v || json_is_null(v))
		*out = "";
	else if (json_is_string(v))
		*out = (char *)json_string_value(v);
	else if (json_is_integer(v) && json_integer_value(v) >= 0)
		snprintf(*out = buf, cap, "%lld",
			 (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		*out = json_is_true(v) ? "true" : "false";
	else
		return false;
	return true;
}

static int read_category(reader_ctx *x, json_t *v)
{
	gw_rule_input *in = x->in;
	if (!value_text(v, in->category, sizeof in->category,
			&in->rule.category_id))
		return gw_invalidf(x->out, "category_id",
				   "category_id: must be an id");
	set(x, "category_id");
	return HD_OK;
}

/* One list of conditions (which: "all" | "any"). */
static int read_list(reader_ctx *x, json_t *list, const char *which)
{
	gw_rule_input *in = x->in;
	bool any = which[1] == 'n';
	size_t n = json_array_size(list), i;
	json_t *c;
	if (list && !json_is_array(list))
		return gw_invalidf(x->out, "conditions",
				   "conditions: %s must be an array of {field, "
				   "operator, value}",
				   which);
	if (x->used + n > 2 * MAX_LIST)
		return gw_invalidf(x->out, "conditions",
				   "conditions: %s has more than 64 conditions",
				   which);
	Hd__RuleCondition **ptrs = in->cond_ptrs + x->used;
	json_array_foreach(list, i, c)
	{
		Hd__RuleCondition *cond = &in->conds[x->used];
		const char *f = json_string_value(json_object_get(c, "field"));
		const char *op =
			json_string_value(json_object_get(c, "operator"));
		hd__rule_condition__init(cond);
		if (!f || !op ||
		    !value_text(json_object_get(c, "value"),
				in->numbers + x->used * 24, 24, &cond->value))
			return gw_invalidf(
				x->out, "conditions",
				"conditions.%s[%zu]: is not a valid %s "
				"condition",
				which, i, x->kind);
		cond->field = (char *)f;
		cond->operator_ = (char *)op;
		in->cond_ptrs[x->used++] = cond;
	}
	if (any) {
		in->rule.any = ptrs;
		in->rule.n_any = n;
	} else {
		in->rule.all = ptrs;
		in->rule.n_all = n;
	}
	set(x, any ? "any" : "all");
	return HD_OK;
}

static int read_conditions(reader_ctx *x, json_t *v)
{
	if (!json_is_object(v))
		return gw_invalidf(
			x->out, "conditions",
			"conditions: must be {\"all\":[…],\"any\":[…]}");
	int rc = read_list(x, json_object_get(v, "all"), "all");
	return rc ? rc : read_list(x, json_object_get(v, "any"), "any");
}

/* Top-level all / any count only without a conditions object. */
static int read_all(reader_ctx *x, json_t *v)
{
	return json_object_get(x->obj, "conditions") ? HD_OK
						     : read_list(x, v, "all");
}

static int read_any(reader_ctx *x, json_t *v)
{
	return json_object_get(x->obj, "conditions") ? HD_OK
						     : read_list(x, v, "any");
}

static int read_actions(reader_ctx *x, json_t *list)
{
	gw_rule_input *in = x->in;
	size_t n = json_array_size(list), i;
	json_t *a;
	if (!json_is_array(list) || n > MAX_LIST)
		return gw_invalidf(
			x->out, "actions",
			"actions: must be an array of at most 64 {field, "
			"value}");
	in->actions = calloc(n + 1, sizeof *in->actions);
	in->action_ptrs = calloc(n + 1, sizeof *in->action_ptrs);
	in->values = calloc(n + 1, sizeof *in->values);
	if (!in->actions || !in->action_ptrs || !in->values)
		return gw_from_err(x->out, HD_E_NOMEM, "out of memory");
	json_array_foreach(list, i, a)
	{
		const char *f = json_string_value(json_object_get(a, "field"));
		if (!f)
			return gw_invalidf(x->out, "actions",
					   "actions[%zu]: needs a field name",
					   i);
		int rc = hd_rule_value_from_json(json_object_get(a, "value"),
						 &in->values[i]);
		if (rc == HD_E_INVALID)
			return gw_invalidf(
				x->out, "actions",
				"actions[%zu]: must be text, a number, "
				"true/false, null or a list of those",
				i);
		if (rc)
			return gw_from_err(x->out, rc, "out of memory");
		in->nvalues = i + 1;
		hd__rule_action__init(&in->actions[i]);
		in->actions[i].field = (char *)f;
		in->actions[i].value = in->values[i];
		in->action_ptrs[i] = &in->actions[i];
	}
	in->rule.actions = in->action_ptrs;
	in->rule.n_actions = n;
	set(x, "actions");
	return HD_OK;
}

static const struct {
	const char *key;
	int (*read)(reader_ctx *x, json_t *v);
} readers[] = {
	{"title", read_title},
	{"description", read_description},
	{"active", read_active},
	{"position", read_position},
	{"category_id", read_category},
	{"conditions", read_conditions},
	{"all", read_all},
	{"any", read_any},
	{"actions", read_actions},
};

int gw_rule_read(json_t *obj, const char *kind, gw_rule_input *in,
		 Hd__RuleSaveRequest *sr, gw_resp *out)
{
	reader_ctx x = {obj, kind, in, sr, 0, out};
	memset(in, 0, sizeof *in);
	hd__rule__init(&in->rule);
	in->conds = calloc(2 * MAX_LIST, sizeof *in->conds);
	in->cond_ptrs = calloc(2 * MAX_LIST, sizeof *in->cond_ptrs);
	in->numbers = calloc(2 * MAX_LIST, 24);
	if (!in->conds || !in->cond_ptrs || !in->numbers)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	if (!json_is_object(obj))
		return gw_invalidf(out, kind, "%s: must be an object", kind);
	sr->rule = &in->rule;
	sr->fields = in->fields;
	sr->n_fields = 0;
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < sizeof readers / sizeof readers[0]; i++) {
		json_t *v = json_object_get(obj, readers[i].key);
		if (v)
			rc = readers[i].read(&x, v);
	}
	return rc;
}

void gw_rule_input_release(gw_rule_input *in)
{
	for (size_t i = 0; i < in->nvalues; i++)
		hd__rule_value__free_unpacked(in->values[i], NULL);
	free(in->values);
	free(in->actions);
	free(in->action_ptrs);
	free(in->conds);
	free(in->cond_ptrs);
	free(in->numbers);
	memset(in, 0, sizeof *in);
}
