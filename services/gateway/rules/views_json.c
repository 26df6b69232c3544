/* Views between JSON and hd.View (API.md §7): the request body
 * {"view":{title, all, any, output{columns,sort_by,sort_order,group_by},
 * restriction}} and the Zendesk view object. */
#include "gw_views.h"

#include "hd/err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONDITIONS 100
#define MAX_COLUMNS    50

void gw_view_input_release(gw_view_input *in)
{
	free(in->conds);
	free(in->cond_ptrs);
	free(in->numbers);
	free(in->columns);
	free(in->restriction_ids);
	memset(in, 0, sizeof *in);
}

static int bad_cond(gw_resp *out, const char *key)
{
	char msg[200];
	snprintf(msg, sizeof msg,
		 "%s: must be an array of {\"field\",\"operator\",\"value\"}",
		 key);
	return gw_invalid(out, "conditions", msg);
}

static int read_value(json_t *v, Hd__ViewCondition *c, char *num, size_t cap)
{
	if (!v || json_is_null(v))
		c->value = "";
	else if (json_is_string(v))
		c->value = (char *)json_string_value(v);
	else if (json_is_integer(v))
		snprintf(c->value = num, cap, "%lld",
			 (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		c->value = json_is_true(v) ? "true" : "false";
	else
		return HD_E_INVALID;
	return HD_OK;
}

/* One condition array into in's storage from slot *used on. */
static int read_conds(json_t *arr, const char *key, gw_view_input *in,
		      size_t *used, size_t *n, gw_resp *out)
{
	json_t *c;
	size_t i;
	*n = 0;
	if (!arr || json_is_null(arr))
		return HD_OK;
	if (!json_is_array(arr) ||
	    *used + json_array_size(arr) > MAX_CONDITIONS)
		return bad_cond(out, key);
	json_array_foreach(arr, i, c)
	{
		Hd__ViewCondition *vc = &in->conds[*used];
		hd__view_condition__init(vc);
		json_t *f = json_object_get(c, "field");
		json_t *op = json_object_get(c, "operator");
		if (!json_is_object(c) || !json_is_string(f) ||
		    !json_is_string(op) ||
		    read_value(json_object_get(c, "value"), vc,
			       in->numbers + *used * 24, 24))
			return bad_cond(out, key);
		vc->field = (char *)json_string_value(f);
		vc->operator_ = (char *)json_string_value(op);
		in->cond_ptrs[(*used)++] = vc;
		(*n)++;
	}
	return HD_OK;
}

static int read_conditions(json_t *view, gw_view_input *in, Hd__View *v,
			   gw_resp *out)
{
	json_t *conds = json_object_get(view, "conditions");
	json_t *all = json_object_get(view, "all");
	json_t *any = json_object_get(view, "any");
	if (json_is_object(conds)) {
		all = all ? all : json_object_get(conds, "all");
		any = any ? any : json_object_get(conds, "any");
	}
	if (!all && !any)
		return HD_OK; /* an update that keeps them */
	in->conds = calloc(MAX_CONDITIONS, sizeof *in->conds);
	in->cond_ptrs = calloc(MAX_CONDITIONS, sizeof *in->cond_ptrs);
	in->numbers = calloc(MAX_CONDITIONS, 24);
	if (!in->conds || !in->cond_ptrs || !in->numbers)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	size_t used = 0, n_all = 0, n_any = 0;
	int rc = read_conds(all, "all", in, &used, &n_all, out);
	if (!rc)
		rc = read_conds(any, "any", in, &used, &n_any, out);
	if (rc)
		return rc;
	v->all = in->cond_ptrs;
	v->n_all = n_all;
	v->any = in->cond_ptrs + n_all;
	v->n_any = n_any;
	return HD_OK;
}

static int read_output(json_t *view, gw_view_input *in, Hd__View *v,
		       gw_resp *out)
{
	static const char *const keys[] = {"group_by", "sort_by", "sort_order",
					   NULL};
	json_t *o = json_object_get(view, "output"), *cols, *c;
	size_t i;
	if (!o || json_is_null(o))
		return HD_OK;
	if (!json_is_object(o))
		return gw_invalid(out, "output", "output: must be an object");
	int rc = gw_pb_overlay(o, v, keys, out);
	cols = json_object_get(o, "columns");
	if (rc || !cols)
		return rc;
	if (!json_is_array(cols) || json_array_size(cols) > MAX_COLUMNS)
		return gw_invalid(out, "output",
				  "output.columns: must be an array of names");
	in->columns = calloc(json_array_size(cols) + 1, sizeof *in->columns);
	if (!in->columns)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	json_array_foreach(cols, i, c)
	{
		if (!json_is_string(c))
			return gw_invalid(out, "output",
					  "output.columns: must be an array "
					  "of names");
		in->columns[i] = (char *)json_string_value(c);
	}
	v->columns = in->columns;
	v->n_columns = json_array_size(cols);
	return HD_OK;
}

/* {"type", "id", "ids"}: only the JSON types here; routing checks the
 * values (views_match.c). */
static int read_restriction(json_t *res, gw_view_input *in, gw_resp *out)
{
	static const char *const keys[] = {"type", "id", NULL};
	json_t *ids = json_object_get(res, "ids"), *x;
	size_t i;
	hd__view_restriction__init(&in->restriction);
	int rc = gw_pb_overlay(res, &in->restriction, keys, out);
	if (rc || !ids || json_is_null(ids))
		return rc;
	if (!json_is_array(ids) || json_array_size(ids) > MAX_CONDITIONS)
		return gw_invalid(out, "restriction",
				  "restriction.ids: must be an array of ids");
	in->restriction_ids =
		calloc(json_array_size(ids) + 1, sizeof(uint64_t));
	if (!in->restriction_ids)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	json_array_foreach(ids, i, x)
	{
		if (!json_is_integer(x) || json_integer_value(x) < 0)
			return gw_invalid(out, "restriction",
					  "restriction.ids: must be an array "
					  "of ids");
		in->restriction_ids[i] = (uint64_t)json_integer_value(x);
	}
	in->restriction.ids = in->restriction_ids;
	in->restriction.n_ids = json_array_size(ids);
	return HD_OK;
}

int gw_view_read(json_t *view, gw_view_input *in, Hd__View *v, gw_resp *out)
{
	static const char *const keys[] = {"title", "description", "active",
					   "position", NULL};
	int rc = gw_pb_overlay(view, v, keys, out);
	if (!rc)
		rc = read_conditions(view, in, v, out);
	if (!rc)
		rc = read_output(view, in, v, out);
	json_t *res = json_object_get(view, "restriction");
	if (!rc && res) {
		if (!json_is_null(res) && !json_is_object(res))
			return gw_invalid(out, "restriction",
					  "restriction: must be an object or "
					  "null");
		rc = json_is_null(res) ? HD_OK : read_restriction(res, in, out);
		v->restriction = json_is_null(res) ? NULL : &in->restriction;
	}
	return rc;
}

static json_t *column_json(const char *id)
{
	char title[64];
	snprintf(title, sizeof title, "%s", id);
	for (char *p = title; *p; p++)
		if (*p == '_')
			*p = ' ';
	title[0] = (char)toupper((unsigned char)title[0]);
	return json_pack("{s:s, s:s, s:b, s:b}", "id", id, "title", title,
			 "filterable", 1, "sortable", 1);
}

json_t *gw_view_columns(const Hd__View *v)
{
	json_t *cols = json_array();
	for (size_t i = 0; i < v->n_columns; i++)
		json_array_append_new(cols, column_json(v->columns[i]));
	return cols;
}

static json_t *conds_json(Hd__ViewCondition **c, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "field",
						     c[i]->field, "operator",
						     c[i]->operator_, "value",
						     c[i]->value));
	return arr;
}

static json_t *restriction_json(const Hd__ViewRestriction *res)
{
	if (!res)
		return NULL;
	json_t *o = json_pack("{s:s, s:I}", "type", res->type, "id",
			      (json_int_t)res->id);
	if (o && res->n_ids) {
		json_t *ids = json_array();
		for (size_t i = 0; i < res->n_ids; i++)
			json_array_append_new(
				ids, json_integer((json_int_t)res->ids[i]));
		json_object_set_new(o, "ids", ids);
	}
	return o;
}

json_t *gw_view_json(const gw_req *r, const Hd__View *v)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/views/%llu.json", r->base_url,
		 (unsigned long long)v->id);
	const char *sort_by = v->sort_by[0] ? v->sort_by : "created_at";
	const char *order = v->sort_order[0] ? v->sort_order : "asc";
	json_t *res = restriction_json(v->restriction);
	json_t *exec = json_pack(
		"{s:o, s:s, s:s, s:o, s:o, s:o, s:[]}", "group_by",
		gw_str_or_null(v->group_by), "sort_by", sort_by, "sort_order",
		order, "columns", gw_view_columns(v), "fields",
		gw_view_columns(v), "group", json_null(), "custom_fields");
	return json_pack(
		"{s:s, s:I, s:s, s:b, s:o, s:o, s:b, s:i, s:o, s:o, s:{s:o, "
		"s:o}, s:o, s:s}",
		"url", url, "id", (json_int_t)v->id, "title", v->title,
		"active", v->active, "updated_at", gw_time_json(v->updated_at),
		"created_at", gw_time_json(v->created_at), "default", 0,
		"position", (int)v->position, "description",
		gw_str_or_null(v->description), "execution", exec, "conditions",
		"all", conds_json(v->all, v->n_all), "any",
		conds_json(v->any, v->n_any), "restriction",
		res ? res : json_null(), "raw_title", v->title);
}
