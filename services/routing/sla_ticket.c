/* slas.ticket: the SLA sideload of tickets (API.md §8), computed at the
 * current business time from each ticket's clocks and targets: one
 * hd.SlaTicketSlas per id asked (the gateway renders Zendesk's
 * {"policy_metrics":[{breach_at, stage, metric, minutes|hours|days}]}).
 * The time left is business time for business-hours targets, negative once
 * breached; paused and achieved metrics carry breach_at null (a paused one
 * still says how much time is left). */
#include "sla.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define MAX_IDS 100

/* Rounded to the nearest minute: 59.99 minutes left reads as 60. */
static int64_t minutes(int64_t left_ms)
{
	return (left_ms + (left_ms < 0 ? -30000 : 30000)) / 60000;
}

/* The ticket's rows into out (rows[] is out's storage, MAX_ROWS long). */
#define MAX_ROWS 8
typedef struct ticket_rows {
	Hd__SlaTicketSlas out;
	Hd__SlaMetricState rows[MAX_ROWS], *ptrs[MAX_ROWS];
} ticket_rows;

static void ticket_slas(hd_txn *t, const sla_db *db, uint64_t id, int64_t now,
			ticket_rows *tr)
{
	Hd__SlaTicketState *state = NULL;
	hd__sla_ticket_slas__init(&tr->out);
	tr->out.ticket_id = id;
	tr->out.policy_metrics = tr->ptrs;
	if (hd_txn_get_pb_id(t, db->state, id,
			     &hd__sla_ticket_state__descriptor,
			     (void **)&state))
		return;
	hd_bizhours b;
	bool have_b =
		bh_schedule_load(t, db, state->schedule_id, &b, NULL) == HD_OK;
	for (size_t i = 0; i < state->n_targets; i++) {
		const Hd__SlaTarget *pm = state->targets[i];
		const Hd__SlaClock *c =
			sla_clock_find(state, (int)pm->metric - 1);
		if (!c || tr->out.n_policy_metrics == MAX_ROWS)
			continue;
		const hd_bizhours *bh =
			pm->business_hours && have_b ? &b : NULL;
		sla_eval ev;
		sla_evaluate(c, pm->target, pm->business_hours,
			     have_b ? &b : NULL, db->warning_fraction, &ev);
		Hd__SlaMetricState *o = &tr->rows[tr->out.n_policy_metrics];
		hd__sla_metric_state__init(o);
		o->metric = pm->metric;
		o->stage =
			ev.stage == HD__SLA_CLOCK__STAGE__STAGE_ACTIVE ||
					ev.stage ==
						HD__SLA_CLOCK__STAGE__STAGE_PAUSED
				? ev.stage
				: HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED;
		o->breach_at = ev.breach_at == HD_BH_NEVER ? 0 : ev.breach_at;
		if (o->stage == HD__SLA_CLOCK__STAGE__STAGE_ACTIVE) {
			int64_t left =
				ev.breach_at >= now
					? (bh ? hd_bh_between(bh, now,
							      ev.breach_at)
					      : ev.breach_at - now)
					: -(bh ? hd_bh_between(bh, ev.breach_at,
							       now)
					       : now - ev.breach_at);
			o->has_left = true;
			o->left_minutes = minutes(left);
		} else if (o->stage == HD__SLA_CLOCK__STAGE__STAGE_PAUSED) {
			o->has_left = true;
			o->left_minutes =
				minutes(ev.target_ms - ev.consumed_ms);
		}
		tr->ptrs[tr->out.n_policy_metrics++] = o;
	}
	if (have_b)
		hd_bh_release(&b);
	hd__sla_ticket_state__free_unpacked(state, NULL);
}

int routing_sla_ticket_rpc(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	if (!sla_is_staff(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "SLAs are for agents and admins");
	Hd__SlaCall *c = NULL;
	int rc = sla_call_unpack(req, rep, &c);
	if (!rc && c->n_ids > MAX_IDS)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "ids", "at most %d tickets",
				 MAX_IDS);
	ticket_rows *rows = NULL;
	Hd__SlaTicketSlas *ptrs[MAX_IDS];
	Hd__SlaAnswer a = HD__SLA_ANSWER__INIT;
	if (!rc && !(rows = calloc(c->n_ids + 1, sizeof *rows)))
		rc = HD_E_NOMEM;
	hd_txn t;
	if (!rc && !(rc = hd_store_read(r->store, &t))) {
		int64_t now = hd_now_ms();
		for (size_t i = 0; i < c->n_ids; i++) {
			ticket_slas(&t, &r->sla, c->ids[i], now, &rows[i]);
			ptrs[i] = &rows[i].out;
		}
		hd_txn_end(&t);
		a.tickets = ptrs;
		a.n_tickets = c->n_ids;
		rc = hd_pb_pack(&rep->payload, &a);
	}
	free(rows);
	hd__sla_call__free_unpacked(c, NULL);
	return rc;
}
