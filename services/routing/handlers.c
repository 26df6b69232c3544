/* routing's event handlers and Prometheus families. */
#include "routing.h"

#include "hd/err.h"
#include "hd/evdecode.h"
#include "hd/prom.h"

#include <string.h>

/* A ticket waits for an assignee until it has one or is solved, closed or
 * deleted. */
static bool waiting(const Hd__Ticket *tk)
{
	return !tk->deleted && tk->assignee_id == 0 &&
	       strcmp(tk->status, "solved") != 0 &&
	       strcmp(tk->status, "closed") != 0;
}

static void queue_key(uint8_t key[16], const Hd__Ticket *tk)
{
	hd_key_u64(key, (uint64_t)tk->created_at);
	hd_key_u64(key + 8, tk->id);
}

/* Drop the queue entry of the copy stored before this event, if any. */
static void unqueue_old(hd_txn *t, routing *r, const uint8_t id[8])
{
	MDB_val v;
	if (hd_txn_get(t, r->tickets, id, 8, &v) != HD_OK)
		return;
	Hd__Ticket *old = hd__ticket__unpack(NULL, v.mv_size, v.mv_data);
	if (old) {
		uint8_t key[16];
		queue_key(key, old);
		hd_txn_del(t, r->unassigned, key, 16);
	}
	hd__ticket__free_unpacked(old, NULL);
}

int routing_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	routing *r = ctx;
	static const char *const types[] = {"ticket.created", "ticket.updated",
					    "ticket.deleted", NULL};
	Hd__Ticket *tk;
	int rc = hd_ev_ticket(ev, types, &tk);
	if (!tk)
		return rc;
	bool deleted = strcmp(ev->type, "ticket.deleted") == 0;
	uint8_t id[8], key[16];
	hd_key_u64(id, tk->id);
	queue_key(key, tk);
	unqueue_old(t, r, id);
	if (deleted) {
		hd_txn_del(t, r->tickets, id, 8);
	} else {
		hd_txn_put(t, r->tickets, id, 8, ev->payload.data,
			   ev->payload.len);
		if (waiting(tk))
			hd_txn_put(t, r->unassigned, key, 16, "", 0);
	}
	hd__ticket__free_unpacked(tk, NULL);
	return t->rc;
}

void routing_collect(void *ctx, hd_buf *out)
{
	routing *r = ctx;
	uint64_t n = 0;
	if (hd_store_count(r->store, r->unassigned, &n))
		return;
	hd_prom_family(out, "hd_routing_unassigned_tickets", "gauge",
		       "Tickets waiting for an assignee.");
	hd_buf_printf(out, "hd_routing_unassigned_tickets %llu\n",
		      (unsigned long long)n);
}
