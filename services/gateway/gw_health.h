/* Per-peer health in the gateway (peer_health.c): what the gateway knows of
 * each service it calls (every intake shard, routing, knowledge,
 * notifications, metrics), so calls to a sick peer fail at once instead of
 * holding an HTTP thread for the whole deadline. Three guards per peer:
 * the connection (nng pipe events: no pipe = down), a circuit breaker
 * (open after HD_BREAKER_FAILURES transport failures in a row; after
 * HD_BREAKER_COOLDOWN_MS one probe call may pass) and a bulkhead (at most
 * HD_PEER_MAX_INFLIGHT calls in flight; one more waits up to
 * HD_PEER_QUEUE_MS for a slot, then is refused). Any thread: one mutex
 * inside. */
#ifndef GW_HEALTH_H
#define GW_HEALTH_H

#include "gateway.h"

#include <stddef.h>

/* A call admitted by gw_peer_enter, handed back to gw_peer_leave. */
typedef struct gw_pass {
	int peer;  /* index in the health table, -1: an unknown client */
	int probe; /* the half-open circuit's one trial call */
} gw_pass;

/* Read the knobs and build the table for g's clients (after they are
 * open); registers the hd_peer_* metrics and the /readyz check.
 * HD_E_INVALID (a knob out of range, logged), HD_E_NOMEM. */
int gw_health_init(gw *g);
void gw_health_release(gw *g);

/* Start r's deadline: every RPC the request makes shares HD_RPC_TIMEOUT_MS
 * from now. Called by http.c before the handler runs. */
void gw_req_deadline(gw *g, gw_req *r);
/* Milliseconds left before r's deadline (<= 0: passed); the whole timeout
 * when the request has none. */
int gw_time_left(const gw *g, const gw_req *r);

/* Admit one call to c: HD_OK, or HD_E_UNAVAILABLE when the peer is known
 * down, its circuit is open or its bulkhead stays full for HD_PEER_QUEUE_MS
 * (at most left_ms) — then *why names it and *retry_after says when to try
 * again (seconds, >= 1). */
int gw_peer_enter(gw *g, hd_rpc_client *c, int left_ms, gw_pass *pass,
		  const char **why, unsigned *retry_after);
/* The admitted call ended with the transport outcome rc (HD_OK: the peer
 * answered, whatever it answered). trace: the request's, for the log line
 * when this changes the peer's state. */
void gw_peer_leave(gw *g, const gw_pass *pass, int rc, const char *trace);
/* 1 when c's peer is known unreachable now (disconnected, or its circuit
 * not closed): callers that can do without it skip the call. */
int gw_peer_known_down(gw *g, hd_rpc_client *c);
/* The peer's name as in logs and metrics ("intake-1", "knowledge"). */
const char *gw_peer_name(gw *g, hd_rpc_client *c);

/* The /readyz check (hd_admin_ready_fn; arg is the gw): HD_E_UNAVAILABLE
 * with the unreachable peers and why in `why` when any is down. */
int gw_health_ready(void *arg, char *why, size_t cap);

#endif
