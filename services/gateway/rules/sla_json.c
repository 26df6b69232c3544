/* Zendesk's SLA policy JSON (API.md §8) into hd.SlaCall, and routing's typed
 * answers back into Zendesk's JSON. Here only the shape and the types are
 * checked (a wrong type answers 422 naming the key, with the text routing
 * gives for a wrong value of the same key); routing checks the values. The
 * call is built on the heap (hd_pb_new) and freed like an unpacked one. */
#include "gw_sla.h"

#include "hd/err.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"
#include "hd/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* routing's limits (sla_api.c, sla_filter.c), named in the messages. */
#define MAX_CONDITIONS  50
#define MAX_METRIC_ROWS 24
#define MAX_ESCALATIONS 20
#define MAX_ACTIONS     10
#define MAX_TARGET_MIN  (60 * 24 * 366)
#define MAX_REORDER     1000

static int nomem(gw_resp *out)
{
	return gw_from_err(out, HD_E_NOMEM, "out of memory");
}

/* A heap array of n pointers (n may be 0), or NULL with out filled. */
static void *ptrs(size_t n, gw_resp *out)
{
	void *p = calloc(n ? n : 1, sizeof(void *));
	if (!p)
		nomem(out);
	return p;
}

int gw_sla_metric_parse(const char *name)
{
	int m = 0;
	if (!name || hd_vocab_parse(&hd__sla_metric__descriptor, name, &m))
		return 0;
	return m;
}

const char *gw_sla_metric_name(int metric)
{
	return hd_sla_metric_name((Hd__SlaMetric)metric);
}

static int read_title(Hd__SlaCall *c, json_t *v, gw_resp *out)
{
	if (!json_is_string(v))
		return gw_invalidf(
			out, "title",
			"title: cannot be blank (at most 255 bytes)");
	return hd_pb_set_string(&c->policy->title, json_string_value(v))
		       ? nomem(out)
		       : HD_OK;
}

static int read_description(Hd__SlaCall *c, json_t *v, gw_resp *out)
{
	if (!json_is_string(v) && !json_is_null(v))
		return gw_invalidf(out, "description",
				   "description must be a string");
	return hd_pb_set_string(&c->policy->description,
				json_is_string(v) ? json_string_value(v) : "")
		       ? nomem(out)
		       : HD_OK;
}

static int read_position(Hd__SlaCall *c, json_t *v, gw_resp *out)
{
	if (!json_is_integer(v))
		return gw_invalidf(out, "position",
				   "position must be a whole number");
	c->policy->position = json_integer_value(v);
	return HD_OK;
}

/* One condition list of filter (which: "all" | "any"). */
static int read_conditions(json_t *arr, const char *which,
			   Hd__SlaCondition ***to, size_t *n, gw_resp *out)
{
	if (arr && !json_is_array(arr))
		return gw_invalidf(out, "filter", "filter.%s must be an array",
				   which);
	if (json_array_size(arr) > MAX_CONDITIONS)
		return gw_invalidf(out, "filter",
				   "at most %d conditions in filter.%s",
				   MAX_CONDITIONS, which);
	if (!(*to = ptrs(json_array_size(arr), out)))
		return HD_E_NOMEM;
	json_t *c;
	size_t i;
	json_array_foreach(arr, i, c)
	{
		const char *f = json_string_value(json_object_get(c, "field"));
		const char *op =
			json_string_value(json_object_get(c, "operator"));
		json_t *v = json_object_get(c, "value");
		if (!f || !op ||
		    (v && !json_is_string(v) && !json_is_integer(v) &&
		     !json_is_null(v)))
			return gw_invalidf(
				out, "filter",
				"filter.%s[%zu] needs field, operator and "
				"a string value",
				which, i);
		Hd__SlaCondition *sc =
			hd_pb_new(&hd__sla_condition__descriptor);
		if (!sc)
			return nomem(out);
		(*to)[(*n)++] = sc;
		if (hd_pb_set_string(&sc->field, f) ||
		    hd_pb_set_string(&sc->operator_, op) ||
		    hd_rule_value_from_json(v ? v : json_null(), &sc->value))
			return nomem(out);
	}
	return HD_OK;
}

static int read_filter(Hd__SlaCall *c, json_t *v, gw_resp *out)
{
	Hd__SlaPolicy *p = c->policy;
	if (!json_is_object(v))
		return gw_invalidf(out, "filter", "filter must be an object");
	int rc = read_conditions(json_object_get(v, "all"), "all", &p->all,
				 &p->n_all, out);
	return rc ? rc
		  : read_conditions(json_object_get(v, "any"), "any", &p->any,
				    &p->n_any, out);
}

static int read_metrics(Hd__SlaCall *c, json_t *arr, gw_resp *out)
{
	Hd__SlaPolicy *p = c->policy;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_METRIC_ROWS)
		return gw_invalidf(out, "policy_metrics",
				   "policy_metrics must be an array "
				   "of at most %d targets",
				   MAX_METRIC_ROWS);
	if (!(p->policy_metrics = ptrs(json_array_size(arr), out)))
		return HD_E_NOMEM;
	json_t *pm;
	size_t i;
	json_array_foreach(arr, i, pm)
	{
		const char *pr =
			json_string_value(json_object_get(pm, "priority"));
		Hd__TicketPriority prio = 0;
		int m = gw_sla_metric_parse(
			json_string_value(json_object_get(pm, "metric")));
		json_t *tg = json_object_get(pm, "target");
		json_t *bh = json_object_get(pm, "business_hours");
		if (!pr || hd_priority_parse(pr, &prio) || !prio || !m ||
		    !json_is_integer(tg) || (bh && !json_is_boolean(bh)))
			return gw_invalidf(
				out, "policy_metrics",
				"policy_metrics[%zu] needs priority "
				"(low|normal|high|urgent), a known "
				"metric, target in minutes "
				"(1–%d) and a boolean business_hours",
				i, MAX_TARGET_MIN);
		Hd__SlaTarget *t = hd_pb_new(&hd__sla_target__descriptor);
		if (!t)
			return nomem(out);
		p->policy_metrics[p->n_policy_metrics++] = t;
		t->priority = prio;
		t->metric = (Hd__SlaMetric)m;
		t->target = json_integer_value(tg);
		t->business_hours = json_is_true(bh);
	}
	return HD_OK;
}

static int read_actions(Hd__SlaEscalation *e, json_t *acts, size_t i,
			gw_resp *out)
{
	if (!(e->actions = ptrs(json_array_size(acts), out)))
		return HD_E_NOMEM;
	json_t *a;
	size_t k;
	json_array_foreach(acts, k, a)
	{
		const char *f = json_string_value(json_object_get(a, "field"));
		json_t *v = json_object_get(a, "value");
		Hd__RuleAction *ra = hd_pb_new(&hd__rule_action__descriptor);
		if (!ra)
			return nomem(out);
		e->actions[e->n_actions++] = ra;
		int rc = f ? hd_rule_value_from_json(v ? v : json_null(),
						     &ra->value)
			   : HD_E_INVALID;
		if (rc == HD_E_INVALID)
			return gw_invalidf(
				out, "hd_escalations",
				"hd_escalations[%zu].actions[%zu]: "
				"field must be priority, status, type, "
				"group_id, assignee_id or "
				"notification_user ([user id or "
				"requester_id|assignee_id, subject, "
				"body]) with a valid value",
				i, k);
		if (rc || hd_pb_set_string(&ra->field, f))
			return nomem(out);
	}
	return HD_OK;
}

static int read_escalations(Hd__SlaCall *c, json_t *arr, gw_resp *out)
{
	Hd__SlaPolicy *p = c->policy;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_ESCALATIONS)
		return gw_invalidf(out, "hd_escalations",
				   "hd_escalations must be an array of "
				   "at most %d escalations",
				   MAX_ESCALATIONS);
	if (!(p->escalations = ptrs(json_array_size(arr), out)))
		return HD_E_NOMEM;
	json_t *e;
	size_t i;
	json_array_foreach(arr, i, e)
	{
		const char *on = json_string_value(json_object_get(e, "on"));
		json_t *m = json_object_get(e, "metric");
		json_t *acts = json_object_get(e, "actions");
		int metric = m ? gw_sla_metric_parse(json_string_value(m)) : 0;
		if (!on || (strcmp(on, "warning") && strcmp(on, "breach")) ||
		    (m && !metric) || !json_is_array(acts) ||
		    !json_array_size(acts) ||
		    json_array_size(acts) > MAX_ACTIONS)
			return gw_invalidf(
				out, "hd_escalations",
				"hd_escalations[%zu] needs on "
				"(warning|breach), an optional known "
				"metric and 1–%d actions",
				i, MAX_ACTIONS);
		Hd__SlaEscalation *se =
			hd_pb_new(&hd__sla_escalation__descriptor);
		if (!se)
			return nomem(out);
		p->escalations[p->n_escalations++] = se;
		se->on = on[0] == 'w' ? HD__SLA_ESCALATION__ON__ON_WARNING
				      : HD__SLA_ESCALATION__ON__ON_BREACH;
		se->metric = (Hd__SlaMetric)metric;
		int rc = read_actions(se, acts, i, out);
		if (rc)
			return rc;
	}
	return HD_OK;
}

static int read_schedule(Hd__SlaCall *c, json_t *v, gw_resp *out)
{
	if (!json_is_null(v) &&
	    (!json_is_integer(v) || json_integer_value(v) < 0))
		return gw_invalidf(out, "hd_schedule_id",
				   "hd_schedule_id must name a schedule");
	c->policy->schedule_id = (uint64_t)json_integer_value(v);
	return HD_OK;
}

static const struct {
	const char *key;
	int (*read)(Hd__SlaCall *c, json_t *v, gw_resp *out);
} readers[] = {
	{"title", read_title},
	{"description", read_description},
	{"position", read_position},
	{"filter", read_filter},
	{"policy_metrics", read_metrics},
	{"hd_escalations", read_escalations},
	{"hd_schedule_id", read_schedule},
};
#define NREADERS (sizeof readers / sizeof readers[0])

int gw_sla_policy_read(const json_t *root, Hd__SlaCall *c, gw_resp *out)
{
	json_t *obj = json_object_get(root, "sla_policy");
	if (!json_is_object(obj))
		return gw_invalidf(out, "sla_policy",
				   "sla_policy must be an object");
	c->policy = hd_pb_new(&hd__sla_policy__descriptor);
	c->fields = ptrs(NREADERS, out);
	if (!c->policy || !c->fields)
		return c->policy ? HD_E_NOMEM : nomem(out);
	for (size_t i = 0; i < NREADERS; i++) {
		json_t *v = json_object_get(obj, readers[i].key);
		if (!v)
			continue;
		int rc = readers[i].read(c, v, out);
		if (rc)
			return rc;
		if (!(c->fields[c->n_fields] = strdup(readers[i].key)))
			return nomem(out);
		c->n_fields++;
	}
	return HD_OK;
}

int gw_sla_reorder_read(const json_t *root, Hd__SlaCall *c, gw_resp *out)
{
	json_t *ids = json_object_get(root, "sla_policy_ids"), *v;
	size_t i;
	if (!json_is_array(ids) || json_array_size(ids) > MAX_REORDER)
		return gw_invalidf(out, "sla_policy_ids",
				   "sla_policy_ids must be an array of ids");
	c->policy_ids = calloc(json_array_size(ids) + 1, sizeof *c->policy_ids);
	if (!c->policy_ids)
		return nomem(out);
	json_array_foreach(ids, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return gw_invalidf(
				out, "sla_policy_ids",
				"sla_policy_ids[%zu] is not an SLA policy", i);
		c->policy_ids[c->n_policy_ids++] =
			(uint64_t)json_integer_value(v);
	}
	return HD_OK;
}

/* ---- answers ---- */

static json_t *conditions_json(Hd__SlaCondition *const *cs, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:o}", "field", cs[i]->field,
				       "operator", cs[i]->operator_, "value",
				       hd_rule_value_json(cs[i]->value)));
	return arr;
}

static json_t *escalations_json(const Hd__SlaPolicy *p)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < p->n_escalations; i++) {
		const Hd__SlaEscalation *e = p->escalations[i];
		json_t *o = json_pack(
			"{s:s}", "on",
			e->on == HD__SLA_ESCALATION__ON__ON_WARNING ? "warning"
								    : "breach");
		if (e->metric)
			json_object_set_new(
				o, "metric",
				json_string(gw_sla_metric_name(e->metric)));
		json_t *acts = json_array();
		for (size_t k = 0; k < e->n_actions; k++)
			json_array_append_new(
				acts, json_pack("{s:s, s:o}", "field",
						e->actions[k]->field, "value",
						hd_rule_value_json(
							e->actions[k]->value)));
		json_object_set_new(o, "actions", acts);
		json_array_append_new(arr, o);
	}
	return arr;
}

/* The key order of the JSON routing stored before policies were typed
 * (a policy created without a position), so answers read the same. */
json_t *gw_sla_policy_json(const gw_req *r, const Hd__SlaPolicy *p)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < p->n_policy_metrics; i++) {
		const Hd__SlaTarget *t = p->policy_metrics[i];
		json_array_append_new(
			rows, json_pack("{s:s, s:s, s:I, s:b, s:I}", "priority",
					hd_priority_name(t->priority), "metric",
					gw_sla_metric_name(t->metric), "target",
					(json_int_t)t->target, "business_hours",
					t->business_hours, "target_in_seconds",
					(json_int_t)t->target * 60));
	}
	char url[700];
	snprintf(url, sizeof url, "%s/api/v2/slas/policies/%llu.json",
		 r->base_url, (unsigned long long)p->id);
	return json_pack(
		"{s:s, s:{s:o, s:o}, s:o, s:o, s:I, s:s, s:I, s:I, s:o, s:o, "
		"s:s}",
		"description", p->description, "filter", "all",
		conditions_json(p->all, p->n_all), "any",
		conditions_json(p->any, p->n_any), "policy_metrics", rows,
		"hd_escalations", escalations_json(p), "hd_schedule_id",
		(json_int_t)p->schedule_id, "title", p->title, "id",
		(json_int_t)p->id, "position", (json_int_t)p->position,
		"created_at", gw_time_json(p->created_at), "updated_at",
		gw_time_json(p->updated_at), "url", url);
}

json_t *gw_sla_definitions_json(const Hd__SlaAnswer *a)
{
	json_t *list = json_array();
	for (size_t i = 0; i < a->n_definitions; i++) {
		const Hd__SlaDefinition *d = a->definitions[i];
		json_t *ops = json_array();
		for (size_t k = 0; k < d->n_operators; k++)
			json_array_append_new(
				ops, json_pack("{s:s, s:s}", "value",
					       d->operators[k], "title",
					       d->operators[k]));
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:o}", "value", d->value,
					"title", d->title, "operators", ops));
	}
	return json_pack("{s:{s:O, s:o}}", "definitions", "all", list, "any",
			 list);
}

static void add_left(json_t *o, int64_t min)
{
	int64_t a = min < 0 ? -min : min;
	if (a < 60)
		json_object_set_new(o, "minutes", json_integer(min));
	else if (a < 24 * 60)
		json_object_set_new(o, "hours", json_integer(min / 60));
	else
		json_object_set_new(o, "days", json_integer(min / (24 * 60)));
}

static const char *stage_name(Hd__SlaClock__Stage s)
{
	return s == HD__SLA_CLOCK__STAGE__STAGE_ACTIVE   ? "active"
	       : s == HD__SLA_CLOCK__STAGE__STAGE_PAUSED ? "paused"
							 : "achieved";
}

json_t *gw_sla_ticket_json(const Hd__SlaTicketSlas *t)
{
	json_t *list = json_array();
	for (size_t i = 0; t && i < t->n_policy_metrics; i++) {
		const Hd__SlaMetricState *m = t->policy_metrics[i];
		json_t *o = json_pack("{s:o, s:s, s:s}", "breach_at",
				      gw_time_json(m->breach_at), "stage",
				      stage_name(m->stage), "metric",
				      gw_sla_metric_name(m->metric));
		if (m->has_left)
			add_left(o, m->left_minutes);
		json_array_append_new(list, o);
	}
	return json_pack("{s:o}", "policy_metrics", list);
}
