/* The gateway's ticket module, shared by tickets*.c: JSON renderings and
 * the one-RPC helpers. Handlers run on MHD pool threads; nothing here keeps
 * state between requests. */
#ifndef GW_TICKETS_H
#define GW_TICKETS_H

#include "gateway.h"
#include "gw_shared.h"

/* tickets_json.c: Zendesk objects (API.md §2); new references. */
json_t *gw_comment_json(const gw_req *r, const Hd__Comment *c);
json_t *gw_audit_json(const gw_req *r, const Hd__Audit *a);
/* Add ?include=users,groups,organizations sideloads for the tickets. */
void gw_tickets_sideload(gw *g, gw_req *r, json_t *body, Hd__Ticket *const *tks,
			 size_t n);

/* tickets.c: the intake client owning ticket id, or NULL. */
hd_rpc_client *gw_ticket_shard(gw *g, uint64_t id);
/* tickets.get of ticket {id} (r->id) on its shard, as r's caller may see it;
 * *tk is the caller's. On failure out holds the HTTP error (404 too). */
int gw_ticket_fetch(gw *g, gw_req *r, Hd__Ticket **tk, gw_resp *out);
/* The shard for a new ticket of this requester (a stable spread). */
unsigned gw_ticket_spread(uint64_t v, unsigned shards);
/* requester{email,name} → requester_id in ticket (users.ensure). */
int gw_ticket_requester(gw *g, gw_req *r, json_t *ticket, gw_resp *out);
/* tickets_refs.c: 422 naming assignee_id, group_id or organization_id
 * when it names no agent/admin, group or organization (staff callers). */
int gw_ticket_refs(gw *g, gw_req *r, json_t *ticket, gw_resp *out);
/* One tickets.write (id 0: create) with obj (borrowed) and action; *rep is
 * the caller's (hd__ticket_write_reply__free_unpacked). On failure out
 * holds the HTTP error. */
int gw_ticket_write(gw *g, gw_req *r, hd_rpc_client *c, uint64_t id,
		    json_t *obj, const char *action, const char *idem,
		    Hd__TicketWriteReply **rep, gw_resp *out);

/* tickets.c */
int gw_tickets_update(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_delete(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_restore(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_tags_get(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_tags_write(gw *g, gw_req *r, gw_resp *out);

/* uploads.c */
int gw_uploads_create(gw *g, gw_req *r, gw_resp *out);
int gw_attachments_show(gw *g, gw_req *r, gw_resp *out);
int gw_attachments_content(gw *g, gw_req *r, gw_resp *out);
/* The Zendesk attachment object (API.md §2); new reference. */
json_t *gw_attachment_json(const gw_req *r, const Hd__Attachment *a);
/* Resolve comment.uploads tokens into comment.hd_attachments (422
 * "uploads" for unknown tokens). */
int gw_ticket_uploads(gw *g, gw_req *r, json_t *ticket, gw_resp *out);

/* jobs_pb.c: a job_status object as the typed record intake stores and
 * back. to_pb fills js's job fields from o (borrowing o's strings; free
 * what it allocated with gw_job_pb_release, also after a failure:
 * HD_E_NOMEM); from_pb answers a new job_status object (without url). */
int gw_job_to_pb(json_t *o, Hd__JobStatus *js);
void gw_job_pb_release(Hd__JobStatus *js);
json_t *gw_job_from_pb(const Hd__JobStatus *js);

/* jobs.c: bulk endpoints and job statuses */
int gw_tickets_create_many(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_update_many(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_destroy_many(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_merge(gw *g, gw_req *r, gw_resp *out);
int gw_job_status_show(gw *g, gw_req *r, gw_resp *out);
int gw_job_status_show_many(gw *g, gw_req *r, gw_resp *out);
/* A finished bulk job of type whose results (an array; taken) are in: kept
 * on shard 0 and answered 200 {"job_status":…} (imports.c). */
int gw_job_done(gw *g, gw_req *r, const char *type, json_t *results,
		gw_resp *out);
/* Parse ?ids=1,2 (≤ GW_MAX_SHOW_MANY; ids holds that many) into ids; 400 (TooManyValues …) on error. */
int gw_ids_param(gw_req *r, uint64_t *ids, size_t *n, gw_resp *out);

/* tickets_list.c: one merged, paginated ticket list. filter/filter_id,
 * deleted, ids and statuses select (as hd.TicketListRequest); key names the
 * list ("tickets" when NULL) and item renders each ticket (gw_ticket_json
 * when NULL) with item_arg. */
#define GW_MAX_SHOW_MANY 100
typedef struct gw_ticket_list {
	const char *filter;
	uint64_t filter_id;
	int deleted;
	uint64_t ids[GW_MAX_SHOW_MANY];
	size_t nids;
	const char *const *statuses;
	size_t nstatuses;
	const char *key;
	json_t *(*item)(const gw_req *r, const Hd__Ticket *tk, void *arg);
	void *item_arg;
} gw_ticket_list;
int gw_tickets_run_list(gw *g, gw_req *r, const gw_ticket_list *lq,
			gw_resp *out);

/* tickets_list.c */
int gw_tickets_list(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_deleted(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_show_many(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_count(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_requested(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_assigned(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_ccd(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_of_org(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_comments(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_audits(gw *g, gw_req *r, gw_resp *out);

#endif
