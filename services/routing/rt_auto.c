/* Automations: time-based rules run over routing's copy of the tickets, at
 * most once a minute of business time (Zendesk: hourly), on the tick.
 * Firing rule: an automation fires on a ticket when its conditions become
 * true, and not again while they stay true — rt_fired records the
 * (ticket, automation) pair and the record is dropped once the conditions
 * no longer hold (the nullifying action took effect). So an automation
 * without a nullifying action still fires only once per ticket. Closed and
 * deleted tickets are left alone. All automations that fire on one ticket
 * in one run go to intake as one command (via rule, rel "automation",
 * from = the first). rt_times keeps the per-ticket clocks the time
 * conditions read, from every ticket event. */
#include "commands.h"
#include "hooks.h"
#include "rt_rules.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "hd/prom.h"

#include <stdlib.h>
#include <string.h>

#define RUN_EVERY_MS 60000 /* business time between two runs */

HD_COUNTER(auto_fired, "hd_routing_automation_firings_total",
	   "Automations that fired on a ticket.");

static int get_times(hd_txn *t, const rt_dbs *db, uint64_t id,
		     Hd__RuleTicketTimes **out)
{
	return hd_txn_get_pb_id(t, db->times, id,
				&hd__rule_ticket_times__descriptor,
				(void **)out);
}

int rt_times_ticket(routing *r, hd_txn *t, const Hd__Envelope *ev,
		    const Hd__Ticket *before, const Hd__Ticket *after)
{
	(void)ev;
	uint8_t key[8];
	hd_key_u64(key, after->id);
	if (after->deleted)
		return hd_txn_del(t, r->rt.times, key, 8) == HD_E_NOTFOUND
			       ? HD_OK
			       : t->rc;
	Hd__RuleTicketTimes *old = NULL, tm = HD__RULE_TICKET_TIMES__INIT;
	if (get_times(t, &r->rt, after->id, &old) == HD_OK)
		tm = *old;
	int64_t at = after->updated_at;
	if (!before || strcmp(before->status, after->status) != 0)
		tm.status_at = at;
	if (after->assignee_id &&
	    (!before || before->assignee_id != after->assignee_id))
		tm.assigned_at = at;
	if (after->updater_id && after->updater_id == after->requester_id)
		tm.requester_updated_at = at;
	if (after->updater_id && after->updater_id == after->assignee_id)
		tm.assignee_updated_at = at;
	int rc = hd_txn_put_pb(t, r->rt.times, key, 8, &tm);
	hd__rule_ticket_times__free_unpacked(old, NULL);
	return rc;
}

static void fired_key(uint8_t key[16], uint64_t ticket, uint64_t rule)
{
	hd_key_u64(key, ticket);
	hd_key_u64(key + 8, rule);
}

/* One ticket against every automation. The rules read orig until one
 * fires; from then on a working copy that the actions change, so later
 * automations see the earlier ones' changes. */
static int run_ticket(routing *r, hd_txn *t, const Hd__Ticket *orig,
		      Hd__Rule **rules, size_t n, int64_t now)
{
	Hd__RuleTicketTimes *tm = NULL;
	get_times(t, &r->rt, orig->id, &tm);
	char locale[RT_LOCALE_MAX];
	rt_facts f = {.tk = orig,
		      .role = "",
		      .via = "",
		      .requester_locale = rt_locale_of(
			      t, &r->rt, orig->requester_id, locale),
		      .now_ms = now,
		      .times = tm};
	rt_work w = {NULL, NULL, NULL, &f, t, NULL};
	const Hd__Rule *first = NULL;
	int rc = HD_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		uint8_t key[16];
		MDB_val v;
		fired_key(key, orig->id, rules[i]->id);
		bool had = hd_txn_get(t, r->rt.fired, key, 16, &v) == HD_OK;
		if (!rt_conds_match(rules[i], &f)) {
			if (had)
				rc = hd_txn_del(t, r->rt.fired, key, 16);
			continue;
		}
		if (had)
			continue;
		if (!w.tk) {
			w.tk = rt_ticket_copy(orig);
			w.cmd = json_object();
			if (!w.tk || !w.cmd) {
				rc = HD_E_NOMEM;
				break;
			}
			f.tk = w.tk;
		}
		rc = rt_act_apply(rules[i], &w);
		if (!rc)
			rc = hd_txn_put(t, r->rt.fired, key, 16, "", 0);
		first = first ? first : rules[i];
		hd_counter_add(&auto_fired, 1);
	}
	char *cmd = rc || !first ? NULL : rt_act_command(&w, orig);
	char *via = cmd ? rt_via_json(first) : NULL;
	if (cmd && via)
		rc = routing_cmd_enqueue(t, r, orig->id, cmd, via);
	free(cmd);
	free(via);
	json_decref(w.cmd);
	json_decref(w.comment);
	hd__ticket__free_unpacked(w.tk, NULL);
	hd__rule_ticket_times__free_unpacked(tm, NULL);
	return rc;
}

typedef struct run_arg {
	routing *r;
	hd_txn *t;
	Hd__Rule **rules;
	size_t n;
	int64_t now;
} run_arg;

static int run_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	run_arg *a = arg;
	int rc = HD_OK;
	Hd__Ticket *tk = hd__ticket__unpack(NULL, v->mv_size, v->mv_data);
	if (tk && !tk->deleted && strcmp(tk->status, "closed") != 0)
		rc = run_ticket(a->r, a->t, tk, a->rules, a->n, a->now);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

static int run_all(routing *r, hd_txn *t, Hd__Rule **rules, size_t n,
		   int64_t now)
{
	run_arg a = {r, t, rules, n, now};
	return hd_txn_foreach(t, r->tickets, NULL, 0, run_one, &a);
}

int rt_auto_tick(routing *r, hd_txn *t, int64_t now_ms)
{
	int64_t last = r->auto_last_run;
	if (last && now_ms - last < RUN_EVERY_MS && now_ms >= last)
		return HD_OK;
	r->auto_last_run = now_ms;
	Hd__Rule **rules = NULL;
	size_t n = 0;
	int rc = rt_rules_active(t, &r->rt, "automation", &rules, &n);
	if (!rc && n)
		rc = run_all(r, t, rules, n, now_ms);
	for (size_t i = 0; i < n; i++)
		hd__rule__free_unpacked(rules[i], NULL);
	free(rules);
	return rc;
}
