/* settle.c: after a write whose events other services copy, wait briefly
 * (at most 3 s of the request's time) until every reachable consumer has
 * applied the owner's outbox so far. A consumer that is down is not waited
 * for; it catches up from the bus by itself. */
#ifndef GW_SETTLE_H
#define GW_SETTLE_H

#include "gateway.h"

/* owner publishes as source (shard 0); consumers are n RPC clients. */
void gw_settle(gw *g, gw_req *r, hd_rpc_client *owner, const char *source,
	       hd_rpc_client *const *consumers, size_t n);
/* Field and form definitions: intake shard 0 → the other intake shards. */
void gw_settle_fields(gw *g, gw_req *r);
/* Group memberships: intake shard 0 → knowledge. */
void gw_settle_members(gw *g, gw_req *r);
/* Business-hours schedules: routing → metrics. */
void gw_settle_schedules(gw *g, gw_req *r);

#endif
