/* SLA targets and timers: which policy applies to a ticket, the breach and
 * warning instants of its running clocks, and the timer rows that the tick
 * hook (sla_tick.c) fires. A ticket's state remembers the timer rows it
 * wrote (its hd.SlaTimer rows) so a refresh can replace them exactly. */
#include "sla.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "hd/vocab.h"

#include <stdlib.h>
#include <string.h>

#define MIN_MS ((int64_t)60000)

void sla_evaluate(const Hd__SlaClock *clock, int64_t target_min, bool business,
		  const hd_bizhours *b, double warn_fraction, sla_eval *out)
{
	const hd_bizhours *bh = business ? b : NULL;
	memset(out, 0, sizeof *out);
	out->stage = clock->stage;
	out->target_ms = target_min * MIN_MS;
	for (size_t i = 0; i < clock->n_spans; i++) {
		int64_t s = clock->spans[i]->from, e = clock->spans[i]->to;
		out->consumed_ms += bh ? hd_bh_between(bh, s, e) : e - s;
	}
	out->consumed_ms += bh ? clock->fold_biz : clock->fold_cal;
	out->breach_at = out->warning_at = HD_BH_NEVER;
	if (out->stage != HD__SLA_CLOCK__STAGE__STAGE_ACTIVE)
		return;
	int64_t since = clock->since;
	int64_t left = out->target_ms - out->consumed_ms;
	int64_t wleft = (int64_t)(warn_fraction * (double)out->target_ms) -
			out->consumed_ms;
	out->breach_at = bh ? hd_bh_add(bh, since, left) : since + left;
	out->warning_at = bh ? hd_bh_add(bh, since, wleft) : since + wleft;
}

/* The first policy by position whose filter the ticket meets in *out, or
 * NULL; it belongs to *set, which the caller drops (also on failure). */
static int policy_for(hd_txn *t, routing *r, const Hd__Ticket *tk,
		      sla_policy_set **set, const Hd__SlaPolicy **out)
{
	int rc = sla_policy_set_get(t, r, set);
	*out = NULL;
	for (size_t i = 0; !rc && i < (*set)->pols.n && !*out; i++)
		if (sla_filter_test((*set)->filters[i], tk))
			*out = (*set)->pols.v[i];
	return rc;
}

void sla_timer_key(uint8_t key[18], int64_t due, uint64_t ticket, int kind,
		   int metric)
{
	hd_key_u64(key, (uint64_t)(due < 0 ? 0 : due));
	hd_key_u64(key + 8, ticket);
	key[16] = (uint8_t)kind;
	key[17] = (uint8_t)metric;
}

static void drop_timers(hd_txn *t, const sla_db *db, uint64_t ticket,
			Hd__SlaTicketState *state)
{
	for (size_t i = 0; i < state->n_timers; i++) {
		const Hd__SlaTimer *tm = state->timers[i];
		uint8_t key[18];
		sla_timer_key(key, tm->due, ticket, (int)tm->kind,
			      (int)tm->metric - 1);
		MDB_val v; /* a fired timer is gone already */
		if (hd_txn_get(t, db->timers, key, 18, &v) == HD_OK)
			hd_txn_del(t, db->timers, key, 18);
	}
	sla_timers_clear(state);
}

static void add_timer(hd_txn *t, const sla_db *db, uint64_t ticket,
		      Hd__SlaTicketState *state, int64_t due, int kind,
		      int metric, int64_t breach_at)
{
	uint8_t key[18];
	sla_timer_key(key, due, ticket, kind, metric);
	hd_txn_put(t, db->timers, key, 18, "", 0);
	sla_timer_add(t, state, due, kind, metric, breach_at);
}

/* The ticket's targets: its priority's rows of the policy (no priority
 * counts as normal, as in Zendesk), at most one per metric. */
static size_t targets_of(const Hd__SlaPolicy *policy, const Hd__Ticket *tk,
			 Hd__SlaTarget *rows[6])
{
	Hd__TicketPriority prio = hd_priority_of(tk->priority);
	size_t n = 0;
	if (!prio)
		prio = HD__TICKET_PRIORITY__PRIORITY_NORMAL;
	for (size_t i = 0; policy && i < policy->n_policy_metrics && n < 6; i++)
		if (policy->policy_metrics[i]->priority == prio)
			rows[n++] = policy->policy_metrics[i];
	return n;
}

int sla_refresh(routing *r, hd_txn *t, const Hd__Ticket *tk,
		Hd__SlaTicketState *state)
{
	const sla_db *db = &r->sla;
	sla_policy_set *set = NULL;
	const Hd__SlaPolicy *policy = NULL;
	int rc = tk->deleted ? HD_OK : policy_for(t, r, tk, &set, &policy);
	if (rc) {
		sla_policy_set_drop(set);
		return hd_txn_fail(t, rc);
	}
	drop_timers(t, db, tk->id, state);
	Hd__SlaTarget *rows[6];
	size_t n = targets_of(policy, tk, rows);
	hd_bizhours b;
	uint64_t sched = 0;
	uint64_t named = policy ? policy->schedule_id : 0;
	/* A deleted named schedule falls back to the default one; with no
	 * schedule at all business-hours targets run on calendar time. */
	bool have_b =
		policy &&
		(bh_schedule_load(t, db, named, &b, &sched) == HD_OK ||
		 (named && bh_schedule_load(t, db, 0, &b, &sched) == HD_OK));
	for (size_t i = 0; i < n; i++) {
		int m = (int)rows[i]->metric - 1;
		Hd__SlaClock *c = sla_clock_find(state, m);
		if (!c)
			continue;
		sla_eval ev;
		sla_evaluate(c, rows[i]->target, rows[i]->business_hours,
			     have_b ? &b : NULL, db->warning_fraction, &ev);
		sla_achieved_check(t, tk, policy, m, c, &ev);
		if (!c->warned && ev.warning_at != HD_BH_NEVER)
			add_timer(t, db, tk->id, state, ev.warning_at, 0, m,
				  ev.breach_at);
		if (!c->breached && ev.breach_at != HD_BH_NEVER)
			add_timer(t, db, tk->id, state, ev.breach_at, 1, m,
				  ev.breach_at);
	}
	state->policy_id = policy ? policy->id : 0;
	state->schedule_id = sched;
	sla_targets_set(t, state, rows, n);
	if (have_b)
		hd_bh_release(&b);
	sla_policy_set_drop(set);
	return t->rc ? t->rc : sla_state_put(t, db, tk->id, state);
}

int sla_forget(hd_txn *t, const sla_db *db, uint64_t ticket_id)
{
	Hd__SlaTicketState *state = NULL;
	if (hd_txn_get_pb_id(t, db->state, ticket_id,
			     &hd__sla_ticket_state__descriptor,
			     (void **)&state) == HD_OK) {
		drop_timers(t, db, ticket_id, state);
		uint8_t key[8];
		hd_key_u64(key, ticket_id);
		hd_txn_del(t, db->state, key, 8);
	}
	hd__sla_ticket_state__free_unpacked(state, NULL);
	return t->rc;
}

/* Does any clock still run or wait? Solved tickets need no new timers. */
static bool open_clocks(const Hd__SlaTicketState *state)
{
	for (size_t i = 0; i < state->n_clocks; i++)
		if (state->clocks[i]->stage &&
		    state->clocks[i]->stage !=
			    HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED)
			return true;
	return false;
}

typedef struct id_list {
	uint64_t *ids;
	size_t n, cap;
} id_list;

static int id_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	id_list *l = arg;
	if (k->mv_size != 8)
		return HD_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint64_t *grown = realloc(l->ids, cap * sizeof *grown);
		if (!grown)
			return HD_E_NOMEM;
		l->ids = grown;
		l->cap = cap;
	}
	l->ids[l->n++] = hd_key_get_u64(k->mv_data);
	return HD_OK;
}

int sla_refresh_all(routing *r, hd_txn *t)
{
	id_list l = {0};
	int rc = hd_txn_foreach(t, r->sla.state, NULL, 0, id_one, &l);
	uint64_t *ids = l.ids;
	size_t n = l.n;
	for (size_t i = 0; i < n && !rc && !t->rc; i++) {
		Hd__SlaTicketState *state = NULL;
		Hd__Ticket *tk = sla_ticket_copy(t, r, ids[i]);
		if (tk && !sla_state_get(t, &r->sla, ids[i], &state) &&
		    open_clocks(state))
			rc = sla_refresh(r, t, tk, state);
		hd__sla_ticket_state__free_unpacked(state, NULL);
		hd__ticket__free_unpacked(tk, NULL);
	}
	free(ids);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}
