/* The slas.policies.* RPCs (API.md §8): SLA policies in position order,
 * reorder, definitions. Staff read, admins write. The gateway read the
 * Zendesk JSON into an hd.SlaPolicy and the list of the fields it set;
 * here every value is checked and the policy stored (sla_policy.c). Two
 * Hana Desk extensions: hd_schedule_id (the business-hours schedule its
 * business_hours targets use; 0 = the default schedule, the oldest one)
 * and hd_escalations ({on: warning|breach, metric?, actions:[{field,
 * value}]} applied when a timer fires; see sla_tick.c). */
#include "sla.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TITLE       255
#define MAX_METRIC_ROWS 24
#define MAX_ESCALATIONS 20
#define MAX_ACTIONS     10
#define MAX_TARGET_MIN  (60 * 24 * 366)

static const char *const priorities[] = {"low", "normal", "high", "urgent",
					 NULL};
static const char *const statuses[] = {"open", "pending", "hold", "solved",
				       NULL};
static const char *const types[] = {"problem", "incident", "question", "task",
				    NULL};

static bool one_of(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static int metrics_check(const Hd__SlaPolicy *p, hd_rpc_rep *rep)
{
	const char *f = "policy_metrics";
	if (p->n_policy_metrics > MAX_METRIC_ROWS)
		return hd_rpc_fail(rep, HD_E_INVALID, f,
				   "policy_metrics must be an array "
				   "of at most %d targets",
				   MAX_METRIC_ROWS);
	for (size_t i = 0; i < p->n_policy_metrics; i++) {
		const Hd__SlaTarget *t = p->policy_metrics[i];
		if (!hd_priority_name(t->priority)[0] ||
		    t->metric < HD__SLA_METRIC__SLA_FIRST_REPLY_TIME ||
		    t->metric > HD__SLA_METRIC__SLA_AGENT_WORK_TIME ||
		    t->target < 1 || t->target > MAX_TARGET_MIN)
			return hd_rpc_fail(
				rep, HD_E_INVALID, f,
				"policy_metrics[%zu] needs priority "
				"(low|normal|high|urgent), a known "
				"metric, target in minutes "
				"(1–%d) and a boolean business_hours",
				i, MAX_TARGET_MIN);
		for (size_t k = 0; k < i; k++)
			if (p->policy_metrics[k]->priority == t->priority &&
			    p->policy_metrics[k]->metric == t->metric)
				return hd_rpc_fail(
					rep, HD_E_INVALID, f,
					"policy_metrics[%zu]: %s "
					"for %s given twice",
					i, sla_metric_name(t->metric - 1),
					hd_priority_name(t->priority));
	}
	return HD_OK;
}

static bool text_is(const Hd__RuleValue *v, const char *const *list)
{
	return v && v->kind == HD__RULE_VALUE__KIND__VALUE_TEXT &&
	       one_of(v->text, list);
}

/* A whole number above 0. */
static bool id_is(const Hd__RuleValue *v)
{
	uint64_t id = 0;
	return v && v->kind == HD__RULE_VALUE__KIND__VALUE_NUMBER &&
	       hd_parse_u64(v->text, &id) == HD_OK && id > 0 && id <= INT64_MAX;
}

static bool action_ok(const Hd__RuleAction *a)
{
	static const char *const roles[] = {"requester_id", "assignee_id",
					    NULL};
	const char *f = a->field;
	const Hd__RuleValue *v = a->value;
	if (!strcmp(f, "priority"))
		return text_is(v, priorities);
	if (!strcmp(f, "status"))
		return text_is(v, statuses);
	if (!strcmp(f, "type"))
		return text_is(v, types);
	if (!strcmp(f, "group_id") || !strcmp(f, "assignee_id"))
		return id_is(v);
	if (strcmp(f, "notification_user") || !v ||
	    v->kind != HD__RULE_VALUE__KIND__VALUE_LIST || v->n_items != 3)
		return false;
	return (id_is(v->items[0]) || text_is(v->items[0], roles)) &&
	       v->items[1]->kind == HD__RULE_VALUE__KIND__VALUE_TEXT &&
	       v->items[2]->kind == HD__RULE_VALUE__KIND__VALUE_TEXT;
}

static int escalations_check(const Hd__SlaPolicy *p, hd_rpc_rep *rep)
{
	const char *f = "hd_escalations";
	if (p->n_escalations > MAX_ESCALATIONS)
		return hd_rpc_fail(rep, HD_E_INVALID, f,
				   "hd_escalations must be an array of "
				   "at most %d escalations",
				   MAX_ESCALATIONS);
	for (size_t i = 0; i < p->n_escalations; i++) {
		const Hd__SlaEscalation *e = p->escalations[i];
		if (!e->on || e->on > HD__SLA_ESCALATION__ON__ON_BREACH ||
		    e->metric < 0 ||
		    e->metric > HD__SLA_METRIC__SLA_AGENT_WORK_TIME ||
		    !e->n_actions || e->n_actions > MAX_ACTIONS)
			return hd_rpc_fail(
				rep, HD_E_INVALID, f,
				"hd_escalations[%zu] needs on "
				"(warning|breach), an optional known "
				"metric and 1–%d actions",
				i, MAX_ACTIONS);
		for (size_t k = 0; k < e->n_actions; k++)
			if (!action_ok(e->actions[k]))
				return hd_rpc_fail(
					rep, HD_E_INVALID, f,
					"hd_escalations[%zu].actions[%zu]: "
					"field must be priority, status, type, "
					"group_id, assignee_id or "
					"notification_user ([user id or "
					"requester_id|assignee_id, subject, "
					"body]) with a valid value",
					i, k);
	}
	return HD_OK;
}

static bool given(const Hd__SlaCall *c, const char *name)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (!strcmp(c->fields[i], name))
			return true;
	return false;
}

/* Take the fields the call set from in into p (borrowing in's members) and
 * check them; title required. */
static int policy_merge(hd_txn *t, const sla_db *db, Hd__SlaPolicy *p,
			const Hd__SlaCall *c, hd_rpc_rep *rep)
{
	const Hd__SlaPolicy *in = c->policy;
	int rc = HD_OK;
	if (!in)
		return hd_rpc_fail(rep, HD_E_INVALID, "sla_policy",
				   "sla_policy must be an object");
	if (given(c, "title")) {
		if (!in->title[0] || strlen(in->title) > MAX_TITLE)
			return hd_rpc_fail(rep, HD_E_INVALID, "title",
					   "title: cannot be "
					   "blank (at most %d bytes)",
					   MAX_TITLE);
		p->title = in->title;
	}
	if (given(c, "description"))
		p->description = in->description;
	if (given(c, "position")) {
		if (in->position < 0 || in->position > 1000000)
			return hd_rpc_fail(rep, HD_E_INVALID, "position",
					   "position must be a whole number");
		p->position = in->position;
	}
	if (given(c, "filter")) {
		if ((rc = sla_filter_check(in, rep)))
			return rc;
		p->all = in->all;
		p->n_all = in->n_all;
		p->any = in->any;
		p->n_any = in->n_any;
	}
	if (given(c, "policy_metrics")) {
		if ((rc = metrics_check(in, rep)))
			return rc;
		p->policy_metrics = in->policy_metrics;
		p->n_policy_metrics = in->n_policy_metrics;
	}
	if (given(c, "hd_escalations")) {
		if ((rc = escalations_check(in, rep)))
			return rc;
		p->escalations = in->escalations;
		p->n_escalations = in->n_escalations;
	}
	if (given(c, "hd_schedule_id")) {
		if (in->schedule_id > INT64_MAX ||
		    (in->schedule_id && !bh_exists(t, db, in->schedule_id)))
			return hd_rpc_fail(
				rep, HD_E_INVALID, "hd_schedule_id",
				"hd_schedule_id must name a schedule");
		p->schedule_id = in->schedule_id;
	}
	if (!p->title || !p->title[0])
		return hd_rpc_fail(rep, HD_E_INVALID, "title",
				   "title: cannot be blank");
	return HD_OK;
}

static int load(sla_job *j, hd_txn *t, Hd__SlaPolicy **p)
{
	int rc = sla_policy_get(t, &j->r->sla, j->c->id, p);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(j->rep, rc, NULL, "no such SLA policy");
	return rc;
}

/* Keep a copy of p for the answer (the job owns it). */
static int answer_one(sla_job *j, const Hd__SlaPolicy *p)
{
	uint8_t *buf = NULL;
	size_t n = hd__sla_policy__get_packed_size(p);
	Hd__SlaPolicy **v = calloc(1, sizeof *v);
	if (v && (buf = malloc(n ? n : 1))) {
		hd__sla_policy__pack(p, buf);
		v[0] = hd__sla_policy__unpack(NULL, n, buf);
	}
	free(buf);
	if (!v || !v[0]) {
		free(v);
		return HD_E_NOMEM;
	}
	j->pols.v = v;
	j->pols.n = j->pols.cap = 1;
	return HD_OK;
}

static int save(sla_job *j, hd_txn *t, Hd__SlaPolicy *p)
{
	p->updated_at = hd_now_ms();
	j->id = p->id;
	int rc = answer_one(j, p);
	return rc ? hd_txn_fail(t, rc) : sla_policy_put(t, j->r, p);
}

static int64_t next_position(hd_txn *t, const sla_db *db)
{
	sla_policies all;
	int64_t max = 0;
	int rc = sla_policies_in_order(t, db, &all);
	if (rc)
		hd_txn_fail(t, rc);
	for (size_t i = 0; i < all.n; i++)
		max = all.v[i]->position > max ? all.v[i]->position : max;
	sla_policies_release(&all);
	return max + 1;
}

static int p_create(sla_job *j, hd_txn *t)
{
	Hd__SlaPolicy p = HD__SLA_POLICY__INIT;
	int rc = policy_merge(t, &j->r->sla, &p, j->c, j->rep);
	uint64_t id = 0;
	if (!rc)
		rc = routing_next_id(t, j->r, "next_sla_policy", &id);
	if (!rc) {
		p.id = id;
		if (!given(j->c, "position"))
			p.position = next_position(t, &j->r->sla);
		p.created_at = hd_now_ms();
		rc = t->rc ? t->rc : save(j, t, &p);
	}
	return rc;
}

static int p_update(sla_job *j, hd_txn *t)
{
	Hd__SlaPolicy *stored = NULL;
	int rc = load(j, t, &stored);
	if (!rc) {
		Hd__SlaPolicy p = *stored; /* borrows stored's and the call's */
		rc = policy_merge(t, &j->r->sla, &p, j->c, j->rep);
		if (!rc)
			rc = save(j, t, &p);
	}
	hd__sla_policy__free_unpacked(stored, NULL);
	return rc;
}

static int p_delete(sla_job *j, hd_txn *t)
{
	Hd__SlaPolicy *p = NULL;
	int rc = load(j, t, &p);
	if (!rc)
		rc = sla_policy_del(t, j->r, j->c->id);
	hd__sla_policy__free_unpacked(p, NULL);
	return rc;
}

/* Listed ids take positions 1…n in that order; the others follow in their
 * current order. */
static int p_reorder(sla_job *j, hd_txn *t)
{
	const Hd__SlaCall *c = j->c;
	size_t n = c->n_policy_ids;
	sla_policies all;
	int rc = n <= 1000 ? sla_policies_in_order(t, &j->r->sla, &all)
			   : hd_rpc_fail(j->rep, HD_E_INVALID, "sla_policy_ids",
					 "sla_policy_ids must be an array of "
					 "ids");
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		bool found = false;
		for (size_t k = 0; k < all.n; k++)
			found = found || all.v[k]->id == c->policy_ids[i];
		if (!found)
			rc = hd_rpc_fail(j->rep, HD_E_INVALID, "sla_policy_ids",
					 "sla_policy_ids[%zu] is not an SLA "
					 "policy",
					 i);
	}
	for (size_t k = 0; k < all.n && !rc; k++) {
		Hd__SlaPolicy *p = all.v[k];
		int64_t pos = -1;
		for (size_t i = 0; i < n && pos < 0; i++)
			if (c->policy_ids[i] == p->id)
				pos = (int64_t)i + 1;
		p->position = pos < 0 ? (int64_t)(n + 1) + p->position : pos;
		rc = sla_policy_put(t, j->r, p);
	}
	sla_policies_release(&all);
	return rc;
}

static int p_read(sla_job *j, hd_txn *t)
{
	if (!strcmp(j->method, "slas.policies.definitions")) {
		j->definitions = true;
		return HD_OK;
	}
	if (!strcmp(j->method, "slas.policies.get")) {
		Hd__SlaPolicy *p = NULL;
		int rc = load(j, t, &p);
		if (!rc)
			rc = answer_one(j, p);
		hd__sla_policy__free_unpacked(p, NULL);
		return rc;
	}
	return sla_policies_in_order(t, &j->r->sla, &j->pols);
}

/* The fields a filter condition may name, with their operators. */
int sla_policies_answer(sla_job *j)
{
	static const char *const fields[] = {"status",
					     "priority",
					     "type",
					     "group_id",
					     "assignee_id",
					     "requester_id",
					     "organization_id",
					     "current_tags",
					     "ticket_form_id",
					     "custom_fields_<id>"};
	static const char *const ordinal[] = {"is", "is_not", "less_than",
					      "greater_than"};
	static const char *const tags[] = {"includes", "not_includes"};
	enum { NDEFS = sizeof fields / sizeof fields[0] };
	Hd__SlaDefinition defs[NDEFS], *ptrs[NDEFS];
	Hd__SlaAnswer a = HD__SLA_ANSWER__INIT;
	for (size_t i = 0; j->definitions && i < NDEFS; i++) {
		Hd__SlaDefinition *d = &defs[i];
		hd__sla_definition__init(d);
		d->value = (char *)fields[i];
		d->title = i == NDEFS - 1 ? "custom field" : (char *)fields[i];
		d->operators = (char **)(i < 2    ? ordinal
					 : i == 7 ? tags
						  : ordinal);
		d->n_operators = i < 2 ? 4 : i == NDEFS - 1 ? 1 : 2;
		ptrs[i] = d;
	}
	a.definitions = j->definitions ? ptrs : NULL;
	a.n_definitions = j->definitions ? NDEFS : 0;
	a.policies = j->pols.v;
	a.n_policies = j->pols.n;
	a.id = j->id;
	return hd_pb_pack(&j->rep->payload, &a);
}

#define SLA_RPC(name, fn)                                                      \
	static int name(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)     \
	{                                                                      \
		return sla_serve(ctx, req, rep, fn, p_read, "SLA policies");   \
	}
SLA_RPC(rpc_read, NULL)
SLA_RPC(rpc_create, p_create)
SLA_RPC(rpc_update, p_update)
SLA_RPC(rpc_delete, p_delete)
SLA_RPC(rpc_reorder, p_reorder)

const hd_rpc_route routing_sla_routes[] = {
	{"slas.policies.list", rpc_read},
	{"slas.policies.get", rpc_read},
	{"slas.policies.definitions", rpc_read},
	{"slas.policies.create", rpc_create},
	{"slas.policies.update", rpc_update},
	{"slas.policies.delete", rpc_delete},
	{"slas.policies.reorder", rpc_reorder},
	{"slas.ticket", routing_sla_ticket_rpc},
	{NULL, NULL},
};
