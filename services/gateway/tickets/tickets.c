/* Tickets over HTTP: create, show, update, delete/restore and tags. The
 * gateway turns the "ticket" object into an hd.TicketPatch (JSON types
 * only, hd/ticket_patch.h), resolves requester{} to a user, picks the shard
 * and renders the result; intake checks the values and owns the data. */
#include "gw_tickets.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/shard.h"
#include "hd/ticket_patch.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TICKET_JSON ((size_t)1 << 20)

hd_rpc_client *gw_ticket_shard(gw *g, uint64_t id)
{
	unsigned shard = (unsigned)(id & 0xff);
	return id && shard < g->shards ? g->intake[shard] : NULL;
}

/* A stable spread over shards (splitmix64 finalizer): one requester's
 * tickets live together; an Idempotency-Key always lands on one shard. */
unsigned gw_ticket_spread(uint64_t v, unsigned shards)
{
	return hd_shard_spread(v, shards); /* hd-import spreads the same way */
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void api_warn(gw_resp *out, const Hd__TicketWriteReply *rep,
		     const char *action)
{
	if (!rep->n_unpermitted)
		return;
	hd_buf b; /* bounded: keys past the cap are left out (sticky) */
	hd_buf_init(&b, 300);
	for (size_t i = 0; i < rep->n_unpermitted; i++)
		hd_buf_printf(&b, "%s\"ticket.%s\"", i ? ", " : "",
			      rep->unpermitted[i]);
	snprintf(out->api_warn, sizeof out->api_warn,
		 "{:allowed_parameters=>{:controller=>\"tickets\", "
		 ":action=>\"%s\", :unpermitted_keys=>[%s]}}",
		 action, b.data ? b.data : "");
	hd_buf_release(&b);
}

/* requester {email, name}: find or create the user on the directory shard
 * and put its id into the object as requester_id. */
int gw_ticket_requester(gw *g, gw_req *r, json_t *ticket, gw_resp *out)
{
	json_t *rq = json_object_get(ticket, "requester");
	if (!rq || json_is_null(rq) || json_object_get(ticket, "requester_id"))
		return HD_OK;
	json_t *email = json_object_get(rq, "email");
	json_t *name = json_object_get(rq, "name");
	if (!json_is_object(rq) || !json_is_string(email) ||
	    (name && !json_is_null(name) && !json_is_string(name)))
		return gw_invalid(
			out, "requester",
			"requester: must be {\"email\":\"…\",\"name\":\"…\"}");
	Hd__UserEnsureRequest er = HD__USER_ENSURE_REQUEST__INIT;
	er.email = (char *)json_string_value(email);
	er.name = json_is_string(name) ? (char *)json_string_value(name) : "";
	Hd__User *u = NULL;
	int rc = gw_call(g, g->intake[0], r, "users.ensure", &er,
			 &hd__user__descriptor, (void **)&u, out);
	if (rc) {
		if (out->status == 422)
			gw_invalid(out, "requester",
				   "requester: the e-mail is not valid");
		return rc;
	}
	json_object_set_new(ticket, "requester_id",
			    json_integer((json_int_t)u->id));
	hd__user__free_unpacked(u, NULL);
	return HD_OK;
}

/* One tickets.write; *rep is the caller's (free with
 * hd__ticket_write_reply__free_unpacked). */
int gw_ticket_write(gw *g, gw_req *r, hd_rpc_client *c, uint64_t id,
		    json_t *obj, const char *action, const char *idem,
		    Hd__TicketWriteReply **rep, gw_resp *out)
{
	Hd__TicketWriteRequest wr = HD__TICKET_WRITE_REQUEST__INIT;
	hd_patch_err err = {"", ""};
	wr.patch = hd_ticket_patch_new();
	wr.id = id;
	wr.action = (char *)action;
	wr.idempotency_key = (char *)(idem ? idem : "");
	int rc = !wr.patch ? gw_from_err(out, HD_E_NOMEM, "out of memory")
		 : obj     ? hd_ticket_patch_from_json(obj, wr.patch, &err)
			   : HD_OK;
	if (rc == HD_E_INVALID)
		gw_invalid(out, err.field, err.message);
	else if (rc == HD_E_NOMEM && wr.patch)
		gw_from_err(out, rc, "out of memory");
	if (!rc)
		rc = gw_call(g, c, r, "tickets.write", &wr,
			     &hd__ticket_write_reply__descriptor, (void **)rep,
			     out);
	hd_ticket_patch_free(wr.patch);
	const char *desc =
		json_string_value(json_object_get(out->body, "description"));
	if (rc && out->status == 409 && desc && strstr(desc, "Idempotency"))
		gw_error(out, 400, "IdempotencyKeyReused",
			 "The Idempotency-Key was already used with another "
			 "request body");
	return rc;
}

static void answer_write(gw_req *r, gw_resp *out, Hd__TicketWriteReply *rep,
			 unsigned status)
{
	gw_reply_one(out, status, "ticket", gw_ticket_json(r, rep->ticket));
	if (rep->audit)
		json_object_set_new(out->body, "audit",
				    gw_audit_json(r, rep->audit));
	gw_reply_location(r, out, status, "tickets", rep->ticket->id);
}

/* Create's and update's input: the body's "ticket" object with its
 * requester{} made requester_id and its references and uploads checked;
 * *root is the caller's (json_decref) even on failure. */
static int ticket_input(gw *g, gw_req *r, json_t **root, json_t **ticket,
			gw_resp *out)
{
	int rc = gw_req_object(r, out, "ticket", root, ticket);
	if (!rc)
		rc = gw_ticket_requester(g, r, *ticket, out);
	if (!rc)
		rc = gw_ticket_refs(g, r, *ticket, out);
	if (!rc)
		rc = gw_ticket_uploads(g, r, *ticket, out);
	if (!rc)
		json_object_del(*ticket, "requester");
	return rc;
}

int gw_tickets_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *ticket = NULL;
	Hd__TicketWriteReply *rep = NULL;
	int rc = ticket_input(g, r, &root, &ticket, out);
	if (rc)
		goto done;
	const char *idem = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						       "Idempotency-Key");
	if (idem && strlen(idem) > 200) {
		rc = gw_error(out, 400, "InvalidIdempotencyKey",
			      "Idempotency-Key is longer than 200 bytes");
		goto done;
	}
	json_t *rid = json_object_get(ticket, "requester_id");
	uint64_t who = json_is_integer(rid) ? (uint64_t)json_integer_value(rid)
					    : r->who.user_id;
	unsigned shard = gw_ticket_spread(
		idem ? hash_str(idem) ^ r->who.user_id : who, g->shards);
	rc = gw_ticket_write(g, r, g->intake[shard], 0, ticket, "", idem, &rep,
			     out);
	if (!rc) {
		answer_write(r, out, rep, 201);
		api_warn(out, rep, "create");
	}
done:
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	json_decref(root);
	return rc;
}

int gw_tickets_update(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *ticket = NULL;
	Hd__TicketWriteReply *rep = NULL;
	hd_rpc_client *c = gw_ticket_shard(g, r->id);
	if (!c)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	int rc = ticket_input(g, r, &root, &ticket, out);
	if (!rc)
		rc = gw_ticket_write(g, r, c, r->id, ticket, "", NULL, &rep,
				     out);
	if (!rc) {
		answer_write(r, out, rep, 200);
		api_warn(out, rep, "update");
	}
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	json_decref(root);
	return rc;
}

int gw_ticket_fetch(gw *g, gw_req *r, Hd__Ticket **tk, gw_resp *out)
{
	hd_rpc_client *c = gw_ticket_shard(g, r->id);
	if (!c)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	Hd__TicketGetRequest gr = HD__TICKET_GET_REQUEST__INIT;
	gr.id = r->id;
	return gw_call(g, c, r, "tickets.get", &gr, &hd__ticket__descriptor,
		       (void **)tk, out);
}

int gw_tickets_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Ticket *tk = NULL;
	int rc = gw_ticket_fetch(g, r, &tk, out);
	if (!rc) {
		gw_reply_one(out, 200, "ticket", gw_ticket_json(r, tk));
		gw_tickets_sideload(g, r, out->body, &tk, 1);
	}
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

/* delete / restore: a write with no fields. */
static int simple_action(gw *g, gw_req *r, const char *action, gw_resp *out,
			 Hd__TicketWriteReply **rep)
{
	hd_rpc_client *c = gw_ticket_shard(g, r->id);
	if (!c)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	return gw_ticket_write(g, r, c, r->id, NULL, action, NULL, rep, out);
}

int gw_tickets_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__TicketWriteReply *rep = NULL;
	int rc = simple_action(g, r, "delete", out, &rep);
	if (!rc)
		out->status = 204;
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	return rc;
}

int gw_tickets_restore(gw *g, gw_req *r, gw_resp *out)
{
	Hd__TicketWriteReply *rep = NULL;
	int rc = simple_action(g, r, "restore", out, &rep);
	if (!rc) {
		out->status = 200;
		out->body = json_object();
	}
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	return rc;
}

static json_t *tags_json(const Hd__Ticket *tk)
{
	json_t *tags = json_array();
	for (size_t i = 0; i < tk->n_tags; i++)
		json_array_append_new(tags, json_string(tk->tags[i]));
	return tags;
}

int gw_tickets_tags_get(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Ticket *tk = NULL;
	int rc = gw_ticket_fetch(g, r, &tk, out);
	if (!rc)
		gw_reply_one(out, 200, "tags", tags_json(tk));
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

/* POST replaces (201), PUT adds, DELETE removes; body {"tags":[…]}. */
int gw_tickets_tags_write(gw *g, gw_req *r, gw_resp *out)
{
	const char *m = r->method;
	const char *action = strcmp(m, "POST") == 0  ? "tags_set"
			     : strcmp(m, "PUT") == 0 ? "tags_add"
						     : "tags_remove";
	hd_rpc_client *c = gw_ticket_shard(g, r->id);
	if (!c)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	json_t *root = NULL;
	Hd__TicketWriteReply *rep = NULL;
	int rc = gw_parse_body(r, out, &root);
	if (!rc && !json_is_array(json_object_get(root, "tags")))
		rc = gw_error(out, 400, "ParameterMissing",
			      "param is missing or the value is empty: tags");
	if (!rc)
		rc = gw_ticket_write(g, r, c, r->id, root, action, NULL, &rep,
				     out);
	if (!rc) {
		gw_reply_one(out, strcmp(m, "POST") == 0 ? 201 : 200, "tags",
			     tags_json(rep->ticket));
	}
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	json_decref(root);
	return rc;
}

const gw_route gw_ticket_routes[] = {
	{"GET", "/api/v2/tickets", gw_tickets_list, GW_AUTH_USER},
	{"POST", "/api/v2/tickets", gw_tickets_create, GW_AUTH_USER},
	{"GET", "/api/v2/tickets/count", gw_tickets_count, GW_AUTH_USER},
	{"GET", "/api/v2/tickets/show_many", gw_tickets_show_many,
	 GW_AUTH_USER},
	{"POST", "/api/v2/tickets/create_many", gw_tickets_create_many,
	 GW_AUTH_AGENT},
	{"PUT", "/api/v2/tickets/update_many", gw_tickets_update_many,
	 GW_AUTH_AGENT},
	{"DELETE", "/api/v2/tickets/destroy_many", gw_tickets_destroy_many,
	 GW_AUTH_AGENT},
	{"POST", "/api/v2/tickets/{id}/merge", gw_tickets_merge, GW_AUTH_AGENT},
	{"GET", "/api/v2/job_statuses/show_many", gw_job_status_show_many,
	 GW_AUTH_USER},
	{"GET", "/api/v2/job_statuses/{s}", gw_job_status_show, GW_AUTH_USER},
	{"POST", "/api/v2/uploads", gw_uploads_create, GW_AUTH_USER},
	{"GET", "/api/v2/attachments/{id}", gw_attachments_show, GW_AUTH_USER},
	{"GET", "/api/v2/attachments/{id}/content", gw_attachments_content,
	 GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}", gw_tickets_show, GW_AUTH_USER},
	{"PUT", "/api/v2/tickets/{id}", gw_tickets_update, GW_AUTH_USER},
	{"DELETE", "/api/v2/tickets/{id}", gw_tickets_delete, GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}/tags", gw_tickets_tags_get, GW_AUTH_USER},
	{"POST", "/api/v2/tickets/{id}/tags", gw_tickets_tags_write,
	 GW_AUTH_USER},
	{"PUT", "/api/v2/tickets/{id}/tags", gw_tickets_tags_write,
	 GW_AUTH_USER},
	{"DELETE", "/api/v2/tickets/{id}/tags", gw_tickets_tags_write,
	 GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}/comments", gw_tickets_comments,
	 GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}/audits", gw_tickets_audits, GW_AUTH_USER},
	{"GET", "/api/v2/deleted_tickets", gw_tickets_deleted, GW_AUTH_AGENT},
	{"PUT", "/api/v2/deleted_tickets/{id}/restore", gw_tickets_restore,
	 GW_AUTH_USER},
	{"GET", "/api/v2/users/{id}/tickets/requested", gw_tickets_requested,
	 GW_AUTH_USER},
	{"GET", "/api/v2/users/{id}/tickets/assigned", gw_tickets_assigned,
	 GW_AUTH_USER},
	{"GET", "/api/v2/users/{id}/tickets/ccd", gw_tickets_ccd, GW_AUTH_USER},
	{"GET", "/api/v2/organizations/{id}/tickets", gw_tickets_of_org,
	 GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
