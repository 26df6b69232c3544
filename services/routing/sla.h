/* routing's SLA module: business-hours schedules and holidays (bh_*.c), SLA
 * policies (sla_api.c, sla_filter.c), each ticket's SLA clocks
 * (sla_clock.c), breach and warning timers with escalations (sla_timers.c)
 * and the ticket sideload (sla_ticket.c). Policies are stored as
 * hd.SlaPolicy (sla_policy.c), schedules as validated JSON objects (times as
 * ms), in sub-databases of routing's env bound once at start (main.c's
 * modules); everything else runs inside group commits or read
 * transactions. */
#ifndef ROUTING_SLA_H
#define ROUTING_SLA_H

#include "bh.h" /* schedules: bh_schedule_load */
#include "common.pb-c.h"
#include "routing.h"
#include "sla.pb-c.h"

#include "hd/bizhours.h"

#include <jansson.h>

/* Sub-databases (see sla_store.c for the key layout); their handles are
 * routing's sla, bound by routing_sla_setup. */
extern const char *const routing_sla_dbs[];

/* Bind the sub-databases into d, warning fraction at its default (0.75);
 * the binding alone, as tests need it. */
int sla_bind(hd_store *s, sla_db *d);
/* sla_bind, read HD_SLA_WARNING_FRACTION and upgrade the records older
 * versions stored as JSON (sla_policy.c). */
int routing_sla_setup(routing *r, hd_svc *svc);
/* The upgrade alone (routing_sla_setup runs it): every policy and ticket
 * state still stored as JSON text becomes its message, in one write. */
int routing_sla_upgrade(routing *r);

/* RPC tables: bh.* (bh_api.c) and slas.* (sla_api.c, sla_ticket.c). */
extern const hd_rpc_route routing_bh_routes[];
extern const hd_rpc_route routing_sla_routes[];

/* Hooks (hooks.h): users' roles and comments; ticket changes; ticks. */
int routing_sla_event_hook(routing *r, hd_txn *t, const Hd__Envelope *ev);
int routing_sla_ticket_hook(routing *r, hd_txn *t, const Hd__Envelope *ev,
			    const Hd__Ticket *before, const Hd__Ticket *after);
int routing_sla_tick_hook(routing *r, hd_txn *t, int64_t now_ms);

/* sla_store.c: roles learnt from user.* events: "agent", "admin", "end-user" or "". */
void sla_user_role(hd_txn *t, const sla_db *db, uint64_t user_id, char out[16]);
/* Routing's copy of a ticket (free with hd__ticket__free_unpacked), or
 * NULL when routing has none. */
Hd__Ticket *sla_ticket_copy(hd_txn *t, routing *r, uint64_t id);

/* sla_policy.c: policies (hd.SlaPolicy) by id. get: HD_E_NOTFOUND, or
 * the policy in *out (free with hd__sla_policy__free_unpacked). put and
 * del are the only writers of sla_policies (but for the upgrade at open):
 * each stores a new generation after the change (sla_cache.c). Sticky. */
int sla_policy_get(hd_txn *t, const sla_db *db, uint64_t id,
		   Hd__SlaPolicy **out);
int sla_policy_put(hd_txn *t, routing *r, const Hd__SlaPolicy *p);
int sla_policy_del(hd_txn *t, routing *r, uint64_t id);
/* Every policy, first by position then id; release frees them (also
 * after a failure). HD_E_CORRUPT for a record that does not decode. */
typedef struct sla_policies {
	Hd__SlaPolicy **v;
	size_t n, cap;
} sla_policies;
int sla_policies_in_order(hd_txn *t, const sla_db *db, sla_policies *out);
void sla_policies_release(sla_policies *l);
/* sla_cache.c: the policies in order, decoded once per generation of
 * sla_policies (routing's meta "sla_policy_gen") and shared by the lookups
 * whose transaction sees that generation; the proof is at the top of
 * sla_cache.c. A set is read-only once built; refs is guarded there. */
typedef struct sla_policy_set {
	sla_policies pols;
	struct sla_view **filters; /* pols.n, sla_filter_build's */
	uint64_t gen;
	unsigned refs;
} sla_policy_set;
/* Store a new generation in t: after every write to sla_policies, in the
 * same transaction. Sticky; HD_E_CORRUPT for a malformed stored one. */
int sla_policy_gen_bump(hd_txn *t, routing *r);
/* The policies in order as t sees them in *out, a reference the caller
 * drops with sla_policy_set_drop (NULL is fine). t's error, HD_E_NOMEM,
 * HD_E_CORRUPT (a record that does not decode); *out NULL then. */
int sla_policy_set_get(hd_txn *t, routing *r, sla_policy_set **out);
void sla_policy_set_drop(sla_policy_set *s);
/* Drop r's cached set (at close, and before a test frees r). */
void sla_cache_release(routing *r);
/* A metric's Zendesk name as hd.SlaMetric (0 when unknown). */
int sla_metric_of(const char *name);
/* The JSON formats of older versions as heap messages (freed like
 * unpacked ones, also on failure): a policy, a policy_metrics row. */
int sla_policy_of_json(const json_t *o, Hd__SlaPolicy **out);
int sla_target_of_json(const json_t *pm, Hd__SlaTarget **out);
/* Rewrite every record of dbi that is still JSON text as fix makes it
 * (a heap message in *out, freed here); *rewritten counts them. Inside a
 * write transaction; HD_E_CORRUPT for JSON that does not parse. */
typedef int (*sla_json_fix_fn)(const json_t *o, ProtobufCMessage **out);
int sla_upgrade_json(hd_txn *t, MDB_dbi dbi, sla_json_fix_fn fix,
		     uint64_t *rewritten);

/* sla_api.c's RPC helpers. A job answers one call: write jobs run in a
 * group commit, read jobs in a read transaction; both leave the answer in
 * the typed members (policies owned by the job, definitions) and the
 * record's id in id. */
typedef struct sla_job {
	routing *r;
	const Hd__SlaCall *c;
	hd_rpc_rep *rep;
	const char *method;
	int (*fn)(struct sla_job *j, hd_txn *t);
	uint64_t id;
	sla_policies pols;
	bool definitions;
} sla_job;
typedef int (*sla_job_fn)(sla_job *j, hd_txn *t);
/* Serve req: write (admins only) when not NULL, else read (staff). what
 * names the records in the forbidden message. */
int sla_serve(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
	      sla_job_fn write, sla_job_fn read, const char *what);
/* fn(t, arg) for a slas.* or bh.* call: write, in a group commit followed
 * by sla_refresh_all (every change to policies or schedules re-times the
 * open tickets); else in a read transaction. fn's error, or the store's. */
int sla_run(routing *r, bool write, hd_write_fn fn, void *arg);
/* sla_api.c: the slas.policies.* answer of j (its policies, the
 * definitions) into j->rep. */
int sla_policies_answer(sla_job *j);
bool sla_is_staff(const hd_principal *p);
bool sla_is_admin(const hd_principal *p);
/* Unpack req's SlaCall (HD_E_DECODE with a message otherwise). */
int sla_call_unpack(const hd_rpc_req *req, hd_rpc_rep *rep, Hd__SlaCall **out);

/* slas.ticket (sla_ticket.c). */
int routing_sla_ticket_rpc(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* sla_filter.c: check a policy's filter (422 naming "filter" …). build:
 * the filter as view conditions in *out, once per policy (sla_cache.c
 * keeps them; free with sla_filter_free), NULL when it cannot be read as
 * one — such a filter matches no ticket; HD_E_NOMEM, never a silent "no".
 * test: does tk meet it (read-only, any thread). */
typedef struct sla_view sla_view;
int sla_filter_check(const Hd__SlaPolicy *p, hd_rpc_rep *rep);
int sla_filter_build(const Hd__SlaPolicy *p, sla_view **out);
bool sla_filter_test(const sla_view *sv, const Hd__Ticket *tk);
void sla_filter_free(sla_view *sv);

/* sla_clock.c: the ticket's clocks after a ticket event or a comment;
 * sla_timers.c: recompute a ticket's targets and timers from its clocks,
 * the policy that applies and the schedule, and store the state. */
int sla_clock_ticket(hd_txn *t, const sla_db *db, const Hd__Ticket *before,
		     const Hd__Ticket *after, Hd__SlaTicketState *state);
int sla_clock_comment(hd_txn *t, const sla_db *db, const Hd__Comment *c,
		      const Hd__Ticket *tk, Hd__SlaTicketState *state);
int sla_refresh(routing *r, hd_txn *t, const Hd__Ticket *tk,
		Hd__SlaTicketState *state);
int sla_forget(hd_txn *t, const sla_db *db, uint64_t ticket_id);

/* sla_state.c: a ticket's state (hd.SlaTicketState). get: the stored one,
 * or an empty one when there is none (or it does not decode); free with
 * hd__sla_ticket_state__free_unpacked. */
int sla_state_get(hd_txn *t, const sla_db *db, uint64_t ticket_id,
		  Hd__SlaTicketState **state);
int sla_state_put(hd_txn *t, const sla_db *db, uint64_t ticket_id,
		  const Hd__SlaTicketState *state);
/* Edits of a heap state; allocation failures fail t. m is a metric code
 * (as sla_metric_name's). find: NULL when the clock never started; fresh:
 * the clock of m reset (made when missing), stage unset. */
Hd__SlaClock *sla_clock_find(const Hd__SlaTicketState *s, int m);
Hd__SlaClock *sla_clock_fresh(hd_txn *t, Hd__SlaTicketState *s, int m);
void sla_span_add(hd_txn *t, Hd__SlaClock *c, int64_t from, int64_t to);
/* Drop the k oldest spans. */
void sla_spans_drop(Hd__SlaClock *c, size_t k);
void sla_timers_clear(Hd__SlaTicketState *s);
void sla_timer_add(hd_txn *t, Hd__SlaTicketState *s, int64_t due, int kind,
		   int metric, int64_t breach_at);
void sla_timer_remove(Hd__SlaTicketState *s, size_t i);
/* The state's targets become copies of rows. */
void sla_targets_set(hd_txn *t, Hd__SlaTicketState *s,
		     Hd__SlaTarget *const *rows, size_t n);
/* The JSON state of older versions as a heap message (also on failure). */
int sla_state_of_json(const json_t *o, Hd__SlaTicketState **out);
/* After a policy or schedule change: refresh every ticket whose clocks
 * still run, in the same transaction, so timers follow the new rules. */
int sla_refresh_all(routing *r, hd_txn *t);
/* A sla_timers key: due ‖ ticket ‖ kind (0 warning, 1 breach) ‖ metric. */
void sla_timer_key(uint8_t key[18], int64_t due, uint64_t ticket, int kind,
		   int metric);

/* A clock's code is its hd.SlaMetric minus one: Zendesk's name of a code
 * (hd/vocab.h's table, "" for none) and the code of a name (-1 for none). */
const char *sla_metric_name(int code);
int sla_metric_code(const char *name);

/* sla_timers.c: a metric's clock as a target: consumed time (business or
 * calendar ms) and the breach instant (HD_BH_NEVER when it never comes). */
typedef struct sla_eval {
	Hd__SlaClock__Stage stage;
	int64_t consumed_ms, target_ms, breach_at, warning_at;
} sla_eval;
void sla_evaluate(const Hd__SlaClock *clock, int64_t target_min, bool business,
		  const hd_bizhours *b, double warn_fraction, sla_eval *out);
/* sla_achieved.c: emit sla.achieved once when clock (of metric, evaluated
 * as ev) was fulfilled within its target. Sticky on t. */
void sla_achieved_check(hd_txn *t, const Hd__Ticket *tk,
			const Hd__SlaPolicy *policy, int metric,
			Hd__SlaClock *clock, const sla_eval *ev);

#endif
