/* The inbound e-mail channel's HTTP side (intake owns the pipeline):
 *   POST /api/v2/hd/channels/email                      raw message/rfc822
 *   GET  /api/v2/hd/channels/email/failed               admins: the list
 *   GET  /api/v2/hd/channels/email/failed/{id}          one, raw as base64
 *        (?format=rfc822: the message itself as a download)
 *   POST /api/v2/hd/channels/email/failed/{id}/reprocess
 * Mail is authenticated by the channel secret (HD_MAIL_SECRET, header
 * X-HD-Channel-Secret or "Authorization: Bearer …") or an admin's
 * credentials. Replies that thread to a side conversation are handed to
 * notifications here; if it cannot take them they go to the failed store. */
#include "gateway.h"
#include "gw_edge.h"
#include "gw_tickets.h"

#include "email.pb-c.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "mail.pb-c.h"
#include "user.pb-c.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The channel secret, compared in constant time; "" disables it. */
bool gw_email_secret_ok(gw *g, gw_req *r)
{
	const char *want = g->mail_secret;
	const char *got = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						      "X-HD-Channel-Secret");
	const char *auth = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!got && auth && strncmp(auth, "Bearer ", 7) == 0)
		got = auth + 7;
	size_t n = want ? strlen(want) : 0;
	return n && got && strlen(got) == n && sodium_memcmp(got, want, n) == 0;
}

/* The secret makes the caller the "system"; otherwise an admin's
 * credentials are needed. */
static int mail_auth(gw *g, gw_req *r, gw_resp *out)
{
	if (gw_email_secret_ok(g, r)) {
		memset(&r->who, 0, sizeof r->who);
		r->who.role = HD__USER_ROLE__ROLE_SYSTEM;
		return HD_OK;
	}
	int rc = gw_authenticate_scoped(g, r, "/api/v2/hd/channels/email", out);
	if (rc)
		return rc;
	if (r->who.role != HD__USER_ROLE__ROLE_ADMIN)
		return gw_error(
			out, 403, "Forbidden",
			"Only the mail channel or admins may post mail");
	return HD_OK;
}

static json_t *id_or_null(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static void answer(gw_resp *out, unsigned status, const Hd__MailIngestReply *m)
{
	out->status = status;
	out->body =
		json_pack("{s:s, s:o, s:o, s:o}", "result", m->result,
			  "ticket_id", id_or_null(m->ticket_id), "comment_id",
			  id_or_null(m->comment_id), "reason",
			  m->reason[0] ? json_string(m->reason) : json_null());
	if (m->failed_id)
		json_object_set_new(out->body, "failed_id",
				    json_integer((json_int_t)m->failed_id));
}

/* A hand-over (notifications, another intake shard) failed: keep the
 * message as failed mail with the reason. */
static int fail_over(gw *g, gw_req *r, const void *raw, size_t len,
		     uint64_t failed_id, const char *reason, gw_resp *out,
		     Hd__MailIngestReply **rep)
{
	Hd__MailFailRequest q = HD__MAIL_FAIL_REQUEST__INIT;
	q.raw.data = (uint8_t *)raw;
	q.raw.len = len;
	q.reason = (char *)reason;
	q.failed_id = failed_id;
	hd__mail_ingest_reply__free_unpacked(*rep, NULL);
	*rep = NULL;
	return gw_call(g, g->intake[0], r, "mail.fail", &q,
		       &hd__mail_ingest_reply__descriptor, (void **)rep, out);
}

/* Call method on c with msg, keeping the peer's refusal in *res rather
 * than turning it into an HTTP error: the caller fails over instead. */
static int call_peer(gw *g, gw_req *r, hd_rpc_client *c, const char *method,
		     const void *msg, hd_rpc_result *res)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)32 << 20);
	int rc = hd_pb_pack(&b, msg);
	if (rc == HD_OK)
		rc = gw_rpc(g, c, r, method, b.data, b.len, &r->who, res, NULL);
	hd_buf_release(&b);
	return rc;
}

/* A reprocessed message finished elsewhere: its entry is done. */
static int mark_done(gw *g, gw_req *r, uint64_t failed_id, const char *result,
		     uint64_t ticket_id, gw_resp *out)
{
	Hd__MailFailedDoneRequest q = HD__MAIL_FAILED_DONE_REQUEST__INIT;
	void *none = NULL;
	q.id = failed_id;
	q.result = (char *)result;
	q.ticket_id = ticket_id;
	if (!failed_id)
		return HD_OK;
	int rc = gw_call(g, g->intake[0], r, "mail.failed.done", &q,
			 &hd__id_request__descriptor, &none, out);
	protobuf_c_message_free_unpacked(none, NULL);
	return rc;
}

/* Why a hand-over failed, for the failed-mail entry. */
static void peer_reason(char *out, size_t cap, const char *what, int rc,
			const hd_rpc_result *res)
{
	if (rc)
		snprintf(out, cap, "%s unreachable (%s)", what,
			 hd_strerror(rc));
	else
		snprintf(out, cap, "%s answered %s: %.200s", what,
			 hd_errname(res->rc), res->message);
}

static int to_notifications(gw *g, gw_req *r, const void *raw, size_t len,
			    uint64_t failed_id, gw_resp *out,
			    Hd__MailIngestReply **rep)
{
	hd_rpc_result res = {0};
	char what[96], reason[400];
	int rc = call_peer(g, r, NOTIFY(g), "side_conversations.inbound",
			   (*rep)->side_conversation, &res);
	bool ok = rc == HD_OK && res.rc == HD_OK;
	/* notifications already has this Message-ID: nothing was added */
	bool dup = rc == HD_OK && res.rc == HD_E_CONFLICT;
	if (dup) {
		free((*rep)->result);
		(*rep)->result = strdup("duplicate");
	}
	snprintf(what, sizeof what, "side conversation %llu: notifications",
		 (unsigned long long)(*rep)
			 ->side_conversation->side_conversation_id);
	peer_reason(reason, sizeof reason, what, rc, &res);
	hd_rpc_result_release(&res);
	if (ok || (dup && (*rep)->result))
		return mark_done(g, r, failed_id, (*rep)->result,
				 (*rep)->ticket_id, out);
	return fail_over(g, r, raw, len, failed_id, reason, out, rep);
}

/* A message for another intake shard: its ticket's, or for a new ticket
 * its requester's (the placement tickets.c uses). */
static int to_shard(gw *g, gw_req *r, const void *raw, size_t len,
		    uint64_t failed_id, gw_resp *out, Hd__MailIngestReply **rep)
{
	const Hd__MailApplyRequest *a = (*rep)->apply;
	unsigned shard = (unsigned)(a->ticket_id & 0xff);
	if (!a->ticket_id || shard >= g->shards)
		shard = gw_ticket_spread(a->sender_id, g->shards);
	hd_rpc_result res = {0};
	char what[64], reason[400];
	int rc = call_peer(g, r, g->intake[shard], "mail.apply", a, &res);
	Hd__MailIngestReply *done =
		rc == HD_OK && res.rc == HD_OK
			? hd__mail_ingest_reply__unpack(NULL, res.len,
							res.payload)
			: NULL;
	snprintf(what, sizeof what, "intake shard %u", shard);
	peer_reason(reason, sizeof reason, what, rc, &res);
	hd_rpc_result_release(&res);
	if (done && strcmp(done->result, "failed") == 0)
		snprintf(reason, sizeof reason, "%s", done->reason);
	if (!done || strcmp(done->result, "failed") == 0) {
		hd__mail_ingest_reply__free_unpacked(done, NULL);
		return fail_over(g, r, raw, len, failed_id, reason, out, rep);
	}
	hd__mail_ingest_reply__free_unpacked(*rep, NULL);
	*rep = done;
	return mark_done(g, r, failed_id, done->result, done->ticket_id, out);
}

/* mail.ingest, then the hand-over it asks for, if any. */
static int pipeline(gw *g, gw_req *r, const void *raw, size_t len,
		    uint64_t failed_id, unsigned status, gw_resp *out)
{
	Hd__MailIngestRequest q = HD__MAIL_INGEST_REQUEST__INIT;
	Hd__MailIngestReply *rep = NULL;
	q.raw.data = (uint8_t *)raw;
	q.raw.len = len;
	q.failed_id = failed_id;
	int rc =
		gw_call(g, g->intake[0], r, "mail.ingest", &q,
			&hd__mail_ingest_reply__descriptor, (void **)&rep, out);
	if (rc == HD_OK && rep->side_conversation &&
	    strcmp(rep->result, "side_conversation") == 0)
		rc = to_notifications(g, r, raw, len, failed_id, out, &rep);
	else if (rc == HD_OK && rep->apply &&
		 strcmp(rep->result, "forward") == 0)
		rc = to_shard(g, r, raw, len, failed_id, out, &rep);
	if (rc == HD_OK)
		answer(out, status, rep);
	hd__mail_ingest_reply__free_unpacked(rep, NULL);
	return rc;
}

static bool rfc822_type(gw_req *r)
{
	const char *t = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = t ? strcspn(t, "; ") : 0;
	return t && ((n == 14 && strncasecmp(t, "message/rfc822", n) == 0) ||
		     (n == 24 &&
		      strncasecmp(t, "application/octet-stream", n) == 0));
}

static int email_post(gw *g, gw_req *r, gw_resp *out)
{
	if (mail_auth(g, r, out))
		return HD_E_UNAUTHORIZED;
	if (!rfc822_type(r))
		return gw_error(out, 415, "UnsupportedMediaType",
				"Content-Type must be message/rfc822");
	if (r->body.len == 0)
		return gw_invalid(out, "message", "message: the body is empty");
	return pipeline(g, r, r->body.data, r->body.len, 0, 201, out);
}

static json_t *failed_json(const Hd__MailFailed *e)
{
	return json_pack(
		"{s:I, s:s, s:o, s:I, s:o, s:b, s:o, s:o, s:o}", "id",
		(json_int_t)e->id, "reason", e->reason, "received_at",
		gw_time_json(e->received_at), "size", (json_int_t)e->size,
		"subject", gw_str_or_null(e->subject), "processed",
		e->processed, "processed_at",
		e->processed ? gw_time_json(e->processed_at) : json_null(),
		"result", gw_str_or_null(e->result), "ticket_id",
		id_or_null(e->ticket_id));
}

static int failed_list(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	if (gw_page_parse(r, &p, 30, 100000, out))
		return HD_E_INVALID;
	if (p.cursor)
		return gw_error(out, 400, "InvalidPaginationParameter",
				"this list pages by page and per_page");
	Hd__MailFailedListRequest q = HD__MAIL_FAILED_LIST_REQUEST__INIT;
	Hd__MailFailedList *l = NULL;
	q.page = (uint32_t)p.page;
	q.per_page = p.size;
	int rc = gw_call(g, g->intake[0], r, "mail.failed.list", &q,
			 &hd__mail_failed_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < l->n_entries; i++)
		json_array_append_new(list, failed_json(l->entries[i]));
	out->status = 200;
	out->body = json_pack("{s:o}", "failed_mail", list);
	gw_page_links(r, &p, out->body, l->count, 0, NULL, NULL);
	hd__mail_failed_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int failed_fetch(gw *g, gw_req *r, gw_resp *out, Hd__MailFailed **e)
{
	Hd__IdRequest q = HD__ID_REQUEST__INIT;
	q.id = r->id;
	return gw_call(g, g->intake[0], r, "mail.failed.get", &q,
		       &hd__mail_failed__descriptor, (void **)e, out);
}

static int failed_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MailFailed *e = NULL;
	const char *format = gw_query(r, "format");
	int rc = failed_fetch(g, r, out, &e);
	if (rc)
		return rc;
	out->status = 200;
	if (format && strcmp(format, "rfc822") == 0) {
		out->raw = malloc(e->raw.len ? e->raw.len : 1);
		if (out->raw && e->raw.len)
			memcpy(out->raw, e->raw.data, e->raw.len);
		out->raw_len = e->raw.len;
		snprintf(out->raw_type, sizeof out->raw_type, "message/rfc822");
		snprintf(out->raw_name, sizeof out->raw_name,
			 "failed-mail-%llu.eml", (unsigned long long)e->id);
	} else {
		size_t cap = sodium_base64_ENCODED_LEN(
			e->raw.len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = malloc(cap);
		json_t *one = failed_json(e);
		if (b64)
			sodium_bin2base64(b64, cap, e->raw.data, e->raw.len,
					  sodium_base64_VARIANT_ORIGINAL);
		json_object_set_new(one, "raw_base64",
				    b64 ? json_string(b64) : json_null());
		out->body = json_pack("{s:o}", "failed_mail", one);
		free(b64);
	}
	hd__mail_failed__free_unpacked(e, NULL);
	return HD_OK;
}

static int failed_reprocess(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MailFailed *e = NULL;
	int rc = failed_fetch(g, r, out, &e);
	if (rc == HD_OK && e->processed)
		rc = gw_error(out, 409, "AlreadyProcessed",
			      "this failed mail was reprocessed already");
	if (rc == HD_OK)
		rc = pipeline(g, r, e->raw.data, e->raw.len, e->id, 200, out);
	hd__mail_failed__free_unpacked(e, NULL);
	return rc;
}

const gw_route gw_email_routes[] = {
	{"POST", "/api/v2/hd/channels/email", email_post, GW_AUTH_NONE},
	{"GET", "/api/v2/hd/channels/email/failed", failed_list, GW_AUTH_ADMIN},
	{"GET", "/api/v2/hd/channels/email/failed/{id}", failed_show,
	 GW_AUTH_ADMIN},
	{"POST", "/api/v2/hd/channels/email/failed/{id}/reprocess",
	 failed_reprocess, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
