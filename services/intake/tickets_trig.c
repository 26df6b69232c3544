/* Triggers inside the ticket write (Zendesk's behaviour): after the update's
 * own changes are merged, the active triggers of this shard's copy
 * (trig_copy.c) run Zendesk's cycle (services/rules: position order,
 * restart after each firing, each trigger at most once) on the ticket as
 * the update leaves it. Each firing's changes are merged through the same
 * tk_apply as any write and recorded in the update's own audit as events
 * with via {"channel":"rule","source":{"rel":"trigger","from":{id,title}}},
 * so the write's reply and any read after it already show them. A firing
 * whose changes intake refuses (an unknown status for the ticket, a closed
 * ticket) is undone alone and logged as intake.trigger_refused. The fired
 * triggers' notification actions leave as rule.notification events after
 * the ticket event (tk_trig_notify), once per update. */
#include "tickets.h"
#include "trig_copy.h"
#include "users.h"

#include "hd/clock.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"
#include "hd/ticket_patch.h"
#include "hd/via_compat.h"
#include "../rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_LOCALE_LEN 24

HD_COUNTER(trig_fired, "hd_intake_trigger_firings_total",
	   "Triggers that fired inside a ticket write.");
HD_COUNTER(trig_refused, "hd_intake_trigger_refused_total",
	   "Trigger firings whose changes the ticket write refused (undone).");
HD_COUNTER(trig_loops, "hd_intake_trigger_loops_total",
	   "Trigger cycles cut off because fired triggers would keep "
	   "undoing each other.");

void tk_trig_release(tk_trig_run *run)
{
	for (size_t i = 0; i < run->n; i++)
		hd__rule__free_unpacked(run->rules[i], NULL);
	free(run->rules);
	free(run->order);
	free(run->fired);
	tk_change_release(&run->cm);
	memset(run, 0, sizeof *run);
}

/* The requester's locale (users live on the directory shard; elsewhere
 * locale conditions see none). */
static const char *locale_of(hd_txn *t, intake *in, uint64_t user,
			     char out[RT_LOCALE_LEN])
{
	Hd__User *u = NULL;
	if (in->shard != INTAKE_DIRECTORY_SHARD || !user ||
	    intake_user_get(in, t, user, &u) != HD_OK)
		return NULL;
	bool any = u->locale[0] && strlen(u->locale) < RT_LOCALE_LEN;
	if (any)
		memcpy(out, u->locale, strlen(u->locale) + 1);
	hd__user__free_unpacked(u, NULL);
	return any ? out : NULL;
}

static const char *role_of(const hd_principal *who)
{
	if (who->role == HD__USER_ROLE__ROLE_END_USER)
		return "end_user";
	if (hd_role_is_agent(who->role))
		return hd_role_name(who->role);
	return "";
}

typedef struct fire_ctx {
	hd_txn *t;
	intake *in;
	Hd__Ticket **tk;
	rt_facts *f;
	tk_change *ch;
	tk_trig_run *run;
	Hd__Ticket *snap; /* the ticket before the firing in progress */
} fire_ctx;

static int set_via(Hd__AuditEvent *e, const Hd__Rule *r)
{
	e->via_rule_id = r->id;
	int rc = hd_pb_set_string(&e->via_rule_title, r->title);
	return rc ? rc : hd_pb_set_string(&e->via_rule_rel, "trigger");
}

/* Move rch's events into the update's change, each with the rule's via. */
static int take_events(tk_change *ch, tk_change *rch, const Hd__Rule *r)
{
	if (!rch->nev)
		return HD_OK;
	Hd__AuditEvent **ev =
		realloc(ch->ev, (ch->nev + rch->nev) * sizeof *ev);
	if (!ev)
		return HD_E_NOMEM;
	ch->ev = ev;
	int rc = HD_OK;
	for (size_t i = 0; i < rch->nev; i++) {
		if (!rc)
			rc = set_via(rch->ev[i], r);
		ch->ev[ch->nev++] = rch->ev[i];
	}
	free(rch->ev);
	rch->ev = NULL;
	rch->nev = 0;
	return rc;
}

/* The rules' comment: one per update, joined when several triggers add
 * text; its event names the first trigger that wrote it. */
static int take_comment(tk_trig_run *run, tk_change *rch, const Hd__Rule *r)
{
	if (!rch->comment_body)
		return HD_OK;
	tk_change *cm = &run->cm;
	if (!cm->comment_body) {
		cm->comment_body = rch->comment_body;
		cm->comment_html = rch->comment_html;
		cm->comment_public = rch->comment_public;
		cm->comment_author = rch->comment_author;
		rch->comment_body = rch->comment_html = NULL;
		run->comment_rule = r;
		return HD_OK;
	}
	for (int k = 0; k < 2; k++) {
		char **had = k ? &cm->comment_html : &cm->comment_body;
		const char *add = k ? rch->comment_html : rch->comment_body;
		if (!add)
			continue;
		size_t n = (*had ? strlen(*had) : 0) + strlen(add) + 3;
		char *joined = malloc(n);
		if (!joined)
			return HD_E_NOMEM;
		snprintf(joined, n, "%s%s%s", *had ? *had : "",
			 *had ? "\n\n" : "", add);
		free(*had);
		*had = joined;
	}
	return HD_OK;
}

/* Undo a refused firing: the ticket goes back to the snapshot. */
static int restore(fire_ctx *x, rt_work *w)
{
	Hd__Ticket *back = rt_ticket_copy(x->snap);
	if (!back)
		return HD_E_NOMEM;
	hd__ticket__free_unpacked(*x->tk, NULL);
	*x->tk = back;
	w->tk = back;
	x->f->tk = back;
	return HD_OK;
}

static int merge_firing(fire_ctx *x, const Hd__Rule *r, rt_work *w)
{
	json_t *cmd = rt_act_command_json(w, x->snap);
	if (!cmd)
		return HD_OK;
	hd_principal sys = {0};
	sys.role = HD__USER_ROLE__ROLE_SYSTEM;
	tk_change rch = {0};
	hd_rpc_rep rep = {0};
	hd_patch_err err = {"", ""};
	Hd__TicketPatch *p = hd_ticket_patch_new();
	int rc = p ? hd_ticket_patch_from_json(cmd, p, &err) : HD_E_NOMEM;
	if (rc == HD_E_INVALID)
		hd_rpc_fail(&rep, rc, err.field, "%s", err.message);
	if (!rc)
		rc = tk_apply(*x->tk, x->snap, p, &sys, &rch, &rep);
	if (!rc)
		rc = intake_fields_check(x->in, x->t, *x->tk, x->snap, &sys,
					 &rep);
	if (!rc)
		rc = tk_diff(*x->tk, x->snap, &rch);
	if (!rc)
		rc = tk_rule_author(x->t, x->in, &sys, &rch);
	if (rc && rc != HD_E_NOMEM) {
		hd_warn("intake.trigger_refused", "ticket=%llu trigger=%llu %s",
			(unsigned long long)(*x->tk)->id,
			(unsigned long long)r->id, rep.message);
		hd_counter_add(&trig_refused, 1);
		rc = restore(x, w);
	} else if (!rc) {
		rc = take_events(x->ch, &rch, r);
		if (!rc)
			rc = take_comment(x->run, &rch, r);
	}
	tk_change_release(&rch);
	hd_buf_release(&rep.payload);
	hd_ticket_patch_free(p);
	json_decref(cmd);
	return rc;
}

static int on_fire(void *arg, size_t i, bool after, rt_work *w)
{
	fire_ctx *x = arg;
	if (after)
		return merge_firing(x, x->run->rules[i], w);
	hd__ticket__free_unpacked(x->snap, NULL);
	x->snap = rt_ticket_copy(*x->tk);
	json_decref(w->cmd);
	json_decref(w->comment);
	w->cmd = json_object();
	w->comment = NULL;
	return x->snap && w->cmd ? HD_OK : HD_E_NOMEM;
}

/* Legacy: a queued routing command carrying a trigger's via (written before
 * triggers moved into the write) has had its triggers run already. */
static bool by_trigger(const Hd__Ticket *tk)
{
	return tk->update_via && strcmp(tk->update_via->rel, "trigger") == 0;
}

int tk_trig_eval(hd_txn *t, intake *in, const hd_principal *who,
		 Hd__Ticket **tk, const Hd__Ticket *before, bool creating,
		 tk_change *ch, tk_trig_run *run)
{
	tk_trig_release(run);
	if ((*tk)->deleted || by_trigger(*tk))
		return HD_OK;
	int rc = intake_trig_active(in, t, &run->rules, &run->n);
	if (rc || !run->n)
		return rc;
	run->fired = calloc(run->n, sizeof *run->fired);
	run->order = calloc(run->n, sizeof *run->order);
	if (!run->fired || !run->order)
		return HD_E_NOMEM;
	char locale[RT_LOCALE_LEN];
	const char *channel = hd_ticket_update_channel(*tk);
	rt_facts f = {
		.tk = *tk,
		.before = before,
		.created = creating,
		.comment = ch->comment_body,
		.comment_public =
			ch->comment_body ? ch->comment_public != 0 : true,
		.role = role_of(who),
		.updater_id = who->user_id,
		.via = channel[0] ? channel : (*tk)->via_channel,
		.requester_locale =
			locale_of(t, in, (*tk)->requester_id, locale),
		.now_ms = hd_now_ms(),
	};
	rt_cycle c = {.rules = run->rules,
		      .n = run->n,
		      .order = run->order,
		      .fired = run->fired,
		      .on_fire = on_fire};
	fire_ctx x = {t, in, tk, &f, ch, run, NULL};
	c.arg = &x;
	/* a dry run: notifications leave in tk_trig_notify */
	rt_work w = {*tk, json_object(), NULL, &f, NULL, NULL};
	rc = w.cmd ? rt_trig_cycle(&c, &w, &f) : HD_E_NOMEM;
	run->nfired = c.nfired;
	if (!rc && c.loop) {
		hd_error("intake.trigger_loop",
			 "ticket=%llu trigger=%llu "
			 "fired=%zu",
			 (unsigned long long)(*tk)->id,
			 (unsigned long long)run->rules[c.loop_at]->id,
			 c.nfired);
		hd_counter_add(&trig_loops, 1);
	}
	hd_counter_add(&trig_fired, c.nfired);
	hd__ticket__free_unpacked(x.snap, NULL);
	json_decref(w.cmd);
	json_decref(w.comment);
	return rc;
}

int tk_trig_notify(hd_txn *t, const tk_trig_run *run, Hd__Ticket *tk,
		   const char *trace)
{
	rt_facts f = {.tk = tk};
	rt_work w = {tk, NULL, NULL, &f, t, trace};
	int rc = HD_OK;
	for (size_t k = 0; k < run->nfired && !rc; k++)
		rc = rt_act_notify(run->rules[run->order[k]], &w);
	return rc;
}
