/* SLA policies in sla_policies (u64 id → hd.SlaPolicy): get, put, every
 * policy in position order, and the upgrade of the JSON records written
 * before policies were typed (at store open, once: a record that still
 * starts with '{' is JSON — no hd.SlaPolicy encoding starts with that byte,
 * the tag of field 15 as a group). */
#include "sla.h"

#include "hd/err.h"
#include "hd/store_upgrade.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"
#include "hd/vocab.h"

#include <stdlib.h>
#include <string.h>

int sla_policy_get(hd_txn *t, const sla_db *db, uint64_t id,
		   Hd__SlaPolicy **out)
{
	return hd_txn_get_pb_id(t, db->policies, id,
				&hd__sla_policy__descriptor, (void **)out);
}

int sla_policy_put(hd_txn *t, routing *r, const Hd__SlaPolicy *p)
{
	hd_txn_put_pb_id(t, r->sla.policies, p->id, p);
	return sla_policy_gen_bump(t, r);
}

int sla_policy_del(hd_txn *t, routing *r, uint64_t id)
{
	uint8_t key[8];
	hd_key_u64(key, id);
	hd_txn_del(t, r->sla.policies, key, 8);
	return sla_policy_gen_bump(t, r);
}

static int policy_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	sla_policies *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		Hd__SlaPolicy **grown = realloc(l->v, cap * sizeof *grown);
		if (!grown)
			return HD_E_NOMEM;
		l->v = grown;
		l->cap = cap;
	}
	Hd__SlaPolicy *p = hd__sla_policy__unpack(NULL, v->mv_size, v->mv_data);
	if (!p) /* a policy silently left out would move tickets' clocks */
		return HD_E_CORRUPT;
	l->v[l->n++] = p;
	return HD_OK;
}

static int by_position(const void *a, const void *b)
{
	const Hd__SlaPolicy *x = *(Hd__SlaPolicy *const *)a;
	const Hd__SlaPolicy *y = *(Hd__SlaPolicy *const *)b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

int sla_policies_in_order(hd_txn *t, const sla_db *db, sla_policies *out)
{
	memset(out, 0, sizeof *out);
	int rc = hd_txn_foreach(t, db->policies, NULL, 0, policy_one, out);
	if (out->n)
		qsort(out->v, out->n, sizeof *out->v, by_position);
	return rc;
}

void sla_policies_release(sla_policies *l)
{
	for (size_t i = 0; i < l->n; i++)
		hd__sla_policy__free_unpacked(l->v[i], NULL);
	free(l->v);
	memset(l, 0, sizeof *l);
}

int sla_metric_of(const char *name)
{
	int m = sla_metric_code(name);
	return m < 0 ? 0 : m + 1;
}

/* ---- the JSON records of older versions ---- */

static int text_of(const json_t *o, const char *key, char **to)
{
	const char *s = json_string_value(json_object_get(o, key));
	return hd_pb_set_string(to, s ? s : "");
}

static int conditions_of(const json_t *arr, Hd__SlaCondition ***to, size_t *n)
{
	json_t *c;
	size_t i;
	if (!(*to = calloc(json_array_size(arr) + 1, sizeof **to)))
		return HD_E_NOMEM;
	json_array_foreach(arr, i, c)
	{
		Hd__SlaCondition *sc =
			hd_pb_new(&hd__sla_condition__descriptor);
		if (!sc)
			return HD_E_NOMEM;
		(*to)[(*n)++] = sc;
		json_t *v = json_object_get(c, "value");
		int rc = text_of(c, "field", &sc->field);
		if (!rc)
			rc = text_of(c, "operator", &sc->operator_);
		if (!rc)
			rc = hd_rule_value_from_json(v ? v : json_null(),
						     &sc->value);
		if (rc)
			return rc == HD_E_INVALID ? HD_E_CORRUPT : rc;
	}
	return HD_OK;
}

int sla_target_of_json(const json_t *pm, Hd__SlaTarget **out)
{
	Hd__SlaTarget *t = *out = hd_pb_new(&hd__sla_target__descriptor);
	if (!t)
		return HD_E_NOMEM;
	t->priority = hd_priority_of(
		json_string_value(json_object_get(pm, "priority")));
	t->metric = (Hd__SlaMetric)sla_metric_of(
		json_string_value(json_object_get(pm, "metric")));
	t->target = json_integer_value(json_object_get(pm, "target"));
	t->business_hours = json_is_true(json_object_get(pm, "business_hours"));
	return HD_OK;
}

static int escalation_of(const json_t *e, Hd__SlaEscalation **out)
{
	Hd__SlaEscalation *se = *out =
		hd_pb_new(&hd__sla_escalation__descriptor);
	json_t *acts = json_object_get(e, "actions"), *a;
	size_t k;
	if (!se || !(se->actions = calloc(json_array_size(acts) + 1,
					  sizeof *se->actions)))
		return HD_E_NOMEM;
	const char *on = json_string_value(json_object_get(e, "on"));
	se->on = on && !strcmp(on, "warning")
			 ? HD__SLA_ESCALATION__ON__ON_WARNING
			 : HD__SLA_ESCALATION__ON__ON_BREACH;
	se->metric = (Hd__SlaMetric)sla_metric_of(
		json_string_value(json_object_get(e, "metric")));
	json_array_foreach(acts, k, a)
	{
		Hd__RuleAction *ra = hd_pb_new(&hd__rule_action__descriptor);
		if (!ra)
			return HD_E_NOMEM;
		se->actions[se->n_actions++] = ra;
		json_t *v = json_object_get(a, "value");
		int rc = text_of(a, "field", &ra->field);
		if (!rc)
			rc = hd_rule_value_from_json(v ? v : json_null(),
						     &ra->value);
		if (rc)
			return rc == HD_E_INVALID ? HD_E_CORRUPT : rc;
	}
	return HD_OK;
}

/* A stored JSON policy (sla_api.c's format before hd.SlaPolicy) as a heap
 * message in *out (free with hd__sla_policy__free_unpacked, also on
 * failure). */
int sla_policy_of_json(const json_t *o, Hd__SlaPolicy **out)
{
	Hd__SlaPolicy *p = *out = hd_pb_new(&hd__sla_policy__descriptor);
	if (!p)
		return HD_E_NOMEM;
	json_t *filter = json_object_get(o, "filter");
	json_t *pms = json_object_get(o, "policy_metrics");
	json_t *escs = json_object_get(o, "hd_escalations"), *v;
	size_t i;
	p->id = (uint64_t)json_integer_value(json_object_get(o, "id"));
	p->position = json_integer_value(json_object_get(o, "position"));
	p->schedule_id = (uint64_t)json_integer_value(
		json_object_get(o, "hd_schedule_id"));
	p->created_at = json_integer_value(json_object_get(o, "created_at"));
	p->updated_at = json_integer_value(json_object_get(o, "updated_at"));
	int rc = text_of(o, "title", &p->title);
	if (!rc)
		rc = text_of(o, "description", &p->description);
	if (!rc)
		rc = conditions_of(json_object_get(filter, "all"), &p->all,
				   &p->n_all);
	if (!rc)
		rc = conditions_of(json_object_get(filter, "any"), &p->any,
				   &p->n_any);
	if (!rc && (!(p->policy_metrics = calloc(json_array_size(pms) + 1,
						 sizeof *p->policy_metrics)) ||
		    !(p->escalations = calloc(json_array_size(escs) + 1,
					      sizeof *p->escalations))))
		rc = HD_E_NOMEM;
	json_array_foreach(pms, i, v)
	{
		if (!rc)
			rc = sla_target_of_json(
				v, &p->policy_metrics[p->n_policy_metrics++]);
	}
	json_array_foreach(escs, i, v)
	{
		if (!rc)
			rc = escalation_of(v,
					   &p->escalations[p->n_escalations++]);
	}
	return rc;
}

/* One record of sla_upgrade_json: JSON text ('{') becomes fix's message. */
static int json_record(void *arg, const MDB_val *k, const MDB_val *v,
		       ProtobufCMessage **out)
{
	sla_json_fix_fn fix = *(sla_json_fix_fn *)arg;
	if (k->mv_size != 8 || !v->mv_size ||
	    ((const char *)v->mv_data)[0] != '{')
		return HD_OK;
	json_t *o = json_loadb(v->mv_data, v->mv_size, 0, NULL);
	int rc = o ? fix(o, out) : HD_E_CORRUPT;
	json_decref(o);
	return rc;
}

int sla_upgrade_json(hd_txn *t, MDB_dbi dbi, sla_json_fix_fn fix,
		     uint64_t *rewritten)
{
	return hd_txn_rewrite_pb(t, dbi, json_record, &fix, rewritten);
}
