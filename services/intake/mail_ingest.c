/* The e-mail channel's pipeline, RPC "mail.ingest" on the directory shard:
 * parse → ignore loops → duplicate? → thread → sender → attachments →
 * mail_apply (ticket or comment, with the Message-ID index entry in the same
 * transaction), here or — for a ticket on another intake shard — forwarded
 * by the gateway to that shard's "mail.apply". Anything that cannot become
 * a ticket or comment lands in the failed-mail store. */
#include "mail.h"
#include "tickets.h"
#include "users.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/prom.h"
#include "hd/ticket_patch.h"
#include "user.pb-c.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY_BYTES (64 * 1024) /* tickets.write's comment limit */
#define NO_TEXT_BODY   "(no text; see the attachments)"

HD_COUNTER(c_ticket, "hd_mail_tickets_total", "inbound mail that made a ticket")
HD_COUNTER(c_comment, "hd_mail_comments_total",
	   "inbound mail that made a comment")
HD_COUNTER(c_duplicate, "hd_mail_duplicates_total",
	   "inbound mail seen before (same Message-ID)")
HD_COUNTER(c_ignored, "hd_mail_ignored_total",
	   "auto-replies, bounces, list and own mail")
HD_COUNTER(c_forward, "hd_mail_forwarded_total",
	   "inbound mail handed to another intake shard or notifications")

/* One counter per outcome mail.ingest answers here ("failed" is counted by
 * the failed-mail store, which the gateway's fail-overs reach too). */
static const struct {
	const char *result;
	hd_counter *counter;
} outcomes[] = {
	{"ticket", &c_ticket},       {"comment", &c_comment},
	{"duplicate", &c_duplicate}, {"ignored", &c_ignored},
	{"forward", &c_forward},     {"side_conversation", &c_forward},
};

static void count(const char *result)
{
	for (size_t i = 0; result && i < sizeof outcomes / sizeof *outcomes;
	     i++)
		if (strcmp(outcomes[i].result, result) == 0)
			hd_counter_add(outcomes[i].counter, 1);
}

const char *const intake_mail_dbs[] = {"mail_failed", "mail_failed_raw",
				       "mail_msgid", NULL};

typedef struct ingest {
	intake *in;
	const hd_rpc_req *req;
	const uint8_t *raw;
	size_t len;
	uint64_t failed_id; /* reprocessing this failed-mail entry */
	intake_mail m;
	uint8_t key[32]; /* the Message-ID index key */
	Hd__User *sender;
	mail_target tg;
	Hd__MailApplyRequest apply;
	Hd__Attachment **atts; /* owned, natts of them */
	size_t natts;
	Hd__Via *via; /* owned */
	Hd__MailIngestReply out;
	char reason[256];
} ingest;

static void index_key(ingest *g)
{
	if (g->m.message_id[0])
		crypto_generichash(g->key, 32, (const uint8_t *)g->m.message_id,
				   strlen(g->m.message_id), NULL, 0);
	else
		crypto_generichash(g->key, 32, g->raw, g->len, NULL, 0);
}

/* Known here already? (A message for a ticket on another shard is caught
 * there, by mail.apply.) */
static bool seen_here(ingest *g)
{
	hd_txn t;
	bool dup = hd_store_read(g->in->store, &t) == HD_OK &&
		   mail_seen(g->in, &t, g->key, &g->out.ticket_id,
			     &g->out.comment_id) == HD_OK;
	hd_txn_end(&t);
	return dup;
}

static int ensure_sender(ingest *g)
{
	Hd__UserEnsureRequest q = HD__USER_ENSURE_REQUEST__INIT;
	hd_principal sys = {.role = HD__USER_ROLE__ROLE_SYSTEM};
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

/* The stored attachment's record for mail.apply. */
static int keep_att(ingest *g, const Hd__Attachment *x)
{
	Hd__Attachment *c = malloc(sizeof *c);
	if (!c)
		return HD_E_NOMEM;
	hd__attachment__init(c);
	g->atts[g->natts++] = c;
	c->id = x->id;
	c->size = x->size;
	int rc = hd_pb_set_string(&c->file_name, x->file_name);
	return rc ? rc : hd_pb_set_string(&c->content_type, x->content_type);
}

static int store_one(ingest *g, const mail_att *a)
{
	hd_principal who = {.user_id = g->sender->id,
			    .role = HD__USER_ROLE__ROLE_END_USER};
	Hd__UploadPutRequest q = HD__UPLOAD_PUT_REQUEST__INIT;
	Hd__Upload *up = NULL;
	hd_rpc_rep rep = {0};
	q.file_name = a->name;
	q.content_type = a->type;
	q.data.data = a->data;
	q.data.len = a->len;
	hd_buf_init(&rep.payload, (size_t)1 << 20);
	int rc = mail_call_local(g->in, "uploads.put", &q, &who,
				 &hd__upload__descriptor, (void **)&up, &rep);
	if (rc == HD_OK && up->n_attachments == 1) {
		rc = keep_att(g, up->attachments[0]);
	} else if (rc == HD_OK) {
		rc = HD_E_CORRUPT;
	}
	if (rc)
		snprintf(g->reason, sizeof g->reason,
			 "attachment '%.100s' could not be stored: %.100s",
			 a->name,
			 rep.message[0] ? rep.message : hd_strerror(rc));
	hd__upload__free_unpacked(up, NULL);
	hd_buf_release(&rep.payload);
	return rc;
}

/* Each attachment through uploads.put, as if the sender had uploaded it;
 * their records in g->atts. */
static int store_attachments(ingest *g)
{
	int rc = HD_OK;
	g->atts = g->m.natt ? calloc(g->m.natt, sizeof *g->atts) : NULL;
	if (g->m.natt && !g->atts)
		return HD_E_NOMEM;
	for (size_t i = 0; i < g->m.natt && rc == HD_OK; i++)
		rc = store_one(g, &g->m.att[i]);
	return rc;
}

/* A source party {address, name} (an empty one is null). */
static int address(Hd__ViaParty *x, const char *addr, const char *name)
{
	int rc = hd_via_party_set(x, "address", addr);
	return rc ? rc : hd_via_party_set(x, "name", name);
}

/* via {channel email, source {from, to, rel null}} of the message. */
static int mail_source(ingest *g, const char *name)
{
	intake_mail *m = &g->m;
	Hd__Via *v = g->via = hd_via_new();
	if (!v)
		return HD_E_NOMEM;
	v->channel = HD__VIA_CHANNEL__VIA_EMAIL;
	int rc = address(v->from, m->from_addr, name);
	if (!rc)
		rc = hd_via_mark(v, "from");
	if (!rc)
		rc = address(v->to, m->to_addr, m->to_name);
	if (!rc)
		rc = hd_via_mark(v, "to");
	return rc ? rc : hd_via_mark(v, "rel");
}

/* What mail_apply needs, resolved here on the directory shard. */
static int resolve(ingest *g)
{
	intake_mail *m = &g->m;
	const char *name = m->from_name[0] ? m->from_name : g->sender->name;
	int rc = mail_source(g, name);
	if (rc)
		return rc;
	Hd__MailApplyRequest *a = &g->apply;
	hd__mail_apply_request__init(a);
	a->ticket_id = g->tg.ticket_id;
	a->how = (char *)(g->tg.how ? g->tg.how : "");
	a->sender_id = g->sender->id;
	a->sender_organization_id = g->sender->organization_id;
	a->sender_staff =
		hd_role_of(g->sender->role) != HD__USER_ROLE__ROLE_END_USER;
	a->subject = m->subject;
	a->body = m->body;
	a->via = g->via;
	a->attachments = g->atts;
	a->n_attachments = g->natts;
	a->message_key.data = g->key;
	a->message_key.len = sizeof g->key;
	return HD_OK;
}

/* The body a comment gets: the reply without the quoted history; bounded
 * to what tickets.write takes, and never empty. */
static int shape_body(ingest *g)
{
	char *b = g->m.body;
	if (g->tg.ticket_id || g->tg.side_conversation_id)
		b[mail_trim_reply(b, strlen(b))] = '\0';
	mail_utf8_cut(b, MAX_BODY_BYTES);
	mail_trim_space(b);
	if (b[0])
		return HD_OK;
	free(g->m.body); /* attachments only: a comment needs text */
	g->m.body = strdup(NO_TEXT_BODY);
	return g->m.body ? HD_OK : HD_E_NOMEM;
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

/* Steps after a successful parse; sets g->out, or returns an error with
 * g->reason (the caller keeps the message as failed). */
static int run_parsed(ingest *g, const char *own)
{
	/* Our own verification mail, forwarded back by a support address:
	 * checked before the own-mail rule would ignore it. */
	if (intake_address_confirm(g->in, g->m.subject, g->m.to_addr, g->reason,
				   sizeof g->reason)) {
		g->out.result = "ignored";
		return HD_OK;
	}
	const char *why = mail_ignore_reason(&g->m, own);
	if (why) {
		g->out.result = "ignored";
		snprintf(g->reason, sizeof g->reason, "%s", why);
		return HD_OK;
	}
	index_key(g);
	if (seen_here(g)) {
		g->out.result = "duplicate";
		snprintf(g->reason, sizeof g->reason,
			 "Message-ID already processed");
		return HD_OK;
	}
	mail_thread_refs(&g->m, &g->tg);
	int rc = shape_body(g);
	if (rc == HD_OK && g->tg.side_conversation_id) {
		side_conversation(g);
		return HD_OK;
	}
	if (rc || (rc = ensure_sender(g)) || (rc = store_attachments(g)) ||
	    (rc = resolve(g)))
		return rc;
	/* One shard: everything is here. Several: a reply goes to its
	 * ticket's shard, a new ticket to its requester's (the gateway's
	 * placement), both through mail.apply there. */
	bool here = g->in->shards == 1 ||
		    (g->tg.ticket_id &&
		     INTAKE_SHARD_OF(g->tg.ticket_id) == g->in->shard);
	if (!here) {
		g->out.result = "forward";
		g->out.apply = &g->apply;
		return HD_OK;
	}
	rc = mail_apply(g->in, &g->apply, g->failed_id, g->req->trace_id,
			&g->out, g->reason, sizeof g->reason);
	if (rc == HD_OK && strcmp(g->out.result, "failed") == 0)
		rc = HD_E_INVALID; /* refused: keep the message */
	return rc;
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
	if (rc) {
		g->out.result = "failed";
		g->out.ticket_id = g->out.comment_id = 0;
		if (!g->reason[0])
			snprintf(g->reason, sizeof g->reason, "%s",
				 hd_strerror(rc));
		rc = mail_failed_put(g->in, g->raw, g->len, g->reason,
				     g->failed_id, &g->out.failed_id);
	}
	/* Reprocessed mail that is ignored or known is done with too. */
	mail_done_job dj = {g->in, g->failed_id, g->out.result,
			    g->out.ticket_id};
	if (rc == HD_OK && g->failed_id &&
	    (strcmp(g->out.result, "ignored") == 0 ||
	     strcmp(g->out.result, "duplicate") == 0))
		rc = hd_store_write(g->in->store, mail_failed_done_run, &dj);
	if (g->reason[0])
		g->out.reason = g->reason;
	if (rc == HD_OK)
		count(g->out.result);
	HD_LOG(HD_LOG_INFO, "mail.ingest",
	       "result=%s ticket=%llu comment=%llu reason=\"%s\" trace=%s",
	       g->out.result ? g->out.result : "-",
	       (unsigned long long)g->out.ticket_id,
	       (unsigned long long)g->out.comment_id, g->reason,
	       g->req->trace_id);
	return rc;
}

static int open_request(ingest *g, hd_rpc_rep *rep, Hd__MailIngestRequest **q,
			uint8_t **stored)
{
	int rc = intake_on_directory(g->in, rep);
	if (rc)
		return rc;
	if (!intake_is_admin(&g->req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only the mail channel or admins ingest "
				   "mail");
	*q = hd__mail_ingest_request__unpack(NULL, g->req->len,
					     g->req->payload);
	if (!*q)
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.MailIngestRequest");
	g->failed_id = (*q)->failed_id;
	g->raw = (*q)->raw.data;
	g->len = (*q)->raw.len;
	if (g->len || !g->failed_id)
		return HD_OK;
	rc = mail_failed_raw(g->in, g->failed_id, stored, &g->len);
	g->raw = *stored;
	return rc ? hd_rpc_fail(rep, rc, "id", "no failed mail %llu",
				(unsigned long long)g->failed_id)
		  : HD_OK;
}

static int mail_rpc_ingest(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	ingest g = {.in = ctx, .req = req};
	Hd__MailIngestRequest *q = NULL;
	uint8_t *stored = NULL;
	hd__mail_ingest_reply__init(&g.out);
	int rc = open_request(&g, rep, &q, &stored);
	if (rc == HD_OK && (rc = pipeline(&g)) == HD_OK)
		rc = hd_pb_pack(&rep->payload, &g.out);
	free(g.out.side_conversation);
	free(stored);
	for (size_t i = 0; i < g.natts; i++)
		hd__attachment__free_unpacked(g.atts[i], NULL);
	free(g.atts);
	hd__via__free_unpacked(g.via, NULL);
	hd__user__free_unpacked(g.sender, NULL);
	mail_release(&g.m);
	hd__mail_ingest_request__free_unpacked(q, NULL);
	return rc;
}

int intake_mail_bind(intake *in)
{
	const hd_dbi_ref dbs[] = {{"mail_failed", &in->mail.failed},
				  {"mail_failed_raw", &in->mail.failed_raw},
				  {"mail_msgid", &in->mail.msgid},
				  {NULL, NULL}};
	return hd_store_dbis(in->store, dbs);
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
	{"mail.apply", mail_rpc_apply},
	{"mail.fail", mail_rpc_fail},
	{"mail.failed.list", mail_rpc_failed_list},
	{"mail.failed.get", mail_rpc_failed_get},
	{"mail.failed.done", mail_rpc_failed_done},
	{NULL, NULL},
};
