/* metrics: consumes every event into its own store and answers questions
 * about the past and the present. Context built in setup, read-only after;
 * apply runs on the consumer thread inside the store's group commit. */
#ifndef METRICS_H
#define METRICS_H

#include "hd/bus.h"
#include "hd/store_iter.h"
#include "hd/svc.h"

typedef struct metrics {
	hd_store *store;
	MDB_dbi counters, tickets;
	struct mr_state *mr; /* mr_*.c: reports, rollups, wallboard */
} metrics;

/* store.c */
int metrics_store_bind(metrics *m);
/* handlers.c */
int metrics_apply(void *ctx, hd_txn *txn, const struct Hd__Envelope *ev);
void metrics_collect(void *ctx, hd_buf *out);
int metrics_counts(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

extern const hd_rpc_route metrics_routes[];

#endif
