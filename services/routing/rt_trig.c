/* Triggers (Zendesk's cycle): on each ticket create or update, the active
 * triggers are tried in position order against the ticket; when one fires,
 * its actions change the working copy and the pass restarts from the first
 * trigger. Each trigger fires at most once per update, so the cycle ends
 * after at most as many firings as there are triggers. The net change goes
 * to intake as ONE command whose audit via is
 *   {"channel":"rule","source":{"rel":"trigger","from":{first fired},
 *    "rules":[every fired trigger, in order]}}.
 * That update comes back as ticket.updated with a trigger via; triggers
 * skip it (they have already run for this change), which is what keeps
 * triggers from feeding themselves. Automations' updates do run triggers.
 * A loop — a fired trigger that still matches the final ticket and would
 * change it again (A adds x and removes y, B adds y and removes x) — is
 * cut off: the cycle's result is sent as is, and routing logs
 * routing.trigger_loop and counts it. */
#include "commands.h"
#include "hooks.h"
#include "rt_rules.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/prom.h"

#include <stdlib.h>
#include <string.h>

HD_COUNTER(trig_fired, "hd_routing_trigger_firings_total",
	   "Triggers that fired on a ticket update.");
HD_COUNTER(trig_loops, "hd_routing_trigger_loops_total",
	   "Trigger cycles cut off because fired triggers would keep "
	   "undoing each other.");

/* The comment of the update in flight, kept until its ticket event. */
int rt_trig_comment(routing *r, hd_txn *t, const Hd__Envelope *ev)
{
	(void)r;
	if (strcmp(ev->type, "comment.created") != 0)
		return HD_OK;
	Hd__Comment *c =
		hd__comment__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!c)
		return HD_OK; /* not ours to reject; intake's event stands */
	if (c->by_import) {   /* no trigger runs for it: keep nothing */
		hd__comment__free_unpacked(c, NULL);
		return HD_OK;
	}
	uint8_t key[8];
	hd_key_u64(key, c->ticket_id);
	hd__comment__free_unpacked(c, NULL);
	return hd_txn_put(t, rtdb.comments, key, 8, ev->payload.data,
			  ev->payload.len);
}

static Hd__Comment *take_comment(hd_txn *t, uint64_t ticket)
{
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, ticket);
	if (hd_txn_get(t, rtdb.comments, key, 8, &v) != HD_OK)
		return NULL;
	Hd__Comment *c = hd__comment__unpack(NULL, v.mv_size, v.mv_data);
	hd_txn_del(t, rtdb.comments, key, 8);
	return c;
}

static json_t *via_of(const Hd__Ticket *tk)
{
	return tk->update_via_json[0] ? json_loads(tk->update_via_json, 0, NULL)
				      : NULL;
}

static bool by_trigger(const Hd__Ticket *tk)
{
	json_t *via = via_of(tk);
	const char *rel = json_string_value(
		json_object_get(json_object_get(via, "source"), "rel"));
	bool yes = rel && !strcmp(rel, "trigger");
	json_decref(via);
	return yes;
}

static const char *role_of(const Hd__Ticket *tk)
{
	if (!strcmp(tk->updater_role, "end-user"))
		return "end_user";
	if (!strcmp(tk->updater_role, "agent") ||
	    !strcmp(tk->updater_role, "admin"))
		return tk->updater_role;
	return "";
}

/* Would rule change the final ticket again? */
static bool would_change(const Hd__Rule *rule, const rt_work *w)
{
	hd_buf a, b;
	hd_buf_init(&a, (size_t)16 << 20);
	hd_buf_init(&b, (size_t)16 << 20);
	Hd__Ticket *copy = rt_ticket_copy(w->tk);
	bool changed = false;
	if (copy && hd_pb_pack(&a, w->tk) == HD_OK) {
		rt_work dry = {copy, json_object(), NULL, w->f, NULL, NULL};
		rt_act_apply(rule, &dry);
		hd_pb_pack(&b, copy);
		changed = a.len != b.len || memcmp(a.data, b.data, a.len) != 0;
		json_decref(dry.cmd);
		json_decref(dry.comment);
	}
	hd__ticket__free_unpacked(copy, NULL);
	hd_buf_release(&a);
	hd_buf_release(&b);
	return changed;
}

static char *via_for(Hd__Rule **rules, const size_t *order, size_t n)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			list, json_pack("{s:I, s:s}", "id",
					(json_int_t)rules[order[i]]->id,
					"title", rules[order[i]]->title));
	json_t *via = json_pack("{s:s, s:{s:s, s:{s:I, s:s}, s:o}}", "channel",
				"rule", "source", "rel", "trigger", "from",
				"id", (json_int_t)rules[order[0]]->id, "title",
				rules[order[0]]->title, "rules", list);
	char *text = via ? json_dumps(via, JSON_COMPACT) : NULL;
	json_decref(via);
	return text;
}

int rt_trig_cycle(rt_cycle *c, rt_work *w, rt_facts *f)
{
	int rc = HD_OK;
	for (bool again = true; again && !rc;) {
		again = false;
		for (size_t i = 0; i < c->n && !again && !rc; i++) {
			if (c->fired[i] || !rt_conds_match(c->rules[i], f))
				continue;
			if (c->on_fire)
				rc = c->on_fire(c->arg, i, false, w);
			if (!rc)
				rc = rt_act_apply(c->rules[i], w);
			if (!rc && c->on_fire)
				rc = c->on_fire(c->arg, i, true, w);
			c->fired[i] = true;
			c->order[c->nfired++] = i;
			again = true; /* restart from the first trigger */
		}
	}
	for (size_t k = 0; k < c->nfired && !rc; k++) {
		const Hd__Rule *rule = c->rules[c->order[k]];
		if (rt_conds_match(rule, f) && would_change(rule, w)) {
			c->loop = true;
			c->loop_at = c->order[k];
			break;
		}
	}
	return rc;
}

void rt_trig_facts(hd_txn *t, rt_facts *f, const Hd__Ticket *work,
		   const Hd__Ticket *before, const Hd__Ticket *after,
		   bool created, const Hd__Comment *cm,
		   char locale[RT_LOCALE_MAX], json_t **via)
{
	*via = via_of(after);
	const char *channel =
		json_string_value(json_object_get(*via, "channel"));
	*f = (rt_facts){
		.tk = work,
		.before = before,
		.created = created,
		.comment = cm        ? cm->body
			   : created ? after->description
				     : NULL,
		.comment_public = cm ? cm->public_ : true,
		.role = role_of(after),
		.updater_id = after->updater_id,
		.via = channel ? channel : after->via_channel,
		.requester_locale =
			rt_locale_of(t, after->requester_id, locale),
		.now_ms = hd_now_ms(),
	};
}

static int fire(routing *r, hd_txn *t, const Hd__Envelope *ev, rt_cycle *c,
		const Hd__Ticket *before, const Hd__Ticket *after,
		const Hd__Comment *cm)
{
	Hd__Ticket *tk = rt_ticket_copy(after);
	if (!tk)
		return HD_E_NOMEM;
	json_t *via = NULL;
	char locale[RT_LOCALE_MAX];
	rt_facts f;
	rt_trig_facts(t, &f, tk, before, after,
		      strcmp(ev->type, "ticket.created") == 0, cm, locale,
		      &via);
	rt_work w = {tk, json_object(), NULL, &f, t, ev->trace_id};
	int rc = rt_trig_cycle(c, &w, &f);
	if (!rc && c->loop) {
		hd_error("routing.trigger_loop",
			 "ticket=%llu trigger=%llu fired=%zu",
			 (unsigned long long)after->id,
			 (unsigned long long)c->rules[c->loop_at]->id,
			 c->nfired);
		hd_counter_add(&trig_loops, 1);
	}
	char *cmd = rc ? NULL : rt_act_command(&w, after);
	char *via_text = cmd ? via_for(c->rules, c->order, c->nfired) : NULL;
	if (cmd && !via_text)
		rc = HD_E_NOMEM;
	if (cmd && !rc)
		rc = routing_cmd_enqueue(t, r, after->id, cmd, via_text);
	hd_counter_add(&trig_fired, c->nfired);
	free(cmd);
	free(via_text);
	json_decref(w.cmd);
	json_decref(w.comment);
	json_decref(via);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

int rt_trig_ticket(routing *r, hd_txn *t, const Hd__Envelope *ev,
		   const Hd__Ticket *before, const Hd__Ticket *after)
{
	Hd__Comment *cm = take_comment(t, after->id);
	rt_cycle c = {0};
	int rc = HD_OK;
	if (after->deleted || !strcmp(ev->type, "ticket.deleted") ||
	    by_trigger(after) || after->by_import)
		goto out;
	rc = rt_rules_active(t, "trigger", &c.rules, &c.n);
	if (rc || !c.n)
		goto out;
	c.fired = calloc(c.n, sizeof *c.fired);
	c.order = calloc(c.n, sizeof *c.order);
	rc = c.fired && c.order ? fire(r, t, ev, &c, before, after, cm)
				: HD_E_NOMEM;
out:
	for (size_t i = 0; i < c.n; i++)
		hd__rule__free_unpacked(c.rules[i], NULL);
	free(c.rules);
	free(c.fired);
	free(c.order);
	hd__comment__free_unpacked(cm, NULL);
	return rc;
}
