/* routing's event handlers and Prometheus families. */
#include "assign.h"
#include "commands.h"
#include "hooks.h"
#include "routing.h"
#include "rt_rules.h"
#include "sla.h"
#include "views_index.h"

#include "hd/err.h"
#include "hd/evdecode.h"
#include "hd/prom.h"
#include "hd/vocab.h"

#include <string.h>

/* A ticket waits for an assignee until it has one or is solved, closed or
 * deleted. */
static bool waiting(const Hd__Ticket *tk)
{
	return !tk->deleted && tk->assignee_id == 0 &&
	       !hd_ticket_solved_str(tk->status);
}

static void queue_key(uint8_t key[16], const Hd__Ticket *tk)
{
	hd_key_u64(key, (uint64_t)tk->created_at);
	hd_key_u64(key + 8, tk->id);
}

/* Routing's copy of a ticket as stored before this event, or NULL. */
static Hd__Ticket *stored_copy(hd_txn *t, routing *r, const uint8_t id[8])
{
	MDB_val v;
	if (hd_txn_get(t, r->tickets, id, 8, &v) != HD_OK)
		return NULL;
	return hd__ticket__unpack(NULL, v.mv_size, v.mv_data);
}

static int run_ticket_hooks(routing *r, hd_txn *t, const Hd__Envelope *ev,
			    const Hd__Ticket *before, const Hd__Ticket *after)
{
	for (size_t i = 0; routing_ticket_hooks[i] && t->rc == HD_OK; i++)
		hd_txn_fail(t,
			    routing_ticket_hooks[i](r, t, ev, before, after));
	return t->rc;
}

int routing_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	routing *r = ctx;
	static const char *const types[] = {"ticket.created", "ticket.updated",
					    "ticket.deleted", NULL};
	for (size_t i = 0; routing_event_hooks[i] && t->rc == HD_OK; i++)
		hd_txn_fail(t, routing_event_hooks[i](r, t, ev));
	Hd__Ticket *tk;
	int rc = hd_ev_ticket(ev, types, &tk);
	if (!tk || rc || t->rc) {
		hd__ticket__free_unpacked(tk, NULL);
		return rc ? rc : t->rc;
	}
	bool deleted = strcmp(ev->type, "ticket.deleted") == 0;
	uint8_t id[8], key[16];
	hd_key_u64(id, tk->id);
	Hd__Ticket *before = stored_copy(t, r, id);
	if (before) {
		queue_key(key, before);
		hd_txn_del(t, r->unassigned, key, 16);
	}
	queue_key(key, tk);
	if (deleted) {
		tk->deleted = true;
		hd_txn_del(t, r->tickets, id, 8);
	} else {
		hd_txn_put(t, r->tickets, id, 8, ev->payload.data,
			   ev->payload.len);
		if (waiting(tk))
			hd_txn_put(t, r->unassigned, key, 16, "", 0);
	}
	run_ticket_hooks(r, t, ev, before, tk);
	hd__ticket__free_unpacked(before, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return t->rc;
}

/* ---- main.c's module rows (ctx is the routing) ---- */

int routing_open(hd_svc *svc, void *ctx)
{
	routing *r = ctx;
	r->store = svc->store;
	int rc = routing_store_bind(r);
	return rc ? rc : hd_prom_add_collector(routing_collect, r);
}

int routing_rules_open(hd_svc *svc, void *ctx)
{
	int rc = rt_bind(ctx);
	return rc ? rc : rt_defaults(ctx);
}

int routing_vidx_open(hd_svc *svc, void *ctx)
{
	uint64_t batch = 0;
	int rc = hd_prom_add_collector(routing_vidx_collect, ctx);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_ROUTING_VIEW_BUILD_BATCH", 1,
				1000000, &batch);
	if (!rc)
		routing_vidx_set_batch(ctx, (unsigned)batch);
	return rc;
}

int routing_sla_open(hd_svc *svc, void *ctx)
{
	return routing_sla_setup(ctx, svc);
}

/* A job still running after this rebuilds the cache; the process ends
 * with it reachable from the context. */
void routing_sla_close(hd_svc *svc, void *ctx)
{
	(void)svc;
	sla_cache_release(ctx);
}

int routing_assign_open(hd_svc *svc, void *ctx)
{
	return routing_assign_init(ctx);
}

int routing_cmds_open(hd_svc *svc, void *ctx)
{
	int rc = hd_prom_add_collector(routing_cmds_collect, ctx);
	return rc ? rc : routing_cmds_start(ctx, svc);
}

void routing_cmds_close(hd_svc *svc, void *ctx)
{
	routing_cmds_stop(ctx);
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
