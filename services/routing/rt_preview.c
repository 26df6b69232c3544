/* The rule builder's dry run (API.md §7; rules.definitions is rt_defs.c):
 * rules.preview — "test against ticket #N": the triggers that would fire
 * on routing's copy of the ticket, in firing order, and what each would
 * change. The preview runs the real cycle (rt_trig_cycle: position order,
 * restart after each firing, each trigger at most once) on a working copy
 * inside a read transaction with no notification sink, so nothing is
 * written, enqueued or sent. An unsaved trigger may be tried with them:
 * with an id it stands in for that saved trigger, without one it goes
 * last (or at its position). The answer is typed (hd.RulePreview,
 * rt_preview_pb.c); the gateway renders it. */
#include "rt_rules.h"
#include "rt_preview_pb.h"

#include "hd/err.h"
#include "hd/rule_value.h"
#include "hd/pbwire.h"
#include "hd/req_decode.h"
#include "hd/store_pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int deny(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (hd_role_is_admin(req->principal.role))
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
			   "the rule builder is for admins");
}

/* What one firing changed: the working copy and command before it. */
typedef struct snap {
	Hd__Ticket *tk;
	json_t *cmd, *comment;
} snap;

typedef struct preview {
	const rt_dbs *db;
	rt_cycle c;
	Hd__RulePreview *ans;
	snap before;
	bool created;         /* as if the ticket were being created */
	const Hd__Rule *mine; /* the unsaved trigger, or NULL */
} preview;

static void snap_release(snap *s)
{
	hd__ticket__free_unpacked(s->tk, NULL);
	json_decref(s->cmd);
	json_decref(s->comment);
	*s = (snap){0};
}

/* A new change {field, from, to} into *out (from NULL: none). */
static int change(Hd__RuleFiring *out, const char *field, const json_t *from,
		  const json_t *to)
{
	Hd__RulePreviewKey *k = rt_pv_key(field);
	int rc = k ? HD_OK : HD_E_NOMEM;
	if (!rc && from)
		rc = rt_pv_value(&k->from, from);
	if (!rc && to)
		rc = rt_pv_value(&k->to, to);
	if (!rc)
		rc = rt_pv_push(&out->changes, &out->n_changes, k);
	if (rc && k)
		hd__rule_preview_key__free_unpacked(k, NULL);
	return rc;
}

static json_t *id_json(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static int diff_text(Hd__RuleFiring *out, const char *field, const char *was,
		     const char *now)
{
	if (!strcmp(was, now))
		return HD_OK;
	json_t *a = json_string(was), *b = json_string(now);
	int rc = a && b ? change(out, field, a, b) : HD_E_NOMEM;
	json_decref(a);
	json_decref(b);
	return rc;
}

static int diff_id(Hd__RuleFiring *out, const char *field, uint64_t was,
		   uint64_t now)
{
	if (was == now)
		return HD_OK;
	json_t *a = id_json(was), *b = id_json(now);
	int rc = a && b ? change(out, field, a, b) : HD_E_NOMEM;
	json_decref(a);
	json_decref(b);
	return rc;
}

static bool tagged(const Hd__Ticket *tk, const char *tag)
{
	for (size_t i = 0; i < tk->n_tags; i++)
		if (!strcmp(tk->tags[i], tag))
			return true;
	return false;
}

/* from's tags that in lacks, appended to *list. */
static int tags_missing(const Hd__Ticket *from, const Hd__Ticket *in,
			char ***list, size_t *n)
{
	for (size_t i = 0; i < from->n_tags; i++) {
		char *t = tagged(in, from->tags[i]) ? NULL
						    : strdup(from->tags[i]);
		if (!tagged(in, from->tags[i]) &&
		    (!t || rt_pv_push(list, n, t))) {
			free(t);
			return HD_E_NOMEM;
		}
	}
	return HD_OK;
}

static int diff_tags(Hd__RuleFiring *out, const Hd__Ticket *was,
		     const Hd__Ticket *now)
{
	Hd__RulePreviewKey *k = rt_pv_key("tags");
	int rc = k ? HD_OK : HD_E_NOMEM;
	if (!rc)
		rc = tags_missing(now, was, &k->added, &k->n_added);
	if (!rc)
		rc = tags_missing(was, now, &k->removed, &k->n_removed);
	if (!rc && (k->n_added || k->n_removed)) {
		k->tags = true;
		rc = rt_pv_push(&out->changes, &out->n_changes, k);
		if (!rc)
			return HD_OK;
	}
	if (k)
		hd__rule_preview_key__free_unpacked(k, NULL);
	return rc;
}

/* Custom field values the firing appended to the command. */
static int diff_custom(Hd__RuleFiring *out, const json_t *was,
		       const json_t *now)
{
	size_t from = json_array_size(json_object_get(was, "custom_fields"));
	json_t *list = json_object_get(now, "custom_fields");
	int rc = HD_OK;
	for (size_t i = from; !rc && i < json_array_size(list); i++) {
		json_t *x = json_array_get(list, i);
		char field[48];
		snprintf(field, sizeof field, "custom_fields_%lld",
			 (long long)json_integer_value(
				 json_object_get(x, "id")));
		rc = change(out, field, NULL, json_object_get(x, "value"));
	}
	return rc;
}

/* The comment's key: its "to" is the comment as the update sends it, set
 * once the cycle is over (finish_comments). */
static int diff_comment(Hd__RuleFiring *out, const snap *b, const rt_work *w)
{
	if (!w->comment || json_equal(b->comment, w->comment))
		return HD_OK;
	Hd__RulePreviewKey *k = rt_pv_key("comment");
	int rc = k ? rt_pv_push(&out->changes, &out->n_changes, k) : HD_E_NOMEM;
	if (rc && k)
		hd__rule_preview_key__free_unpacked(k, NULL);
	return rc;
}

static int diff_notifications(Hd__RuleFiring *out, const Hd__Rule *rule)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < rule->n_actions; i++) {
		const Hd__RuleAction *a = rule->actions[i];
		if (strncmp(a->field, "notification_", 13) != 0)
			continue;
		json_t *v = hd_rule_value_json(a->value);
		rc = v ? change(out, a->field, NULL, v) : HD_E_NOMEM;
		json_decref(v);
	}
	return rc;
}

static int changes_of(Hd__RuleFiring *out, const Hd__Rule *rule, const snap *b,
		      const rt_work *w)
{
	const Hd__Ticket *was = b->tk, *now = w->tk;
	int rc = diff_text(out, "status", was->status, now->status);
	if (!rc)
		rc = diff_text(out, "priority", was->priority, now->priority);
	if (!rc)
		rc = diff_text(out, "type", was->type, now->type);
	if (!rc)
		rc = diff_text(out, "subject", was->subject, now->subject);
	if (!rc)
		rc = diff_id(out, "group_id", was->group_id, now->group_id);
	if (!rc)
		rc = diff_id(out, "assignee_id", was->assignee_id,
			     now->assignee_id);
	if (!rc)
		rc = diff_tags(out, was, now);
	if (!rc)
		rc = diff_custom(out, b->cmd, w->cmd);
	if (!rc)
		rc = diff_comment(out, b, w);
	if (!rc)
		rc = diff_notifications(out, rule);
	return rc;
}

static int firing(preview *p, const Hd__Rule *rule, const rt_work *w)
{
	Hd__RuleFiring *f = hd_pb_new(&hd__rule_firing__descriptor);
	int rc = f ? hd_pb_set_string(&f->title, rule->title) : HD_E_NOMEM;
	if (!f)
		return rc;
	f->id = rule->id;
	f->position = rule->position;
	f->unsaved = rule == p->mine;
	f->active = rule->active;
	if (!rc)
		rc = changes_of(f, rule, &p->before, w);
	if (!rc)
		rc = rt_pv_push(&p->ans->fired, &p->ans->n_fired, f);
	if (rc)
		hd__rule_firing__free_unpacked(f, NULL);
	return rc;
}

static int on_fire(void *arg, size_t i, bool after, rt_work *w)
{
	preview *p = arg;
	const Hd__Rule *rule = p->c.rules[i];
	if (after)
		return firing(p, rule, w);
	snap_release(&p->before);
	p->before.tk = rt_ticket_copy(w->tk);
	p->before.cmd = json_deep_copy(w->cmd);
	p->before.comment = w->comment ? json_deep_copy(w->comment) : NULL;
	return p->before.tk && p->before.cmd ? HD_OK : HD_E_NOMEM;
}

/* Every firing's comment shows the comment the update sends, as it is
 * once the cycle is over (comment actions of later firings join it). */
static int finish_comments(Hd__RulePreview *a, const json_t *comment)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < a->n_fired; i++)
		for (size_t k = 0; !rc && k < a->fired[i]->n_changes; k++) {
			Hd__RulePreviewKey *c = a->fired[i]->changes[k];
			if (!strcmp(c->field, "comment") && !c->comment)
				rc = rt_pv_comment(&c->comment, comment);
		}
	return rc;
}

static int check_request(const Hd__RulePreviewRequest *q, hd_rpc_rep *rep)
{
	const char *ts = q->update_type;
	if (!q->ticket_id)
		return hd_rpc_fail(rep, HD_E_INVALID, "ticket_id",
				   "ticket_id: must be a ticket id");
	if (ts[0] && strcmp(ts, "Create") && strcmp(ts, "Change"))
		return hd_rpc_fail(rep, HD_E_INVALID, "update_type",
				   "update_type: must be Create or Change");
	return HD_OK;
}

static int by_position(const void *a, const void *b)
{
	const Hd__Rule *x = *(Hd__Rule *const *)a, *y = *(Hd__Rule *const *)b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	/* an unsaved trigger (id 0) goes after the saved ones beside it */
	uint64_t i = x->id ? x->id : UINT64_MAX, k = y->id ? y->id : UINT64_MAX;
	return i < k ? -1 : i > k;
}

/* The unsaved trigger, overlaid on its saved self when it names one. */
static int unsaved_rule(hd_txn *t, const rt_dbs *db,
			const Hd__RuleSaveRequest *sr, Hd__Rule **out,
			hd_rpc_rep *rep)
{
	Hd__Rule *r = NULL;
	if (sr->id &&
	    hd_txn_get_pb_id(t, db->rules, sr->id, &hd__rule__descriptor,
			     (void **)&r) == HD_OK &&
	    strcmp(r->kind, "trigger") != 0) {
		hd__rule__free_unpacked(r, NULL);
		r = NULL;
	}
	bool creating = r == NULL;
	if (creating) {
		if (!(r = malloc(sizeof *r)))
			return HD_E_NOMEM;
		hd__rule__init(r);
		r->position = UINT32_MAX;
		if (hd_pb_set_string(&r->kind, "trigger")) {
			free(r);
			return HD_E_NOMEM;
		}
	}
	int rc = rt_rule_apply(sr, r, rep);
	if (rc) {
		hd__rule__free_unpacked(r, NULL);
		return rc;
	}
	r->active = true; /* tried as if switched on */
	*out = r;
	return HD_OK;
}

/* The active triggers, with the unsaved one in its place. */
static int rules_for(hd_txn *t, const Hd__RuleSaveRequest *trigger, preview *p,
		     hd_rpc_rep *rep)
{
	int rc = rt_rules_active(t, p->db, "trigger", &p->c.rules, &p->c.n);
	Hd__Rule *extra = NULL;
	if (rc || !trigger)
		return rc;
	if ((rc = unsaved_rule(t, p->db, trigger, &extra, rep)))
		return rc;
	const Hd__Rule *mine = extra;
	for (size_t i = 0; i < p->c.n; i++)
		if (extra->id && p->c.rules[i]->id == extra->id) {
			hd__rule__free_unpacked(p->c.rules[i], NULL);
			p->c.rules[i] = extra;
			extra = NULL;
			break;
		}
	if (extra) {
		Hd__Rule **grown =
			realloc(p->c.rules, (p->c.n + 1) * sizeof *grown);
		if (!grown) {
			hd__rule__free_unpacked(extra, NULL);
			return HD_E_NOMEM;
		}
		p->c.rules = grown;
		p->c.rules[p->c.n++] = extra;
	}
	p->mine = mine;
	qsort(p->c.rules, p->c.n, sizeof *p->c.rules, by_position);
	return HD_OK;
}

static int run(hd_txn *t, const Hd__Ticket *stored, preview *p)
{
	Hd__Ticket *tk = rt_ticket_copy(stored);
	char locale[RT_LOCALE_MAX];
	rt_facts f;
	if (!tk)
		return HD_E_NOMEM;
	rt_trig_facts(t, p->db, &f, tk, p->created ? NULL : stored, stored,
		      p->created, NULL, locale);
	if (p->created && stored->via_channel[0])
		f.via = stored->via_channel; /* not a later update's (a rule) */
	rt_work w = {tk, json_object(), NULL, &f, NULL, ""};
	int rc = w.cmd ? rt_trig_cycle(&p->c, &w, &f) : HD_E_NOMEM;
	json_t *cmd = rc ? NULL : rt_act_command_json(&w, stored);
	Hd__RulePreview *a = p->ans;
	a->ticket_id = stored->id;
	a->loop = p->c.loop;
	if (!rc)
		rc = hd_pb_set_string(&a->update_type,
				      f.created ? "Create" : "Change");
	if (!rc && w.comment)
		rc = finish_comments(a, w.comment);
	if (!rc)
		rc = rt_pv_ticket(a, tk);
	if (!rc && cmd)
		rc = rt_pv_command(a, cmd);
	json_decref(cmd);
	json_decref(w.cmd);
	json_decref(w.comment);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

static int do_preview(routing *r, const Hd__RulePreviewRequest *q,
		      Hd__RulePreview *ans, hd_rpc_rep *rep)
{
	preview p = {.db = &r->rt, .ans = ans};
	Hd__Ticket *tk = NULL;
	hd_txn t;
	bool open = false;
	int rc = check_request(q, rep);
	if (!rc && !(rc = hd_store_read(r->store, &t)))
		open = true;
	if (!rc &&
	    hd_txn_get_pb_id(&t, r->tickets, q->ticket_id,
			     &hd__ticket__descriptor, (void **)&tk) != HD_OK)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "ticket_id",
				 "ticket_id: no ticket #%llu",
				 (unsigned long long)q->ticket_id);
	if (!rc)
		rc = rules_for(&t, q->trigger, &p, rep);
	p.c.fired = calloc(p.c.n + 1, sizeof *p.c.fired);
	p.c.order = calloc(p.c.n + 1, sizeof *p.c.order);
	if (!rc && (!p.c.fired || !p.c.order))
		rc = HD_E_NOMEM;
	p.c.on_fire = on_fire;
	p.c.arg = &p;
	p.created = !strcmp(q->update_type, "Create");
	if (!rc)
		rc = run(&t, tk, &p);
	if (open)
		hd_txn_end(&t);
	for (size_t i = 0; i < p.c.n; i++)
		hd__rule__free_unpacked(p.c.rules[i], NULL);
	free(p.c.rules);
	free(p.c.fired);
	free(p.c.order);
	snap_release(&p.before);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

int rt_preview(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__RulePreviewRequest *q = NULL;
	Hd__RulePreview *ans = NULL;
	int rc = deny(req, rep);
	if (rc)
		return rc;
	if (hd_req_decode(req, rep, &hd__rule_preview_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	ans = hd_pb_new(&hd__rule_preview__descriptor);
	rc = ans ? do_preview(ctx, q, ans, rep) : HD_E_NOMEM;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, ans);
	if (ans)
		hd__rule_preview__free_unpacked(ans, NULL);
	hd__rule_preview_request__free_unpacked(q, NULL);
	return rc;
}
