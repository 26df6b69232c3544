/* Assignment and presence: which available agent gets which waiting ticket.
 * Owns the as_* sub-databases (key layout in assign_store.c). Everything
 * that decides runs inside routing's group commit — the ticket, event and
 * tick hooks, and the write jobs of the assign.* / presence.* RPCs — so a
 * decision, its load bookkeeping and its command to intake commit together:
 * never assigned twice, never dropped. Read-only RPCs use read txns. */
#ifndef ROUTING_ASSIGN_H
#define ROUTING_ASSIGN_H

#include "hd/store_pb.h"
#include "hooks.h"
#include "routing.pb-c.h"
#include "user.pb-c.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

/* Capacity for a channel an agent's profile does not list, when it has no
 * "default" either (or no profile at all). */
#define AS_DEFAULT_CAPACITY 5
#define AS_MAX_CHANNEL      32 /* bytes of a channel name in keys */
#define AS_VIA_MAX          24 /* as_pick's via buffer */

/* The sub-databases, for main.c's dbs list (the handles: routing's as, an
 * assign_dbs, bound by routing_assign_init). */
extern const char *const routing_assign_dbs[];

/* main.c setup: bind the dbs, seed the default presence states, add the
 * gauge. HD_OK or a store error. */
int routing_assign_init(routing *r);

/* The hooks (hooks.c). */
int as_ticket_hook(routing *r, hd_txn *t, const Hd__Envelope *ev,
		   const Hd__Ticket *before, const Hd__Ticket *after);
int as_event_hook(routing *r, hd_txn *t, const Hd__Envelope *ev);
int as_tick_hook(routing *r, hd_txn *t, int64_t now_ms);

/* RPC tables: assign.* (assign_rpc.c) and presence.* (assign_presence.c). */
extern const hd_rpc_route routing_assign_routes[];
extern const hd_rpc_route routing_presence_routes[];

/* ---- assign_store.c: records and counters ---- */

/* Open (new/open/pending) tickets of agent on channel, in routing's books. */
uint64_t as_load_get(hd_txn *t, const assign_dbs *db, uint64_t agent,
		     const char *channel);
int as_load_add(hd_txn *t, const assign_dbs *db, uint64_t agent,
		const char *channel, int delta);
/* The profile's capacity for channel: the channel's entry, else "default",
 * else AS_DEFAULT_CAPACITY. p may be NULL. */
uint32_t as_capacity(const Hd__AgentProfile *p, const char *channel);
/* Is agent a member of group, as routing has learned from intake's
 * group_membership.* events? */
bool as_member_of(hd_txn *t, const assign_dbs *db, uint64_t agent,
		  uint64_t group);
/* Is user id an active agent or admin, as routing has learned from
 * intake's user.* events? */
bool as_is_agent(hd_txn *t, const assign_dbs *db, uint64_t id);
/* Is the agent's current presence a state that receives work? */
bool as_available(hd_txn *t, const assign_dbs *db, uint64_t agent);
/* Ids stored under the 8-byte prefix id in a "u64 ‖ u64" db (a group's
 * members, an agent's groups): malloc'd into *ids. */
int as_list_pairs(hd_txn *t, MDB_dbi dbi, uint64_t id, uint64_t **ids,
		  size_t *n);
/* A group's routing, or the defaults (manual) when it has none. *out is
 * the caller's to free. */
int as_group_routing(hd_txn *t, const assign_dbs *db, uint64_t group,
		     Hd__GroupRouting **out);
/* Does the strategy assign automatically? */
bool as_automatic(const Hd__GroupRouting *g);

/* ---- assign_queue.c ---- */

/* Assign waiting tickets of group to available agents, most urgent and
 * oldest first, until nobody qualifies for what is left. */
int as_drain_group(routing *r, hd_txn *t, uint64_t group, int64_t now);
/* Drain every group agent belongs to (capacity freed, agent available). */
int as_drain_agent(routing *r, hd_txn *t, uint64_t agent, int64_t now);
/* Put every unassigned ticket of group in the queue (the group's strategy
 * became automatic) or take them out (it became manual), then drain. */
int as_requeue_group(routing *r, hd_txn *t, uint64_t group, int64_t now);
/* Tickets of group in the queue. */
uint64_t as_queued(hd_txn *t, const assign_dbs *db, uint64_t group);

/* ---- assign_pick.c: the strategies ---- */

typedef struct as_agent {
	uint64_t id;
	Hd__AgentProfile *profile; /* NULL: defaults */
	int64_t last_assigned;     /* business ms; 0 = never */
} as_agent;

typedef struct as_pool {
	as_agent *a;
	size_t n;
} as_pool;

/* The available members of group (ordered by id). */
int as_pool_load(hd_txn *t, const assign_dbs *db, uint64_t group, as_pool *p);
void as_pool_release(as_pool *p);
/* Has some agent of p room on channel? */
bool as_pool_has_room(hd_txn *t, const assign_dbs *db, const as_pool *p,
		      const char *channel);
/* The agent the group's strategy picks for the waiting ticket e, or 0
 * when nobody qualifies now. fallback may be NULL. via (out, AS_VIA_MAX):
 * the strategy that decided ("round_robin", "skills", "skills_fallback" …). */
uint64_t as_pick(hd_txn *t, const assign_dbs *db, const Hd__GroupRouting *g,
		 const as_pool *members, const as_pool *fallback,
		 const Hd__QueueEntry *e, int64_t now, char *via);

#endif
