/* intake's ticket module, internal API shared by tickets*.c. The dbis are
 * resolved once in intake_tickets_bind and read-only afterwards; writes run
 * only inside hd_store_write jobs. */
#ifndef INTAKE_TICKETS_H
#define INTAKE_TICKETS_H

#include "intake.h"
#include "rule.pb-c.h"

#include <jansson.h>

/* tickets_by_created.c: the created_at index of cursor lists. The key is
 * created_at (sign flipped, BE) ‖ id (BE), so key order is list order. */
#define TK_BY_CREATED_KEY 16
extern const char *const intake_tk_by_created_dbs[]; /* for main.c */
void tk_by_created_key(uint8_t out[TK_BY_CREATED_KEY], int64_t created_at,
		       uint64_t id);
/* Put tk's entry in the creating transaction (sticky error). */
int tk_by_created_put(const intake *in, hd_txn *t, const Hd__Ticket *tk);
/* At start: build the index when it does not hold one entry per ticket
 * (a store from before it existed). HD_OK or the store's error. */
int tk_by_created_ensure(intake *in);
/* A rebuild's write job: the context, and the tickets put so far. */
typedef struct tk_rebuild {
	const intake *in;
	uint64_t built;
} tk_rebuild;
/* In a write job: empty index, then put(in, t, ticket) for every ticket;
 * r->built counts the tickets put. The rebuild of both indexes below. */
int tk_index_rebuild(hd_txn *t, tk_rebuild *r, MDB_dbi index,
		     int (*put)(const intake *in, hd_txn *t,
				const Hd__Ticket *tk));

/* tickets_by_owner.c: the id-ordered list index (key layout there). Lists:
 * 'a' live, 'd' deleted (owner 0), 'r' requester, 'g' assignee, 'o'
 * organization. */
#define TK_LISTS_KEY 17
void tk_lists_key(uint8_t out[TK_LISTS_KEY], char list, uint64_t owner,
		  uint64_t id);
/* Move tk's entries from before's (either may be NULL) in t. */
int tk_lists_update(const intake *in, hd_txn *t, const Hd__Ticket *before,
		    const Hd__Ticket *tk);
/* Entries of one list (HD_OK with 0 for none). */
int tk_lists_count(const intake *in, hd_txn *t, char list, uint64_t owner,
		   uint64_t *n);
/* 1 once built (tk_lists_ensure, at start). */
int tk_lists_ready(const intake *in, hd_txn *t);
int tk_lists_ensure(intake *in);

/* tickets_apply.c: the outcome of merging one hd.TicketPatch. */
typedef struct tk_change {
	Hd__AuditEvent **ev; /* owned; freed by tk_change_release */
	size_t nev;
	char *comment_body; /* owned plain text, or NULL */
	char *comment_html; /* owned sanitized HTML, or NULL */
	int comment_public;
	uint64_t comment_author;
	Hd__PatchUpload **uploads; /* borrowed from the patch */
	size_t nuploads;
	char *unpermitted[32];
	size_t nunpermitted;
} tk_change;

void tk_change_release(tk_change *c);
/* Add the audit's Create (before == NULL) or Change events for every field,
 * custom fields included (named by their id), that differs. */
int tk_diff(const Hd__Ticket *tk, const Hd__Ticket *before, tk_change *ch);
/* Merge patch p (borrowed; ch may point into it) into tk (before == NULL:
 * a create) for who; fills ch with the comment. HD_E_INVALID with rep
 * naming the field. */
int tk_apply(Hd__Ticket *tk, const Hd__Ticket *before, const Hd__TicketPatch *p,
	     const hd_principal *who, tk_change *ch, hd_rpc_rep *rep);
/* A malloc'd copy of s (protobuf-c frees strings with free). */
char *tk_strdup(const char *s);
/* Append an audit event. value (NULL: none, rendered null) and prev (NULL:
 * none; Change events only) are borrowed JSON values: strings, numbers,
 * null or lists of those, stored as hd.RuleValue. */
int tk_event(tk_change *c, const char *type, const char *field,
	     const json_t *value, const json_t *prev);
/* Escape text into Zendesk's comment HTML; malloc'd, NULL when too large
 * or out of memory. */
char *tk_html_from_text(const char *text);
/* Keep only an allow-list of tags from html, escaping everything else;
 * malloc'd. Also fills *plain (malloc'd) with the text content, unless
 * plain is NULL (the caller has the text already). Either is NULL when
 * too large or out of memory. */
char *tk_html_sanitize(const char *html, char **plain);

/* tickets_rating.c: tickets.rate */
extern const hd_rpc_route intake_rating_routes[];
/* A rating's values: score good or bad, a comment of at most max_comment
 * bytes. HD_E_INVALID with rep naming the field. */
int tk_rating_check(const Hd__RateRequest *r, size_t max_comment,
		    hd_rpc_rep *rep);
/* The patch that stores rating r on a ticket. HD_OK, HD_E_NOMEM. */
int tk_rating_patch(Hd__TicketPatch *p, const Hd__RateRequest *r);
/* The end of tickets.rate and tickets.rate_link: when rc is HD_OK, the
 * rated ticket tk packed as an hd.TicketWriteReply into rep's payload;
 * then tk and r freed (either may be NULL). Returns rc or the pack's
 * error. */
int tk_rating_reply(int rc, Hd__Ticket *tk, Hd__RateRequest *r,
		    hd_rpc_rep *rep);

/* tickets.c */
/* May who see tk? Staff: all; end-users: their own tickets. */
bool tk_can_see(const hd_principal *who, const Hd__Ticket *tk);

/* tickets.c: one tickets.write inside the caller's write job t, so a
 * channel stores its own index (chat id, call id) in the same transaction
 * as the ticket. req supplies the principal and trace; w->patch (borrowed)
 * is the change; id 0 creates. comment_type/voice (NULL: a plain
 * "Comment"; borrowed) type the comment the object carries; *comment_id gets
 * its id when not NULL. On success *tk is the caller's
 * (hd__ticket__free_unpacked); on failure rep names the field. */
typedef struct tk_write_in {
	uint64_t id;
	const Hd__TicketPatch *patch;
	const char *comment_type;
	const Hd__VoiceData *voice;
	uint64_t *comment_id;
} tk_write_in;
int tk_write_txn(hd_txn *t, intake *in, const hd_rpc_req *req,
		 const tk_write_in *w, hd_rpc_rep *rep, Hd__Ticket **tk);

/* tickets.c: the next id of a comment, audit or audit event (their shared
 * counter, offset past ticket ids). Sticky on t. */
int tk_child_id(hd_txn *t, intake *in, uint64_t *id);
/* tickets.c */
int tk_put_child(hd_txn *t, MDB_dbi dbi, uint64_t ticket, uint64_t id,
		 const void *msg);

/* A channel's own records, written in the same transaction as a
 * tickets.write (the e-mail channel's Message-ID index): pre runs first (an
 * error aborts the write and changes nothing), post after the ticket, audit
 * and comment are stored. via (or NULL) names the comment's and audit's
 * channel when it differs from the ticket's. */
typedef struct tk_write_hook {
	int (*pre)(hd_txn *t, void *arg);
	int (*post)(hd_txn *t, const Hd__Ticket *tk, const Hd__Audit *au,
		    void *arg);
	void *arg;
	const char *via;
} tk_write_hook;
/* tickets.c: the tickets.write RPC (req carries an hd.TicketWriteRequest)
 * with hook's records in the same transaction; hook may be NULL. Replies
 * an hd.TicketWriteReply in rep. */
int tk_write(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep,
	     const tk_write_hook *hook);

/* tickets_list.c: tickets.list, tickets.comments, tickets.audits */
int tk_rpc_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int tk_rpc_comments(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int tk_rpc_audits(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
/* uploads.c: uploads.put, uploads.get, attachments.get/content (shard 0) */
int tk_rpc_uploads_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int tk_rpc_uploads_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int tk_rpc_attachments_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
/* Does token match the one in attachment id's content_url? */
bool tk_attachment_token_ok(uint64_t id, const char *token);
/* attachments_ref.c: which comment an attachment is on (every shard) */
int tk_att_ref_put(const intake *in, hd_txn *t, const Hd__Comment *c);
int tk_rpc_attachments_ref(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int tk_rpc_attachments_content(void *ctx, const hd_rpc_req *req,
			       hd_rpc_rep *rep);
/* jobs.c: jobs.put, jobs.get */
int tk_rpc_jobs_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int tk_rpc_jobs_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* tickets_rule.c: writes by routing's rules (role "system"). */
bool tk_is_system(const hd_principal *who);
/* The audit's via from TicketWriteRequest.audit_via (system only; NULL:
 * none); HD_E_INVALID with rep naming audit_via when it has no channel. */
int tk_rule_audit_via(const hd_principal *who, const Hd__Via *via,
		      Hd__Audit *au, hd_rpc_rep *rep);
/* A system comment without author_id is the account owner's. */
int tk_rule_author(hd_txn *t, intake *in, const hd_principal *who,
		   tk_change *ch);
/* Record the write's updater, role and via on tk. HD_E_NOMEM. */
int tk_note_updater(Hd__Ticket *tk, const hd_principal *who,
		    const Hd__Via *audit_via, const Hd__TicketPatch *p,
		    bool creating);

/* tickets_trig.c: Zendesk's trigger cycle inside the write job, on *tk as
 * the update has left it (after tk_note_updater; before: the stored ticket,
 * NULL on create). Each firing's changes go into *tk and its events into
 * ch (with the rule's via); a comment the rules add is kept in run->cm
 * (recorded as the audit's second comment). *tk may be replaced (a refused
 * firing is undone). Free run with tk_trig_release. */
typedef struct tk_trig_run {
	Hd__Rule **rules; /* this shard's active triggers, in order */
	size_t n;
	size_t *order; /* which fired, in firing order */
	bool *fired;
	size_t nfired;
	tk_change cm;                 /* the rules' comment, or none */
	const Hd__Rule *comment_rule; /* the first trigger that wrote it */
} tk_trig_run;
int tk_trig_eval(hd_txn *t, intake *in, const hd_principal *who,
		 Hd__Ticket **tk, const Hd__Ticket *before, bool creating,
		 tk_change *ch, tk_trig_run *run);
/* The fired triggers' notification actions as rule.notification events,
 * after the ticket event (so consumers know the ticket). */
int tk_trig_notify(hd_txn *t, const tk_trig_run *run, Hd__Ticket *tk,
		   const char *trace);
void tk_trig_release(tk_trig_run *run);

#endif
