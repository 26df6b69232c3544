/* sla.achieved: a metric fulfilled before its breach, published once per
 * measurement (the clock's "achieved_sent" mark, stored with the clock in
 * the same transaction as the emit). The alert's breach_at carries the
 * instant the metric was achieved (the end of its last running span), so
 * reports count it in the bucket of its fulfilment. */
#include "sla.h"

#include "alerts.pb-c.h"
#include "hd/err.h"
#include "hd/store_pb.h"

#include <string.h>

void sla_achieved_check(hd_txn *t, const Hd__Ticket *tk,
			const Hd__SlaPolicy *policy, int metric, json_t *clock,
			const sla_eval *ev)
{
	if (!ev->stage || strcmp(ev->stage, "achieved") != 0 ||
	    json_is_true(json_object_get(clock, "breached")) ||
	    json_is_true(json_object_get(clock, "achieved_sent")) ||
	    ev->consumed_ms > ev->target_ms)
		return;
	json_t *spans = json_object_get(clock, "spans");
	json_t *last = json_array_get(spans, json_array_size(spans) - 1);
	Hd__SlaAlert a = HD__SLA_ALERT__INIT;
	a.ticket_id = tk->id;
	a.policy_id = policy->id;
	a.policy_title = policy->title;
	a.metric = (char *)sla_metrics[metric];
	a.breach_at =
		last ? json_integer_value(json_array_get(last, 1))
		     : json_integer_value(json_object_get(clock, "since"));
	a.group_id = tk->group_id;
	a.assignee_id = tk->assignee_id;
	a.priority = tk->priority;
	json_object_set_new(clock, "achieved_sent", json_true());
	hd_txn_emit_pb(t, "sla.achieved", &a, NULL);
}
