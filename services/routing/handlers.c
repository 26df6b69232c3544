/* routing's event handlers and Prometheus families. */
#include "routing.h"

#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/prom.h"
#include "ticket.pb-c.h"

#include <string.h>

int routing_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	routing *r = ctx;
	if (strcmp(ev->type, "ticket.created") != 0)
		return HD_OK;
	Hd__Ticket *tk =
		hd__ticket__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!tk)
		return HD_E_DECODE;
	uint8_t id[8], queue_key[16];
	hd_key_u64(id, tk->id);
	hd_key_u64(queue_key, (uint64_t)tk->created_at);
	hd_key_u64(queue_key + 8, tk->id);
	hd_txn_put(t, r->tickets, id, 8, ev->payload.data, ev->payload.len);
	hd_txn_put(t, r->unassigned, queue_key, 16, "", 0);
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
