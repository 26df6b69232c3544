/* routing: decides who works on what and when it is due. It keeps its own copy
 * of every ticket (from intake's ticket.* events), the queue of tickets
 * awaiting assignment, and the agents' views over that copy. The context is
 * filled by main.c's modules, read-only after (but for the tick thread's own
 * marks, below, which only the tick hooks touch); apply runs inside the group
 * commit; the views.* RPCs run on RPC worker threads and write only through the
 * group commit. */
#ifndef ROUTING_H
#define ROUTING_H

#include "hd/bus.h"
#include "hd/rpc.h"
#include "hd/store_iter.h"
#include "hd/svc.h"
#include "ticket.pb-c.h"
#include "view.pb-c.h"

#include <stdbool.h>

/* Triggers' and automations' sub-databases (key layout in rt_rules.h). */
typedef struct rt_dbs {
	MDB_dbi rules, comments, times, fired, locales;
} rt_dbs;

/* Assignment's and presence's sub-databases (key layout in
 * assign_store.c). */
typedef struct assign_dbs {
	MDB_dbi groups, profiles, members, agent_groups, users, presence,
		presence_log, states, tickets, queue, waiting, qchan, load, rr,
		idle;
} assign_dbs;

/* The SLA module's sub-databases (key layout in sla_store.c) and its
 * setting. */
typedef struct sla_db {
	MDB_dbi schedules, policies, state, timers, users;
	double warning_fraction; /* HD_SLA_WARNING_FRACTION */
} sla_db;

typedef struct routing {
	hd_store *store;
	MDB_dbi tickets, unassigned, views, meta, commands;
	MDB_dbi vidx, vmem, vcount, vstate, vdrop; /* views_index.h */
	rt_dbs rt;                                 /* rt_rules.c */
	assign_dbs as;                             /* assign_store.c */
	sla_db sla;                                /* sla_store.c */
	/* The SLA policies decoded as of one generation, and the last
	 * generation handed out (sla_cache.c; its lock guards both). */
	struct sla_policy_set *sla_cached;
	uint64_t sla_gen_issued;
	unsigned vidx_batch; /* HD_ROUTING_VIEW_BUILD_BATCH; 0: the default */
	/* The tick thread's: every view stored before the index has one
	 * (views_build.c); the last automation run, business ms (rt_auto.c). */
	bool vidx_adopted;
	int64_t auto_last_run;
} routing;

int routing_store_bind(routing *r);
/* The next id from meta's named counter (1, 2, …). */
int routing_next_id(hd_txn *t, routing *r, const char *counter, uint64_t *id);
/* handlers.c: main.c's event handler (every intake event) and its module
 * rows (ctx is the routing; the hooks' modules in their own files). */
int routing_apply(void *ctx, hd_txn *txn, const struct Hd__Envelope *ev);
void routing_collect(void *ctx, hd_buf *out);
int routing_open(hd_svc *svc, void *ctx);
int routing_rules_open(hd_svc *svc, void *ctx);
int routing_vidx_open(hd_svc *svc, void *ctx);
int routing_sla_open(hd_svc *svc, void *ctx);
void routing_sla_close(hd_svc *svc, void *ctx);
int routing_assign_open(hd_svc *svc, void *ctx);
int routing_cmds_open(hd_svc *svc, void *ctx);
void routing_cmds_close(hd_svc *svc, void *ctx);

/* views.c: the views.* RPCs (ctx is the routing). */
extern const hd_rpc_route routing_view_routes[];

/* views.c: may who see v? Agents and admins see shared views; a Group
 * restriction keeps a view to the members of its groups (as t knows
 * them) and the admins; a User restriction to that user alone, admins
 * included. End-users see none. */
bool routing_view_visible(hd_txn *t, const routing *r, const Hd__View *v,
			  const hd_principal *who);
/* views.c: a view stored with restriction_json (JSON text, before
 * ViewRestriction) gets the typed restriction; hd_pb_fix_fn for
 * hd_txn_upgrade_pb at store open. */
int routing_view_upgrade(ProtobufCMessage *msg, bool *changed);

/* views_exec.c: views.tickets — the view's tickets for the caller, sorted
 * and sliced (limit 0: only the count). */
int routing_views_tickets(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
/* views_exec.c: v's count for who in t, as views.tickets answers it:
 * from v's index when one can answer (*building: the current definition
 * is not ready yet), else by a scan (*building false). HD_E_CORRUPT, LMDB
 * errors. */
int routing_view_count(hd_txn *t, routing *r, const Hd__View *v,
		       const hd_principal *who, uint64_t *count,
		       bool *building);
/* views_count.c: views.count_many — the counts of the views in the list
 * that the caller may see, in one read transaction. */
int routing_views_count_many(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* views_match.c: conditions (API.md §7). check: HD_OK or HD_E_INVALID with
 * rep naming the field; match: does tk satisfy v for the caller who. */
int routing_view_check(const Hd__View *v, hd_rpc_rep *rep);
bool routing_view_match(const Hd__View *v, const Hd__Ticket *tk,
			const hd_principal *who);
/* One condition alone (no anchoring rule): HD_OK or HD_E_INVALID. */
int routing_condition_check(const Hd__ViewCondition *c, hd_rpc_rep *rep);
/* Ordinal of a status (new=0 … closed=5) or priority (low=1 … urgent=4,
 * none=0); -1 when unknown. */
int routing_status_rank(const char *s);
int routing_priority_rank(const char *s);

#endif
