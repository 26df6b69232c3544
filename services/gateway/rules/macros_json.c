/* The Zendesk macro object (API.md §7) and the macro input. Action values
 * travel as hd.RuleValue so strings, arrays and booleans keep their type;
 * knowledge checks which values a field allows. */
#include "gw_kb.h"

#include "hd/err.h"
#include "hd/rule_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ACTIONS 64
#define MAX_IDS     100

static json_t *restriction_json(const Hd__Macro *m)
{
	if (!m->restriction_type[0])
		return json_null();
	json_t *ids = json_array();
	for (size_t i = 0; i < m->n_restriction_ids; i++)
		json_array_append_new(
			ids, json_integer((json_int_t)m->restriction_ids[i]));
	if (!m->n_restriction_ids)
		json_array_append_new(
			ids, json_integer((json_int_t)m->restriction_id));
	return json_pack("{s:s, s:I, s:o}", "type", m->restriction_type, "id",
			 (json_int_t)m->restriction_id, "ids", ids);
}

json_t *gw_macro_json(const gw_req *r, const Hd__Macro *m, unsigned usage)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/macros/%llu.json", r->base_url,
		 (unsigned long long)m->id);
	json_t *actions = json_array();
	for (size_t i = 0; i < m->n_actions; i++) {
		json_t *v = hd_rule_value_json(m->actions[i]->value);
		json_array_append_new(actions,
				      json_pack("{s:s, s:o}", "field",
						m->actions[i]->field, "value",
						v ? v : json_null()));
	}
	json_t *o = json_pack(
		"{s:s, s:I, s:s, s:b, s:o, s:o, s:b, s:i, s:o, s:o, s:o, s:s, "
		"s:b, s:o}",
		"url", url, "id", (json_int_t)m->id, "title", m->title,
		"active", m->active, "updated_at", gw_time_json(m->updated_at),
		"created_at", gw_time_json(m->created_at), "default", 0,
		"position", (int)m->position, "description",
		gw_str_or_null(m->description), "actions", actions,
		"restriction", restriction_json(m), "raw_title", m->title,
		"review_required", m->review, "source_ticket_id",
		m->source_ticket_id
			? json_integer((json_int_t)m->source_ticket_id)
			: json_null());
	const struct {
		unsigned bit;
		const char *key;
		uint64_t n;
	} counts[] = {{GW_USAGE_1H, "usage_1h", m->usage_1h},
		      {GW_USAGE_24H, "usage_24h", m->usage_24h},
		      {GW_USAGE_7D, "usage_7d", m->usage_7d},
		      {GW_USAGE_30D, "usage_30d", m->usage_30d}};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		if (usage & counts[i].bit)
			json_object_set_new(
				o, counts[i].key,
				json_integer((json_int_t)counts[i].n));
	return o;
}

static int bad(gw_resp *out, const char *field, const char *msg)
{
	return gw_invalid(out, field, msg);
}

static int read_actions(json_t *arr, gw_macro_input *in, Hd__Macro *m,
			gw_resp *out)
{
	size_t n = json_array_size(arr);
	if (!json_is_array(arr) || n == 0 || n > MAX_ACTIONS)
		return bad(out, "actions",
			   "actions: must be a list of 1 to 64 actions");
	in->actions = calloc(n, sizeof *in->actions);
	in->ptrs = calloc(n, sizeof *in->ptrs);
	in->values = calloc(n, sizeof *in->values);
	if (!in->actions || !in->ptrs || !in->values)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(arr, i);
		json_t *f = json_object_get(a, "field");
		json_t *v = json_object_get(a, "value");
		if (!json_is_string(f) || !v)
			return bad(out, "actions",
				   "actions: each needs a field and a value");
		int rc = hd_rule_value_from_json(v, &in->values[i]);
		if (rc == HD_E_INVALID)
			return bad(out, "actions",
				   "actions: a value is text, a number, "
				   "true/false, null or a list of those");
		if (rc)
			return gw_from_err(out, rc, "out of memory");
		in->nvalues = i + 1;
		Hd__MacroAction init = HD__MACRO_ACTION__INIT;
		in->actions[i] = init;
		in->actions[i].field = (char *)json_string_value(f);
		in->actions[i].value = in->values[i];
		in->ptrs[i] = &in->actions[i];
	}
	m->actions = in->ptrs;
	m->n_actions = n;
	return HD_OK;
}

static int read_restriction(json_t *v, gw_macro_input *in, Hd__Macro *m,
			    gw_resp *out)
{
	m->restriction_type = "";
	m->restriction_id = 0;
	m->n_restriction_ids = 0;
	if (json_is_null(v))
		return HD_OK;
	const char *type = json_string_value(json_object_get(v, "type"));
	json_t *id = json_object_get(v, "id");
	json_t *ids = json_object_get(v, "ids");
	if (!type || (strcmp(type, "User") && strcmp(type, "Group")))
		return bad(out, "restriction",
			   "restriction: type must be User or Group");
	m->restriction_type = (char *)type;
	if (json_is_integer(id) && json_integer_value(id) > 0)
		m->restriction_id = (uint64_t)json_integer_value(id);
	size_t n = json_array_size(ids);
	if (n > MAX_IDS || (ids && !json_is_array(ids)))
		return bad(out, "restriction",
			   "restriction: ids must be a "
			   "list of at most 100 ids");
	if (n && !(in->ids = calloc(n, sizeof *in->ids)))
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(ids, i);
		if (!json_is_integer(e) || json_integer_value(e) <= 0)
			return bad(out, "restriction",
				   "restriction: ids must be positive ids");
		in->ids[i] = (uint64_t)json_integer_value(e);
	}
	m->restriction_ids = in->ids;
	m->n_restriction_ids = n;
	if (!m->restriction_id && n)
		m->restriction_id = in->ids[0];
	if (!m->restriction_id)
		return bad(out, "restriction", "restriction: id is required");
	return HD_OK;
}

int gw_macro_read(json_t *obj, gw_macro_input *in, Hd__Macro *m, gw_resp *out)
{
	json_t *v;
	if ((v = json_object_get(obj, "title"))) {
		if (!json_is_string(v))
			return bad(out, "title", "title: must be a string");
		m->title = (char *)json_string_value(v);
	}
	if ((v = json_object_get(obj, "description")))
		m->description =
			json_is_string(v) ? (char *)json_string_value(v) : "";
	if ((v = json_object_get(obj, "active"))) {
		if (!json_is_boolean(v))
			return bad(out, "active", "active: must be a boolean");
		m->active = json_is_true(v);
	}
	if ((v = json_object_get(obj, "position"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT32_MAX)
			return bad(out, "position",
				   "position: must be a non-negative integer");
		m->position = (uint32_t)json_integer_value(v);
	}
	int rc = HD_OK;
	if ((v = json_object_get(obj, "actions")))
		rc = read_actions(v, in, m, out);
	if (!rc && (v = json_object_get(obj, "restriction")))
		rc = read_restriction(v, in, m, out);
	return rc;
}

void gw_macro_input_release(gw_macro_input *in)
{
	for (size_t i = 0; i < in->nvalues; i++)
		hd__rule_value__free_unpacked(in->values[i], NULL);
	free(in->values);
	free(in->ptrs);
	free(in->actions);
	free(in->ids);
	memset(in, 0, sizeof *in);
}
