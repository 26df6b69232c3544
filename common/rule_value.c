/* hd.RuleValue and JSON; see hd/rule_value.h. */
#include "hd/rule_value.h"

#include "hd/err.h"
#include "hd/pb_unknown.h"
#include "hd/store_pb.h"
#include "hd/cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *number_json(const char *text)
{
	uint64_t u;
	if (text[0] == '-' && hd_parse_u64(text + 1, &u) == HD_OK &&
	    u <= (uint64_t)INT64_MAX + 1)
		return json_integer(u > (uint64_t)INT64_MAX ? INT64_MIN
							    : -(json_int_t)u);
	if (hd_parse_u64(text, &u) == HD_OK && u <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)u);
	return json_real(strtod(text, NULL));
}

static json_t *scalar_json(const Hd__RuleValue *v)
{
	switch (v->kind) {
	case HD__RULE_VALUE__KIND__VALUE_TEXT:
		return json_string(v->text);
	case HD__RULE_VALUE__KIND__VALUE_NUMBER:
		return number_json(v->text);
	case HD__RULE_VALUE__KIND__VALUE_BOOL:
		return json_boolean(v->flag);
	default:
		return json_null();
	}
}

json_t *hd_rule_value_json(const Hd__RuleValue *v)
{
	if (!v || v->kind != HD__RULE_VALUE__KIND__VALUE_LIST)
		return v ? scalar_json(v) : json_null();
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < v->n_items; i++)
		if (json_array_append_new(arr, scalar_json(v->items[i]))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* A scalar j into v (already initialised); as_written: a number spelled
 * as jansson writes it. */
static int scalar_from_json(const json_t *j, Hd__RuleValue *v, bool as_written)
{
	char num[40];
	if (json_is_null(j))
		return HD_OK;
	if (json_is_boolean(j)) {
		v->kind = HD__RULE_VALUE__KIND__VALUE_BOOL;
		v->flag = json_is_true(j);
		return HD_OK;
	}
	if (json_is_string(j)) {
		v->kind = HD__RULE_VALUE__KIND__VALUE_TEXT;
		return hd_pb_set_string(&v->text, json_string_value(j));
	}
	if (as_written && json_is_number(j)) {
		char *text = json_dumps(j, JSON_ENCODE_ANY);
		if (!text)
			return HD_E_NOMEM;
		v->kind = HD__RULE_VALUE__KIND__VALUE_NUMBER;
		int rc = hd_pb_set_string(&v->text, text);
		free(text);
		return rc;
	}
	if (json_is_integer(j))
		snprintf(num, sizeof num, "%lld",
			 (long long)json_integer_value(j));
	else if (json_is_real(j))
		snprintf(num, sizeof num, "%.17g", json_real_value(j));
	else
		return HD_E_INVALID;
	v->kind = HD__RULE_VALUE__KIND__VALUE_NUMBER;
	return hd_pb_set_string(&v->text, num);
}

static Hd__RuleValue *new_value(void)
{
	return hd_pb_new(&hd__rule_value__descriptor);
}

static int from_json(const json_t *j, Hd__RuleValue **out, bool as_written)
{
	Hd__RuleValue *v = new_value();
	int rc = v ? HD_OK : HD_E_NOMEM;
	*out = NULL;
	if (!rc && !json_is_array(j))
		rc = scalar_from_json(j, v, as_written);
	else if (!rc) {
		size_t n = json_array_size(j);
		v->kind = HD__RULE_VALUE__KIND__VALUE_LIST;
		v->items = calloc(n ? n : 1, sizeof *v->items);
		rc = v->items ? HD_OK : HD_E_NOMEM;
		for (size_t i = 0; !rc && i < n; i++) {
			const json_t *x = json_array_get(j, i);
			if (json_is_array(x))
				rc = HD_E_INVALID;
			else if (!(v->items[i] = new_value()))
				rc = HD_E_NOMEM;
			else {
				v->n_items = i + 1;
				rc = scalar_from_json(x, v->items[i],
						      as_written);
			}
		}
	}
	if (rc) {
		if (v)
			hd__rule_value__free_unpacked(v, NULL);
		return rc;
	}
	*out = v;
	return HD_OK;
}

int hd_rule_value_from_json(const json_t *j, Hd__RuleValue **out)
{
	return from_json(j, out, false);
}

int hd_rule_value_from_json_as_written(const json_t *j, Hd__RuleValue **out)
{
	return from_json(j, out, true);
}

int hd_rule_value_upgrade(ProtobufCMessage *action, Hd__RuleValue **value,
			  bool *changed)
{
	bool nomem = false;
	if (changed)
		*changed = false;
	if (*value)
		return HD_OK;
	char *text = hd_pb_take_unknown_text(action, 2, &nomem);
	if (!text)
		return nomem ? HD_E_NOMEM : HD_OK;
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	free(text);
	int rc = j ? hd_rule_value_from_json(j, value) : HD_E_CORRUPT;
	json_decref(j);
	if (rc == HD_E_INVALID)
		rc = HD_E_CORRUPT;
	if (!rc && changed)
		*changed = true;
	return rc;
}

int hd_rule_upgrade(ProtobufCMessage *msg, bool *changed)
{
	Hd__Rule *r = (Hd__Rule *)msg;
	int rc = HD_OK;
	*changed = false;
	for (size_t i = 0; !rc && i < r->n_actions; i++) {
		bool one = false;
		rc = hd_rule_value_upgrade(&r->actions[i]->base,
					   &r->actions[i]->value, &one);
		*changed = *changed || one;
	}
	return rc;
}
