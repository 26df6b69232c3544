/* intake's inbound e-mail channel, internal API (mail_*.c). Everything runs
 * on the directory shard (0): users and attachment blobs live there, and so
 * do the failed-mail store and the Message-ID index. A parsed message is
 * owned by the thread that parsed it; GMime is initialised once at start. */
#ifndef INTAKE_MAIL_H
#define INTAKE_MAIL_H

#include "email.pb-c.h"
#include "intake.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- mail_text.c: pure text helpers (no GMime; unit-tested) ---- */

/* Length of the reply in body[0..len) once the quoted history is cut: from
 * the first "##- Please type your reply above this line -##", "On … wrote:"
 * (also wrapped over two lines, and Korean Gmail's "…님이 작성:"),
 * "-----Original Message-----" or "-----원본 메시지-----" line, or the
 * trailing block of ">" lines; trailing white space is dropped too. A body
 * that is nothing but history keeps its full (trimmed) length. */
size_t mail_trim_reply(const char *body, size_t len);

/* The ticket id of the first "[#123]" or "[Ticket #123]" token (ASCII case
 * ignored) in subject, or 0. */
uint64_t mail_subject_ticket(const char *subject);

/* What one of our Message-IDs names (proto/mail.proto). */
typedef struct mail_ref {
	uint64_t ticket_id;            /* 0: not one of ours */
	uint64_t side_conversation_id; /* 0: mail about the ticket */
} mail_ref;
/* Parse "hd.t.{ticket}.{unique}.{mac}@domain" or
 * "hd.sc.{side_conversation}.{ticket}.{unique}.{mac}@domain" (angle brackets
 * optional). false for anything else, including a wrong MAC (needs the
 * cluster key). */
bool mail_ref_parse(const char *msgid, mail_ref *out);

/* ---- mail_html.c ---- */

/* The text of an HTML mail body: tags dropped (style, script and head with
 * their content), block ends as line breaks, entities decoded, runs of
 * blank lines collapsed. malloc'd; NULL when out of memory. */
char *mail_html_text(const char *html);

/* Drop trailing white space from s, in place. */
void mail_trim_space(char *s);

/* Cut s to at most max bytes at a UTF-8 character boundary. */
void mail_utf8_cut(char *s, size_t max);

/* ---- mail_parse.c: GMime → a plain struct ---- */

typedef struct mail_att {
	char *name; /* UTF-8 file name (never empty) */
	char *type; /* "image/png" */
	uint8_t *data;
	size_t len;
} mail_att;

typedef struct intake_mail {
	char *from_addr, *from_name; /* from_addr in ASCII lower case */
	char *to_addr, *to_name;     /* "" when absent */
	char *subject;               /* decoded UTF-8, "" when absent */
	char *message_id;            /* without angle brackets; "" if none */
	char *body;                  /* UTF-8 text, LF line ends */
	char **refs; /* In-Reply-To first, then References newest first */
	size_t nrefs;
	mail_att *att;
	size_t natt;
	/* What mail_ignore_reason looks at. */
	char *auto_submitted, *precedence, *return_path;
	bool x_autoreply, has_return_path, delivery_report;
} intake_mail;

void mail_init(void);     /* g_mime_init, once per process */
void mail_shutdown(void); /* at stop */
/* Parse raw[0..len) into *m. HD_E_INVALID with a reason in why (no From,
 * no usable body and no attachments, broken structure, undecodable
 * charset); *m is then released. */
int mail_parse(const uint8_t *raw, size_t len, intake_mail *m, char *why,
	       size_t cap);
void mail_release(intake_mail *m);
/* Only the decoded subject of raw (for failed-mail lists); malloc'd or
 * NULL. */
char *mail_peek_subject(const uint8_t *raw, size_t len);

/* ---- mail_filter.c ---- */

/* Why m must not create a ticket (auto-reply, bounce, list loop, our own
 * address own_addr), or NULL. */
const char *mail_ignore_reason(const intake_mail *m, const char *own_addr);

/* ---- mail_thread.c ---- */

typedef struct mail_target {
	uint64_t ticket_id;            /* 0: a new ticket */
	uint64_t side_conversation_id; /* set: notifications' business */
	const char *how;               /* "In-Reply-To" | "subject" | NULL */
	bool reopen; /* an end-user answered a pending or solved ticket */
} mail_target;
/* The conversation m's threading headers or subject token name. */
void mail_thread_refs(const intake_mail *m, mail_target *tg);
/* Keep tg's ticket only if it lives on this shard, is live and not closed,
 * and (for a subject token) sender may write to it; otherwise clear it (a
 * new ticket). Errors only from the store. */
int mail_thread_check(intake *in, mail_target *tg, uint64_t sender, bool staff);

/* ---- mail_apply_old.c ---- */

/* Fields 8 (via.source) and 9 (attachments) of a request an older build
 * sent as JSON text, taken out of a's unknown fields into a->via and
 * a->attachments (typed ones already there win). HD_OK, HD_E_NOMEM,
 * HD_E_INVALID when the old via.source is not a via. */
int mail_apply_old(Hd__MailApplyRequest *a);

/* ---- mail_apply.c ---- */

/* In t: the ticket and comment the message with index key made before;
 * HD_E_NOTFOUND when it is new. */
int mail_seen(const intake *in, hd_txn *t, const uint8_t key[32],
	      uint64_t *ticket, uint64_t *comment);
/* Write the resolved message a on this shard (see mail_apply.c). Fills
 * out: ticket | comment | duplicate, or failed with reason[] set when the
 * write refused it (nothing stored; the caller keeps the mail). failed_id:
 * the directory shard's entry to mark done in the same transaction, or 0.
 * Returns only store or decode errors. */
int mail_apply(intake *in, const Hd__MailApplyRequest *a, uint64_t failed_id,
	       const char *trace, Hd__MailIngestReply *out, char *reason,
	       size_t cap);
int mail_rpc_apply(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* ---- mail_failed.c: the failed-mail store ---- */

/* Its tables are in->mail (intake_dbs.h), bound by intake_mail_bind. */

/* Store raw with reason as a new entry, or update entry id (when not 0).
 * *out_id: the entry. Own write transaction. */
int mail_failed_put(intake *in, const uint8_t *raw, size_t len,
		    const char *reason, uint64_t id, uint64_t *out_id);
/* In t: mark entry id processed with result. */
int mail_failed_done(const intake *in, hd_txn *t, uint64_t id,
		     const char *result, uint64_t ticket_id);
/* An hd_store_write job marking entry id processed with result. */
typedef struct mail_done_job {
	const intake *in;
	uint64_t id;
	const char *result;
	uint64_t ticket_id;
} mail_done_job;
int mail_failed_done_run(hd_txn *t, void *arg);
/* The raw bytes of entry id, malloc'd into *raw. HD_E_NOTFOUND. */
int mail_failed_raw(intake *in, uint64_t id, uint8_t **raw, size_t *len);
int mail_rpc_fail(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int mail_rpc_failed_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int mail_rpc_failed_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int mail_rpc_failed_done(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* ---- mail_local.c: calling intake's own RPC handlers in-process ---- */

/* Call method of one of intake's route tables with msg (packed) as who;
 * the reply is unpacked as d into *out (the caller's). rep holds the
 * error text. */
int mail_call_local(intake *in, const char *method, const void *msg,
		    const hd_principal *who,
		    const ProtobufCMessageDescriptor *d, void **out,
		    hd_rpc_rep *rep);

#endif
