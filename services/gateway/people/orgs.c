/* The gateway's organizations endpoints (API.md §3). Intake decides who may
 * see and change what; this file only shapes JSON. */
#include "gw_users.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *strs(char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *org_json(const gw_req *r, const Hd__Organization *o)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/organizations/%llu.json",
		 r->base_url, (unsigned long long)o->id);
	json_t *j = json_object();
	json_object_set_new(j, "url", json_string(url));
	json_object_set_new(j, "id", json_integer((json_int_t)o->id));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "shared_tickets",
			    json_boolean(o->shared_tickets));
	json_object_set_new(j, "shared_comments",
			    json_boolean(o->shared_comments));
	json_object_set_new(j, "external_id", gw_str_or_null(o->external_id));
	json_object_set_new(j, "created_at", gw_time_json(o->created_at));
	json_object_set_new(j, "updated_at", gw_time_json(o->updated_at));
	json_object_set_new(j, "domain_names",
			    strs(o->domain_names, o->n_domain_names));
	json_object_set_new(j, "details", gw_str_or_null(o->details));
	json_object_set_new(j, "notes", gw_str_or_null(o->notes));
	json_object_set_new(j, "group_id",
			    o->group_id ? json_integer((json_int_t)o->group_id)
					: json_null());
	json_object_set_new(j, "tags", strs(o->tags, o->n_tags));
	json_object_set_new(j, "organization_fields", json_object());
	return j;
}

static int list(gw *g, gw_req *r, Hd__DirListRequest *q, gw_page *p,
		gw_resp *out)
{
	Hd__OrganizationList *l = NULL;
	int rc = gw_call(g, g->intake[0], r, "orgs.list", q,
			 &hd__organization_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_organizations; i++)
		json_array_append_new(arr, org_json(r, l->organizations[i]));
	gw_dir_reply(r, p, out, "organizations", arr, l->count, l->has_more);
	hd__organization_list__free_unpacked(l, NULL);
	return HD_OK;
}

int gw_orgs_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	gw_page p;
	int rc = gw_dir_page(r, &p, &q, out);
	return rc ? rc : list(g, r, &q, &p, out);
}

int gw_orgs_search(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	gw_page p;
	int rc = gw_dir_page(r, &p, &q, out);
	const char *name = gw_query(r, "name");
	const char *ext = gw_query(r, "external_id");
	if (!rc && (!name || !name[0]) && (!ext || !ext[0]))
		return gw_error(out, 400, "ParameterMissing",
				"param is missing or the value is empty: "
				"name or external_id");
	q.name = (char *)(name ? name : "");
	q.external_id = (char *)(ext ? ext : "");
	return rc ? rc : list(g, r, &q, &p, out);
}

int gw_orgs_show_many(gw *g, gw_req *r, gw_resp *out)
{
	return gw_dir_show_many(g, r, out, list);
}

int gw_orgs_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__IdRequest ir = HD__ID_REQUEST__INIT;
	Hd__Organization *o = NULL;
	ir.id = r->id;
	int rc = gw_call(g, g->intake[0], r, "orgs.get", &ir,
			 &hd__organization__descriptor, (void **)&o, out);
	if (rc)
		return rc;
	out->status = 200;
	out->body = json_pack("{s:o}", "organization", org_json(r, o));
	hd__organization__free_unpacked(o, NULL);
	return HD_OK;
}

static int read_org(json_t *o, Hd__Organization *org, gw_keys *k, char ***doms,
		    char ***tags, gw_resp *out)
{
	int rc = gw_take_str(o, "name", &org->name, k, out);
	if (!rc)
		rc = gw_take_str(o, "external_id", &org->external_id, k, out);
	if (!rc)
		rc = gw_take_str(o, "details", &org->details, k, out);
	if (!rc)
		rc = gw_take_str(o, "notes", &org->notes, k, out);
	if (!rc)
		rc = gw_take_bool(o, "shared_tickets", &org->shared_tickets, k,
				  out);
	if (!rc)
		rc = gw_take_bool(o, "shared_comments", &org->shared_comments,
				  k, out);
	if (!rc)
		rc = gw_take_u64(o, "group_id", &org->group_id, k, out);
	if (!rc)
		rc = gw_take_strs(o, "domain_names", doms, &org->n_domain_names,
				  k, out);
	if (!rc)
		rc = gw_take_strs(o, "tags", tags, &org->n_tags, k, out);
	org->domain_names = *doms;
	org->tags = *tags;
	return rc;
}

static int write_org(gw *g, gw_req *r, uint64_t id, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	char **doms = NULL, **tags = NULL;
	Hd__Organization org = HD__ORGANIZATION__INIT, *rep = NULL;
	gw_keys k = {.n = 0};
	int rc = gw_req_object(r, out, "organization", &root, &obj);
	if (!rc)
		rc = read_org(obj, &org, &k, &doms, &tags, out);
	org.id = id;
	Hd__OrganizationWriteRequest wr = HD__ORGANIZATION_WRITE_REQUEST__INIT;
	wr.organization = &org;
	wr.fields = k.names;
	wr.n_fields = k.n;
	if (!rc)
		rc = gw_call(g, g->intake[0], r, "orgs.write", &wr,
			     &hd__organization__descriptor, (void **)&rep, out);
	if (!rc) {
		out->status = id ? 200 : 201;
		if (!id)
			gw_location(r, out, "organizations", rep->id);
		out->body =
			json_pack("{s:o}", "organization", org_json(r, rep));
		hd__organization__free_unpacked(rep, NULL);
	}
	free(doms);
	free(tags);
	json_decref(root);
	return rc;
}

int gw_orgs_create(gw *g, gw_req *r, gw_resp *out)
{
	return write_org(g, r, 0, out);
}

int gw_orgs_update(gw *g, gw_req *r, gw_resp *out)
{
	return write_org(g, r, r->id, out);
}

int gw_orgs_delete(gw *g, gw_req *r, gw_resp *out)
{
	return gw_dir_delete(g, r, "orgs.delete", NULL,
			     &hd__id_request__descriptor, out);
}

int gw_orgs_users(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	gw_page p;
	int rc = gw_dir_page(r, &p, &q, out);
	q.organization_id = r->id;
	return rc ? rc : gw_users_list_q(g, r, &q, &p, out);
}
