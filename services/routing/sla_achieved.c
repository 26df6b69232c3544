/* sla.achieved: a metric fulfilled before its breach, published once per
 * measurement (the clock's achieved_sent mark, stored with the clock in
 * the same transaction as the emit). The alert's breach_at carries the
 * instant the metric was achieved (the end of its last running span), so
 * reports count it in the bucket of its fulfilment. */
#include "sla.h"

#include "alerts.pb-c.h"
#include "hd/err.h"
#include "hd/store_pb.h"

void sla_achieved_check(hd_txn *t, const Hd__Ticket *tk,
			const Hd__SlaPolicy *policy, int metric,
			Hd__SlaClock *clock, const sla_eval *ev)
{
	if (ev->stage != HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED ||
	    clock->breached || clock->achieved_sent ||
	    ev->consumed_ms > ev->target_ms)
		return;
	Hd__SlaAlert a = HD__SLA_ALERT__INIT;
	a.ticket_id = tk->id;
	a.policy_id = policy->id;
	a.policy_title = policy->title;
	a.metric = (char *)sla_metric_name(metric);
	a.breach_at = clock->n_spans ? clock->spans[clock->n_spans - 1]->to
				     : clock->since;
	a.group_id = tk->group_id;
	a.assignee_id = tk->assignee_id;
	a.priority = tk->priority;
	clock->achieved_sent = true;
	hd_txn_emit_pb(t, "sla.achieved", &a, NULL);
}
