/* notifications' event handlers and Prometheus families. */
#include "notifications.h"

#include "hd/err.h"
#include "hd/evdecode.h"
#include "hd/prom.h"

int notify_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	notify *n = ctx;
	static const char *const types[] = {"ticket.created", NULL};
	Hd__Ticket *tk;
	int rc = hd_ev_ticket(ev, types, &tk);
	if (!tk)
		return rc;
	uint8_t id[8], who[8];
	hd_key_u64(id, tk->id);
	hd_key_u64(who, tk->requester_id);
	hd_txn_put(t, n->requesters, id, 8, who, 8);
	hd_txn_add_u64(t, n->counters, "tickets_seen", 1, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return t->rc;
}

void notify_collect(void *ctx, hd_buf *out)
{
	notify *n = ctx;
	uint64_t seen = 0;
	if (hd_store_get_u64(n->store, n->counters, "tickets_seen", &seen))
		return;
	hd_prom_family(
		out, "hd_notify_tickets_seen_total", "counter",
		"New tickets whose requester will be notified of updates.");
	hd_buf_printf(out, "hd_notify_tickets_seen_total %llu\n",
		      (unsigned long long)seen);
}
