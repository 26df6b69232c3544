/* The rule builder's dry run (API.md §7; rules.definitions is rt_defs.c):
 * rules.preview — "test against ticket #N": the triggers that would fire
 * on routing's copy of the ticket, in firing order, and what each would
 * change. The preview runs the real cycle (rt_trig_cycle: position order,
 * restart after each firing, each trigger at most once) on a working copy
 * inside a read transaction with no notification sink, so nothing is
 * written, enqueued or sent. An unsaved trigger may be tried with them:
 * with an id it stands in for that saved trigger, without one it goes
 * last (or at its position). */
#include "rt_rules.h"

#include "hd/err.h"
#include "hd/rule_value.h"
#include "hd/pbwire.h"
#include "hd/req_decode.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

static int deny(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (hd_role_is_admin(req->principal.role))
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
			   "the rule builder is for admins");
}

static int answer(hd_rpc_rep *rep, const char *kind, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return HD_E_NOMEM;
	Hd__RuleJson a = HD__RULE_JSON__INIT;
	a.kind = (char *)kind;
	a.json = text;
	int rc = hd_pb_pack(&rep->payload, &a);
	free(text);
	return rc;
}

/* What one firing changed: the working copy and command before it. */
typedef struct snap {
	Hd__Ticket *tk;
	json_t *cmd, *comment;
} snap;

typedef struct preview {
	rt_cycle c;
	json_t *fired; /* [{id, title, position, unsaved, changes}] */
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

static json_t *id_json(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static void diff_text(json_t *out, const char *field, const char *was,
		      const char *now)
{
	if (strcmp(was, now) != 0)
		json_array_append_new(out,
				      json_pack("{s:s, s:s, s:s}", "field",
						field, "from", was, "to", now));
}

static void diff_id(json_t *out, const char *field, uint64_t was, uint64_t now)
{
	if (was != now)
		json_array_append_new(out,
				      json_pack("{s:s, s:o, s:o}", "field",
						field, "from", id_json(was),
						"to", id_json(now)));
}

static bool tagged(const Hd__Ticket *tk, const char *tag)
{
	for (size_t i = 0; i < tk->n_tags; i++)
		if (!strcmp(tk->tags[i], tag))
			return true;
	return false;
}

static json_t *tags_missing(const Hd__Ticket *from, const Hd__Ticket *in)
{
	json_t *a = json_array();
	for (size_t i = 0; i < from->n_tags; i++)
		if (!tagged(in, from->tags[i]))
			json_array_append_new(a, json_string(from->tags[i]));
	return a;
}

static void diff_tags(json_t *out, const Hd__Ticket *was, const Hd__Ticket *now)
{
	json_t *added = tags_missing(now, was),
	       *removed = tags_missing(was, now);
	if (json_array_size(added) || json_array_size(removed))
		json_array_append_new(out, json_pack("{s:s, s:O, s:O}", "field",
						     "tags", "added", added,
						     "removed", removed));
	json_decref(added);
	json_decref(removed);
}

/* Custom field values the firing appended to the command. */
static void diff_custom(json_t *out, const json_t *was, const json_t *now)
{
	size_t from = json_array_size(json_object_get(was, "custom_fields"));
	json_t *list = json_object_get(now, "custom_fields");
	for (size_t i = from; i < json_array_size(list); i++) {
		json_t *x = json_array_get(list, i);
		char field[48];
		snprintf(field, sizeof field, "custom_fields_%lld",
			 (long long)json_integer_value(
				 json_object_get(x, "id")));
		json_array_append_new(
			out, json_pack("{s:s, s:O}", "field", field, "to",
				       json_object_get(x, "value")));
	}
}

static json_t *changes_of(const Hd__Rule *rule, const snap *b, const rt_work *w)
{
	json_t *out = json_array();
	const Hd__Ticket *was = b->tk, *now = w->tk;
	diff_text(out, "status", was->status, now->status);
	diff_text(out, "priority", was->priority, now->priority);
	diff_text(out, "type", was->type, now->type);
	diff_text(out, "subject", was->subject, now->subject);
	diff_id(out, "group_id", was->group_id, now->group_id);
	diff_id(out, "assignee_id", was->assignee_id, now->assignee_id);
	diff_tags(out, was, now);
	diff_custom(out, b->cmd, w->cmd);
	if (w->comment && !json_equal(b->comment, w->comment))
		json_array_append_new(out,
				      json_pack("{s:s, s:O}", "field",
						"comment", "to", w->comment));
	for (size_t i = 0; i < rule->n_actions; i++) {
		const Hd__RuleAction *a = rule->actions[i];
		if (strncmp(a->field, "notification_", 13) != 0)
			continue;
		json_t *v = hd_rule_value_json(a->value);
		json_array_append_new(out,
				      json_pack("{s:s, s:o}", "field", a->field,
						"to", v ? v : json_null()));
	}
	return out;
}

static int on_fire(void *arg, size_t i, bool after, rt_work *w)
{
	preview *p = arg;
	const Hd__Rule *rule = p->c.rules[i];
	if (!after) {
		snap_release(&p->before);
		p->before.tk = rt_ticket_copy(w->tk);
		p->before.cmd = json_deep_copy(w->cmd);
		p->before.comment =
			w->comment ? json_deep_copy(w->comment) : NULL;
		return p->before.tk && p->before.cmd ? HD_OK : HD_E_NOMEM;
	}
	json_t *one = json_pack(
		"{s:o, s:s, s:I, s:b, s:b, s:o}", "id", id_json(rule->id),
		"title", rule->title, "position", (json_int_t)rule->position,
		"unsaved", rule == p->mine, "active", rule->active, "changes",
		changes_of(rule, &p->before, w));
	return one && !json_array_append_new(p->fired, one) ? HD_OK
							    : HD_E_NOMEM;
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
static int unsaved_rule(hd_txn *t, const Hd__RuleSaveRequest *sr,
			Hd__Rule **out, hd_rpc_rep *rep)
{
	Hd__Rule *r = NULL;
	if (sr->id &&
	    hd_txn_get_pb_id(t, rtdb.rules, sr->id, &hd__rule__descriptor,
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
	int rc = rt_rules_active(t, "trigger", &p->c.rules, &p->c.n);
	Hd__Rule *extra = NULL;
	if (rc || !trigger)
		return rc;
	if ((rc = unsaved_rule(t, trigger, &extra, rep)))
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

static json_t *ticket_state(const Hd__Ticket *tk)
{
	json_t *tags = json_array();
	for (size_t i = 0; i < tk->n_tags; i++)
		json_array_append_new(tags, json_string(tk->tags[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "status",
			 tk->status, "priority", tk->priority, "type", tk->type,
			 "subject", tk->subject, "group_id",
			 id_json(tk->group_id), "assignee_id",
			 id_json(tk->assignee_id), "tags", tags);
}

static int run(hd_txn *t, const Hd__Ticket *stored, preview *p, json_t **body)
{
	Hd__Ticket *tk = rt_ticket_copy(stored);
	char locale[RT_LOCALE_MAX];
	rt_facts f;
	if (!tk)
		return HD_E_NOMEM;
	rt_trig_facts(t, &f, tk, p->created ? NULL : stored, stored, p->created,
		      NULL, locale);
	if (p->created && stored->via_channel[0])
		f.via = stored->via_channel; /* not a later update's (a rule) */
	rt_work w = {tk, json_object(), NULL, &f, NULL, ""};
	int rc = w.cmd ? rt_trig_cycle(&p->c, &w, &f) : HD_E_NOMEM;
	char *cmd = rc ? NULL : rt_act_command(&w, stored);
	if (!rc)
		*body = json_pack(
			"{s:{s:I, s:s, s:O, s:b, s:o, s:o}}", "preview",
			"ticket_id", (json_int_t)stored->id, "update_type",
			f.created ? "Create" : "Change", "fired", p->fired,
			"loop", p->c.loop, "ticket", ticket_state(tk),
			"command",
			cmd ? json_loads(cmd, 0, NULL) : json_object());
	free(cmd);
	json_decref(w.cmd);
	json_decref(w.comment);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

static int do_preview(routing *r, const Hd__RulePreviewRequest *q,
		      json_t **body, hd_rpc_rep *rep)
{
	preview p = {.fired = json_array()};
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
	if (!rc && (!p.c.fired || !p.c.order || !p.fired))
		rc = HD_E_NOMEM;
	p.c.on_fire = on_fire;
	p.c.arg = &p;
	p.created = !strcmp(q->update_type, "Create");
	if (!rc)
		rc = run(&t, tk, &p, body);
	if (open)
		hd_txn_end(&t);
	for (size_t i = 0; i < p.c.n; i++)
		hd__rule__free_unpacked(p.c.rules[i], NULL);
	free(p.c.rules);
	free(p.c.fired);
	free(p.c.order);
	snap_release(&p.before);
	json_decref(p.fired);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

int rt_preview(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__RulePreviewRequest *q = NULL;
	json_t *body = NULL;
	int rc = deny(req, rep);
	if (rc)
		return rc;
	if (hd_req_decode(req, rep, &hd__rule_preview_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	rc = do_preview(ctx, q, &body, rep);
	if (!rc)
		rc = answer(rep, "trigger", body);
	hd__rule_preview_request__free_unpacked(q, NULL);
	return rc;
}
