/* The gateway's groups and group memberships endpoints (API.md §3). Groups
 * live on intake's directory shard for now. */
#include "gw_settle.h"
#include "gw_users.h"

#include "hd/err.h"
#include "hd/time_iso.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *group_json(const gw_req *r, const Hd__Group *gr)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/groups/%llu.json", r->base_url,
		 (unsigned long long)gr->id);
	return json_pack("{s:s, s:I, s:b, s:s, s:s, s:b, s:b, s:o, s:o}", "url",
			 url, "id", (json_int_t)gr->id, "is_public",
			 gr->is_public, "name", gr->name, "description",
			 gr->description, "default", gr->default_, "deleted",
			 gr->deleted, "created_at",
			 gw_time_json(gr->created_at), "updated_at",
			 gw_time_json(gr->updated_at));
}

static json_t *member_json(const gw_req *r, const Hd__GroupMembership *m)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/group_memberships/%llu.json",
		 r->base_url, (unsigned long long)m->id);
	return json_pack("{s:s, s:I, s:I, s:I, s:b, s:o, s:o}", "url", url,
			 "id", (json_int_t)m->id, "user_id",
			 (json_int_t)m->user_id, "group_id",
			 (json_int_t)m->group_id, "default", m->default_,
			 "created_at", gw_time_json(m->created_at),
			 "updated_at", gw_time_json(m->updated_at));
}

static int groups(gw *g, gw_req *r, bool assignable, bool count, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	Hd__GroupList *l = NULL;
	gw_page p;
	int rc = gw_dir_page(r, &p, &q, out);
	q.assignable = assignable || count;
	q.count_only = count;
	if (!rc)
		rc = gw_call(g, g->intake[0], r, "groups.list", &q,
			     &hd__group_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	out->status = 200;
	if (count) {
		char now[HD_TIME_ISO_LEN];
		hd_time_iso(hd_now_ms(), now);
		out->body =
			json_pack("{s:{s:I, s:s}}", "count", "value",
				  (json_int_t)l->count, "refreshed_at", now);
	} else {
		json_t *arr = json_array();
		for (size_t i = 0; i < l->n_groups; i++)
			json_array_append_new(arr, group_json(r, l->groups[i]));
		gw_dir_reply(r, &p, out, "groups", arr, l->count, l->has_more);
	}
	hd__group_list__free_unpacked(l, NULL);
	return HD_OK;
}

int gw_groups_list(gw *g, gw_req *r, gw_resp *out)
{
	return groups(g, r, false, false, out);
}

int gw_groups_assignable(gw *g, gw_req *r, gw_resp *out)
{
	return groups(g, r, true, false, out);
}

int gw_groups_count(gw *g, gw_req *r, gw_resp *out)
{
	return groups(g, r, true, true, out);
}

static int one_group(gw *g, gw_req *r, const char *method, const void *req,
		     unsigned status, gw_resp *out)
{
	Hd__Group *gr = NULL;
	int rc = gw_call(g, g->intake[0], r, method, req,
			 &hd__group__descriptor, (void **)&gr, out);
	if (rc)
		return rc;
	out->status = status;
	if (status == 201)
		gw_location(r, out, "groups", gr->id);
	out->body = json_pack("{s:o}", "group", group_json(r, gr));
	hd__group__free_unpacked(gr, NULL);
	return HD_OK;
}

int gw_groups_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__IdRequest ir = HD__ID_REQUEST__INIT;
	ir.id = r->id;
	return one_group(g, r, "groups.get", &ir, 200, out);
}

int gw_groups_delete(gw *g, gw_req *r, gw_resp *out)
{
	int rc = gw_dir_delete(g, r, "groups.delete", NULL,
			       &hd__group__descriptor, out);
	if (!rc) /* its memberships went with it */
		gw_settle_members(g, r);
	return rc;
}

static int write_group(gw *g, gw_req *r, uint64_t id, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	Hd__Group gr = HD__GROUP__INIT;
	gw_keys k = {.n = 0};
	int rc = gw_req_object(r, out, "group", &root, &obj);
	if (!rc)
		rc = gw_take_str(obj, "name", &gr.name, &k, out);
	if (!rc)
		rc = gw_take_str(obj, "description", &gr.description, &k, out);
	if (!rc)
		rc = gw_take_bool(obj, "is_public", &gr.is_public, &k, out);
	if (!rc)
		rc = gw_take_bool(obj, "default", &gr.default_, &k, out);
	if (!id && !json_object_get(obj, "is_public"))
		gr.is_public = true;
	gr.id = id;
	Hd__GroupWriteRequest wr = HD__GROUP_WRITE_REQUEST__INIT;
	wr.group = &gr;
	wr.fields = k.names;
	wr.n_fields = k.n;
	if (!rc)
		rc = one_group(g, r, "groups.write", &wr, id ? 200 : 201, out);
	json_decref(root);
	return rc;
}

int gw_groups_create(gw *g, gw_req *r, gw_resp *out)
{
	return write_group(g, r, 0, out);
}

int gw_groups_update(gw *g, gw_req *r, gw_resp *out)
{
	return write_group(g, r, r->id, out);
}

/* memberships.list with q, paginated unless one is asked for by id. */
static int members(gw *g, gw_req *r, Hd__DirListRequest *q, bool one,
		   gw_resp *out)
{
	Hd__GroupMembershipList *l = NULL;
	gw_page p;
	int rc = one ? HD_OK : gw_dir_page(r, &p, q, out);
	if (!rc)
		rc = gw_call(g, g->intake[0], r, "memberships.list", q,
			     &hd__group_membership_list__descriptor,
			     (void **)&l, out);
	if (rc)
		return rc;
	size_t n = l->n_group_memberships;
	out->status = 200;
	if (one && n) {
		out->body = json_pack("{s:o}", "group_membership",
				      member_json(r, l->group_memberships[0]));
	} else if (one) {
		gw_from_err(out, HD_E_NOTFOUND, "Not found");
	} else {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(
				arr, member_json(r, l->group_memberships[i]));
		gw_dir_reply(r, &p, out, "group_memberships", arr, l->count,
			     l->has_more);
	}
	hd__group_membership_list__free_unpacked(l, NULL);
	return HD_OK;
}

int gw_members_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	return members(g, r, &q, false, out);
}

int gw_members_of_group(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	q.group_id = r->id;
	return members(g, r, &q, false, out);
}

int gw_members_of_user(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	q.user_id = r->id;
	return members(g, r, &q, false, out);
}

int gw_members_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	uint64_t id = r->id;
	q.ids = &id;
	q.n_ids = 1;
	return members(g, r, &q, true, out);
}

int gw_members_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	Hd__GroupMembership m = HD__GROUP_MEMBERSHIP__INIT, *rep = NULL;
	int rc = gw_req_object(r, out, "group_membership", &root, &obj);
	if (!rc)
		rc = gw_take_u64(obj, "user_id", &m.user_id, NULL, out);
	if (!rc)
		rc = gw_take_u64(obj, "group_id", &m.group_id, NULL, out);
	if (!rc)
		rc = gw_take_bool(obj, "default", &m.default_, NULL, out);
	if (!rc)
		rc = gw_call(g, g->intake[0], r, "memberships.create", &m,
			     &hd__group_membership__descriptor, (void **)&rep,
			     out);
	if (!rc) {
		gw_settle_members(g, r); /* knowledge's copy has it */
		out->status = 201;
		gw_location(r, out, "group_memberships", rep->id);
		out->body = json_pack("{s:o}", "group_membership",
				      member_json(r, rep));
		hd__group_membership__free_unpacked(rep, NULL);
	}
	json_decref(root);
	return rc;
}

int gw_members_delete(gw *g, gw_req *r, gw_resp *out)
{
	int rc = gw_dir_delete(g, r, "memberships.delete", NULL,
			       &hd__id_request__descriptor, out);
	if (!rc)
		gw_settle_members(g, r);
	return rc;
}

/* The agents in a group: its memberships (first 100), then those users. */
int gw_groups_users(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	Hd__GroupMembershipList *ml = NULL;
	Hd__UserList *ul = NULL;
	uint64_t ids[100];
	q.group_id = r->id;
	q.size = 100;
	int rc = gw_call(g, g->intake[0], r, "memberships.list", &q,
			 &hd__group_membership_list__descriptor, (void **)&ml,
			 out);
	if (rc)
		return rc;
	Hd__DirListRequest uq = HD__DIR_LIST_REQUEST__INIT;
	for (size_t i = 0; i < ml->n_group_memberships && i < 100; i++)
		ids[uq.n_ids++] = ml->group_memberships[i]->user_id;
	uq.ids = ids;
	hd__group_membership_list__free_unpacked(ml, NULL);
	json_t *arr = json_array();
	if (uq.n_ids)
		rc = gw_call(g, g->intake[0], r, "users.list", &uq,
			     &hd__user_list__descriptor, (void **)&ul, out);
	for (size_t i = 0; !rc && ul && i < ul->n_users; i++)
		json_array_append_new(arr, gw_user_json(r, ul->users[i]));
	if (!rc) {
		out->status = 200;
		out->body = json_pack("{s:o, s:n, s:n, s:I}", "users", arr,
				      "next_page", "previous_page", "count",
				      (json_int_t)json_array_size(arr));
	} else {
		json_decref(arr);
	}
	if (ul)
		hd__user_list__free_unpacked(ul, NULL);
	return rc;
}
