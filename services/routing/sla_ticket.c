/* slas.ticket: the SLA sideload of tickets (API.md §8), computed at the
 * current business time from each ticket's clocks and targets:
 *   {"tickets":{"<id>":{"policy_metrics":[{"breach_at","stage","metric",
 *    "minutes"|"hours"|"days"}]}}}
 * The time left is business time for business-hours targets, negative once
 * breached; paused and achieved metrics carry breach_at null (a paused one
 * still says how much time is left). */
#include "sla.h"

#include "hd/err.h"

#include <stdio.h>
#include <string.h>

#define MAX_IDS 100

static void add_left(json_t *o, int64_t left_ms)
{
	/* Rounded to the nearest minute: 59.99 minutes left reads as 60. */
	int64_t min = (left_ms + (left_ms < 0 ? -30000 : 30000)) / 60000;
	int64_t a = min < 0 ? -min : min;
	if (a < 60)
		json_object_set_new(o, "minutes", json_integer(min));
	else if (a < 24 * 60)
		json_object_set_new(o, "hours", json_integer(min / 60));
	else
		json_object_set_new(o, "days", json_integer(min / (24 * 60)));
}

static json_t *ticket_slas(hd_txn *t, uint64_t id, int64_t now)
{
	json_t *state = NULL, *list = json_array(), *pm;
	if (sla_json_get(t, routing_sla.state, id, &state))
		return json_pack("{s:o}", "policy_metrics", list);
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
		if (!c)
			continue;
		bool business =
			json_is_true(json_object_get(pm, "business_hours"));
		const hd_bizhours *bh = business && have_b ? &b : NULL;
		sla_eval ev;
		sla_evaluate(c,
			     json_integer_value(json_object_get(pm, "target")),
			     business, have_b ? &b : NULL,
			     routing_sla.warning_fraction, &ev);
		json_t *o = json_pack("{s:o, s:s, s:s}", "breach_at",
				      sla_time_json(ev.breach_at), "stage",
				      ev.stage ? ev.stage : "achieved",
				      "metric", m);
		if (!strcmp(json_string_value(json_object_get(o, "stage")),
			    "active")) {
			int64_t left =
				ev.breach_at >= now
					? (bh ? hd_bh_between(bh, now,
							      ev.breach_at)
					      : ev.breach_at - now)
					: -(bh ? hd_bh_between(bh, ev.breach_at,
							       now)
					       : now - ev.breach_at);
			add_left(o, left);
		} else if (!strcmp(ev.stage, "paused")) {
			add_left(o, ev.target_ms - ev.consumed_ms);
		}
		json_array_append_new(list, o);
	}
	if (have_b)
		hd_bh_release(&b);
	json_decref(state);
	return json_pack("{s:o}", "policy_metrics", list);
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
	json_t *tickets = json_object();
	hd_txn t;
	if (!rc && !(rc = hd_store_read(r->store, &t))) {
		int64_t now = hd_now_ms();
		for (size_t i = 0; i < c->n_ids; i++) {
			char key[24];
			snprintf(key, sizeof key, "%llu",
				 (unsigned long long)c->ids[i]);
			json_object_set_new(tickets, key,
					    ticket_slas(&t, c->ids[i], now));
		}
		hd_txn_end(&t);
	}
	hd__sla_call__free_unpacked(c, NULL);
	if (rc) {
		json_decref(tickets);
		return rc;
	}
	return sla_answer(rep, json_pack("{s:o}", "tickets", tickets), 0);
}
