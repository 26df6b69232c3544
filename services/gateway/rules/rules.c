/* Triggers and automations over HTTP (API.md §7): /triggers and
 * /automations — list, active, search, show, create, update, delete and
 * reorder — answered by routing (g->peers[0]). The body becomes a typed
 * rules.save (rules_read.c); routing checks the values, so conditions are
 * validated in one place. */
#include "gw_rules.h"
#include "gw_shared.h"
#include "rule.pb-c.h"

#include "hd/err.h"
#include "hd/rule_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUERY 256

/* "trigger" or "automation", from the path. */
static const char *kind_of(const gw_req *r)
{
	return strncmp(r->path, "/api/v2/triggers", 16) == 0 ? "trigger"
							     : "automation";
}

static const char *plural(const char *kind)
{
	return kind[0] == 't' ? "triggers" : "automations";
}

static json_t *conds_json(Hd__RuleCondition **c, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "field",
						   c[i]->field, "operator",
						   c[i]->operator_, "value",
						   c[i]->value));
	return a;
}

static json_t *rule_json(const gw_req *r, const Hd__Rule *rule)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/%s/%llu.json", r->base_url,
		 plural(rule->kind), (unsigned long long)rule->id);
	json_t *actions = json_array();
	for (size_t i = 0; i < rule->n_actions; i++) {
		json_t *v = hd_rule_value_json(rule->actions[i]->value);
		json_array_append_new(actions,
				      json_pack("{s:s, s:o}", "field",
						rule->actions[i]->field,
						"value", v ? v : json_null()));
	}
	json_t *o = json_pack(
		"{s:s, s:I, s:s, s:s, s:b, s:o, s:o, s:b, s:o, s:o, s:s, "
		"s:I}",
		"url", url, "id", (json_int_t)rule->id, "title", rule->title,
		"raw_title", rule->title, "active", rule->active, "updated_at",
		gw_time_json(rule->updated_at), "created_at",
		gw_time_json(rule->created_at), "default", rule->default_,
		"actions", actions, "conditions",
		json_pack("{s:o, s:o}", "all",
			  conds_json(rule->all, rule->n_all), "any",
			  conds_json(rule->any, rule->n_any)),
		"description", rule->description, "position",
		(json_int_t)rule->position);
	if (rule->kind[0] == 't')
		json_object_set_new(o, "category_id",
				    gw_str_or_null(rule->category_id));
	return o;
}

static int get_rule(gw *g, gw_req *r, Hd__Rule **rule, gw_resp *out)
{
	Hd__RuleRef ref = HD__RULE_REF__INIT;
	ref.kind = (char *)kind_of(r);
	ref.id = r->id;
	return gw_call(g, ROUTING(g), r, "rules.get", &ref,
		       &hd__rule__descriptor, (void **)rule, out);
}

/* id 0: create. */
static int write_rule(gw *g, gw_req *r, uint64_t id, unsigned status,
		      gw_resp *out)
{
	const char *kind = kind_of(r);
	json_t *root = NULL, *obj = NULL;
	Hd__Rule *saved = NULL;
	Hd__RuleSaveRequest sr = HD__RULE_SAVE_REQUEST__INIT;
	gw_rule_input in;
	memset(&in, 0, sizeof in);
	sr.kind = (char *)kind;
	sr.id = id;
	int rc = gw_req_object(r, out, kind, &root, &obj);
	if (!rc)
		rc = gw_rule_read(obj, kind, &in, &sr, out);
	if (!rc)
		rc = gw_call(g, ROUTING(g), r, "rules.save", &sr,
			     &hd__rule__descriptor, (void **)&saved, out);
	if (!rc && kind[0] == 't')
		gw_trig_sync(g, r);
	if (!rc) {
		gw_reply_one(out, status, kind, rule_json(r, saved));
		gw_reply_location(r, out, status, plural(kind), saved->id);
	}
	hd__rule__free_unpacked(saved, NULL);
	gw_rule_input_release(&in);
	json_decref(root);
	return rc;
}

static int rules_create(gw *g, gw_req *r, gw_resp *out)
{
	return write_rule(g, r, 0, 201, out);
}

static int rules_update(gw *g, gw_req *r, gw_resp *out)
{
	return write_rule(g, r, r->id, 200, out);
}

static int rules_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Rule *rule = NULL;
	int rc = get_rule(g, r, &rule, out);
	if (!rc)
		gw_reply_one(out, 200, kind_of(r), rule_json(r, rule));
	hd__rule__free_unpacked(rule, NULL);
	return rc;
}

static int rules_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__RuleRef ref = HD__RULE_REF__INIT, *reply = NULL;
	ref.kind = (char *)kind_of(r);
	ref.id = r->id;
	int rc = gw_call(g, ROUTING(g), r, "rules.delete", &ref,
			 &hd__rule_ref__descriptor, (void **)&reply, out);
	hd__rule_ref__free_unpacked(reply, NULL);
	if (!rc && ref.kind[0] == 't')
		gw_trig_sync(g, r);
	if (!rc)
		out->status = 204;
	return rc;
}

static int list(gw *g, gw_req *r, gw_resp *out, bool active_only,
		const char *query)
{
	gw_page p;
	int rc = gw_page_parse(r, &p, 100, 10000, out);
	if (rc)
		return rc;
	Hd__RuleListRequest lr = HD__RULE_LIST_REQUEST__INIT;
	lr.kind = (char *)kind_of(r);
	lr.active_only = active_only;
	lr.query = (char *)(query ? query : "");
	Hd__RuleList *l = NULL;
	rc = gw_call(g, ROUTING(g), r, "rules.list", &lr,
		     &hd__rule_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_rules; i++)
		json_array_append_new(arr, rule_json(r, l->rules[i]));
	out->status = 200;
	out->body = json_pack("{s:o}", plural(lr.kind), arr);
	p.page = 1; /* every rule fits one page */
	gw_page_links(r, &p, out->body, l->n_rules, 0, NULL, NULL);
	hd__rule_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int rules_list(gw *g, gw_req *r, gw_resp *out)
{
	const char *active = gw_query(r, "active");
	return list(g, r, out, active && !strcmp(active, "true"), NULL);
}

static int rules_active(gw *g, gw_req *r, gw_resp *out)
{
	return list(g, r, out, true, NULL);
}

static int rules_search(gw *g, gw_req *r, gw_resp *out)
{
	const char *q = gw_query(r, "query");
	if (!q || !q[0] || strlen(q) > MAX_QUERY)
		return gw_error(out, 400, "InvalidParameter",
				"query: is required (at most 256 bytes)");
	const char *active = gw_query(r, "active");
	return list(g, r, out, active && !strcmp(active, "true"), q);
}

/* {"trigger_ids":[…]} / {"automation_ids":[…]} */
static int rules_reorder(gw *g, gw_req *r, gw_resp *out)
{
	const char *key =
		kind_of(r)[0] == 't' ? "trigger_ids" : "automation_ids";
	json_t *root = NULL;
	int rc = gw_parse_body(r, out, &root);
	if (rc)
		return rc;
	json_t *ids = json_object_get(root, key), *x;
	size_t n = json_array_size(ids), i;
	uint64_t *vals = calloc(n ? n : 1, sizeof *vals);
	if (!json_is_array(ids) || !vals)
		rc = gw_invalid(out, key, "must be an array of ids");
	json_array_foreach(ids, i, x)
	{
		if (rc)
			break;
		if (!json_is_integer(x) || json_integer_value(x) <= 0)
			rc = gw_invalid(out, key, "must be an array of ids");
		else
			vals[i] = (uint64_t)json_integer_value(x);
	}
	if (!rc) {
		Hd__RuleReorder ro = HD__RULE_REORDER__INIT;
		Hd__RuleReorder *reply = NULL;
		ro.kind = (char *)kind_of(r);
		ro.ids = vals;
		ro.n_ids = n;
		rc = gw_call(g, ROUTING(g), r, "rules.reorder", &ro,
			     &hd__rule_reorder__descriptor, (void **)&reply,
			     out);
		hd__rule_reorder__free_unpacked(reply, NULL);
		if (!rc && ro.kind[0] == 't')
			gw_trig_sync(g, r);
	}
	free(vals);
	json_decref(root);
	return rc ? rc : list(g, r, out, false, NULL);
}

#define RULE_ROUTES(base)                                                      \
	{"GET", base, rules_list, GW_AUTH_USER},                               \
		{"POST", base, rules_create, GW_AUTH_USER},                    \
		{"GET", base "/active", rules_active, GW_AUTH_USER},           \
		{"GET", base "/search", rules_search, GW_AUTH_USER},           \
		{"PUT", base "/reorder", rules_reorder, GW_AUTH_USER},         \
		{"GET", base "/{id}", rules_show, GW_AUTH_USER},               \
		{"PUT", base "/{id}", rules_update, GW_AUTH_USER},             \
	{                                                                      \
		"DELETE", base "/{id}", rules_delete, GW_AUTH_USER             \
	}

const gw_route gw_rule_routes[] = {
	RULE_ROUTES("/api/v2/triggers"),
	RULE_ROUTES("/api/v2/automations"),
	{NULL, NULL, NULL, 0},
};
