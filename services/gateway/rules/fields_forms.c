/* Ticket forms over HTTP (API.md §4): /ticket_forms and /ticket_forms/{id}.
 * Same write path as fields: shard 0 first, then a copy to every shard. */
#include "gw_fields.h"

#include "field.pb-c.h"
#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORM_FIELDS 400

static const char *const form_keys[] = {
	"name",     "display_name", "end_user_visible",
	"position", "active",       "in_all_brands",
	NULL};

static json_t *form_json(const gw_req *r, const Hd__TicketForm *f)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/ticket_forms/%llu.json",
		 r->base_url, (unsigned long long)f->id);
	json_t *ids = json_array();
	for (size_t i = 0; i < f->n_ticket_field_ids; i++)
		json_array_append_new(
			ids, json_integer((json_int_t)f->ticket_field_ids[i]));
	return json_pack(
		"{s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:i, s:o, s:b, s:b, "
		"s:b, s:[], s:[], s:[], s:o, s:o}",
		"url", url, "id", (json_int_t)f->id, "name", f->name,
		"raw_name", f->name, "display_name", f->display_name,
		"raw_display_name", f->display_name, "end_user_visible",
		f->end_user_visible, "position", (int)f->position,
		"ticket_field_ids", ids, "active", f->active, "default",
		f->is_default, "in_all_brands", f->in_all_brands,
		"restricted_brand_ids", "agent_conditions",
		"end_user_conditions", "created_at",
		gw_time_json(f->created_at), "updated_at",
		gw_time_json(f->updated_at));
}

static int read_ids(json_t *obj, Hd__TicketForm *f, uint64_t **ids,
		    gw_resp *out)
{
	json_t *arr = json_object_get(obj, "ticket_field_ids"), *v;
	size_t i;
	if (!arr)
		return HD_OK;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_FORM_FIELDS)
		return gw_invalid(out, "ticket_field_ids",
				  "ticket_field_ids: must be an array of ids");
	*ids = calloc(json_array_size(arr) + 1, sizeof **ids);
	if (!*ids)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return gw_invalid(out, "ticket_field_ids",
					  "ticket_field_ids: must be an array "
					  "of ids");
		(*ids)[i] = (uint64_t)json_integer_value(v);
	}
	f->ticket_field_ids = *ids;
	f->n_ticket_field_ids = json_array_size(arr);
	return HD_OK;
}

static json_t *form_any_json(const gw_req *r, const void *f)
{
	return form_json(r, f);
}

static const gw_def_kind form_kind = {
	.get = "forms.get",
	.save = "forms.save",
	.desc = &hd__ticket_form__descriptor,
	.key = "ticket_form",
	.coll = "ticket_forms",
	.json = form_any_json,
};

/* base: the stored form on update, NULL on create. */
static int write_form(gw *g, gw_req *r, const Hd__TicketForm *base,
		      unsigned status, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	uint64_t *ids = NULL;
	Hd__TicketForm f = HD__TICKET_FORM__INIT;
	if (base)
		f = *base; /* shallow: base keeps and frees its own */
	else
		f.active = f.end_user_visible = 1;
	int rc = gw_req_object(r, out, "ticket_form", &root, &obj);
	if (!rc)
		rc = gw_pb_overlay(obj, &f, form_keys, out);
	json_t *def = obj ? json_object_get(obj, "default") : NULL;
	if (!rc && def)
		f.is_default = json_is_true(def);
	if (!rc)
		rc = read_ids(obj, &f, &ids, out);
	if (!rc)
		rc = gw_def_save(g, r, &form_kind, &f, status, out);
	free(ids);
	json_decref(root);
	return rc;
}

int gw_forms_create(gw *g, gw_req *r, gw_resp *out)
{
	return write_form(g, r, NULL, 201, out);
}

int gw_forms_update(gw *g, gw_req *r, gw_resp *out)
{
	Hd__TicketForm *old = NULL;
	int rc = gw_def_get(g, r, &form_kind, (void **)&old, out);
	if (!rc)
		rc = write_form(g, r, old, 200, out);
	hd__ticket_form__free_unpacked(old, NULL);
	return rc;
}

int gw_forms_show(gw *g, gw_req *r, gw_resp *out)
{
	return gw_def_show(g, r, &form_kind, out);
}

int gw_forms_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__TicketFormList *l = NULL;
	int rc = gw_call(g, g->intake[0], r, "forms.list", NULL,
			 &hd__ticket_form_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_forms; i++)
		json_array_append_new(arr, form_json(r, l->forms[i]));
	gw_def_list_reply(out, "ticket_forms", arr, l->n_forms);
	hd__ticket_form_list__free_unpacked(l, NULL);
	return HD_OK;
}

int gw_forms_delete(gw *g, gw_req *r, gw_resp *out)
{
	return gw_def_delete(g, r, "forms.delete", out);
}
