/* The e-mail channel's pipeline, RPC "mail.ingest" on the directory shard:
 * parse → ignore loops → duplicate? → thread → sender → attachments →
 * ticket or comment, the last written by tickets.write's own code path with
 * the Message-ID index entry in the same transaction. Anything that cannot
 * become a ticket or comment lands in the failed-mail store. Key layout:
 *   mail_msgid  32-byte BLAKE2b of the Message-ID (or, without one, of the
 *               raw message) → u64 ticket ‖ u64 comment */
#include "mail.h"
#include "tickets.h"
#include "users.h"

#include "email.pb-c.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "user.pb-c.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY_BYTES    (64 * 1024) /* tickets.write's comment limit */
#define MAX_SUBJECT_BYTES 1024
#define NO_TEXT_BODY      "(no text; see the attachments)"

const char *const intake_mail_dbs[] = {"mail_failed", "mail_failed_raw",
				       "mail_msgid", NULL};
MDB_dbi mail_msgid_dbi;

typedef struct ingest {
	intake *in;
	const hd_rpc_req *req;
	hd_rpc_rep *rep;
	const uint8_t *raw;
	size_t len;
	uint64_t failed_id; /* reprocessing this failed-mail entry */
	intake_mail m;
	uint8_t key[32]; /* the Message-ID index key */
	Hd__User *sender;
	mail_target tg;
	json_t *atts; /* hd_attachments for the comment */
	Hd__MailIngestReply out;
	char reason[256];
	uint64_t dup_ticket, dup_comment;
	uint64_t ticket_id, comment_id;
} ingest;

static void index_key(ingest *g)
{
	if (g->m.message_id[0])
		crypto_generichash(g->key, 32, (const uint8_t *)g->m.message_id,
				   strlen(g->m.message_id), NULL, 0);
	else
		crypto_generichash(g->key, 32, g->raw, g->len, NULL, 0);
}

/* In t: the ticket and comment the message made before, if any. */
static bool seen(hd_txn *t, ingest *g)
{
	MDB_val v;
	if (hd_txn_get(t, mail_msgid_dbi, g->key, 32, &v) || v.mv_size != 16)
		return false;
	g->dup_ticket = hd_key_get_u64(v.mv_data);
	g->dup_comment = hd_key_get_u64((uint8_t *)v.mv_data + 8);
	return true;
}

static bool seen_now(ingest *g)
{
	hd_txn t;
	bool dup = hd_store_read(g->in->store, &t) == HD_OK && seen(&t, g);
	hd_txn_end(&t);
	return dup;
}

static int ensure_sender(ingest *g)
{
	Hd__UserEnsureRequest q = HD__USER_ENSURE_REQUEST__INIT;
	hd_principal sys = {.role = "system"};
	hd_rpc_rep rep = {0};
	q.email = g->m.from_addr;
	q.name = g->m.from_name;
	hd_buf_init(&rep.payload, (size_t)1 << 20);
	int rc = mail_call_local(g->in, "users.ensure", &q, &sys,
				 &hd__user__descriptor, (void **)&g->sender,
				 &rep);
	if (rc)
		snprintf(g->reason, sizeof g->reason,
			 "the sender could not be created: %.180s",
			 rep.message[0] ? rep.message : hd_strerror(rc));
	hd_buf_release(&rep.payload);
	return rc;
}

/* Each attachment through uploads.put, as if the sender had uploaded it. */
static int store_attachments(ingest *g)
{
	hd_principal who = {.user_id = g->sender->id, .role = "end-user"};
	g->atts = json_array();
	for (size_t i = 0; i < g->m.natt && g->atts; i++) {
		mail_att *a = &g->m.att[i];
		Hd__UploadPutRequest q = HD__UPLOAD_PUT_REQUEST__INIT;
		Hd__Upload *up = NULL;
		hd_rpc_rep rep = {0};
		q.file_name = a->name;
		q.content_type = a->type;
		q.data.data = a->data;
		q.data.len = a->len;
		hd_buf_init(&rep.payload, (size_t)1 << 20);
		int rc = mail_call_local(g->in, "uploads.put", &q, &who,
					 &hd__upload__descriptor, (void **)&up,
					 &rep);
		if (rc == HD_OK && up->n_attachments == 1) {
			Hd__Attachment *x = up->attachments[0];
			json_array_append_new(
				g->atts,
				json_pack("{s:I, s:s, s:s, s:I}", "id",
					  (json_int_t)x->id, "file_name",
					  x->file_name, "content_type",
					  x->content_type, "size",
					  (json_int_t)x->size));
		} else if (rc == HD_OK) {
			rc = HD_E_CORRUPT;
		}
		hd__upload__free_unpacked(up, NULL);
		if (rc)
			snprintf(g->reason, sizeof g->reason,
				 "attachment %zu could not be stored: %.180s",
				 i + 1,
				 rep.message[0] ? rep.message
						: hd_strerror(rc));
		hd_buf_release(&rep.payload);
		if (rc)
			return rc;
	}
	return g->atts ? HD_OK : HD_E_NOMEM;
}

static json_t *address(const char *addr, const char *name)
{
	return json_pack("{s:o, s:o}", "address",
			 addr[0] ? json_string(addr) : json_null(), "name",
			 name[0] ? json_string(name) : json_null());
}

/* The "ticket" object for tickets.write. */
static json_t *ticket_json(ingest *g)
{
	intake_mail *m = &g->m;
	json_t *comment = json_pack("{s:s, s:b, s:O}", "body", m->body,
				    "public", 1, "hd_attachments", g->atts);
	if (g->tg.ticket_id)
		return json_pack("{s:o}", "comment", comment);
	mail_utf8_cut(m->subject, MAX_SUBJECT_BYTES);
	const char *name = m->from_name[0] ? m->from_name : g->sender->name;
	json_t *source = json_pack("{s:o, s:o, s:n}", "from",
				   address(m->from_addr, name), "to",
				   address(m->to_addr, m->to_name), "rel");
	return json_pack("{s:s, s:o, s:{s:s, s:o}}", "subject", m->subject,
			 "comment", comment, "via", "channel", "email",
			 "source", source);
}

static int hook_pre(hd_txn *t, void *arg)
{
	ingest *g = arg;
	return seen(t, g) ? HD_E_CONFLICT : HD_OK;
}

static int hook_post(hd_txn *t, const Hd__Ticket *tk, const Hd__Audit *au,
		     void *arg)
{
	ingest *g = arg;
	uint8_t val[16];
	g->ticket_id = tk->id;
	g->comment_id = 0;
	for (size_t i = 0; au && i < au->n_events; i++)
		if (strcmp(au->events[i]->type, "Comment") == 0)
			g->comment_id = au->events[i]->comment_id;
	hd_key_u64(val, g->ticket_id);
	hd_key_u64(val + 8, g->comment_id);
	int rc = hd_txn_put(t, mail_msgid_dbi, g->key, 32, val, sizeof val);
	if (rc == HD_OK && g->failed_id)
		rc = mail_failed_done(t, g->failed_id,
				      g->tg.ticket_id ? "comment" : "ticket",
				      g->ticket_id);
	return rc;
}

static int write_ticket(ingest *g)
{
	json_t *obj = ticket_json(g);
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	if (!text)
		return HD_E_NOMEM;
	Hd__TicketWriteRequest wr = HD__TICKET_WRITE_REQUEST__INIT;
	wr.id = g->tg.ticket_id;
	wr.json = text;
	hd_buf pb;
	hd_buf_init(&pb, (size_t)1 << 20);
	int rc = hd_pb_pack(&pb, &wr);
	free(text);
	/* The sender writes; "system" lets the channel set via and keeps the
	 * comment public whatever the sender's role. */
	hd_rpc_req req = {
		.method = "tickets.write",
		.payload = (const uint8_t *)pb.data,
		.len = pb.len,
		.trace_id = g->req->trace_id,
		.principal = {.user_id = g->sender->id,
			      .role = "system",
			      .organization_id = g->sender->organization_id}};
	hd_rpc_rep rep = {0};
	hd_buf_init(&rep.payload, (size_t)64 << 20);
	tk_write_hook hook = {hook_pre, hook_post, g, "email"};
	if (rc == HD_OK)
		rc = tk_write(g->in, &req, &rep, &hook);
	if (rc && rc != HD_E_CONFLICT)
		snprintf(g->reason, sizeof g->reason, "not stored: %.200s",
			 rep.message[0] ? rep.message : hd_strerror(rc));
	hd_buf_release(&rep.payload);
	hd_buf_release(&pb);
	return rc;
}

/* The body a comment gets: the reply without the quoted history. */
static void trim_body(intake_mail *m)
{
	m->body[mail_trim_reply(m->body, strlen(m->body))] = '\0';
	mail_utf8_cut(m->body, MAX_BODY_BYTES);
}

static void side_conversation(ingest *g)
{
	Hd__SideConversationInbound *sc = malloc(sizeof *sc);
	if (!sc)
		return;
	hd__side_conversation_inbound__init(sc);
	sc->side_conversation_id = g->tg.side_conversation_id;
	sc->ticket_id = g->tg.ticket_id;
	sc->from_email = g->m.from_addr;
	sc->from_name = g->m.from_name;
	sc->subject = g->m.subject;
	sc->body = g->m.body;
	sc->message_id = g->m.message_id;
	sc->received_at = hd_now_ms();
	g->out.side_conversation = sc; /* strings borrowed from g->m */
	g->out.result = "side_conversation";
	g->out.ticket_id = g->tg.ticket_id;
}

/* Steps after a successful parse; sets g->out or returns an error with
 * g->reason (the caller stores the message as failed). */
static int run_parsed(ingest *g, const char *own)
{
	const char *why = mail_ignore_reason(&g->m, own);
	if (why) {
		g->out.result = "ignored";
		snprintf(g->reason, sizeof g->reason, "%s", why);
		return HD_OK;
	}
	index_key(g);
	if (seen_now(g))
		return HD_E_CONFLICT;
	mail_thread_refs(&g->m, &g->tg);
	if (g->tg.ticket_id)
		trim_body(&g->m);
	else
		mail_utf8_cut(g->m.body, MAX_BODY_BYTES);
	mail_trim_space(g->m.body);
	if (!g->m.body[0]) { /* attachments only: a comment needs text */
		free(g->m.body);
		g->m.body = strdup(NO_TEXT_BODY);
		if (!g->m.body)
			return HD_E_NOMEM;
	}
	if (g->tg.side_conversation_id) {
		side_conversation(g);
		return HD_OK;
	}
	int rc = ensure_sender(g);
	if (rc)
		return rc;
	bool staff = strcmp(g->sender->role, "end-user") != 0;
	if ((rc = mail_thread_check(g->in, &g->tg, g->sender->id, staff))) {
		snprintf(g->reason, sizeof g->reason,
			 "ticket %llu lives on another intake shard",
			 (unsigned long long)g->tg.ticket_id);
		return rc;
	}
	if ((rc = store_attachments(g)) || (rc = write_ticket(g)))
		return rc;
	g->out.result = g->tg.ticket_id ? "comment" : "ticket";
	g->out.ticket_id = g->ticket_id;
	g->out.comment_id = g->comment_id;
	return HD_OK;
}

static int pipeline(ingest *g)
{
	char why[200];
	const char *own = hd_cfg_get(&g->in->svc->cfg, "HD_MAIL_FROM");
	int rc = mail_parse(g->raw, g->len, &g->m, why, sizeof why);
	if (rc)
		snprintf(g->reason, sizeof g->reason, "%s", why);
	else
		rc = run_parsed(g, own);
	if (rc == HD_E_CONFLICT) { /* the same message again */
		g->out.result = "duplicate";
		g->out.ticket_id = g->dup_ticket;
		g->out.comment_id = g->dup_comment;
		snprintf(g->reason, sizeof g->reason, "%s",
			 "Message-ID already processed");
		rc = HD_OK;
	} else if (rc) {
		g->out.result = "failed";
		rc = mail_failed_put(g->in, g->raw, g->len, g->reason,
				     g->failed_id, &g->out.failed_id);
	}
	/* Ignored and duplicate reprocessed mail is done with too. */
	mail_done_job dj = {g->failed_id, g->out.result};
	if (rc == HD_OK && g->failed_id &&
	    (strcmp(g->out.result, "ignored") == 0 ||
	     strcmp(g->out.result, "duplicate") == 0))
		rc = hd_store_write(g->in->store, mail_failed_done_run, &dj);
	if (g->out.result && g->reason[0])
		g->out.reason = g->reason;
	HD_LOG(HD_LOG_INFO, "mail.ingest",
	       "result=%s ticket=%llu comment=%llu reason=\"%s\" trace=%s",
	       g->out.result ? g->out.result : "-",
	       (unsigned long long)g->out.ticket_id,
	       (unsigned long long)g->out.comment_id, g->reason,
	       g->req->trace_id);
	return rc;
}

static int mail_rpc_ingest(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	ingest g = {.in = ctx, .req = req, .rep = rep};
	hd__mail_ingest_reply__init(&g.out);
	uint8_t *stored = NULL;
	int rc = intake_on_directory(g.in, rep);
	if (rc == HD_OK && !intake_is_admin(&req->principal))
		rc = hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				 "only the mail channel or admins ingest mail");
	Hd__MailIngestRequest *q = rc ? NULL
				      : hd__mail_ingest_request__unpack(
						NULL, req->len, req->payload);
	if (rc == HD_OK && !q)
		rc = hd_rpc_fail(rep, HD_E_DECODE, NULL,
				 "payload is not an hd.MailIngestRequest");
	if (rc == HD_OK) {
		g.failed_id = q->failed_id;
		g.raw = q->raw.data;
		g.len = q->raw.len;
		if (!g.len && g.failed_id &&
		    (rc = mail_failed_raw(g.in, g.failed_id, &stored, &g.len)))
			hd_rpc_fail(rep, rc, "id", "no failed mail %llu",
				    (unsigned long long)g.failed_id);
		if (stored)
			g.raw = stored;
	}
	if (rc == HD_OK && (rc = pipeline(&g)) == HD_OK)
		rc = hd_pb_pack(&rep->payload, &g.out);
	free(g.out.side_conversation);
	free(stored);
	json_decref(g.atts);
	hd__user__free_unpacked(g.sender, NULL);
	mail_release(&g.m);
	hd__mail_ingest_request__free_unpacked(q, NULL);
	return rc;
}

int intake_mail_bind(intake *in)
{
	int rc = hd_store_dbi(in->store, "mail_failed", &mail_failed_dbi);
	if (!rc)
		rc = hd_store_dbi(in->store, "mail_failed_raw",
				  &mail_failed_raw_dbi);
	if (!rc)
		rc = hd_store_dbi(in->store, "mail_msgid", &mail_msgid_dbi);
	return rc;
}

int intake_mail_start(intake *in)
{
	(void)in;
	mail_init();
	return HD_OK;
}

void intake_mail_stop(intake *in)
{
	(void)in;
	mail_shutdown();
}

const hd_rpc_route intake_mail_routes[] = {
	{"mail.ingest", mail_rpc_ingest},
	{"mail.fail", mail_rpc_fail},
	{"mail.failed.list", mail_rpc_failed_list},
	{"mail.failed.get", mail_rpc_failed_get},
	{"mail.failed.done", mail_rpc_failed_done},
	{NULL, NULL},
};
