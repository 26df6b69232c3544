/* Events → webhook deliveries. Every active webhook subscribed to an event
 * type gets one delivery (lane = the webhook, so in order) whose body is the
 * Zendesk event shape:
 *   {"type":"zen:event-type:ticket.created","id":"<ULID>","time":"…Z",
 *    "zendesk_event_version":"2022-11-06","subject":"zen:ticket:<id>",
 *    "account_id":0,"detail":{…},"event":{}}
 * rule.notification to a webhook renders the rule's body template against
 * the ticket with JSON escaping (conditional_ticket_events); the body is
 * sent as rendered, with no envelope. */
#include "notifications.h"

#include "hd/err.h"
#include "hd/placeholder.h"
#include "hd/time_iso.h"

#include <stdlib.h>
#include <string.h>

static int queue_body(notify *n, hd_txn *t, const Hd__Webhook *w,
		      const char *type, uint64_t ticket_id, const char *body,
		      const char *tmpl)
{
	Hd__Delivery d = HD__DELIVERY__INIT;
	d.template_ = (char *)tmpl;
	d.kind = "webhook";
	d.webhook_id = w->id;
	d.lane = w->id;
	d.event_type = (char *)type;
	d.ticket_id = ticket_id;
	d.body = (char *)body;
	return notify_enqueue(n, t, &d);
}

typedef struct fanout {
	notify *n;
	hd_txn *t;
	const char *type;
	uint64_t ticket_id;
	json_t *detail;
	int rc;
} fanout;

static int subscribed(const Hd__Webhook *w, const char *type)
{
	if (strcmp(w->status, "active") != 0)
		return 0;
	for (size_t i = 0; i < w->n_subscriptions; i++)
		if (strcmp(w->subscriptions[i], type) == 0)
			return 1;
	return 0;
}

static int fanout_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	fanout *f = arg;
	(void)k;
	Hd__Webhook *w = hd__webhook__unpack(NULL, v->mv_size, v->mv_data);
	if (!w)
		return 0; /* a stored row we cannot read: not this event's fault */
	if (subscribed(w, f->type)) {
		char id[27], when[21], subj[40];
		notify_ulid(id);
		hd_time_iso(hd_now_ms(), when);
		snprintf(subj, sizeof subj, "zen:ticket:%llu",
			 (unsigned long long)f->ticket_id);
		json_t *ev = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:i, s:O, s:{}}", "type",
			f->type, "id", id, "time", when,
			"zendesk_event_version", "2022-11-06", "subject", subj,
			"account_id", 0, "detail", f->detail, "event");
		char *body = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
		f->rc = body ? queue_body(f->n, f->t, w, f->type, f->ticket_id,
					  body, "")
			     : HD_E_NOMEM;
		free(body);
		json_decref(ev);
	}
	hd__webhook__free_unpacked(w, NULL);
	return f->rc ? f->rc : 0;
}

int notify_webhooks_fanout(notify *n, hd_txn *t, const char *type,
			   uint64_t ticket_id, json_t *detail)
{
	fanout f = {n, t, type, ticket_id, detail, HD_OK};
	int rc = hd_txn_foreach(t, n->webhooks, NULL, 0, fanout_one, &f);
	return rc ? rc : t->rc;
}

int notify_webhook_render(notify *n, hd_txn *t, uint64_t ticket_id,
			  const char *tmpl, char **out)
{
	json_t *ctx = notify_ticket_context(n, t, ticket_id);
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 20);
	int rc = ctx ? hd_placeholder_render(tmpl, strlen(tmpl), ctx,
					     HD_PH_JSON, &b)
		     : HD_E_NOMEM;
	*out = rc ? NULL : strndup(b.data ? b.data : "", b.len);
	if (!rc && !*out)
		rc = HD_E_NOMEM;
	hd_buf_release(&b);
	json_decref(ctx);
	return rc;
}

int notify_webhook_rule(notify *n, hd_txn *t, const char *webhook_id,
			uint64_t ticket_id, const char *body_tmpl)
{
	Hd__Webhook *w = NULL;
	char *body = NULL;
	uint8_t k[8];
	MDB_val v;
	int rc = notify_get_pb(t, n->webhooks, webhook_id, strlen(webhook_id),
			       &hd__webhook__descriptor, (void **)&w);
	if (rc == HD_E_NOTFOUND)
		return HD_OK; /* the rule names a webhook since deleted */
	if (rc)
		return hd_txn_fail(t, rc);
	if (strcmp(w->status, "active") != 0)
		goto out;
	hd_key_u64(k, ticket_id);
	/* Rendered now, against the ticket as the rule saw it. When intake's
	 * event has not reached us yet (the two sources are not ordered),
	 * the template waits and is rendered when first sent. */
	if (hd_txn_get(t, n->tickets, k, 8, &v) == HD_OK)
		rc = notify_webhook_render(n, t, ticket_id, body_tmpl, &body);
	if (!rc)
		rc = queue_body(n, t, w, "conditional_ticket_events", ticket_id,
				body ? body : body_tmpl,
				body ? "" : "webhook_rule");
out:
	free(body);
	hd__webhook__free_unpacked(w, NULL);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}
