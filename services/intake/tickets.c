/* intake's ticket RPCs: write (create, update, delete, restore, tags) and
 * get. Key layout (tickets module):
 *   tickets   u64 ticket id → hd.Ticket (deleted ones keep deleted = true)
 *   comments  u64 ticket ‖ u64 comment id → hd.Comment
 *   audits    u64 ticket ‖ u64 audit id → hd.Audit
 *   tk_idem   u64 user ‖ Idempotency-Key → 32-byte body hash ‖ u64 ticket
 *   tk_jobs   see jobs.c; tk_uploads, tk_blobs, tk_attach: see uploads.c
 *   tk_att_ref  see attachments_ref.c
 *   tk_by_created  see tickets_by_created.c
 * Lists scan "tickets" or walk tk_by_created (see tickets_list.c). */
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/ticket_patch.h"
#include "hd/store_upgrade.h"
#include "hd/time_iso.h"
#include "hd/via_compat.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IDEM_KEY 200

const char *const intake_tickets_dbs[] = {
	"tickets",    "comments", "audits",    "tk_idem",    "tk_jobs",
	"tk_uploads", "tk_blobs", "tk_attach", "tk_att_ref", NULL};

int intake_tickets_bind(intake *in)
{
	const hd_dbi_ref dbs[] = {{"tickets", &in->tk.tickets},
				  {"comments", &in->tk.comments},
				  {"audits", &in->tk.audits},
				  {"tk_idem", &in->tk.idem},
				  {"tk_jobs", &in->tk.jobs},
				  {"tk_uploads", &in->tk.uploads},
				  {"tk_blobs", &in->tk.blobs},
				  {"tk_attach", &in->tk.attach},
				  {"tk_att_ref", &in->tk.att_ref},
				  {"tk_by_created", &in->tk.by_created},
				  {"tk_lists", &in->tk.lists},
				  {NULL, NULL}};
	return hd_store_dbis(in->store, dbs);
}

/* Tickets and audits an older build wrote keep their via as JSON text
 * (Ticket 24 and 42, Audit 7): give them the typed via, once per store
 * (meta "via_typed" says it was done; every later write is typed). */
#define VIA_TYPED "via_typed"
static int upgrade_via(hd_txn *t, void *arg)
{
	intake *in = arg;
	MDB_val v;
	if (hd_txn_get(t, in->meta, VIA_TYPED, strlen(VIA_TYPED), &v) == HD_OK)
		return HD_OK;
	int rc = hd_txn_upgrade_pb(t, in->tk.tickets, &hd__ticket__descriptor,
				   hd_ticket_via_fix, NULL);
	if (!rc)
		rc = hd_txn_upgrade_pb(t, in->tk.audits, &hd__audit__descriptor,
				       hd_audit_via_fix, NULL);
	return rc ? rc
		  : hd_txn_put(t, in->meta, VIA_TYPED, strlen(VIA_TYPED), "1",
			       1);
}

int intake_tickets_start(intake *in)
{
	int rc = hd_store_write(in->store, upgrade_via, in);
	if (!rc)
		rc = tk_by_created_ensure(in);
	return rc ? rc : tk_lists_ensure(in);
}

void intake_tickets_stop(intake *in)
{
	(void)in;
}

bool tk_can_see(const hd_principal *who, const Hd__Ticket *tk)
{
	if (intake_is_staff(who))
		return true;
	if (who->org_shared_tickets && who->organization_id &&
	    tk->organization_id == who->organization_id)
		return true; /* Zendesk's shared_tickets organizations */
	if (!who->user_id)
		return false;
	if (tk->requester_id == who->user_id)
		return true;
	/* CCs see (and may answer) the requests they are copied on, as in
	 * Zendesk's help center */
	for (size_t i = 0; i < tk->n_collaborator_ids; i++)
		if (tk->collaborator_ids[i] == who->user_id)
			return true;
	for (size_t i = 0; i < tk->n_email_cc_ids; i++)
		if (tk->email_cc_ids[i] == who->user_id)
			return true;
	return false;
}

/* Comments, audits and their events share one counter, offset so their
 * ids never equal a ticket's (clients grep responses for ids). */
int tk_child_id(hd_txn *t, intake *in, uint64_t *id)
{
	int rc = intake_next_id(t, in, "next_ticket_child", id);
	*id += (uint64_t)1 << 32;
	return rc;
}

int tk_put_child(hd_txn *t, MDB_dbi dbi, uint64_t ticket, uint64_t id,
		 const void *msg)
{
	uint8_t key[16];
	hd_key_u64(key, ticket);
	hd_key_u64(key + 8, id);
	return hd_txn_put_pb_max(t, dbi, key, sizeof key, msg,
				 INTAKE_MAX_RECORD);
}

typedef struct write_job {
	intake *in;
	const hd_rpc_req *req;
	Hd__TicketWriteRequest *wr;
	Hd__TicketPatch *patch; /* borrowed: wr's, or the caller's */
	Hd__TicketPatch *own;   /* a patch this job made (tags actions) */
	hd_rpc_rep *rep;
	Hd__Ticket *tk;
	Hd__Audit *audit;
	tk_change ch;
	int replayed;
	const char *comment_type;   /* NULL: "Comment" (tk_write_txn callers) */
	const Hd__VoiceData *voice; /* VoiceComment's call, or NULL */
	const tk_write_hook *hook;  /* a channel's own records, or NULL */
	tk_trig_run trig;           /* the triggers that fired in this write */
} write_job;

static int idem_key(write_job *j, uint8_t *key, size_t *klen)
{
	size_t n = strlen(j->wr->idempotency_key);
	if (n == 0 || n > MAX_IDEM_KEY)
		return HD_E_NOTFOUND;
	hd_key_u64(key, j->req->principal.user_id);
	memcpy(key + 8, j->wr->idempotency_key, n);
	*klen = 8 + n;
	return HD_OK;
}

/* Same key and body → the ticket made the first time; another body → 409
 * with field "idempotency_key" (the gateway answers 400). */
static int idem_check(hd_txn *t, write_job *j, uint8_t hash[32])
{
	const intake *in = j->in;
	uint8_t key[8 + MAX_IDEM_KEY];
	size_t klen;
	MDB_val v;
	if (idem_key(j, key, &klen))
		return HD_E_NOTFOUND;
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 24);
	int rc = hd_pb_pack(&b, j->patch);
	crypto_generichash(hash, 32, (const uint8_t *)b.data, b.len, NULL, 0);
	hd_buf_release(&b);
	if (rc)
		return hd_txn_fail(t, rc);
	if (hd_txn_get(t, in->tk.idem, key, klen, &v) || v.mv_size != 40)
		return HD_E_NOTFOUND;
	if (memcmp(v.mv_data, hash, 32) != 0)
		return hd_rpc_fail(
			j->rep, HD_E_CONFLICT, "idempotency_key",
			"Idempotency-Key was used with another body");
	j->replayed = 1;
	return hd_txn_get_pb_id(t, in->tk.tickets,
				hd_key_get_u64((uint8_t *)v.mv_data + 32),
				&hd__ticket__descriptor, (void **)&j->tk);
}

static int idem_store(hd_txn *t, write_job *j, const uint8_t hash[32])
{
	const intake *in = j->in;
	uint8_t key[8 + MAX_IDEM_KEY], val[40];
	size_t klen;
	if (idem_key(j, key, &klen))
		return HD_OK;
	memcpy(val, hash, 32);
	hd_key_u64(val + 32, j->tk->id);
	return hd_txn_put(t, in->tk.idem, key, klen, val, sizeof val);
}

/* tags_set / tags_add / tags_remove: a patch of only {"tags":[…]} with
 * the resulting list (and safe_update), then applied like any update. */
static int tags_action(write_job *j, const Hd__Ticket *before)
{
	const Hd__TicketPatch *given = j->patch;
	if (!hd_patch_has(given, "tags"))
		return hd_rpc_fail(j->rep, HD_E_INVALID, "tags",
				   "tags: must be an array of strings");
	const char *a = j->wr->action;
	Hd__TicketPatch *out = hd_ticket_patch_new();
	int rc = out ? hd_patch_mark(out, "tags") : HD_E_NOMEM;
	if (strcmp(a, "tags_set") != 0)
		for (size_t i = 0; !rc && i < before->n_tags; i++) {
			int drop = 0;
			for (size_t k = 0; k < given->n_tags; k++)
				drop |= strcmp(a, "tags_remove") == 0 &&
					strcasecmp(given->tags[k],
						   before->tags[i]) == 0;
			if (!drop)
				rc = hd_patch_add_tag(out, before->tags[i]);
		}
	for (size_t k = 0;
	     !rc && strcmp(a, "tags_remove") != 0 && k < given->n_tags; k++)
		rc = hd_patch_add_tag(out, given->tags[k]);
	if (!rc) {
		out->safe_update = given->safe_update;
		rc = hd_pb_set_string(&out->updated_stamp,
				      given->updated_stamp);
	}
	hd_ticket_patch_free(j->own);
	j->own = j->patch = out;
	return rc;
}

/* Safe update: refuse when updated_stamp (the updated_at the client read)
 * is older than the stored updated_at. */
static int stale(write_job *j, const Hd__Ticket *before)
{
	if (!j->patch->safe_update || !before)
		return HD_OK;
	char iso[HD_TIME_ISO_LEN];
	hd_time_iso(before->updated_at, iso);
	if (strcmp(j->patch->updated_stamp, iso) == 0)
		return HD_OK;
	return hd_rpc_fail(j->rep, HD_E_CONFLICT, "updated_stamp",
			   "Safe Update prevented the update due to outdated "
			   "ticket data. Please fetch the latest ticket data "
			   "and try again.");
}

/* A merged source is closed whatever its assignee (Zendesk's merge). */
static int merge_close(write_job *j, const Hd__Ticket *before)
{
	if (!intake_is_staff(&j->req->principal))
		return hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				   "only agents merge tickets");
	json_t *prev = json_string(before->status),
	       *now = json_string("closed");
	int rc = prev && now ? hd_pb_set_string(&j->tk->status, "closed")
			     : HD_E_NOMEM;
	if (!rc && !j->tk->solved_at)
		j->tk->solved_at = hd_now_ms();
	if (!rc)
		rc = tk_event(&j->ch, "Change", "status", now, prev);
	json_decref(prev);
	json_decref(now);
	return rc;
}

/* Attachments the gateway resolved from comment.uploads tokens. */
static int comment_attachments(Hd__Comment *c, Hd__PatchUpload **list, size_t n)
{
	if (!n)
		return HD_OK;
	c->attachments = calloc(n, sizeof *c->attachments);
	if (!c->attachments)
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		Hd__Attachment *a = malloc(sizeof *a);
		if (!a)
			return HD_E_NOMEM;
		hd__attachment__init(a);
		c->attachments[c->n_attachments++] = a;
		a->id = list[i]->id;
		a->size = list[i]->size;
		int rc = hd_pb_set_string(&a->file_name, list[i]->file_name);
		if (!rc)
			rc = hd_pb_set_string(&a->content_type,
					      list[i]->content_type);
		if (rc)
			return rc;
	}
	return HD_OK;
}

static void free_attachments(Hd__Comment *c)
{
	for (size_t i = 0; i < c->n_attachments; i++)
		hd__attachment__free_unpacked(c->attachments[i], NULL);
	free(c->attachments);
}

static int record_comment(hd_txn *t, write_job *j, Hd__Audit *au, int64_t now,
			  bool emit)
{
	const intake *in = j->in;
	Hd__Comment c = HD__COMMENT__INIT;
	int rc = tk_child_id(t, j->in, &c.id);
	if (rc)
		return rc;
	c.ticket_id = j->tk->id;
	c.author_id = j->ch.comment_author;
	c.body = j->ch.comment_body;
	c.html_body = j->ch.comment_html;
	c.public_ = j->ch.comment_public;
	c.audit_id = au->id;
	c.created_at = now;
	c.via_channel = j->hook && j->hook->via ? (char *)j->hook->via
						: j->tk->via_channel;
	c.type = (char *)(j->comment_type ? j->comment_type : "Comment");
	c.voice = (Hd__VoiceData *)j->voice;
	rc = tk_event(&j->ch, "Comment", "", NULL, NULL);
	if (rc)
		return hd_txn_fail(t, rc);
	Hd__AuditEvent *e = j->ch.ev[j->ch.nev - 1];
	e->comment_id = c.id;
	e->is_public = c.public_;
	e->author_id = c.author_id;
	if ((rc = hd_pb_set_string(&e->body, c.body)) ||
	    (rc = hd_pb_set_string(&e->html_body, c.html_body)))
		return hd_txn_fail(t, rc);
	j->tk->comment_count++;
	if ((rc = comment_attachments(&c, j->ch.uploads, j->ch.nuploads)) ==
	    HD_OK) {
		tk_put_child(t, in->tk.comments, c.ticket_id, c.id, &c);
		tk_att_ref_put(in, t, &c);
	} else
		hd_txn_fail(t, rc);
	/* The first comment travels inside ticket.created (as description);
	 * consumers count one event per new ticket. */
	if (j->wr->id != 0 || emit)
		hd_txn_emit_pb(t, "comment.created", &c, j->req->trace_id);
	free_attachments(&c);
	return t->rc;
}

/* The comment the triggers added: the audit's second comment, with the
 * first writing trigger's via; published even on create (the description
 * travels inside ticket.created, this one does not). */
static int record_rule_comment(hd_txn *t, write_job *j, Hd__Audit *au,
			       int64_t now)
{
	tk_change user = j->ch, *cm = &j->trig.cm;
	j->ch.comment_body = cm->comment_body;
	j->ch.comment_html = cm->comment_html;
	j->ch.comment_public = cm->comment_public;
	j->ch.comment_author = cm->comment_author;
	j->ch.uploads = NULL;
	j->ch.nuploads = 0;
	int rc = record_comment(t, j, au, now, true);
	Hd__AuditEvent *e = j->ch.nev ? j->ch.ev[j->ch.nev - 1] : NULL;
	if (!rc && e && j->trig.comment_rule) {
		e->via_rule_id = j->trig.comment_rule->id;
		rc = hd_pb_set_string(&e->via_rule_title,
				      j->trig.comment_rule->title);
		if (!rc)
			rc = hd_pb_set_string(&e->via_rule_rel, "trigger");
	}
	j->ch.comment_body = user.comment_body;
	j->ch.comment_html = user.comment_html;
	j->ch.comment_public = user.comment_public;
	j->ch.comment_author = user.comment_author;
	j->ch.uploads = user.uploads;
	j->ch.nuploads = user.nuploads;
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

static int record_audit(hd_txn *t, write_job *j, int64_t now)
{
	const intake *in = j->in;
	Hd__Audit *au = calloc(1, sizeof *au);
	if (!au)
		return hd_txn_fail(t, HD_E_NOMEM);
	hd__audit__init(au);
	j->audit = au;
	int rc = tk_child_id(t, j->in, &au->id);
	if (rc)
		return rc;
	au->ticket_id = j->tk->id;
	au->created_at = now;
	au->author_id = j->req->principal.user_id;
	rc = hd_pb_set_string(&au->via_channel, j->hook && j->hook->via
							? j->hook->via
							: j->tk->via_channel);
	if (!rc)
		rc = tk_rule_audit_via(&j->req->principal, j->wr->audit_via, au,
				       j->rep);
	if (!rc)
		rc = tk_rule_author(t, j->in, &j->req->principal, &j->ch);
	if (rc)
		return hd_txn_fail(t, rc);
	if (j->ch.comment_body && (rc = record_comment(t, j, au, now, false)))
		return rc;
	if (j->trig.cm.comment_body &&
	    (rc = record_rule_comment(t, j, au, now)))
		return rc;
	au->events = j->ch.ev; /* moved: the audit owns the events now */
	au->n_events = j->ch.nev;
	j->ch.ev = NULL;
	j->ch.nev = 0;
	for (size_t i = 0; i < au->n_events && !rc; i++)
		rc = tk_child_id(t, j->in, &au->events[i]->id);
	return tk_put_child(t, in->tk.audits, au->ticket_id, au->id, au);
}

/* Load the ticket being changed into *before (and a working copy into
 * j->tk); deleted tickets exist only for restore. */
static int load(hd_txn *t, write_job *j, Hd__Ticket **before)
{
	const intake *in = j->in;
	int restoring = strcmp(j->wr->action, "restore") == 0;
	if (INTAKE_SHARD_OF(j->wr->id) != j->in->shard)
		return HD_E_NOTFOUND;
	int rc = hd_txn_get_pb_id(t, in->tk.tickets, j->wr->id,
				  &hd__ticket__descriptor, (void **)before);
	if (!rc && ((*before)->deleted != restoring ||
		    !tk_can_see(&j->req->principal, *before)))
		rc = HD_E_NOTFOUND;
	if (!rc)
		rc = hd_txn_get_pb_id(t, in->tk.tickets, j->wr->id,
				      &hd__ticket__descriptor, (void **)&j->tk);
	return rc;
}

static int apply_action(hd_txn *t, write_job *j, const Hd__Ticket *before)
{
	const char *a = j->wr->action;
	const hd_principal *who = &j->req->principal;
	if (strcmp(a, "delete") == 0 || strcmp(a, "restore") == 0) {
		if (!intake_is_staff(who))
			return hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
					   "only agents delete tickets");
		j->tk->deleted = strcmp(a, "delete") == 0;
		return HD_OK;
	}
	if (strcmp(a, "merge_source") == 0 && !intake_is_staff(who))
		return hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				   "only agents merge tickets");
	if (strncmp(a, "tags_", 5) == 0) {
		if (!intake_is_staff(who))
			return hd_rpc_fail(j->rep, HD_E_FORBIDDEN, "tags",
					   "only agents change tags");
		int rc = tags_action(j, before);
		if (rc)
			return rc;
	}
	int rc = stale(j, before);
	if (!rc)
		rc = tk_apply(j->tk, before, j->patch, who, &j->ch, j->rep);
	if (!rc && strcmp(a, "merge_source") == 0)
		rc = merge_close(j, before);
	if (!rc)
		rc = intake_fields_check(j->in, t, j->tk, before, who, j->rep);
	/* Diff last, so tags the field hook implied are audited too. */
	if (!rc)
		rc = tk_diff(j->tk, before, &j->ch);
	return rc;
}

static int new_ticket(hd_txn *t, write_job *j)
{
	const hd_principal *who = &j->req->principal;
	j->tk = calloc(1, sizeof *j->tk);
	if (!j->tk)
		return HD_E_NOMEM;
	hd__ticket__init(j->tk);
	int rc = intake_next_id(t, j->in, "next_ticket", &j->tk->id);
	j->tk->requester_id = who->user_id;
	j->tk->submitter_id = who->user_id;
	j->tk->organization_id = who->organization_id;
	if (!rc)
		rc = hd_pb_set_string(&j->tk->via_channel, "api");
	return rc;
}

/* Every create and update runs the triggers; deleting and restoring do
 * not. Imports fire nothing (Zendesk's ticket import API): the import path
 * (import.c on main, Ticket.by_import) stores tickets without this write
 * job; a write that carries an import flag through here must return false
 * for it. */
static bool fires_triggers(const write_job *j)
{
	const char *a = j->wr->action;
	return strcmp(a, "delete") != 0 && strcmp(a, "restore") != 0;
}

static int write_job_run(hd_txn *t, void *arg)
{
	write_job *j = arg;
	const intake *in = j->in;
	Hd__Ticket *before = NULL;
	uint8_t hash[32];
	int creating = j->wr->id == 0, rc;
	if (j->hook && (rc = j->hook->pre(t, j->hook->arg)))
		return rc;
	if (creating) {
		rc = idem_check(t, j, hash);
		if (rc != HD_E_NOTFOUND)
			return rc;
		rc = new_ticket(t, j);
	} else {
		rc = load(t, j, &before);
	}
	if (!rc)
		rc = apply_action(t, j, before);
	if (!rc && before && strcmp(j->wr->action, "restore") != 0 &&
	    strcmp(j->wr->action, "delete") != 0 && j->ch.nev == 0 &&
	    !j->ch.comment_body)
		goto out; /* nothing changed: no audit, no event */
	int64_t now = hd_now_ms();
	if (!rc) {
		if (creating)
			j->tk->created_at = now;
		j->tk->updated_at =
			now > j->tk->updated_at ? now : j->tk->updated_at + 1;
		j->tk->updated_stamp++;
		rc = tk_note_updater(j->tk, &j->req->principal,
				     j->wr->audit_via, j->patch, creating);
		if (!rc && fires_triggers(j))
			rc = tk_trig_eval(t, j->in, &j->req->principal, &j->tk,
					  before, creating, &j->ch, &j->trig);
		if (!rc)
			rc = record_audit(t, j, now);
	}
	if (!rc && creating)
		rc = idem_store(t, j, hash);
	if (!rc)
		rc = intake_put_pb(t, in->tk.tickets, j->tk->id, j->tk);
	if (!rc && creating)
		rc = tk_by_created_put(in, t, j->tk); /* and its list entries */
	else if (!rc)
		rc = tk_lists_update(in, t, before, j->tk);
	if (!rc)
		rc = hd_txn_emit_pb(t,
				    creating         ? "ticket.created"
				    : j->tk->deleted ? "ticket.deleted"
						     : "ticket.updated",
				    j->tk, j->req->trace_id);
	if (!rc && j->trig.nfired)
		rc = tk_trig_notify(t, &j->trig, j->tk, j->req->trace_id);
	if (!rc && j->hook)
		rc = j->hook->post(t, j->tk, j->audit, j->hook->arg);
out:
	hd__ticket__free_unpacked(before, NULL);
	return rc ? rc : t->rc;
}

int tk_write_txn(hd_txn *t, intake *in, const hd_rpc_req *req,
		 const tk_write_in *w, hd_rpc_rep *rep, Hd__Ticket **tk)
{
	Hd__TicketWriteRequest wr = HD__TICKET_WRITE_REQUEST__INIT;
	wr.id = w->id;
	write_job j = {.in = in,
		       .req = req,
		       .wr = &wr,
		       .patch = (Hd__TicketPatch *)w->patch,
		       .rep = rep,
		       .comment_type = w->comment_type,
		       .voice = w->voice};
	int rc = write_job_run(t, &j);
	for (size_t i = 0;
	     rc == HD_OK && w->comment_id && j.audit && i < j.audit->n_events;
	     i++)
		if (strcmp(j.audit->events[i]->type, "Comment") == 0)
			*w->comment_id = j.audit->events[i]->comment_id;
	if (rc == HD_OK)
		*tk = j.tk;
	else
		hd__ticket__free_unpacked(j.tk, NULL);
	hd__audit__free_unpacked(j.audit, NULL);
	tk_change_release(&j.ch);
	tk_trig_release(&j.trig);
	hd_ticket_patch_free(j.own);
	return rc;
}

static int reply_write(write_job *j, hd_rpc_rep *rep)
{
	Hd__TicketWriteReply wr = HD__TICKET_WRITE_REPLY__INIT;
	wr.ticket = j->tk;
	wr.audit = j->replayed ? NULL : j->audit;
	wr.unpermitted = j->ch.unpermitted;
	wr.n_unpermitted = j->ch.nunpermitted;
	return hd_pb_pack(&rep->payload, &wr);
}

/* action "preview" (macros' apply): the same write job inside a nested
 * transaction that is then undone — the reply is the ticket and audit the
 * real update would store, triggers included; nothing is kept or
 * published, so a preview can never differ from the real update. */
typedef struct preview_run {
	write_job *j;
	int done; /* the write job succeeded; its changes are to be undone */
} preview_run;

static int preview_inner(hd_txn *t, void *arg)
{
	preview_run *p = arg;
	int rc = write_job_run(t, p->j);
	if (rc)
		return rc;
	p->done = 1;
	return HD_E_CONFLICT; /* undo: a preview keeps nothing */
}

static int preview_job(hd_txn *t, void *arg)
{
	preview_run p = {arg, 0};
	int rc = hd_txn_nested(t, preview_inner, &p);
	return p.done ? HD_OK : rc;
}

static bool previewing(const write_job *j)
{
	return strcmp(j->wr->action, "preview") == 0;
}

static int intake_tickets_write(void *ctx, const hd_rpc_req *req,
				hd_rpc_rep *rep)
{
	return tk_write(ctx, req, rep, NULL);
}

int tk_write(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep,
	     const tk_write_hook *hook)
{
	write_job j = {.in = in, .req = req, .rep = rep, .hook = hook};
	if (req->principal.user_id == 0 && !tk_is_system(&req->principal))
		return hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL,
				   "tickets.write needs an authenticated user");
	if (hd_req_decode(req, rep, &hd__ticket_write_request__descriptor,
			  (void **)&j.wr))
		return HD_E_DECODE;
	if (!j.wr->patch && !(j.wr->patch = hd_ticket_patch_new())) {
		hd__ticket_write_request__free_unpacked(j.wr, NULL);
		return HD_E_NOMEM; /* no fields: delete, restore */
	}
	j.patch = j.wr->patch;
	if (previewing(&j) &&
	    (!j.wr->id || !intake_is_staff(&req->principal) || hook)) {
		hd__ticket_write_request__free_unpacked(j.wr, NULL);
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "a preview is an agent's, of a stored "
				   "ticket");
	}
	int rc = previewing(&j)
			 ? hd_store_write(j.in->store, preview_job, &j)
			 : hd_store_write(j.in->store, write_job_run, &j);
	if (!rc)
		rc = reply_write(&j, rep);
	else if (!rep->message[0])
		hd_rpc_fail(rep, rc, NULL, "ticket not stored: %s",
			    hd_strerror(rc));
	hd__ticket__free_unpacked(j.tk, NULL);
	hd__audit__free_unpacked(j.audit, NULL);
	tk_change_release(&j.ch);
	tk_trig_release(&j.trig);
	hd_ticket_patch_free(j.own);
	hd__ticket_write_request__free_unpacked(j.wr, NULL);
	return rc;
}

static int intake_tickets_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__TicketGetRequest *gr = NULL;
	if (hd_req_decode(req, rep, &hd__ticket_get_request__descriptor,
			  (void **)&gr))
		return HD_E_DECODE;
	uint64_t id = gr->id;
	hd__ticket_get_request__free_unpacked(gr, NULL);
	if (INTAKE_SHARD_OF(id) != in->shard)
		return hd_rpc_fail(rep, HD_E_NOTFOUND, "id",
				   "ticket %llu is not on this shard",
				   (unsigned long long)id);
	hd_txn t;
	Hd__Ticket *tk = NULL;
	int rc = hd_store_read(in->store, &t);
	if (!rc)
		rc = hd_txn_get_pb_id(&t, in->tk.tickets, id,
				      &hd__ticket__descriptor, (void **)&tk);
	hd_txn_end(&t);
	/* End-users see only what they requested; anything else "not found". */
	if (!rc && (tk->deleted || !tk_can_see(&req->principal, tk)))
		rc = HD_E_NOTFOUND;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, tk);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

const hd_rpc_route intake_tickets_routes[] = {
	{"tickets.write", intake_tickets_write},
	{"tickets.get", intake_tickets_get},
	{"tickets.list", tk_rpc_list},
	{"tickets.comments", tk_rpc_comments},
	{"tickets.audits", tk_rpc_audits},
	{"jobs.put", tk_rpc_jobs_put},
	{"uploads.put", tk_rpc_uploads_put},
	{"uploads.get", tk_rpc_uploads_get},
	{"attachments.get", tk_rpc_attachments_get},
	{"attachments.content", tk_rpc_attachments_content},
	{"attachments.ref", tk_rpc_attachments_ref},
	{"jobs.get", tk_rpc_jobs_get},
	{NULL, NULL},
};
