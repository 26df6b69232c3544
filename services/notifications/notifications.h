/* notifications: webhooks, e-mail and side conversations, delivered from a
 * durable outbox in the service's own LMDB. Deliveries are written in the
 * same transaction that applies the event that caused them (notify_apply) or
 * the RPC that asked for them; one sender thread (deliver_sender.c) sends
 * them with libcurl's multi interface over two transports, HTTP and SMTP.
 * The context is filled by main.c's modules and read-only afterwards, except
 * the sender's own state, which only its thread touches. */
#ifndef NOTIFICATIONS_H
#define NOTIFICATIONS_H

#include "hd/bus.h"
#include "hd/net_policy.h"
#include "hd/store_iter.h"
#include "hd/store_pb.h"
#include "hd/svc.h"
#include "alerts.pb-c.h"
#include "common.pb-c.h"
#include "notify.pb-c.h"
#include "ticket.pb-c.h"
#include "user.pb-c.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct notify_sender notify_sender;

typedef struct notify_cfg {
	uint64_t backoff_ms;     /* first retry delay */
	uint64_t backoff_max_ms; /* cap of one delay */
	uint64_t horizon_ms;     /* give up retrying after this long */
	uint64_t timeout_ms;     /* total time of one HTTP attempt */
	uint64_t connect_ms;     /* connect timeout of one attempt */
	uint64_t breaker_failures;
	uint64_t breaker_cooldown_ms;
	uint64_t suggest_wait_ms; /* hold "request received" for kb.suggested */
	uint64_t max_parallel;    /* transfers in flight at once */
	const char *smtp_url, *smtp_user, *smtp_password, *mail_from,
		*mail_domain;
	const char *public_url; /* base of links in mail (the gateway) */
	int smtp_starttls;
	hd_netpol outbound; /* HD_OUTBOUND_ALLOW: webhooks and chat, not SMTP */
} notify_cfg;

typedef struct notify {
	hd_store *store;
	notify_cfg cfg;
	notify_sender *sender;
	MDB_dbi webhooks, deliveries, pending, by_lane, dead, attempts;
	MDB_dbi tickets, users, members, suggestions, mail_roots, msgids;
	MDB_dbi scs, sc_events, sc_by_ticket, sc_msgids, counters, queue;
	MDB_dbi templates, settings; /* templates.h */
} notify;

extern const char *const notify_dbs[];
extern const hd_rpc_route notify_webhook_routes[];
extern const hd_rpc_route notify_delivery_routes[];
extern const hd_rpc_route notify_sc_routes[];
extern const hd_rpc_route notify_tmpl_routes[];     /* templates_store.c */
extern const hd_rpc_route notify_settings_routes[]; /* settings.c */

/* store.c: binding and small typed accessors. get functions return HD_OK,
 * HD_E_NOTFOUND or HD_E_DECODE; the message is the caller's to free. */
int notify_store_bind(notify *n);
int notify_get_pb(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen,
		  const ProtobufCMessageDescriptor *d, void **out);
int notify_get_pb_u64(hd_txn *t, MDB_dbi dbi, uint64_t id,
		      const ProtobufCMessageDescriptor *d, void **out);
/* Pack and put (sticky on t). */
int notify_put_pb(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen,
		  const void *msg);
int notify_put_pb_u64(hd_txn *t, MDB_dbi dbi, uint64_t id, const void *msg);
/* The next id of the service's one sequence (deliveries, side
 * conversations and their messages). */
uint64_t notify_next_id(notify *n, hd_txn *t);
/* A 26-character ULID (time + randomness) into out[27]. */
void notify_ulid(char out[27]);
/* A random [A-Za-z0-9] string of len characters into out[len + 1]. */
void notify_random_token(char *out, size_t len);
/* key = lane (NUL-padded to 32 bytes) + big-endian id. */
void notify_lane_key(uint8_t out[40], const char *lane, uint64_t id);

/* handlers.c: the event handler, the Prometheus collector and main.c's
 * module rows (ctx is the notify). */
int notify_apply(void *ctx, hd_txn *txn, const struct Hd__Envelope *ev);
void notify_collect(void *ctx, hd_buf *out);
int notify_open(hd_svc *svc, void *ctx);
int notify_outbox_open(hd_svc *svc, void *ctx);
int notify_tmpl_open(hd_svc *svc, void *ctx);
int notify_prom_open(hd_svc *svc, void *ctx);
int notify_sender_open(hd_svc *svc, void *ctx);
void notify_sender_close(hd_svc *svc, void *ctx);

/* config.c: the options into n->cfg; logs where mail goes. HD_E_INVALID
 * (logged, refused) for a bad value. */
int notify_read_cfg(notify *n, const hd_cfg *c);

/* An event as every part of notifications that reacts to it sees it
 * (handlers.c): decoded once — the ticket (ticket.*, older via read
 * typed), comment (comment.created), SLA alert (sla.*) or expired card
 * (kb.card_expired); the other members NULL. */
typedef struct notify_event {
	const struct Hd__Envelope *ev;
	Hd__Ticket *ticket;
	Hd__Comment *comment;
	struct Hd__SlaAlert *sla;
	struct Hd__CardExpired *card;
} notify_event;

/* events_copy.c: the copies of tickets, users and group memberships the
 * templates need, kept from intake's events. HD_OK when ev is not theirs. */
int notify_copy_apply(notify *n, hd_txn *t, const notify_event *e);

/* webhooks_events.c: event → webhook deliveries for every active webhook
 * subscribed to type (a "zen:event-type:…" name); detail is the event's
 * JSON detail object (borrowed). */
int notify_webhooks_fanout(notify *n, hd_txn *t, const char *type,
			   uint64_t ticket_id, json_t *detail);
/* rule.notification to a webhook: the rule's body rendered against the
 * ticket (now, or when first sent if the ticket's copy has not arrived:
 * the delivery's template is then "webhook_rule"). */
int notify_webhook_rule(notify *n, hd_txn *t, const char *webhook_id,
			uint64_t ticket_id, const char *body_tmpl);
/* tmpl rendered against ticket_id with JSON escaping into *out
 * (malloc'd). HD_E_TOOBIG / HD_E_NOMEM. */
int notify_webhook_render(notify *n, hd_txn *t, uint64_t ticket_id,
			  const char *tmpl, char **out);
/* The placeholder context of a ticket ({"ticket":{…}}) from the copies;
 * new reference, never NULL (an unknown ticket gives {"ticket":{"id":…}}). */
json_t *notify_ticket_context(notify *n, hd_txn *t, uint64_t ticket_id);
/* templates_context.c: an absolute link under HD_PUBLIC_URL into out: path
 * (starting with '/') + token (may be ""). Every link a mail, template or
 * webhook carries is made here, so none is relative. */
void notify_public_link(notify *n, const char *path, const char *token,
			char *out, size_t cap);

/* mail_events.c: event → mail deliveries. */
int notify_mail_apply(notify *n, hd_txn *t, const notify_event *e);

/* deliver_queue.c: the outbox. enqueue assigns d->id (when 0) and
 * created_at/next_at (when 0), marks it pending and indexes it by lane. */
int notify_enqueue(notify *n, hd_txn *t, Hd__Delivery *d);
/* Is outgoing e-mail off (HD_SMTP_URL empty)? Counts the mail not sent in
 * hd_notify_mail_unsent_total when it is. */
bool notify_mail_off(notify *n);
/* Queue an e-mail to user_id (from the copies) with template tmpl; vars is
 * extra placeholder context (stolen, may be NULL). delay_ms holds it back.
 * No address or an unknown user queues nothing (HD_OK). */
int notify_mail_user(notify *n, hd_txn *t, uint64_t user_id, uint64_t ticket_id,
		     const char *tmpl, json_t *vars, uint64_t delay_ms);
/* The same to an address that is not (yet) a user's e-mail. */
typedef struct notify_addressee {
	uint64_t user_id; /* whom it is about, or 0 */
	const char *email, *name, *locale;
} notify_addressee;
int notify_mail_to(notify *n, hd_txn *t, const notify_addressee *to,
		   uint64_t ticket_id, const char *tmpl, json_t *vars,
		   uint64_t delay_ms);
/* Message-ID for mail about ticket (the first becomes the thread root) or
 * a side conversation: "hd.t.{tid}.{unique}.{mac}@{domain}" (no brackets;
 * proto/mail.proto). */
void notify_message_id(notify *n, uint64_t sc_id, uint64_t ticket_id, char *out,
		       size_t cap);
/* Threading headers of the next mail about ticket_id: In-Reply-To and
 * References to its root mail, recording msgid as the root when first. */
int notify_thread_ticket(notify *n, hd_txn *t, uint64_t ticket_id,
			 const char *msgid, Hd__Delivery *d);
/* deliver_index.c: the scheduler's queue index (key layout there), kept in
 * step with pending by enqueue and record_outcomes. */
#define NOTIFY_QKEY 48
void notify_queue_key(uint8_t out[NOTIFY_QKEY], const Hd__Delivery *d);
int notify_queue_put(notify *n, hd_txn *t, const Hd__Delivery *d);
int notify_queue_del(notify *n, hd_txn *t, const Hd__Delivery *d);
/* Index every pending delivery when the queue is empty (a store written
 * before the index existed). */
int notify_queue_rebuild(notify *n);
/* Result of one attempt, applied by the sender in one write. */
typedef struct notify_outcome {
	uint64_t delivery_id;
	int64_t started_at, completed_at;
	int status_code;        /* HTTP/SMTP code; 0 = none */
	int transport_err;      /* curl error; 0 = a reply came */
	int64_t retry_after_ms; /* 429's Retry-After; -1 = none */
	char error[200];
} notify_outcome;
int notify_record_outcomes(notify *n, const notify_outcome *o, size_t count);
/* What an outcome means: "delivered", "retry" or "dead"; *next_at for retry.
 * Pure (deliver_policy.c), so unit tests can call it. */
const char *notify_classify(const notify_cfg *c, const notify_outcome *o,
			    const Hd__Delivery *d, int64_t now,
			    int64_t *next_at);

/* deliver_sender.c */
int notify_sender_start(notify *n);
void notify_sender_stop(notify *n);
/* Look at the outbox now rather than at the next poll. Any thread. */
void notify_sender_kick(notify *n);
uint64_t notify_sender_in_flight(notify *n);

/* deliver_http.c / smtp_send.c: build the transfer of one delivery. *hdrs
 * and *body are owned by the caller until the transfer is cleaned up. */
struct curl_slist;
typedef struct notify_xfer notify_xfer;
int notify_http_setup(notify *n, hd_txn *t, notify_xfer *x);
/* 1 when intake's copy of the ticket has reached notifications. */
int notify_ticket_known(notify *n, hd_txn *t, uint64_t ticket_id);
int notify_smtp_setup(notify *n, hd_txn *t, notify_xfer *x);
/* Signature headers (API.md §11): base64(HMAC-SHA256(secret, ts + body)). */
int notify_sign(const char *secret, const char *ts, const char *body,
		size_t len, char *out, size_t cap);

/* templates_mail.c: render d->template into d->subject/text/html.
 * HD_E_CONFLICT: the mail is no longer wanted (a satisfaction survey of a
 * ticket that is not solved any more); the sender drops it unsent. */
int notify_mail_render(notify *n, hd_txn *t, Hd__Delivery *d);
/* A mail's extra template context (template_vars.c): set adds vars (an
 * object of strings, integers and such objects) to d as dotted pairs, which
 * notify_vars_free releases (HD_E_NOMEM, HD_E_TOOBIG past 64); get rebuilds
 * the object (NULL when none), also from a delivery queued as JSON text by
 * an older build. */
int notify_vars_set(Hd__Delivery *d, json_t *vars);
void notify_vars_free(Hd__Delivery *d);
json_t *notify_vars_get(const Hd__Delivery *d);
/* mime_build.c: the RFC 5322 message of a rendered mail delivery (malloc'd,
 * CRLF line ends). */
int notify_mime_build(const notify *n, const Hd__Delivery *d, char **out,
		      size_t *len);

/* sidecon_store.c */
int notify_sc_inbound(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

#endif
