/* SLA policies over HTTP (API.md §8; schedules are schedules.c's), owned by
 * routing (g->peers[0]): the body is read into a typed SlaCall and the
 * typed answer rendered (sla_json.c). Also the `slas` ticket sideload. */
#include "gateway.h"
#include "gw_settle.h"
#include "gw_sla.h"
#include "gw_shared.h"
#include "sla.pb-c.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The policy answer a of method as Zendesk's body. */
static json_t *policy_body(gw_req *r, const char *method,
			   const Hd__SlaAnswer *a)
{
	if (!strcmp(method, "slas.policies.definitions"))
		return gw_sla_definitions_json(a);
	if (!strcmp(method, "slas.policies.reorder"))
		return NULL; /* 200 with no body, as before */
	if (strcmp(method, "slas.policies.list"))
		return a->n_policies ? json_pack("{s:o}", "sla_policy",
						 gw_sla_policy_json(
							 r, a->policies[0]))
				     : NULL;
	json_t *list = json_array();
	for (size_t i = 0; i < a->n_policies; i++)
		json_array_append_new(list,
				      gw_sla_policy_json(r, a->policies[i]));
	return json_pack("{s:o, s:I, s:n, s:n}", "sla_policies", list, "count",
			 (json_int_t)a->n_policies, "next_page",
			 "previous_page");
}

typedef enum { POL_NONE, POL_WRITE, POL_ORDER } pol_body;

static int pol(gw *g, gw_req *r, gw_resp *out, const char *method,
	       unsigned status, pol_body kind, const char *coll)
{
	Hd__SlaCall *c = hd_pb_new(&hd__sla_call__descriptor);
	Hd__SlaAnswer *a = NULL;
	json_t *root = NULL;
	int rc = c ? HD_OK : gw_from_err(out, HD_E_NOMEM, "out of memory");
	if (!rc && kind != POL_NONE)
		rc = gw_parse_body(r, out, &root);
	if (!rc && kind == POL_WRITE)
		rc = gw_sla_policy_read(root, c, out);
	if (!rc && kind == POL_ORDER)
		rc = gw_sla_reorder_read(root, c, out);
	if (!rc) {
		c->id = r->id;
		rc = gw_call(g, ROUTING(g), r, method, c,
			     &hd__sla_answer__descriptor, (void **)&a, out);
	}
	if (!rc) {
		out->status = status;
		json_decref(out->body);
		out->body = status == 204 ? NULL : policy_body(r, method, a);
		if (coll)
			gw_reply_location(r, out, status, coll, a->id);
	}
	hd__sla_answer__free_unpacked(a, NULL);
	hd__sla_call__free_unpacked(c, NULL);
	json_decref(root);
	return rc;
}

#define GW_POL(name, method, status, kind, coll)                               \
	static int name(gw *g, gw_req *r, gw_resp *out)                        \
	{                                                                      \
		return pol(g, r, out, method, status, kind, coll);             \
	}
GW_POL(pol_list, "slas.policies.list", 200, POL_NONE, NULL)
GW_POL(pol_defs, "slas.policies.definitions", 200, POL_NONE, NULL)
GW_POL(pol_get, "slas.policies.get", 200, POL_NONE, NULL)
GW_POL(pol_create, "slas.policies.create", 201, POL_WRITE, "slas/policies")
GW_POL(pol_update, "slas.policies.update", 200, POL_WRITE, NULL)
GW_POL(pol_delete, "slas.policies.delete", 204, POL_NONE, NULL)
GW_POL(pol_reorder, "slas.policies.reorder", 200, POL_ORDER, NULL)

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
	bool ok = ids &&
		  !gw_call(g, ROUTING(g), r, "slas.ticket", &c,
			   &hd__sla_answer__descriptor, (void **)&a, &scratch);
	json_t *one = json_object_get(body, "ticket"), *tk;
	size_t i;
	if (ok && one)
		json_object_set_new(one, "slas",
				    gw_sla_ticket_json(a->n_tickets
							       ? a->tickets[0]
							       : NULL));
	json_array_foreach(json_object_get(body, "tickets"), i, tk)
	{
		uint64_t id =
			(uint64_t)json_integer_value(json_object_get(tk, "id"));
		for (size_t k = 0; ok && k < a->n_tickets; k++)
			if (a->tickets[k]->ticket_id == id) {
				json_object_set_new(
					tk, "slas",
					gw_sla_ticket_json(a->tickets[k]));
				break;
			}
	}
	json_decref(scratch.body);
	hd__sla_answer__free_unpacked(a, NULL);
	free(ids);
}
