/* The gateway's SLA policy JSON (rules/sla_json.c): Zendesk's sla_policy
 * object into the typed hd.SlaCall routing checks and saves, and routing's
 * typed answers (policies, definitions, the ticket sideload) back into
 * Zendesk's JSON. Only JSON types are checked here; which values are
 * allowed is routing's (sla_api.c). No state; any thread. */
#ifndef GW_SLA_H
#define GW_SLA_H

#include "gateway.h"
#include "sla.pb-c.h"

/* root's "sla_policy" into c->policy with c->fields naming each key set
 * (heap members: free c's members with protobuf-c's free of an unpacked
 * SlaCall). 422 naming the key on a wrong JSON type. */
int gw_sla_policy_read(const json_t *root, Hd__SlaCall *c, gw_resp *out);
/* root's "sla_policy_ids" into c->policy_ids; 422 otherwise. */
int gw_sla_reorder_read(const json_t *root, Hd__SlaCall *c, gw_resp *out);

/* Zendesk's JSON of p (with url), of the definitions in a, of one
 * ticket's sideload (t may be NULL: no metrics). New references. */
json_t *gw_sla_policy_json(const gw_req *r, const Hd__SlaPolicy *p);
json_t *gw_sla_definitions_json(const Hd__SlaAnswer *a);
json_t *gw_sla_ticket_json(const Hd__SlaTicketSlas *t);

/* hd.SlaMetric ⇄ Zendesk's metric name ("" / 0 when unknown). */
const char *gw_sla_metric_name(int metric);
int gw_sla_metric_parse(const char *name);

#endif
