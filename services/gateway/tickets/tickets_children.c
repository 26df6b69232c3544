/* A ticket's comments and audits, and the users/groups/organizations
 * sideloads of ticket responses. */
#include "gw_tickets.h"

#include "hd/err.h"
#include "gw_users.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIDELOAD_USERS 300

static int child_request(gw_req *r, gw_page *p, Hd__TicketChildRequest *q,
			 gw_resp *out)
{
	int rc = gw_page_parse(r, p, 100, 10000, out);
	if (rc)
		return rc;
	const char *order = gw_query(r, "sort_order");
	const char *sort = gw_query(r, "sort");
	q->ticket_id = r->id;
	q->desc = (order && strcmp(order, "desc") == 0) ||
		  (sort && sort[0] == '-');
	q->limit = p->size;
	if (!p->cursor)
		q->offset = (p->page - 1) * p->size;
	else if (p->after[0] && hd_parse_u64(p->after, &q->after_id))
		return gw_error(out, 400, "InvalidPaginationParameter",
				"Invalid cursor");
	return HD_OK;
}

/* One page of a ticket's children: method on the ticket's shard. */
static int child_call(gw *g, gw_req *r, const char *method,
		      const ProtobufCMessageDescriptor *desc, gw_page *p,
		      void **list, gw_resp *out)
{
	hd_rpc_client *c = gw_ticket_shard(g, r->id);
	Hd__TicketChildRequest q = HD__TICKET_CHILD_REQUEST__INIT;
	if (!c)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	int rc = child_request(r, p, &q, out);
	if (!rc)
		rc = gw_call(g, c, r, method, &q, desc, list, out);
	return rc;
}

/* 200 {key: arr} with page links; the cursor is the last child's id. */
static void child_reply(gw_req *r, gw_page *p, gw_resp *out, const char *key,
			json_t *arr, uint64_t count, bool has_more, size_t n,
			uint64_t last_id)
{
	gw_reply_one(out, 200, key, arr);
	char after[32] = "";
	if (n)
		snprintf(after, sizeof after, "%llu",
			 (unsigned long long)last_id);
	gw_page_links(r, p, out->body, count, has_more, after[0] ? after : NULL,
		      NULL);
}

int gw_tickets_comments(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	Hd__CommentList *l = NULL;
	int rc =
		child_call(g, r, "tickets.comments",
			   &hd__comment_list__descriptor, &p, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_comments; i++)
		json_array_append_new(arr, gw_comment_json(r, l->comments[i]));
	child_reply(r, &p, out, "comments", arr, l->count, l->has_more,
		    l->n_comments,
		    l->n_comments ? l->comments[l->n_comments - 1]->id : 0);
	hd__comment_list__free_unpacked(l, NULL);
	return HD_OK;
}

int gw_tickets_audits(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	Hd__AuditList *l = NULL;
	int rc = child_call(g, r, "tickets.audits", &hd__audit_list__descriptor,
			    &p, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_audits; i++)
		json_array_append_new(arr, gw_audit_json(r, l->audits[i]));
	child_reply(r, &p, out, "audits", arr, l->count, l->has_more,
		    l->n_audits,
		    l->n_audits ? l->audits[l->n_audits - 1]->id : 0);
	hd__audit_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int wants(gw_req *r, const char *what)
{
	const char *inc = gw_query(r, "include");
	size_t n = strlen(what);
	for (const char *s = inc; s && *s;) {
		size_t len = strcspn(s, ",");
		if (len == n && strncmp(s, what, n) == 0)
			return 1;
		s += len + (s[len] == ',');
	}
	return 0;
}

/* A sideloaded organization or group: the fields clients link by. */
static json_t *named_json(const gw_req *r, const char *kind, uint64_t id,
			  const char *name, int64_t created, int64_t updated)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/%s/%llu.json", r->base_url, kind,
		 (unsigned long long)id);
	return json_pack("{s:s, s:I, s:s, s:o, s:o}", "url", url, "id",
			 (json_int_t)id, "name", name, "created_at",
			 gw_time_json(created), "updated_at",
			 gw_time_json(updated));
}

/* One directory object per id by method; failures (gone, not visible to
 * this caller) are left out. */
static json_t *fetch_all(gw *g, gw_req *r, const char *method,
			 const uint64_t *ids, size_t n)
{
	const ProtobufCMessageDescriptor *d =
		strcmp(method, "users.get") == 0 ? &hd__user__descriptor
		: strcmp(method, "orgs.get") == 0
			? &hd__organization__descriptor
			: &hd__group__descriptor;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		Hd__IdRequest q = HD__ID_REQUEST__INIT;
		void *m = NULL;
		gw_resp ignore = {0};
		q.id = ids[i];
		if (gw_call(g, g->intake[0], r, method, &q, d, &m, &ignore) ==
		    HD_OK) {
			if (d == &hd__user__descriptor)
				json_array_append_new(arr, gw_user_json(r, m));
			else if (d == &hd__organization__descriptor) {
				Hd__Organization *o = m;
				json_array_append_new(
					arr,
					named_json(r, "organizations", o->id,
						   o->name, o->created_at,
						   o->updated_at));
			} else {
				Hd__Group *gr = m;
				json_array_append_new(
					arr,
					named_json(r, "groups", gr->id,
						   gr->name, gr->created_at,
						   gr->updated_at));
			}
		}
		json_decref(ignore.body);
		if (m)
			protobuf_c_message_free_unpacked(m, NULL);
	}
	return arr;
}

static void add_id(uint64_t *ids, size_t *n, uint64_t id)
{
	if (!id || *n == MAX_SIDELOAD_USERS)
		return;
	for (size_t i = 0; i < *n; i++)
		if (ids[i] == id)
			return;
	ids[(*n)++] = id;
}

/* users, organizations and groups from the directory shard. */
void gw_tickets_sideload(gw *g, gw_req *r, json_t *body, Hd__Ticket *const *tks,
			 size_t n)
{
	static const struct {
		const char *name, *method;
	} kinds[] = {{"users", "users.get"},
		     {"organizations", "orgs.get"},
		     {"groups", "groups.get"}};
	for (size_t k = 0; k < 3; k++) {
		if (!wants(r, kinds[k].name))
			continue;
		uint64_t ids[MAX_SIDELOAD_USERS];
		size_t nids = 0;
		for (size_t i = 0; i < n; i++) {
			const Hd__Ticket *t = tks[i];
			if (k == 0) {
				add_id(ids, &nids, t->requester_id);
				add_id(ids, &nids, t->submitter_id);
				add_id(ids, &nids, t->assignee_id);
			} else {
				add_id(ids, &nids,
				       k == 1 ? t->organization_id
					      : t->group_id);
			}
		}
		json_object_set_new(
			body, kinds[k].name,
			fetch_all(g, r, kinds[k].method, ids, nids));
	}
	if (wants(r, "slas"))
		gw_sla_sideload(g, r, body, tks, n);
}
