/* The slas.policies.* RPCs (API.md §8): SLA policies in position order,
 * reorder, definitions. Staff read, admins write. A policy is stored as
 * its validated Zendesk JSON plus two Hana Desk extensions:
 * hd_schedule_id (the business-hours schedule its business_hours targets
 * use; 0 or absent = the default schedule, the oldest one) and
 * hd_escalations ([{on: warning|breach, metric?, actions:[{field,value}]}]
 * applied when a timer fires; see sla_tick.c). */
#include "sla.h"

#include "hd/err.h"

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

static int metrics_read(const json_t *arr, json_t **out, hd_rpc_rep *rep)
{
	const char *f = "policy_metrics";
	if (!json_is_array(arr) || json_array_size(arr) > MAX_METRIC_ROWS)
		return sla_invalid(rep, f,
				   "policy_metrics must be an array "
				   "of at most %d targets",
				   MAX_METRIC_ROWS);
	*out = json_array();
	json_t *pm;
	size_t i;
	json_array_foreach(arr, i, pm)
	{
		const char *p =
			json_string_value(json_object_get(pm, "priority"));
		const char *m =
			json_string_value(json_object_get(pm, "metric"));
		json_t *tg = json_object_get(pm, "target");
		json_t *bh = json_object_get(pm, "business_hours");
		if (!one_of(p, priorities) || sla_metric_code(m) < 0 ||
		    !json_is_integer(tg) || json_integer_value(tg) < 1 ||
		    json_integer_value(tg) > MAX_TARGET_MIN ||
		    (bh && !json_is_boolean(bh)))
			return sla_invalid(
				rep, f,
				"policy_metrics[%zu] needs priority "
				"(low|normal|high|urgent), a known "
				"metric, target in minutes "
				"(1–%d) and a boolean business_hours",
				i, MAX_TARGET_MIN);
		json_t *row;
		size_t k;
		json_array_foreach(*out, k, row)
		{
			if (!strcmp(p, json_string_value(json_object_get(
					       row, "priority"))) &&
			    !strcmp(m, json_string_value(
					       json_object_get(row, "metric"))))
				return sla_invalid(rep, f,
						   "policy_metrics[%zu]: %s "
						   "for %s given twice",
						   i, m, p);
		}
		json_array_append_new(
			*out, json_pack("{s:s, s:s, s:O, s:b}", "priority", p,
					"metric", m, "target", tg,
					"business_hours", json_is_true(bh)));
	}
	return HD_OK;
}

static bool action_ok(const json_t *a)
{
	const char *f = json_string_value(json_object_get(a, "field"));
	json_t *v = json_object_get(a, "value");
	const char *s = json_string_value(v);
	if (!f)
		return false;
	if (!strcmp(f, "priority"))
		return one_of(s, priorities);
	if (!strcmp(f, "status"))
		return one_of(s, statuses);
	if (!strcmp(f, "type"))
		return one_of(s, types);
	if (!strcmp(f, "group_id") || !strcmp(f, "assignee_id"))
		return json_is_integer(v) && json_integer_value(v) > 0;
	if (strcmp(f, "notification_user") || !json_is_array(v) ||
	    json_array_size(v) != 3)
		return false;
	json_t *who = json_array_get(v, 0);
	const char *role = json_string_value(who);
	return (json_is_integer(who)
			? json_integer_value(who) > 0
			: role && (!strcmp(role, "requester_id") ||
				   !strcmp(role, "assignee_id"))) &&
	       json_is_string(json_array_get(v, 1)) &&
	       json_is_string(json_array_get(v, 2));
}

static int escalations_check(const json_t *arr, hd_rpc_rep *rep)
{
	const char *f = "hd_escalations";
	if (!json_is_array(arr) || json_array_size(arr) > MAX_ESCALATIONS)
		return sla_invalid(rep, f,
				   "hd_escalations must be an array of "
				   "at most %d escalations",
				   MAX_ESCALATIONS);
	json_t *e, *a;
	size_t i, k;
	json_array_foreach(arr, i, e)
	{
		const char *on = json_string_value(json_object_get(e, "on"));
		json_t *m = json_object_get(e, "metric");
		json_t *acts = json_object_get(e, "actions");
		if (!on || (strcmp(on, "warning") && strcmp(on, "breach")) ||
		    (m && sla_metric_code(json_string_value(m)) < 0) ||
		    !json_is_array(acts) || !json_array_size(acts) ||
		    json_array_size(acts) > MAX_ACTIONS)
			return sla_invalid(
				rep, f,
				"hd_escalations[%zu] needs on "
				"(warning|breach), an optional known "
				"metric and 1–%d actions",
				i, MAX_ACTIONS);
		json_array_foreach(acts, k, a)
		{
			if (!action_ok(a))
				return sla_invalid(
					rep, f,
					"hd_escalations[%zu].actions[%zu]: "
					"field must be priority, status, type, "
					"group_id, assignee_id or "
					"notification_user ([user id or "
					"requester_id|assignee_id, subject, "
					"body]) with a valid value",
					i, k);
		}
	}
	return HD_OK;
}

/* Apply the keys given in in to p (validated); title required. */
static int policy_merge(hd_txn *t, json_t *p, const json_t *in, hd_rpc_rep *rep)
{
	json_t *v, *rows = NULL;
	int rc = HD_OK;
	if ((v = json_object_get(in, "title"))) {
		const char *s = json_string_value(v);
		if (!s || !s[0] || strlen(s) > MAX_TITLE)
			return sla_invalid(rep, "title",
					   "title: cannot be "
					   "blank (at most %d bytes)",
					   MAX_TITLE);
		json_object_set(p, "title", v);
	}
	if ((v = json_object_get(in, "description"))) {
		if (!json_is_string(v) && !json_is_null(v))
			return sla_invalid(rep, "description",
					   "description must be a string");
		json_object_set_new(p, "description",
				    json_string(json_is_string(v)
							? json_string_value(v)
							: ""));
	}
	if ((v = json_object_get(in, "position"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1000000)
			return sla_invalid(rep, "position",
					   "position must be a whole number");
		json_object_set(p, "position", v);
	}
	if ((v = json_object_get(in, "filter"))) {
		if ((rc = sla_filter_check(v, rep)))
			return rc;
		json_object_set_new(
			p, "filter",
			json_pack("{s:O, s:O}", "all",
				  json_object_get(v, "all")
					  ? json_object_get(v, "all")
					  : json_array(),
				  "any",
				  json_object_get(v, "any")
					  ? json_object_get(v, "any")
					  : json_array()));
	}
	if ((v = json_object_get(in, "policy_metrics"))) {
		if ((rc = metrics_read(v, &rows, rep))) {
			json_decref(rows);
			return rc;
		}
		json_object_set_new(p, "policy_metrics", rows);
	}
	if ((v = json_object_get(in, "hd_escalations"))) {
		if ((rc = escalations_check(v, rep)))
			return rc;
		json_object_set(p, "hd_escalations", v);
	}
	if ((v = json_object_get(in, "hd_schedule_id"))) {
		json_int_t id = json_integer_value(v);
		if (!json_is_null(v) &&
		    (!json_is_integer(v) || id < 0 ||
		     (id > 0 && !bh_exists(t, (uint64_t)id))))
			return sla_invalid(
				rep, "hd_schedule_id",
				"hd_schedule_id must name a schedule");
		json_object_set_new(p, "hd_schedule_id", json_integer(id));
	}
	if (!json_is_string(json_object_get(p, "title")))
		return sla_invalid(rep, "title", "title: cannot be blank");
	return HD_OK;
}

static json_t *policy_public(const json_t *p)
{
	json_t *o = json_deep_copy(p), *pm;
	size_t i;
	json_array_foreach(json_object_get(o, "policy_metrics"), i, pm)
		json_object_set_new(
			pm, "target_in_seconds",
			json_integer(json_integer_value(
					     json_object_get(pm, "target")) *
				     60));
	static const char *const times[] = {"created_at", "updated_at"};
	for (size_t k = 0; k < 2; k++)
		json_object_set_new(o, times[k],
				    sla_time_json(json_integer_value(
					    json_object_get(o, times[k]))));
	return o;
}

static int load(sla_job *j, hd_txn *t, json_t **p)
{
	int rc = sla_json_get(t, routing_sla.policies, j->c->id, p);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(j->rep, rc, NULL, "no such SLA policy");
	return rc;
}

static int save(sla_job *j, hd_txn *t, json_t *p)
{
	json_object_set_new(p, "updated_at", json_integer(hd_now_ms()));
	j->id = (uint64_t)json_integer_value(json_object_get(p, "id"));
	j->out = json_pack("{s:o}", "sla_policy", policy_public(p));
	return sla_json_put(t, routing_sla.policies, j->id, p);
}

static json_int_t next_position(hd_txn *t)
{
	json_t *all = NULL, *p;
	json_int_t max = 0;
	size_t i;
	sla_json_all(t, routing_sla.policies, &all);
	json_array_foreach(all, i, p)
	{
		json_int_t v =
			json_integer_value(json_object_get(p, "position"));
		max = v > max ? v : max;
	}
	json_decref(all);
	return max + 1;
}

static int p_create(sla_job *j, hd_txn *t)
{
	json_t *root = NULL, *in;
	int rc = sla_body_object(j->c, j->rep, "sla_policy", &root, &in);
	json_t *p = json_pack("{s:s, s:{s:[], s:[]}, s:[], s:[], s:i}",
			      "description", "", "filter", "all", "any",
			      "policy_metrics", "hd_escalations",
			      "hd_schedule_id", 0);
	if (!rc)
		rc = policy_merge(t, p, in, j->rep);
	uint64_t id = 0;
	if (!rc)
		rc = routing_next_id(t, j->r, "next_sla_policy", &id);
	if (!rc) {
		json_object_set_new(p, "id", json_integer((json_int_t)id));
		if (!json_object_get(p, "position"))
			json_object_set_new(p, "position",
					    json_integer(next_position(t)));
		json_object_set_new(p, "created_at", json_integer(hd_now_ms()));
		rc = save(j, t, p);
	}
	json_decref(p);
	json_decref(root);
	return rc;
}

static int p_update(sla_job *j, hd_txn *t)
{
	json_t *root = NULL, *in, *p = NULL;
	int rc = sla_body_object(j->c, j->rep, "sla_policy", &root, &in);
	if (!rc)
		rc = load(j, t, &p);
	if (!rc)
		rc = policy_merge(t, p, in, j->rep);
	if (!rc)
		rc = save(j, t, p);
	json_decref(p);
	json_decref(root);
	return rc;
}

static int p_delete(sla_job *j, hd_txn *t)
{
	json_t *p = NULL;
	int rc = load(j, t, &p);
	uint8_t key[8];
	hd_key_u64(key, j->c->id);
	if (!rc)
		rc = hd_txn_del(t, routing_sla.policies, key, 8);
	json_decref(p);
	return rc;
}

/* Listed ids take positions 1…n in that order; the others follow in their
 * current order. */
static int p_reorder(sla_job *j, hd_txn *t)
{
	json_error_t err;
	json_t *root = json_loads(j->c->json, 0, &err), *all = NULL, *v, *p;
	json_t *ids = json_object_get(root, "sla_policy_ids");
	int rc =
		json_is_array(ids) && json_array_size(ids) <= 1000
			? sla_json_all(t, routing_sla.policies, &all)
			: sla_invalid(j->rep, "sla_policy_ids",
				      "sla_policy_ids must be an array of ids");
	size_t i, k, n = json_array_size(ids);
	json_array_foreach(ids, i, v)
	{
		bool found = false;
		json_array_foreach(all, k, p) found =
			found || json_equal(json_object_get(p, "id"), v);
		if (!rc && !found)
			rc = sla_invalid(j->rep, "sla_policy_ids",
					 "sla_policy_ids[%zu] is not an SLA "
					 "policy",
					 i);
	}
	json_array_foreach(all, k, p)
	{
		json_int_t pos = -1;
		json_array_foreach(
			ids, i, v) if (pos < 0 &&
				       json_equal(json_object_get(p, "id"), v))
			pos = (json_int_t)i + 1;
		if (pos < 0)
			pos = (json_int_t)(n + 1) +
			      json_integer_value(
				      json_object_get(p, "position"));
		json_object_set_new(p, "position", json_integer(pos));
		if (!rc)
			rc = sla_json_put(t, routing_sla.policies,
					  (uint64_t)json_integer_value(
						  json_object_get(p, "id")),
					  p);
	}
	json_decref(all);
	json_decref(root);
	return rc;
}

static int by_position(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t d = json_integer_value(json_object_get(x, "position")) -
		       json_integer_value(json_object_get(y, "position"));
	if (!d)
		d = json_integer_value(json_object_get(x, "id")) -
		    json_integer_value(json_object_get(y, "id"));
	return (d > 0) - (d < 0);
}

int sla_policies_in_order(hd_txn *t, json_t **out)
{
	json_t *all = NULL;
	int rc = sla_json_all(t, routing_sla.policies, &all);
	size_t n = json_array_size(all);
	json_t **sorted = calloc(n ? n : 1, sizeof *sorted);
	*out = json_array();
	if (!sorted)
		rc = HD_E_NOMEM;
	for (size_t i = 0; sorted && i < n; i++)
		sorted[i] = json_array_get(all, i);
	if (sorted)
		qsort(sorted, n, sizeof *sorted, by_position);
	for (size_t i = 0; sorted && i < n; i++)
		json_array_append(*out, sorted[i]);
	free(sorted);
	json_decref(all);
	return rc;
}

static json_t *definitions(void)
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
					     NULL};
	json_t *list = json_array();
	for (size_t i = 0; fields[i]; i++) {
		bool ordinal = i < 2, tags = !strcmp(fields[i], "current_tags");
		json_t *ops = json_array();
		const char *const *names =
			tags ? (const char *const[]){"includes", "not_includes",
						     NULL}
			: ordinal ? (const char *const[]){"is", "is_not",
							  "less_than",
							  "greater_than", NULL}
				  : (const char *const[]){"is", "is_not", NULL};
		for (size_t k = 0; names[k]; k++)
			json_array_append_new(
				ops, json_pack("{s:s, s:s}", "value", names[k],
					       "title", names[k]));
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:o}", "value", fields[i],
					"title", fields[i], "operators", ops));
	}
	json_array_append_new(
		list, json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "value",
				"custom_fields_<id>", "title", "custom field",
				"operators", "value", "is", "title", "is"));
	return json_pack("{s:{s:O, s:o}}", "definitions", "all", list, "any",
			 list);
}

static int p_read(sla_job *j, hd_txn *t)
{
	if (!strcmp(j->method, "slas.policies.definitions")) {
		j->out = definitions();
		return HD_OK;
	}
	json_t *p = NULL;
	if (!strcmp(j->method, "slas.policies.get")) {
		int rc = load(j, t, &p);
		if (!rc)
			j->out = json_pack("{s:o}", "sla_policy",
					   policy_public(p));
		json_decref(p);
		return rc;
	}
	json_t *all = NULL, *list = json_array(), *v;
	int rc = sla_policies_in_order(t, &all);
	size_t i, n = json_array_size(all);
	json_array_foreach(all, i, v)
		json_array_append_new(list, policy_public(v));
	json_decref(all);
	j->out =
		json_pack("{s:o, s:I, s:n, s:n}", "sla_policies", list, "count",
			  (json_int_t)n, "next_page", "previous_page");
	return rc;
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
