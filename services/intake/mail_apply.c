/* The last step of the e-mail pipeline, on the shard that owns the ticket:
 * check the thread, then write the ticket or comment through tickets.write's
 * own code path (tk_write) with the Message-ID index entry — and, on the
 * directory shard, the reprocessed failed entry marked done — in the same
 * transaction. Runs in-process from mail.ingest or as RPC "mail.apply" when
 * the gateway forwards a message to another intake shard. Key layout:
 *   mail_msgid  32-byte BLAKE2b of the Message-ID (or, without one, of the
 *               raw message) → u64 ticket ‖ u64 comment */
#include "mail.h"
#include "tickets.h"

#include "email.pb-c.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "hd/ticket_patch.h"
#include "hd/via_compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SUBJECT_BYTES 1024 /* tickets.write's subject limit */

typedef struct apply {
	const intake *in;
	const Hd__MailApplyRequest *a;
	mail_target tg;
	uint64_t failed_id;
	uint64_t dup_ticket, dup_comment;
	uint64_t ticket_id, comment_id;
} apply;

int mail_seen(const intake *in, hd_txn *t, const uint8_t key[32],
	      uint64_t *ticket, uint64_t *comment)
{
	MDB_val v;
	if (hd_txn_get(t, in->mail.msgid, key, 32, &v) || v.mv_size != 16)
		return HD_E_NOTFOUND;
	*ticket = hd_key_get_u64(v.mv_data);
	*comment = hd_key_get_u64((uint8_t *)v.mv_data + 8);
	return HD_OK;
}

static int hook_pre(hd_txn *t, void *arg)
{
	apply *p = arg;
	return mail_seen(p->in, t, p->a->message_key.data, &p->dup_ticket,
			 &p->dup_comment) == HD_OK
		       ? HD_E_CONFLICT
		       : HD_OK;
}

static int hook_post(hd_txn *t, const Hd__Ticket *tk, const Hd__Audit *au,
		     void *arg)
{
	apply *p = arg;
	uint8_t val[16];
	p->ticket_id = tk->id;
	p->comment_id = 0;
	for (size_t i = 0; au && i < au->n_events; i++)
		if (strcmp(au->events[i]->type, "Comment") == 0)
			p->comment_id = au->events[i]->comment_id;
	hd_key_u64(val, p->ticket_id);
	hd_key_u64(val + 8, p->comment_id);
	int rc = hd_txn_put(t, p->in->mail.msgid, p->a->message_key.data, 32,
			    val, sizeof val);
	if (rc == HD_OK && p->failed_id)
		rc = mail_failed_done(p->in, t, p->failed_id,
				      p->tg.ticket_id ? "comment" : "ticket",
				      p->ticket_id);
	return rc;
}

/* The message's attachments (stored at ingest) as the comment's uploads. */
static int mail_uploads(Hd__PatchComment *c, const Hd__MailApplyRequest *a)
{
	size_t n = a->n_attachments;
	c->uploads = n ? calloc(n, sizeof *c->uploads) : NULL;
	if (n && !c->uploads)
		return HD_E_NOMEM;
	int rc = HD_OK;
	for (size_t i = 0; i < n && rc == HD_OK; i++) {
		const Hd__Attachment *x = a->attachments[i];
		Hd__PatchUpload *u = malloc(sizeof *u);
		if (!u)
			return HD_E_NOMEM;
		hd__patch_upload__init(u);
		c->uploads[c->n_uploads++] = u;
		u->id = x->id;
		u->size = x->size;
		rc = hd_pb_set_string(&u->file_name, x->file_name);
		if (!rc)
			rc = hd_pb_set_string(&u->content_type,
					      x->content_type);
	}
	return rc;
}

/* via {channel email, source} of a new ticket from the message's. */
static int mail_via(Hd__TicketPatch *p, const Hd__Via *via)
{
	p->via = via ? hd_via_copy(via) : hd_via_new();
	if (!p->via)
		return HD_E_NOMEM;
	p->via->channel = HD__VIA_CHANNEL__VIA_EMAIL;
	p->via->has_source = true;
	return hd_patch_mark(p, "via");
}

/* The patch for tickets.write: the comment, and on a new ticket subject
 * and via; a reply to a solved ticket reopens it. */
static int ticket_patch(const apply *p, Hd__TicketPatch *tp)
{
	const Hd__MailApplyRequest *a = p->a;
	Hd__PatchComment *c = hd_patch_comment(tp);
	if (!c || hd_pb_set_string(&c->body, a->body))
		return HD_E_NOMEM;
	c->has_public = c->public_ = true;
	int rc = mail_uploads(c, a);
	if (!rc && p->tg.ticket_id && p->tg.reopen) {
		tp->status = HD__TICKET_STATUS__STATUS_OPEN;
		rc = hd_patch_mark(tp, "status");
	}
	if (rc || p->tg.ticket_id)
		return rc;
	char subject[MAX_SUBJECT_BYTES + 1];
	snprintf(subject, sizeof subject, "%s", a->subject);
	mail_utf8_cut(subject, MAX_SUBJECT_BYTES);
	rc = hd_patch_str(tp, "subject", &tp->subject, subject);
	return rc ? rc : mail_via(tp, a->via);
}

static int write_ticket(intake *in, apply *p, const char *trace, char *reason,
			size_t cap)
{
	Hd__TicketWriteRequest wr = HD__TICKET_WRITE_REQUEST__INIT;
	wr.id = p->tg.ticket_id;
	wr.patch = hd_ticket_patch_new();
	int rc = wr.patch ? ticket_patch(p, wr.patch) : HD_E_NOMEM;
	hd_buf pb;
	hd_buf_init(&pb, (size_t)1 << 20);
	if (rc == HD_OK)
		rc = hd_pb_pack(&pb, &wr);
	hd_ticket_patch_free(wr.patch);
	/* The sender writes; "system" lets the channel set via and keeps the
	 * comment public whatever the sender's role. */
	hd_rpc_req req = {
		.method = "tickets.write",
		.payload = (const uint8_t *)pb.data,
		.len = pb.len,
		.trace_id = trace,
		.principal = {.user_id = p->a->sender_id,
			      .role = HD__USER_ROLE__ROLE_SYSTEM,
			      .organization_id = p->a->sender_organization_id}};
	hd_rpc_rep rep = {0};
	hd_buf_init(&rep.payload, (size_t)64 << 20);
	tk_write_hook hook = {hook_pre, hook_post, p, "email"};
	if (rc == HD_OK)
		rc = tk_write(in, &req, &rep, &hook);
	if (rc && rc != HD_E_CONFLICT)
		snprintf(reason, cap, "not stored: %.200s",
			 rep.message[0] ? rep.message : hd_strerror(rc));
	hd_buf_release(&rep.payload);
	hd_buf_release(&pb);
	return rc;
}

int mail_apply(intake *in, const Hd__MailApplyRequest *a, uint64_t failed_id,
	       const char *trace, Hd__MailIngestReply *out, char *reason,
	       size_t cap)
{
	apply p = {.in = in, .a = a, .failed_id = failed_id};
	if (a->message_key.len != 32)
		return HD_E_INVALID;
	p.tg.ticket_id = a->ticket_id;
	p.tg.how = a->how[0] ? a->how : NULL;
	int rc = mail_thread_check(in, &p.tg, a->sender_id, a->sender_staff);
	if (rc == HD_OK)
		rc = write_ticket(in, &p, trace, reason, cap);
	if (rc == HD_E_CONFLICT) { /* the same message again */
		out->result = "duplicate";
		out->ticket_id = p.dup_ticket;
		out->comment_id = p.dup_comment;
		snprintf(reason, cap, "Message-ID already processed");
		return HD_OK;
	}
	if (rc == HD_OK) {
		out->result = p.tg.ticket_id ? "comment" : "ticket";
		out->ticket_id = p.ticket_id;
		out->comment_id = p.comment_id;
	} else if (reason[0]) { /* the write refused it: keep the mail */
		out->result = "failed";
		rc = HD_OK;
	}
	return rc;
}

/* RPC mail.apply: a message the directory shard resolved, for a ticket on
 * this shard. A refusal is answered as result "failed" with the reason;
 * the caller keeps the message in the failed-mail store. */
int mail_rpc_apply(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (!intake_is_admin(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only the mail channel applies mail");
	Hd__MailApplyRequest *a =
		hd__mail_apply_request__unpack(NULL, req->len, req->payload);
	if (!a || a->message_key.len != 32) {
		hd__mail_apply_request__free_unpacked(a, NULL);
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.MailApplyRequest");
	}
	int rc = mail_apply_old(a);
	if (rc) {
		hd__mail_apply_request__free_unpacked(a, NULL);
		return rc == HD_E_NOMEM
			       ? rc
			       : hd_rpc_fail(rep, HD_E_DECODE, "via",
					     "the request's old via.source "
					     "text is not a via");
	}
	Hd__MailIngestReply out = HD__MAIL_INGEST_REPLY__INIT;
	char reason[256] = "";
	rc = mail_apply(ctx, a, 0, req->trace_id, &out, reason, sizeof reason);
	out.reason = reason;
	if (rc == HD_OK)
		rc = hd_pb_pack(&rep->payload, &out);
	hd__mail_apply_request__free_unpacked(a, NULL);
	return rc;
}
