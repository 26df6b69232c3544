/* metrics: consumes every event into its own store and answers questions about
 * the past and the present. The context is filled by main.c's modules, read-
 * only after; metrics_apply runs on the consumer thread inside the store's
 * group commit. */
#ifndef METRICS_H
#define METRICS_H

#include "hd/bus.h"
#include "hd/store_iter.h"
#include "hd/svc.h"

/* Ticket metrics' sub-databases (key layout in mc_store.c). */
typedef struct mc_db {
	MDB_dbi tickets, users, mevents, ratings, exp, exp_at, meta, schedules;
} mc_db;

typedef struct metrics {
	hd_store *store;
	MDB_dbi counters, tickets;
	mc_db mc;            /* mc_*.c: ticket metrics, ratings, export */
	struct mr_state *mr; /* mr_*.c: reports, rollups, wallboard */
} metrics;

/* store.c */
int metrics_store_bind(metrics *m);
/* handlers.c: main.c's module rows, the event handler, … */
int metrics_open(hd_svc *svc, void *ctx);
int metrics_mc_open(hd_svc *svc, void *ctx);
int metrics_mr_open(hd_svc *svc, void *ctx);
int metrics_prom_open(hd_svc *svc, void *ctx);
int metrics_apply(void *ctx, hd_txn *txn, const struct Hd__Envelope *ev);
void metrics_collect(void *ctx, hd_buf *out);
int metrics_counts(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

extern const hd_rpc_route metrics_routes[];

#endif
