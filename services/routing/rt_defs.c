/* rules.definitions (API.md §7): the condition fields, operators and
 * values, and the actions, a rule of a kind may hold — the same tables
 * rt_cond.c and rt_act.c check saved rules with — as hd.RuleDefinitions
 * (the gateway renders Zendesk's JSON and adds custom fields, groups and
 * agents, which intake owns). Admins only; nothing is written. */
#include "rt_rules.h"

#include "hd/err.h"
#include "hd/vocab.h"
#include "hd/req_decode.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

static int set_text(char **to, json_t *v)
{
	return hd_pb_set_string(to,
				json_is_string(v) ? json_string_value(v) : "");
}

/* [{value, terminal}] into a new operator array. */
static int operators_of(json_t *list, Hd__RuleOperator ***out, size_t *n)
{
	size_t count = json_array_size(list), i;
	json_t *x;
	*n = 0;
	if (!(*out = calloc(count + 1, sizeof **out)))
		return HD_E_NOMEM;
	json_array_foreach(list, i, x)
	{
		Hd__RuleOperator *o = hd_pb_new(&hd__rule_operator__descriptor);
		if (!o)
			return HD_E_NOMEM;
		(*out)[(*n)++] = o;
		o->terminal = json_is_true(json_object_get(x, "terminal"));
		if (set_text(&o->value, json_object_get(x, "value")))
			return HD_E_NOMEM;
	}
	return HD_OK;
}

static int definition_of(json_t *d, Hd__RuleDefinition **out)
{
	Hd__RuleDefinition *def = *out =
		hd_pb_new(&hd__rule_definition__descriptor);
	json_t *vals = json_object_get(d, "values"), *x;
	size_t i;
	if (!def || set_text(&def->subject, json_object_get(d, "subject")) ||
	    set_text(&def->group, json_object_get(d, "group")) ||
	    set_text(&def->type, json_object_get(d, "type")) ||
	    operators_of(json_object_get(d, "operators"), &def->operators,
			 &def->n_operators) ||
	    !(def->values =
		      calloc(json_array_size(vals) + 1, sizeof *def->values)))
		return HD_E_NOMEM;
	json_array_foreach(vals, i, x)
	{
		Hd__RuleChoice *c = hd_pb_new(&hd__rule_choice__descriptor);
		if (!c)
			return HD_E_NOMEM;
		def->values[def->n_values++] = c;
		if (set_text(&c->value, json_object_get(x, "value")) ||
		    set_text(&c->title, json_object_get(x, "title")))
			return HD_E_NOMEM;
	}
	return HD_OK;
}

static int definitions_of(json_t *list, Hd__RuleDefinition ***out, size_t *n)
{
	size_t count = json_array_size(list), i;
	json_t *x;
	*n = 0;
	if (!(*out = calloc(count + 1, sizeof **out)))
		return HD_E_NOMEM;
	json_array_foreach(list, i, x)
	{
		int rc = definition_of(x, &(*out)[*n]);
		if ((*out)[*n])
			(*n)++;
		if (rc)
			return rc;
	}
	return HD_OK;
}

static int build(bool automation, Hd__RuleDefinitions *d)
{
	json_t *conds = rt_cond_definitions(automation);
	json_t *acts = rt_act_definitions();
	json_t *ops = rt_cond_custom_operators(automation);
	int rc = conds && acts && ops ? HD_OK : HD_E_NOMEM;
	if (!rc)
		rc = definitions_of(conds, &d->conditions, &d->n_conditions);
	if (!rc)
		rc = definitions_of(acts, &d->actions, &d->n_actions);
	if (!rc)
		rc = operators_of(ops, &d->custom_field_operators,
				  &d->n_custom_field_operators);
	json_decref(conds);
	json_decref(acts);
	json_decref(ops);
	return rc;
}

int rt_definitions(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	(void)ctx;
	Hd__RuleDefinitionsRequest *q = NULL;
	if (!hd_role_is_admin(req->principal.role))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "the rule builder is for admins");
	if (hd_req_decode(req, rep, &hd__rule_definitions_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	Hd__RuleDefinitions *d = hd_pb_new(&hd__rule_definitions__descriptor);
	int rc = d ? build(!strcmp(q->kind, "automation"), d) : HD_E_NOMEM;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, d);
	if (d)
		hd__rule_definitions__free_unpacked(d, NULL);
	hd__rule_definitions_request__free_unpacked(q, NULL);
	return rc;
}
