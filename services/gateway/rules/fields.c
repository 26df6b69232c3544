/* Ticket fields over HTTP (API.md §4): GET/POST /ticket_fields and
 * GET/PUT/DELETE /ticket_fields/{id}. Writes go to intake shard 0, which
 * validates and assigns ids, and are then copied to every other shard. */
#include "gw_fields.h"

#include "field.pb-c.h"
#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPTIONS 1000

static const char *const field_keys[] = {"type",
					 "title",
					 "description",
					 "agent_description",
					 "position",
					 "active",
					 "required",
					 "collapsed_for_agents",
					 "regexp_for_validation",
					 "title_in_portal",
					 "visible_in_portal",
					 "editable_in_portal",
					 "required_in_portal",
					 "tag",
					 NULL};

static json_t *option_json(const Hd__TicketFieldOption *o)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:i, s:b}", "id",
			 (json_int_t)o->id, "name", o->name, "raw_name",
			 o->name, "value", o->value, "position",
			 (int)o->position, "default", o->is_default);
}

static json_t *field_json(const gw_req *r, const Hd__TicketField *f)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/ticket_fields/%llu.json",
		 r->base_url, (unsigned long long)f->id);
	json_t *o = json_object(), *opts = json_array();
	for (size_t i = 0; i < f->n_custom_field_options; i++)
		json_array_append_new(opts,
				      option_json(f->custom_field_options[i]));
	const char *portal =
		f->title_in_portal[0] ? f->title_in_portal : f->title;
	json_object_set_new(o, "url", json_string(url));
	json_object_set_new(o, "id", json_integer((json_int_t)f->id));
	json_object_set_new(o, "type", json_string(f->type));
	json_object_set_new(o, "title", json_string(f->title));
	json_object_set_new(o, "raw_title", json_string(f->title));
	json_object_set_new(o, "description", json_string(f->description));
	json_object_set_new(o, "raw_description", json_string(f->description));
	json_object_set_new(o, "agent_description",
			    gw_str_or_null(f->agent_description));
	json_object_set_new(o, "position", json_integer(f->position));
	json_object_set_new(o, "active", json_boolean(f->active));
	json_object_set_new(o, "required", json_boolean(f->required));
	json_object_set_new(o, "collapsed_for_agents",
			    json_boolean(f->collapsed_for_agents));
	json_object_set_new(o, "regexp_for_validation",
			    gw_str_or_null(f->regexp_for_validation));
	json_object_set_new(o, "title_in_portal", json_string(portal));
	json_object_set_new(o, "raw_title_in_portal", json_string(portal));
	json_object_set_new(o, "visible_in_portal",
			    json_boolean(f->visible_in_portal));
	json_object_set_new(o, "editable_in_portal",
			    json_boolean(f->editable_in_portal));
	json_object_set_new(o, "required_in_portal",
			    json_boolean(f->required_in_portal));
	json_object_set_new(o, "tag", gw_str_or_null(f->tag));
	json_object_set_new(o, "created_at", gw_time_json(f->created_at));
	json_object_set_new(o, "updated_at", gw_time_json(f->updated_at));
	json_object_set_new(o, "removable", json_true());
	json_object_set_new(o, "key", json_null());
	json_object_set_new(o, "agent_can_edit", json_true());
	if (f->n_custom_field_options)
		json_object_set_new(o, "custom_field_options", opts);
	else
		json_decref(opts);
	return o;
}

/* custom_field_options: [{name, value, default}] onto stack-owned options. */
typedef struct opt_set {
	Hd__TicketFieldOption *items;
	Hd__TicketFieldOption **ptrs;
} opt_set;

static int read_options(json_t *field, Hd__TicketField *f, opt_set *os,
			gw_resp *out)
{
	json_t *arr = json_object_get(field, "custom_field_options"), *o;
	size_t i;
	if (!arr || json_is_null(arr))
		return HD_OK;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_OPTIONS)
		return gw_invalid(out, "custom_field_options",
				  "custom_field_options: must be an array of "
				  "{\"name\",\"value\"} (at most 1000)");
	os->items = calloc(json_array_size(arr) + 1, sizeof *os->items);
	os->ptrs = calloc(json_array_size(arr) + 1, sizeof *os->ptrs);
	if (!os->items || !os->ptrs)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	json_array_foreach(arr, i, o)
	{
		static const char *const keys[] = {"name", "value", NULL};
		Hd__TicketFieldOption *op = &os->items[i];
		hd__ticket_field_option__init(op);
		json_t *def = json_object_get(o, "default");
		if (!json_is_object(o) || (def && !json_is_boolean(def)))
			return gw_invalid(out, "custom_field_options",
					  "custom_field_options: each option "
					  "is {\"name\",\"value\"}");
		int rc = gw_pb_overlay(o, op, keys, out);
		if (rc)
			return rc;
		op->is_default = json_is_true(def);
		os->ptrs[i] = op;
	}
	f->custom_field_options = os->ptrs;
	f->n_custom_field_options = json_array_size(arr);
	return HD_OK;
}

static json_t *field_any_json(const gw_req *r, const void *f)
{
	return field_json(r, f);
}

static const gw_def_kind field_kind = {
	.get = "fields.get",
	.save = "fields.save",
	.desc = &hd__ticket_field__descriptor,
	.key = "ticket_field",
	.coll = "ticket_fields",
	.json = field_any_json,
};

static int fields_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	opt_set os = {0};
	Hd__TicketField f = HD__TICKET_FIELD__INIT;
	f.active = 1;
	int rc = gw_req_object(r, out, "ticket_field", &root, &obj);
	if (!rc)
		rc = gw_pb_overlay(obj, &f, field_keys, out);
	if (!rc)
		rc = read_options(obj, &f, &os, out);
	if (!rc)
		rc = gw_def_save(g, r, &field_kind, &f, 201, out);
	free(os.items);
	free(os.ptrs);
	json_decref(root);
	return rc;
}

static int fields_update(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	opt_set os = {0};
	Hd__TicketField *old = NULL;
	int rc = gw_req_object(r, out, "ticket_field", &root, &obj);
	if (!rc)
		rc = gw_def_get(g, r, &field_kind, (void **)&old, out);
	if (!rc) {
		/* A shallow copy takes the JSON's borrowed strings; old keeps
		 * (and frees) its own. */
		Hd__TicketField f = *old;
		rc = gw_pb_overlay(obj, &f, field_keys, out);
		if (!rc)
			rc = read_options(obj, &f, &os, out);
		if (!rc)
			rc = gw_def_save(g, r, &field_kind, &f, 200, out);
	}
	hd__ticket_field__free_unpacked(old, NULL);
	free(os.items);
	free(os.ptrs);
	json_decref(root);
	return rc;
}

static int fields_show(gw *g, gw_req *r, gw_resp *out)
{
	return gw_def_show(g, r, &field_kind, out);
}

static int fields_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__TicketFieldList *l = NULL;
	int rc = gw_call(g, g->intake[0], r, "fields.list", NULL,
			 &hd__ticket_field_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_fields; i++)
		json_array_append_new(arr, field_json(r, l->fields[i]));
	gw_def_list_reply(out, "ticket_fields", arr, l->n_fields);
	hd__ticket_field_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int fields_delete(gw *g, gw_req *r, gw_resp *out)
{
	return gw_def_delete(g, r, "fields.delete", out);
}

const gw_route gw_field_routes[] = {
	{"GET", "/api/v2/ticket_fields", fields_list, GW_AUTH_USER},
	{"POST", "/api/v2/ticket_fields", fields_create, GW_AUTH_ADMIN},
	{"GET", "/api/v2/ticket_fields/{id}", fields_show, GW_AUTH_USER},
	{"PUT", "/api/v2/ticket_fields/{id}", fields_update, GW_AUTH_ADMIN},
	{"DELETE", "/api/v2/ticket_fields/{id}", fields_delete, GW_AUTH_ADMIN},
	{"GET", "/api/v2/ticket_forms", gw_forms_list, GW_AUTH_USER},
	{"POST", "/api/v2/ticket_forms", gw_forms_create, GW_AUTH_ADMIN},
	{"GET", "/api/v2/ticket_forms/{id}", gw_forms_show, GW_AUTH_USER},
	{"PUT", "/api/v2/ticket_forms/{id}", gw_forms_update, GW_AUTH_ADMIN},
	{"DELETE", "/api/v2/ticket_forms/{id}", gw_forms_delete, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
