/* Firing SLA timers: every tick, the rows of sla_timers that have come due
 * (business time) emit sla.warning / sla.breached and run the policy's
 * escalations. The row is deleted and the clock marked in the same
 * transaction as the emit, so an alert is never sent twice, and a breach
 * that fell while routing was down fires on the first tick after it
 * starts. Escalations change tickets only through the command queue. */
#include "commands.h"
#include "sla.h"

#include "alerts.pb-c.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PER_TICK 256

HD_COUNTER(sla_breaches, "hd_sla_breaches_total",
	   "SLA targets that fell due unmet (sla.breached emitted); "
	   "deploy/prometheus alerts when they rise.")
HD_COUNTER(sla_warnings, "hd_sla_warnings_total",
	   "SLA warnings emitted ahead of a breach.")

typedef struct due_timer {
	int64_t due;
	uint64_t ticket;
	int kind, metric; /* kind 0 warning, 1 breach */
} due_timer;

static const char *const kinds[] = {"warning", "breach"};

/* notification_user: [recipient, subject, body]; the recipient is a user
 * id or one of requester_id / assignee_id (checked when saved). */
static void notify(hd_txn *t, const Hd__SlaPolicy *policy, const Hd__Ticket *tk,
		   const Hd__RuleValue *value)
{
	Hd__RuleNotification n = HD__RULE_NOTIFICATION__INIT;
	if (!value || value->n_items != 3)
		return;
	const Hd__RuleValue *who = value->items[0];
	n.ticket_id = tk->id;
	n.rule_kind = "sla_escalation";
	n.rule_id = policy->id;
	n.rule_title = policy->title;
	n.target_kind = "user";
	if (who->kind == HD__RULE_VALUE__KIND__VALUE_NUMBER)
		(void)hd_parse_u64(who->text, &n.target_id);
	else
		n.target_role = who->text;
	n.subject = value->items[1]->text;
	n.body = value->items[2]->text;
	hd_txn_emit_pb(t, "rule.notification", &n, NULL);
}

/* The escalations of policy for this timer: notifications leave as events,
 * the field changes as one command for intake. */
static void escalate(routing *r, hd_txn *t, const Hd__SlaPolicy *policy,
		     const Hd__Ticket *tk, const due_timer *d)
{
	json_t *change = json_object();
	for (size_t i = 0; i < policy->n_escalations; i++) {
		const Hd__SlaEscalation *esc = policy->escalations[i];
		bool on_breach = esc->on == HD__SLA_ESCALATION__ON__ON_BREACH;
		if (on_breach != (d->kind == 1) ||
		    (esc->metric && (int)esc->metric != d->metric + 1))
			continue;
		for (size_t k = 0; k < esc->n_actions; k++) {
			const Hd__RuleAction *act = esc->actions[k];
			if (!strcmp(act->field, "notification_user"))
				notify(t, policy, tk, act->value);
			else
				json_object_set_new(
					change, act->field,
					hd_rule_value_json(act->value));
		}
	}
	if (json_object_size(change)) {
		char *tj = json_dumps(change, JSON_COMPACT);
		json_t *v = json_pack(
			"{s:s, s:{s:s, s:{s:I, s:s, s:s, s:s}}}", "channel",
			"rule", "source", "rel", "sla_escalation", "from", "id",
			(json_int_t)policy->id, "title", policy->title,
			"metric", sla_metric_name(d->metric), "on",
			kinds[d->kind]);
		char *via = v ? json_dumps(v, JSON_COMPACT) : NULL;
		json_decref(v);
		if (tj && via)
			routing_cmd_enqueue(t, r, tk->id, tj, via);
		else
			hd_txn_fail(t, HD_E_NOMEM);
		free(tj);
		free(via);
	}
	json_decref(change);
}

/* Mark the clock, drop the row from the state, emit, escalate. */
static int fire(routing *r, hd_txn *t, const due_timer *d)
{
	Hd__SlaTicketState *state = NULL;
	int rc = hd_txn_get_pb_id(t, r->sla.state, d->ticket,
				  &hd__sla_ticket_state__descriptor,
				  (void **)&state);
	Hd__Ticket *tk = rc ? NULL : sla_ticket_copy(t, r, d->ticket);
	int64_t breach_at = d->due;
	for (size_t i = 0; state && i < state->n_timers; i++) {
		const Hd__SlaTimer *tm = state->timers[i];
		if (tm->due == d->due && (int)tm->kind == d->kind &&
		    (int)tm->metric == d->metric + 1) {
			breach_at = tm->breach_at;
			sla_timer_remove(state, i);
			break;
		}
	}
	Hd__SlaClock *c = sla_clock_find(state, d->metric);
	Hd__SlaPolicy *policy = NULL;
	if (tk && c) {
		if (d->kind)
			c->breached = true;
		else
			c->warned = true;
		sla_policy_get(t, &r->sla, state->policy_id, &policy);
		Hd__SlaAlert a = HD__SLA_ALERT__INIT;
		a.ticket_id = d->ticket;
		a.policy_id = state->policy_id;
		a.policy_title = policy ? policy->title : "";
		a.metric = (char *)sla_metric_name(d->metric);
		a.breach_at = breach_at;
		a.group_id = tk->group_id;
		a.assignee_id = tk->assignee_id;
		a.priority = tk->priority;
		hd_txn_emit_pb(t, d->kind ? "sla.breached" : "sla.warning", &a,
			       NULL);
		hd_counter_add(d->kind ? &sla_breaches : &sla_warnings, 1);
		hd_info("routing.sla_alert", "ticket=%llu metric=%s kind=%s",
			(unsigned long long)d->ticket, a.metric,
			kinds[d->kind]);
		if (policy)
			escalate(r, t, policy, tk, d);
		sla_state_put(t, &r->sla, d->ticket, state);
	}
	hd__sla_policy__free_unpacked(policy, NULL);
	hd__sla_ticket_state__free_unpacked(state, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return t->rc;
}

typedef struct due_list {
	due_timer due[MAX_PER_TICK];
	size_t n;
	int64_t now_ms;
} due_list;

static int due_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	due_list *d = arg;
	const uint8_t *p = k->mv_data;
	if (k->mv_size != 18 || p[16] > 1 || p[17] >= 6)
		return HD_OK;
	int64_t when = (int64_t)hd_key_get_u64(p);
	if (when > d->now_ms)
		return HD_STOP;
	d->due[d->n++] = (due_timer){when, hd_key_get_u64(p + 8), p[16], p[17]};
	return d->n < MAX_PER_TICK ? HD_OK : HD_STOP;
}

int routing_sla_tick_hook(routing *r, hd_txn *t, int64_t now_ms)
{
	due_list d = {.now_ms = now_ms};
	int rc = hd_txn_foreach(t, r->sla.timers, NULL, 0, due_one, &d);
	if (rc)
		return rc;
	due_timer *due = d.due;
	size_t n = d.n;
	for (size_t i = 0; i < n && !t->rc; i++) {
		uint8_t key[18];
		sla_timer_key(key, due[i].due, due[i].ticket, due[i].kind,
			      due[i].metric);
		hd_txn_del(t, r->sla.timers, key, 18);
		fire(r, t, &due[i]);
	}
	return t->rc;
}
