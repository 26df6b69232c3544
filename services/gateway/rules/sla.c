/* SLA policies over HTTP (API.md §8; schedules are schedules.c's): every
 * route forwards the Zendesk JSON body to routing (g->peers[0]), which
 * validates, stores and answers in the Zendesk shape; here only the url
 * fields and Location headers, which need the caller's host, are added.
 * Also the `slas` ticket sideload. */
#include "gateway.h"
#include "gw_shared.h"
#include "sla.pb-c.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The {s} holiday id: the path's last segment. */
static int holiday_id(gw_req *r, uint64_t *id, gw_resp *out)
{
	const char *s = strrchr(r->path, '/');
	if (!s || hd_parse_u64(s + 1, id) || !*id)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	return HD_OK;
}

static void add_url(gw_req *r, json_t *o, const char *coll)
{
	char url[700];
	json_int_t id = json_integer_value(json_object_get(o, "id"));
	snprintf(url, sizeof url, "%s/api/v2/%s/%lld.json", r->base_url, coll,
		 (long long)id);
	json_object_set_new(o, "url", json_string(url));
}

/* Policies carry url (Zendesk does); schedules do not. */
static void add_urls(gw_req *r, json_t *body)
{
	json_t *one = json_object_get(body, "sla_policy"), *v;
	size_t i;
	if (one)
		add_url(r, one, "slas/policies");
	json_array_foreach(json_object_get(body, "sla_policies"), i, v)
		add_url(r, v, "slas/policies");
}

typedef enum { BODY_NONE, BODY_JSON, BODY_TEXT } body_kind;

static int fwd(gw *g, gw_req *r, gw_resp *out, const char *method,
	       unsigned status, body_kind kind, int sub, const char *coll)
{
	Hd__SlaCall c = HD__SLA_CALL__INIT;
	Hd__SlaAnswer *a = NULL;
	json_t *root = NULL;
	char *json = NULL;
	int rc = sub ? holiday_id(r, &c.sub, out) : HD_OK;
	c.id = r->id;
	if (!rc && kind == BODY_JSON && !(rc = gw_parse_body(r, out, &root)))
		c.json = json = json_dumps(root, JSON_COMPACT);
	if (!rc && kind == BODY_JSON && !json)
		rc = gw_from_err(out, HD_E_NOMEM, "out of memory");
	if (!rc && kind == BODY_TEXT) {
		const char *b = r->body.data ? r->body.data : "";
		if (!hd_utf8_valid(b, r->body.len))
			rc = gw_invalid(out, "body",
					"the calendar is not UTF-8 text");
		c.text = (char *)b;
	}
	if (!rc)
		rc = gw_call(g, ROUTING(g), r, method, &c,
			     &hd__sla_answer__descriptor, (void **)&a, out);
	if (!rc) {
		out->status = status;
		json_decref(out->body);
		out->body = status == 204 ? NULL : json_loads(a->json, 0, NULL);
		if (out->body)
			add_urls(r, out->body);
		if (coll)
			gw_reply_location(r, out, status, coll, a->id);
	}
	hd__sla_answer__free_unpacked(a, NULL);
	free(json);
	json_decref(root);
	return rc;
}

#define GW_SLA(name, method, status, kind, sub, coll)                          \
	static int name(gw *g, gw_req *r, gw_resp *out)                        \
	{                                                                      \
		return fwd(g, r, out, method, status, kind, sub, coll);        \
	}
GW_SLA(pol_list, "slas.policies.list", 200, BODY_NONE, 0, NULL)
GW_SLA(pol_defs, "slas.policies.definitions", 200, BODY_NONE, 0, NULL)
GW_SLA(pol_get, "slas.policies.get", 200, BODY_NONE, 0, NULL)
GW_SLA(pol_create, "slas.policies.create", 201, BODY_JSON, 0, "slas/policies")
GW_SLA(pol_update, "slas.policies.update", 200, BODY_JSON, 0, NULL)
GW_SLA(pol_delete, "slas.policies.delete", 204, BODY_NONE, 0, NULL)
GW_SLA(pol_reorder, "slas.policies.reorder", 200, BODY_JSON, 0, NULL)

const gw_route gw_sla_routes[] = {
	{"GET", "/api/v2/slas/policies", pol_list, GW_AUTH_USER},
	{"POST", "/api/v2/slas/policies", pol_create, GW_AUTH_ADMIN},
	{"GET", "/api/v2/slas/policies/definitions", pol_defs, GW_AUTH_USER},
	{"PUT", "/api/v2/slas/policies/reorder", pol_reorder, GW_AUTH_ADMIN},
	{"GET", "/api/v2/slas/policies/{id}", pol_get, GW_AUTH_USER},
	{"PUT", "/api/v2/slas/policies/{id}", pol_update, GW_AUTH_ADMIN},
	{"DELETE", "/api/v2/slas/policies/{id}", pol_delete, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};

static bool staff(const gw_req *r)
{
	return hd_role_is_agent(r->who.role);
}

/* include=slas: "slas":{"policy_metrics":[…]} inside each ticket. Left out
 * for end-users and when routing cannot answer (a sideload never fails
 * the request). */
void gw_sla_sideload(gw *g, gw_req *r, json_t *body, Hd__Ticket *const *tks,
		     size_t n)
{
	if (!staff(r) || n == 0)
		return;
	Hd__SlaCall c = HD__SLA_CALL__INIT;
	Hd__SlaAnswer *a = NULL;
	gw_resp scratch = {0};
	uint64_t *ids = calloc(n, sizeof *ids);
	for (size_t i = 0; ids && i < n; i++)
		ids[i] = tks[i]->id;
	c.ids = ids;
	c.n_ids = ids ? n : 0;
	json_t *ans = NULL;
	if (ids && !gw_call(g, ROUTING(g), r, "slas.ticket", &c,
			    &hd__sla_answer__descriptor, (void **)&a, &scratch))
		ans = json_loads(a->json, 0, NULL);
	json_t *one = json_object_get(body, "ticket"), *tk;
	size_t i;
	json_t *all = json_object_get(ans, "tickets");
	char key[24];
	if (one && ids) {
		snprintf(key, sizeof key, "%llu", (unsigned long long)ids[0]);
		json_object_set(one, "slas", json_object_get(all, key));
	}
	json_array_foreach(json_object_get(body, "tickets"), i, tk)
	{
		snprintf(key, sizeof key, "%lld",
			 (long long)json_integer_value(
				 json_object_get(tk, "id")));
		if (json_object_get(all, key))
			json_object_set(tk, "slas", json_object_get(all, key));
	}
	json_decref(ans);
	json_decref(scratch.body);
	hd__sla_answer__free_unpacked(a, NULL);
	free(ids);
}
