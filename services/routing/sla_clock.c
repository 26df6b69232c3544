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
 * status-driven ones with their elapsed time kept. State JSON:
 *   {"clocks":{metric:{"stage":"active|paused|achieved","since":ms,
 *    "spans":[[from,to],…],"fold_cal":ms,"fold_biz":ms,"warned":bool,
 *    "breached":bool}}, …}
 * A clock keeps at most MAX_SPANS spans: a ticket flipped between pending
 * and open thousands of times folds its oldest spans into elapsed totals
 * (business time by the schedule of that moment). */
#include "sla.h"

#include "hd/err.h"
#include "hd/vocab.h"

#include <string.h>

#define MAX_SPANS 64

enum { FRT, NRT, PERIODIC, PAUSABLE, RWT, AWT, NMETRICS };

const char *const sla_metrics[] = {
	"first_reply_time",
	"next_reply_time",
	"periodic_update_time",
	"pausable_update_time",
	"requester_wait_time",
	"agent_work_time",
	NULL,
};

int sla_metric_code(const char *name)
{
	for (int i = 0; name && sla_metrics[i]; i++)
		if (!strcmp(sla_metrics[i], name))
			return i;
	return -1;
}

static json_t *clock_of(json_t *state, int m)
{
	json_t *clocks = json_object_get(state, "clocks");
	if (!clocks) {
		clocks = json_object();
		json_object_set_new(state, "clocks", clocks);
	}
	return json_object_get(clocks, sla_metrics[m]);
}

static bool stage_is(const json_t *c, const char *stage)
{
	const char *s = json_string_value(json_object_get(c, "stage"));
	return s && !strcmp(s, stage);
}

/* A new measurement: elapsed time and alerts start over. */
static void clock_start(json_t *state, int m, int64_t now)
{
	clock_of(state, m); /* makes "clocks" */
	json_object_set_new(json_object_get(state, "clocks"), sla_metrics[m],
			    json_pack("{s:s, s:I, s:[], s:b, s:b}", "stage",
				      "active", "since", (json_int_t)now,
				      "spans", "warned", 0, "breached", 0));
}

static void clock_stop(json_t *c, int64_t now, const char *stage)
{
	if (stage_is(c, "active")) {
		json_int_t since =
			json_integer_value(json_object_get(c, "since"));
		json_array_append_new(
			json_object_get(c, "spans"),
			json_pack("[I, I]", since,
				  (json_int_t)(now > since ? now : since)));
	}
	if (c)
		json_object_set_new(c, "stage", json_string(stage));
}

static void clock_resume(json_t *c, int64_t now)
{
	if (stage_is(c, "active") || !c)
		return;
	json_object_set_new(c, "stage", json_string("active"));
	json_object_set_new(c, "since", json_integer((json_int_t)now));
}

static bool done(const char *status)
{
	return hd_ticket_solved_str(status);
}

/* Pause or resume the status-driven clocks for status. */
static void apply_status(json_t *state, const char *status, int64_t now)
{
	if (done(status)) {
		for (int m = 0; m < NMETRICS; m++) {
			json_t *c = clock_of(state, m);
			if (!stage_is(c, "achieved"))
				clock_stop(c, now, "achieved");
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
		json_t *c = clock_of(state, rules[i].m);
		if (rules[i].run)
			clock_resume(c, now); /* also reopens an achieved one */
		else if (stage_is(c, "active"))
			clock_stop(c, now, "paused");
	}
}

static void add_ms(json_t *c, const char *key, int64_t ms)
{
	json_int_t v = json_integer_value(json_object_get(c, key));
	json_object_set_new(c, key, json_integer(v + (json_int_t)ms));
}

/* Fold the oldest spans of over-long clocks into fold_cal / fold_biz. */
static void fold_spans(hd_txn *t, json_t *state)
{
	const char *k;
	json_t *c;
	hd_bizhours b;
	bool loaded = false, have_b = false;
	json_object_foreach(json_object_get(state, "clocks"), k, c)
	{
		json_t *spans = json_object_get(c, "spans");
		if (json_array_size(spans) <= MAX_SPANS)
			continue;
		if (!loaded) {
			loaded = true;
			have_b = bh_schedule_load(
					 t,
					 (uint64_t)json_integer_value(
						 json_object_get(
							 state, "schedule_id")),
					 &b, NULL) == HD_OK;
		}
		while (json_array_size(spans) > MAX_SPANS / 2) {
			json_t *sp = json_array_get(spans, 0);
			int64_t a = json_integer_value(json_array_get(sp, 0));
			int64_t e = json_integer_value(json_array_get(sp, 1));
			add_ms(c, "fold_cal", e - a);
			add_ms(c, "fold_biz",
			       have_b ? hd_bh_between(&b, a, e) : e - a);
			json_array_remove(spans, 0);
		}
	}
	if (have_b)
		hd_bh_release(&b);
}

int sla_clock_ticket(hd_txn *t, const Hd__Ticket *before,
		     const Hd__Ticket *after, json_t *state)
{
	if (!before) {
		int64_t at = after->created_at;
		static const int started[] = {FRT, PERIODIC, PAUSABLE, RWT,
					      AWT};
		for (size_t i = 0; i < 5; i++)
			clock_start(state, started[i], at);
		apply_status(state, after->status, at);
	} else if (strcmp(before->status, after->status) != 0) {
		apply_status(state, after->status, after->updated_at);
	}
	fold_spans(t, state);
	return HD_OK;
}

static bool by_agent(hd_txn *t, const Hd__Comment *c, const Hd__Ticket *tk)
{
	if (c->author_id == tk->requester_id)
		return false;
	char role[16];
	sla_user_role(t, c->author_id, role);
	/* A role not learnt yet: anyone but the requester answers for us. */
	return !role[0] || hd_role_is_agent_str(role);
}

int sla_clock_comment(hd_txn *t, const Hd__Comment *c, const Hd__Ticket *tk,
		      json_t *state)
{
	if (!c->public_ || done(tk->status))
		return HD_OK;
	int64_t now = c->created_at;
	if (by_agent(t, c, tk)) {
		clock_stop(clock_of(state, FRT), now, "achieved");
		clock_stop(clock_of(state, NRT), now, "achieved");
		clock_start(state, PERIODIC, now);
		clock_start(state, PAUSABLE, now);
		if (hd_status_of(tk->status) ==
		    HD__TICKET_STATUS__STATUS_PENDING)
			clock_stop(clock_of(state, PAUSABLE), now, "paused");
	} else if (!stage_is(clock_of(state, FRT), "active") &&
		   !stage_is(clock_of(state, NRT), "active")) {
		clock_start(state, NRT, now);
	}
	return HD_OK;
}
