/* Views over HTTP (API.md §7): /views CRUD, /views/active, and running a
 * view — /views/{id}/tickets, /count, /execute, /views/count_many — all
 * answered by routing (g->peers[0]) from its own copy of the tickets.
 * Routing decides which views the caller sees (a view they may not see
 * answers 404); this file only forwards the caller's principal. */
#include "gw_views.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int get_view(gw *g, gw_req *r, Hd__View **v, gw_resp *out)
{
	Hd__ViewId vi = HD__VIEW_ID__INIT;
	vi.id = r->id;
	return gw_call(g, ROUTING(g), r, "views.get", &vi,
		       &hd__view__descriptor, (void **)v, out);
}

/* base: the stored view (update) or NULL (create). */
static int write_view(gw *g, gw_req *r, const Hd__View *base, unsigned status,
		      gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	gw_view_input in = {0};
	Hd__View v = HD__VIEW__INIT, *saved = NULL;
	if (base)
		v = *base; /* shallow: base keeps and frees its own */
	else
		v.active = 1;
	int rc = gw_req_object(r, out, "view", &root, &obj);
	if (!rc)
		rc = gw_view_read(obj, &in, &v, out);
	if (!rc)
		rc = gw_call(g, ROUTING(g), r, "views.save", &v,
			     &hd__view__descriptor, (void **)&saved, out);
	if (!rc) {
		gw_reply_one(out, status, "view", gw_view_json(r, saved));
		gw_reply_location(r, out, status, "views", saved->id);
	}
	hd__view__free_unpacked(saved, NULL);
	gw_view_input_release(&in);
	json_decref(root);
	return rc;
}

static int views_create(gw *g, gw_req *r, gw_resp *out)
{
	return write_view(g, r, NULL, 201, out);
}

static int views_update(gw *g, gw_req *r, gw_resp *out)
{
	Hd__View *old = NULL;
	int rc = get_view(g, r, &old, out);
	if (!rc)
		rc = write_view(g, r, old, 200, out);
	hd__view__free_unpacked(old, NULL);
	return rc;
}

static int views_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__View *v = NULL;
	int rc = get_view(g, r, &v, out);
	if (!rc)
		gw_reply_one(out, 200, "view", gw_view_json(r, v));
	hd__view__free_unpacked(v, NULL);
	return rc;
}

static int views_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__ViewId vi = HD__VIEW_ID__INIT;
	Hd__ViewId *reply = NULL;
	vi.id = r->id;
	int rc = gw_call(g, ROUTING(g), r, "views.delete", &vi,
			 &hd__view_id__descriptor, (void **)&reply, out);
	hd__view_id__free_unpacked(reply, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

static int list(gw *g, gw_req *r, gw_resp *out, int active_only)
{
	gw_page p;
	int rc = gw_page_parse(r, &p, 100, 10000, out);
	if (rc)
		return rc;
	Hd__ViewListRequest lr = HD__VIEW_LIST_REQUEST__INIT;
	lr.active_only = active_only;
	Hd__ViewList *l = NULL;
	rc = gw_call(g, ROUTING(g), r, "views.list", &lr,
		     &hd__view_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_views; i++)
		json_array_append_new(arr, gw_view_json(r, l->views[i]));
	out->status = 200;
	out->body = json_pack("{s:o}", "views", arr);
	p.page = 1; /* every view fits one page */
	gw_page_links(r, &p, out->body, l->n_views, 0, NULL, NULL);
	hd__view_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int views_list(gw *g, gw_req *r, gw_resp *out)
{
	return list(g, r, out, 0);
}

static int views_active(gw *g, gw_req *r, gw_resp *out)
{
	return list(g, r, out, 1);
}

/* Run the view for one page: offset pages, or cursors holding the offset. */
static int run(gw *g, gw_req *r, gw_page *p, unsigned limit,
	       Hd__ViewTickets **vt, gw_resp *out)
{
	Hd__ViewTicketsRequest q = HD__VIEW_TICKETS_REQUEST__INIT;
	int rc = gw_page_parse(r, p, 100, 10000, out);
	rc = rc ? rc : gw_page_offset(p, &q.offset, out);
	if (rc)
		return rc;
	const char *sort_by = gw_query(r, "sort_by");
	const char *sort_order = gw_query(r, "sort_order");
	q.id = r->id;
	q.limit = limit ? p->size : 0;
	q.sort_by = sort_by && strlen(sort_by) < 64 ? (char *)sort_by : "";
	q.sort_order =
		sort_order && strlen(sort_order) < 8 ? (char *)sort_order : "";
	return gw_call(g, ROUTING(g), r, "views.tickets", &q,
		       &hd__view_tickets__descriptor, (void **)vt, out);
}

static int views_count(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	Hd__ViewTickets *vt = NULL;
	int rc = run(g, r, &p, 0, &vt, out);
	if (rc)
		return rc;
	out->status = 200;
	out->body = json_pack(
		"{s:o}", "view_count",
		gw_view_count_json(r, r->id, vt->count, vt->building));
	hd__view_tickets__free_unpacked(vt, NULL);
	return HD_OK;
}

static json_t *row_json(const gw_req *r, const Hd__Ticket *tk)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/tickets/%llu.json", r->base_url,
		 (unsigned long long)tk->id);
	json_t *t = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:n}", "id",
			      (json_int_t)tk->id, "subject", tk->subject,
			      "description", tk->description, "status",
			      tk->status, "type", gw_str_or_null(tk->type),
			      "priority", gw_str_or_null(tk->priority), "url",
			      url, "last_comment");
	json_t *opt_id[3] = {
		tk->assignee_id ? json_integer((json_int_t)tk->assignee_id)
				: json_null(),
		tk->group_id ? json_integer((json_int_t)tk->group_id)
			     : json_null(),
		tk->organization_id
			? json_integer((json_int_t)tk->organization_id)
			: json_null()};
	return json_pack("{s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:s, s:s, "
			 "s:o, s:o, s:o}",
			 "ticket", t, "requester_id",
			 (json_int_t)tk->requester_id, "assignee_id", opt_id[0],
			 "group_id", opt_id[1], "organization_id", opt_id[2],
			 "created", gw_time_json(tk->created_at), "updated",
			 gw_time_json(tk->updated_at), "subject", tk->subject,
			 "status", tk->status, "priority",
			 gw_str_or_null(tk->priority), "type",
			 gw_str_or_null(tk->type), "score", json_null());
}

/* One page of the view: /tickets answers ticket objects, /execute rows
 * with the view and its columns. */
static int page(gw *g, gw_req *r, gw_resp *out, bool execute)
{
	gw_page p;
	Hd__ViewTickets *vt = NULL;
	int rc = run(g, r, &p, 1, &vt, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < vt->n_tickets; i++)
		json_array_append_new(
			arr, execute ? row_json(r, vt->tickets[i])
				     : gw_ticket_json(r, vt->tickets[i]));
	out->status = 200;
	if (execute)
		out->body = json_pack("{s:o, s:o, s:o, s:[]}", "view",
				      gw_view_json(r, vt->view), "rows", arr,
				      "columns", gw_view_columns(vt->view),
				      "groups");
	else
		out->body = json_pack("{s:o}", "tickets", arr);
	uint64_t offset = 0;
	gw_page_offset(&p, &offset, out); /* run() checked the cursor */
	gw_page_offset_links(r, &p, out->body, offset + vt->n_tickets,
			     vt->count);
	hd__view_tickets__free_unpacked(vt, NULL);
	return HD_OK;
}

static int views_tickets(gw *g, gw_req *r, gw_resp *out)
{
	return page(g, r, out, false);
}

static int views_execute(gw *g, gw_req *r, gw_resp *out)
{
	return page(g, r, out, true);
}

const gw_route gw_view_routes[] = {
	{"GET", "/api/v2/views", views_list, GW_AUTH_USER},
	{"POST", "/api/v2/views", views_create, GW_AUTH_USER},
	{"GET", "/api/v2/views/active", views_active, GW_AUTH_USER},
	{"GET", "/api/v2/views/count_many", gw_views_count_many, GW_AUTH_USER},
	{"GET", "/api/v2/views/{id}", views_show, GW_AUTH_USER},
	{"PUT", "/api/v2/views/{id}", views_update, GW_AUTH_USER},
	{"DELETE", "/api/v2/views/{id}", views_delete, GW_AUTH_USER},
	{"GET", "/api/v2/views/{id}/tickets", views_tickets, GW_AUTH_USER},
	{"GET", "/api/v2/views/{id}/count", views_count, GW_AUTH_USER},
	{"GET", "/api/v2/views/{id}/execute", views_execute, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
