/* Each ticket's SLA clocks, one per metric, kept whether or not a policy
 * applies (a policy added or changed later then measures from the start).
 * A clock records its closed running spans and, while running, since when;
 * what counts as elapsed (calendar or business) is decided only when a
 * target is evaluated (sla_timers.c), so a policy or schedule change never
 * needs the history replayed. Metric semantics follow Zendesk:
 *   first_reply_time      creation → first public agent comment
 *   next_reply_time       end-user public comment → next public agent one
 *   periodic_update_time  between public agent comments
 *   pausable_update_time  the same, paused while pending
 *   requester_wait_time   running in new, open and on-hold; paused pending
 *   agent_work_time       running in new and open; paused pending, on-hold
 * Solved (and closed) fulfils every clock; reopening resumes the
 * status-driven ones with their elapsed time kept. The clocks are the
 * hd.SlaClock rows of the ticket's hd.SlaTicketState (sla_state.c): stage,
 * since (ms), closed spans [from, to], folded totals, alert marks.
 * A clock keeps at most MAX_SPANS spans: a ticket flipped between pending
 * and open thousands of times folds its oldest spans into elapsed totals
 * (business time by the schedule of that moment). */
#include "sla.h"

#include "hd/err.h"
#include "hd/vocab.h"

#include <string.h>

#define MAX_SPANS 64

enum { FRT, NRT, PERIODIC, PAUSABLE, RWT, AWT, NMETRICS };

const char *sla_metric_name(int code)
{
	return hd_sla_metric_name((Hd__SlaMetric)(code + 1));
}

int sla_metric_code(const char *name)
{
	int m = 0;
	if (!name || !name[0] ||
	    hd_vocab_parse(&hd__sla_metric__descriptor, name, &m) != HD_OK)
		return -1;
	return m - 1;
}

static bool stage_is(const Hd__SlaClock *c, Hd__SlaClock__Stage stage)
{
	return c && c->stage == stage;
}

/* A new measurement: elapsed time and alerts start over. */
static void clock_start(hd_txn *t, Hd__SlaTicketState *state, int m,
			int64_t now)
{
	Hd__SlaClock *c = sla_clock_fresh(t, state, m);
	if (c) {
		c->stage = HD__SLA_CLOCK__STAGE__STAGE_ACTIVE;
		c->since = now;
	}
}

static void clock_stop(hd_txn *t, Hd__SlaClock *c, int64_t now,
		       Hd__SlaClock__Stage stage)
{
	if (stage_is(c, HD__SLA_CLOCK__STAGE__STAGE_ACTIVE))
		sla_span_add(t, c, c->since, now > c->since ? now : c->since);
	if (c)
		c->stage = stage;
}

static void clock_resume(Hd__SlaClock *c, int64_t now)
{
	if (!c || stage_is(c, HD__SLA_CLOCK__STAGE__STAGE_ACTIVE))
		return;
	c->stage = HD__SLA_CLOCK__STAGE__STAGE_ACTIVE;
	c->since = now;
}

static bool done(const char *status)
{
	return hd_ticket_solved_str(status);
}

/* Pause or resume the status-driven clocks for status. */
static void apply_status(hd_txn *t, Hd__SlaTicketState *state,
			 const char *status, int64_t now)
{
	if (done(status)) {
		for (int m = 0; m < NMETRICS; m++) {
			Hd__SlaClock *c = sla_clock_find(state, m);
			if (!stage_is(c, HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED))
				clock_stop(
					t, c, now,
					HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED);
		}
		return;
	}
	Hd__TicketStatus s = hd_status_of(status);
	bool pending = s == HD__TICKET_STATUS__STATUS_PENDING;
	bool hold = s == HD__TICKET_STATUS__STATUS_HOLD;
	const struct {
		int m;
		bool run;
	} rules[] = {{PAUSABLE, !pending},
		     {RWT, !pending},
		     {AWT, !pending && !hold}};
	for (size_t i = 0; i < 3; i++) {
		Hd__SlaClock *c = sla_clock_find(state, rules[i].m);
		if (rules[i].run)
			clock_resume(c, now); /* also reopens an achieved one */
		else if (stage_is(c, HD__SLA_CLOCK__STAGE__STAGE_ACTIVE))
			clock_stop(t, c, now,
				   HD__SLA_CLOCK__STAGE__STAGE_PAUSED);
	}
}

/* Fold the oldest spans of over-long clocks into fold_cal / fold_biz. */
static void fold_spans(hd_txn *t, const sla_db *db, Hd__SlaTicketState *state)
{
	hd_bizhours b;
	bool loaded = false, have_b = false;
	for (size_t i = 0; i < state->n_clocks; i++) {
		Hd__SlaClock *c = state->clocks[i];
		if (c->n_spans <= MAX_SPANS)
			continue;
		if (!loaded) {
			loaded = true;
			have_b = bh_schedule_load(t, db, state->schedule_id, &b,
						  NULL) == HD_OK;
		}
		size_t k = c->n_spans - MAX_SPANS / 2;
		for (size_t j = 0; j < k; j++) {
			int64_t a = c->spans[j]->from, e = c->spans[j]->to;
			c->fold_cal += e - a;
			c->fold_biz += have_b ? hd_bh_between(&b, a, e) : e - a;
		}
		sla_spans_drop(c, k);
	}
	if (have_b)
		hd_bh_release(&b);
}

int sla_clock_ticket(hd_txn *t, const sla_db *db, const Hd__Ticket *before,
		     const Hd__Ticket *after, Hd__SlaTicketState *state)
{
	if (!before) {
		int64_t at = after->created_at;
		static const int started[] = {FRT, PERIODIC, PAUSABLE, RWT,
					      AWT};
		for (size_t i = 0; i < 5; i++)
			clock_start(t, state, started[i], at);
		apply_status(t, state, after->status, at);
	} else if (strcmp(before->status, after->status) != 0) {
		apply_status(t, state, after->status, after->updated_at);
	}
	fold_spans(t, db, state);
	return t->rc;
}

static bool by_agent(hd_txn *t, const sla_db *db, const Hd__Comment *c,
		     const Hd__Ticket *tk)
{
	if (c->author_id == tk->requester_id)
		return false;
	char role[16];
	sla_user_role(t, db, c->author_id, role);
	/* A role not learnt yet: anyone but the requester answers for us. */
	return !role[0] || hd_role_is_agent_str(role);
}

int sla_clock_comment(hd_txn *t, const sla_db *db, const Hd__Comment *c,
		      const Hd__Ticket *tk, Hd__SlaTicketState *state)
{
	if (!c->public_ || done(tk->status))
		return HD_OK;
	int64_t now = c->created_at;
	const Hd__SlaClock__Stage active = HD__SLA_CLOCK__STAGE__STAGE_ACTIVE;
	const Hd__SlaClock__Stage achieved =
		HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED;
	if (by_agent(t, db, c, tk)) {
		clock_stop(t, sla_clock_find(state, FRT), now, achieved);
		clock_stop(t, sla_clock_find(state, NRT), now, achieved);
		clock_start(t, state, PERIODIC, now);
		clock_start(t, state, PAUSABLE, now);
		if (hd_status_of(tk->status) ==
		    HD__TICKET_STATUS__STATUS_PENDING)
			clock_stop(t, sla_clock_find(state, PAUSABLE), now,
				   HD__SLA_CLOCK__STAGE__STAGE_PAUSED);
	} else if (!stage_is(sla_clock_find(state, FRT), active) &&
		   !stage_is(sla_clock_find(state, NRT), active)) {
		clock_start(t, state, NRT, now);
	}
	return t->rc;
}
