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

#include <stdlib.h>
#include <string.h>

#define MAX_IDS 100

/* Rounded to the nearest minute: 59.99 minutes left reads as 60. */
static int64_t minutes(int64_t left_ms)
{
	return (left_ms + (left_ms < 0 ? -30000 : 30000)) / 60000;
}

static int stage_of(const char *s)
{
	if (s && !strcmp(s, "active"))
		return HD__SLA_CLOCK__STAGE__STAGE_ACTIVE;
	if (s && !strcmp(s, "paused"))
		return HD__SLA_CLOCK__STAGE__STAGE_PAUSED;
	return HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED;
}

/* The ticket's rows into out (rows[] is out's storage, MAX_ROWS long). */
#define MAX_ROWS 8
typedef struct ticket_rows {
	Hd__SlaTicketSlas out;
	Hd__SlaMetricState rows[MAX_ROWS], *ptrs[MAX_ROWS];
} ticket_rows;

static void ticket_slas(hd_txn *t, uint64_t id, int64_t now, ticket_rows *tr)
{
	json_t *state = NULL, *pm;
	hd__sla_ticket_slas__init(&tr->out);
	tr->out.ticket_id = id;
	tr->out.policy_metrics = tr->ptrs;
	if (sla_json_get(t, routing_sla.state, id, &state))
		return;
	hd_bizhours b;
	bool have_b =
		bh_schedule_load(t,
				 (uint64_t)json_integer_value(
					 json_object_get(state, "schedule_id")),
				 &b, NULL) == HD_OK;
	size_t i;
	json_array_foreach(json_object_get(state, "targets"), i, pm)
	{
		const char *m =
			json_string_value(json_object_get(pm, "metric"));
		json_t *c = json_object_get(json_object_get(state, "clocks"),
					    m ? m : "");
		if (!c || tr->out.n_policy_metrics == MAX_ROWS)
			continue;
		bool business =
			json_is_true(json_object_get(pm, "business_hours"));
		const hd_bizhours *bh = business && have_b ? &b : NULL;
		sla_eval ev;
		sla_evaluate(c,
			     json_integer_value(json_object_get(pm, "target")),
			     business, have_b ? &b : NULL,
			     routing_sla.warning_fraction, &ev);
		Hd__SlaMetricState *o = &tr->rows[tr->out.n_policy_metrics];
		hd__sla_metric_state__init(o);
		o->metric = (Hd__SlaMetric)sla_metric_of(m);
		o->stage = stage_of(ev.stage);
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
	json_decref(state);
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
		rc = sla_invalid(rep, "ids", "at most %d tickets", MAX_IDS);
	ticket_rows *rows = NULL;
	Hd__SlaTicketSlas *ptrs[MAX_IDS];
	Hd__SlaAnswer a = HD__SLA_ANSWER__INIT;
	if (!rc && !(rows = calloc(c->n_ids + 1, sizeof *rows)))
		rc = HD_E_NOMEM;
	hd_txn t;
	if (!rc && !(rc = hd_store_read(r->store, &t))) {
		int64_t now = hd_now_ms();
		for (size_t i = 0; i < c->n_ids; i++) {
			ticket_slas(&t, c->ids[i], now, &rows[i]);
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
