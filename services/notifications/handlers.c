/* notifications' bus apply callback and Prometheus families. Each event
 * runs inside the consumer's group commit, so the deliveries it causes are
 * written in the same transaction that moves the source's cursor: an event
 * is turned into deliveries exactly once, and they are then sent at least
 * once. Webhooks and mail look at the previous ticket copy (for "solved"
 * and "assigned"), so the copies are updated last. */
#include "notifications.h"
#include "templates.h"

#include "hd/err.h"
#include "hd/prom.h"
#include "hd/time_iso.h"
#include "hd/via_compat.h"
#include "hd/vocab.h"

#include "alerts.pb-c.h"

#include <curl/curl.h>
#include <gmime/gmime.h>
#include <sodium.h>
#include <string.h>

static json_t *ticket_detail(const Hd__Ticket *tk)
{
	char c[21], u[21];
	hd_time_iso(tk->created_at, c);
	hd_time_iso(tk->updated_at, u);
	json_t *tags = json_array();
	for (size_t i = 0; i < tk->n_tags; i++)
		json_array_append_new(tags, json_string(tk->tags[i]));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, "
			 "s:o, s:s, s:s, s:s}",
			 "id", (json_int_t)tk->id, "subject", tk->subject,
			 "description", tk->description, "status", tk->status,
			 "priority", tk->priority, "type", tk->type,
			 "requester_id", (json_int_t)tk->requester_id,
			 "assignee_id", (json_int_t)tk->assignee_id, "group_id",
			 (json_int_t)tk->group_id, "organization_id",
			 (json_int_t)tk->organization_id, "tags", tags, "via",
			 tk->via_channel, "created_at", c, "updated_at", u);
}

static int hooks_ticket(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__Envelope *ev = e->ev;
	const Hd__Ticket *tk = e->ticket;
	if (tk->by_import) /* an import announces nothing to the outside */
		return HD_OK;
	json_t *detail = ticket_detail(tk);
	int created = strcmp(ev->type, "ticket.created") == 0;
	int rc = notify_webhooks_fanout(
		n, t,
		created ? "zen:event-type:ticket.created"
			: "zen:event-type:ticket.updated",
		tk->id, detail);
	if (!rc &&
	    hd_status_of(tk->status) == HD__TICKET_STATUS__STATUS_SOLVED) {
		Hd__Ticket *old = NULL;
		notify_get_pb_u64(t, n->tickets, tk->id,
				  &hd__ticket__descriptor, (void **)&old);
		if (!old || hd_status_of(old->status) !=
				    HD__TICKET_STATUS__STATUS_SOLVED)
			rc = notify_webhooks_fanout(
				n, t, "zen:event-type:ticket.solved", tk->id,
				detail);
		hd__ticket__free_unpacked(old, NULL);
	}
	json_decref(detail);
	return rc;
}

static int hooks_comment(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__Comment *c = e->comment;
	if (c->by_import)
		return HD_OK;
	char when[21];
	hd_time_iso(c->created_at, when);
	json_t *detail =
		json_pack("{s:I, s:{s:I, s:s, s:s, s:b, s:I, s:s}}", "id",
			  (json_int_t)c->ticket_id, "comment", "id",
			  (json_int_t)c->id, "body", c->body, "html_body",
			  c->html_body, "public", c->public_, "author_id",
			  (json_int_t)c->author_id, "created_at", when);
	int rc = notify_webhooks_fanout(n, t,
					"zen:event-type:ticket.comment_added",
					c->ticket_id, detail);
	json_decref(detail);
	return rc;
}

static int hooks_sla(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__SlaAlert *a = e->sla;
	char when[21];
	hd_time_iso(a->breach_at, when);
	json_t *detail = json_pack(
		"{s:I, s:{s:I, s:s, s:s, s:s, s:I, s:I, s:s}}", "id",
		(json_int_t)a->ticket_id, "sla", "policy_id",
		(json_int_t)a->policy_id, "policy_title", a->policy_title,
		"metric", a->metric, "breach_at", when, "group_id",
		(json_int_t)a->group_id, "assignee_id",
		(json_int_t)a->assignee_id, "priority", a->priority);
	int rc = notify_webhooks_fanout(
		n, t,
		strcmp(e->ev->type, "sla.warning") == 0
			? "zen:event-type:ticket.sla_warning"
			: "zen:event-type:ticket.sla_breached",
		a->ticket_id, detail);
	json_decref(detail);
	return rc;
}

static int hooks_card(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__CardExpired *c = e->card;
	char when[21];
	hd_time_iso(c->due_at, when);
	json_t *detail =
		json_pack("{s:I, s:s, s:I, s:I, s:I, s:s}", "id",
			  (json_int_t)c->card_id, "title", c->title, "owner_id",
			  (json_int_t)c->owner_id, "verifier_user_id",
			  (json_int_t)c->verifier_user_id, "verifier_group_id",
			  (json_int_t)c->verifier_group_id, "due_at", when);
	int rc = notify_webhooks_fanout(
		n, t, "zen:event-type:knowledge.card_expired", 0, detail);
	json_decref(detail);
	return rc;
}

static int apply_hooks(notify *n, hd_txn *t, const notify_event *e)
{
	const char *type = e->ev->type;
	if (e->ticket && (strcmp(type, "ticket.created") == 0 ||
			  strcmp(type, "ticket.updated") == 0))
		return hooks_ticket(n, t, e);
	if (e->comment)
		return hooks_comment(n, t, e);
	if (e->sla)
		return hooks_sla(n, t, e);
	if (e->card)
		return hooks_card(n, t, e);
	return HD_OK;
}

/* Decode the payloads more than one part reacts to, once. */
static int decode_event(const Hd__Envelope *ev, notify_event *e)
{
	const ProtobufCBinaryData *p = &ev->payload;
	*e = (notify_event){.ev = ev};
	if (strncmp(ev->type, "ticket.", 7) == 0) {
		e->ticket = hd__ticket__unpack(NULL, p->len, p->data);
		if (e->ticket && hd_ticket_via_compat(e->ticket, NULL))
			return HD_E_NOMEM;
		return e->ticket ? HD_OK : HD_E_DECODE;
	}
	if (strcmp(ev->type, "comment.created") == 0)
		return (e->comment = hd__comment__unpack(NULL, p->len, p->data))
			       ? HD_OK
			       : HD_E_DECODE;
	if (strncmp(ev->type, "sla.", 4) == 0)
		return (e->sla = hd__sla_alert__unpack(NULL, p->len, p->data))
			       ? HD_OK
			       : HD_E_DECODE;
	if (strcmp(ev->type, "kb.card_expired") == 0)
		return (e->card =
				hd__card_expired__unpack(NULL, p->len, p->data))
			       ? HD_OK
			       : HD_E_DECODE;
	return HD_OK;
}

static void release_event(notify_event *e)
{
	hd__ticket__free_unpacked(e->ticket, NULL);
	hd__comment__free_unpacked(e->comment, NULL);
	hd__sla_alert__free_unpacked(e->sla, NULL);
	hd__card_expired__free_unpacked(e->card, NULL);
}

/* ---- main.c's module rows (ctx is the notify) ---- */

/* libsodium, libcurl and GMime are process-wide: started here, and main()
 * shuts GMime and libcurl down after the service stopped. */
int notify_open(hd_svc *svc, void *ctx)
{
	notify *n = ctx;
	n->store = svc->store;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return HD_E_INTERNAL;
	g_mime_init();
	int rc = notify_read_cfg(n, &svc->cfg);
	return rc ? rc : notify_store_bind(n);
}

int notify_outbox_open(hd_svc *svc, void *ctx)
{
	return notify_queue_rebuild(ctx);
}

int notify_tmpl_open(hd_svc *svc, void *ctx)
{
	return notify_tmpl_seed(ctx);
}

int notify_prom_open(hd_svc *svc, void *ctx)
{
	return hd_prom_add_collector(notify_collect, ctx);
}

int notify_sender_open(hd_svc *svc, void *ctx)
{
	return notify_sender_start(ctx);
}

void notify_sender_close(hd_svc *svc, void *ctx)
{
	notify_sender_stop(ctx);
}

int notify_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	notify *n = ctx;
	notify_event e;
	int rc = decode_event(ev, &e);
	if (!rc)
		rc = apply_hooks(n, t, &e);
	if (!rc)
		rc = notify_mail_apply(n, t, &e);
	if (!rc)
		rc = notify_copy_apply(n, t, &e);
	release_event(&e);
	if (!rc)
		notify_sender_kick(n);
	return rc ? rc : t->rc;
}

void notify_collect(void *ctx, hd_buf *out)
{
	notify *n = ctx;
	uint64_t depth = 0, dead = 0, hooks = 0;
	hd_store_count(n->store, n->pending, &depth);
	hd_store_count(n->store, n->dead, &dead);
	hd_store_count(n->store, n->webhooks, &hooks);
	hd_prom_family(out, "hd_notify_outbox_depth", "gauge",
		       "Deliveries in the outbox still to be sent.");
	hd_buf_printf(out, "hd_notify_outbox_depth %llu\n",
		      (unsigned long long)depth);
	hd_prom_family(out, "hd_notify_dead_letters", "gauge",
		       "Deliveries currently in the dead letters.");
	hd_buf_printf(out, "hd_notify_dead_letters %llu\n",
		      (unsigned long long)dead);
	hd_prom_family(out, "hd_notify_in_flight", "gauge",
		       "Deliveries being sent right now.");
	hd_buf_printf(out, "hd_notify_in_flight %llu\n",
		      (unsigned long long)notify_sender_in_flight(n));
	hd_prom_family(out, "hd_notify_webhooks", "gauge",
		       "Webhooks configured.");
	hd_buf_printf(out, "hd_notify_webhooks %llu\n",
		      (unsigned long long)hooks);
}
