/* metrics' event handlers, RPCs and Prometheus families. */
#include "metrics.h"
#include "mc.h"
#include "mr.h"

#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/prom.h"
#include "ticket.pb-c.h"

#include <string.h>

static int on_ticket_created(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__Ticket *tk =
		hd__ticket__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!tk)
		return HD_E_DECODE;
	uint8_t key[8], at[8];
	hd_key_u64(key, tk->id);
	hd_key_u64(at, (uint64_t)tk->created_at);
	hd_txn_put(t, m->tickets, key, 8, at, 8);
	hd_txn_add_u64(t, m->counters, "tickets_created", 1, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return t->rc;
}

/* main.c's module rows (ctx is the metrics context). */
int metrics_open(hd_svc *svc, void *ctx)
{
	metrics *m = ctx;
	m->store = svc->store;
	return metrics_store_bind(m);
}

int metrics_mc_open(hd_svc *svc, void *ctx)
{
	metrics *m = ctx;
	return mc_bind(&m->mc, m->store);
}

/* The zone first: mr_init loads today's wallboard figures by local day. */
int metrics_mr_open(hd_svc *svc, void *ctx)
{
	int rc = mr_zone_set(hd_cfg_get(&svc->cfg, "HD_ACCOUNT_TIME_ZONE"));
	if (rc)
		hd_cfg_refuse();
	return rc ? rc : mr_init(ctx);
}

int metrics_prom_open(hd_svc *svc, void *ctx)
{
	return hd_prom_add_collector(metrics_collect, ctx);
}

/* Every event of every source: main.c's one event row. */
int metrics_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	metrics *m = ctx;
	int rc = mc_apply(t, &m->mc, ev); /* ticket metrics, ratings, export */
	if (!rc)
		rc = mr_apply(m, t,
			      ev); /* reports' rollups, same transaction */
	if (rc)
		return rc;
	if (strcmp(ev->type, "ticket.created") == 0)
		return on_ticket_created(m, t, ev);
	return hd_txn_add_u64(t, m->counters, "events_other", 1, NULL);
}

void metrics_collect(void *ctx, hd_buf *out)
{
	metrics *m = ctx;
	uint64_t created = 0;
	if (hd_store_get_u64(m->store, m->counters, "tickets_created",
			     &created))
		return;
	/* Read from the store, so the figure survives restarts and counts every
	 * ticket exactly once. */
	hd_prom_family(out, "hd_tickets_created_total", "counter",
		       "Tickets created, as applied from intake's events.");
	hd_buf_printf(out, "hd_tickets_created_total %llu\n",
		      (unsigned long long)created);
}

/* metrics.counts: field 1 = tickets created (a one-field protobuf message,
 * read by the gateway's operator view). */
int metrics_counts(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	(void)req;
	metrics *m = ctx;
	uint64_t created = 0;
	int rc = hd_store_get_u64(m->store, m->counters, "tickets_created",
				  &created);
	return rc ? rc : hd_pb_put_varint(&rep->payload, 1, created);
}

const hd_rpc_route metrics_routes[] = {
	{"metrics.counts", metrics_counts},
	{NULL, NULL},
};
