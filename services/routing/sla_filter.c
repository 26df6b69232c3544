/* SLA policy filters ({"all":[…],"any":[…]} of {field,operator,value},
 * API.md §8; hd.SlaCondition) evaluated with the view conditions' matcher
 * (views_match.c), so SLAs and views agree on what "priority greater_than
 * normal" means. */
#include "sla.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONDITIONS 50

typedef struct sla_cond {
	Hd__ViewCondition c;
	char value[64];
} sla_cond;

/* Sized to the policy's conditions: sla_cache.c keeps one per policy. */
struct sla_view {
	Hd__View v;
	Hd__ViewCondition **ptrs;
	sla_cond conds[];
};

void sla_filter_free(sla_view *sv)
{
	if (sv)
		free(sv->ptrs);
	free(sv);
}

/* Room for p's conditions (as many as to_view may fill). */
static sla_view *view_new(const Hd__SlaPolicy *p)
{
	size_t n = (p->n_all < MAX_CONDITIONS ? p->n_all : MAX_CONDITIONS) +
		   (p->n_any < MAX_CONDITIONS ? p->n_any : MAX_CONDITIONS);
	sla_view *sv = calloc(1, sizeof *sv + n * sizeof sv->conds[0]);
	if (sv && !(sv->ptrs = calloc(n ? n : 1, sizeof *sv->ptrs))) {
		free(sv);
		sv = NULL;
	}
	return sv;
}

/* Zendesk sends values as strings or numbers (null: ""). */
static bool value_text(const Hd__RuleValue *v, char out[64])
{
	if (!v || v->kind == HD__RULE_VALUE__KIND__VALUE_NULL) {
		out[0] = '\0';
		return true;
	}
	if (v->kind != HD__RULE_VALUE__KIND__VALUE_TEXT &&
	    v->kind != HD__RULE_VALUE__KIND__VALUE_NUMBER)
		return false;
	return (size_t)snprintf(out, 64, "%s", v->text) < 64;
}

/* p's filter → a view's conditions; field/why say what is wrong. */
static int to_view(const Hd__SlaPolicy *p, sla_view *sv, hd_rpc_rep *rep)
{
	static const char *const parts[] = {"all", "any"};
	Hd__SlaCondition *const *lists[] = {p->all, p->any};
	const size_t counts[] = {p->n_all, p->n_any};
	hd__view__init(&sv->v);
	size_t n = 0;
	for (size_t k = 0; k < 2; k++) {
		if (counts[k] > MAX_CONDITIONS)
			return hd_rpc_fail(rep, HD_E_INVALID, "filter",
					   "at most %d "
					   "conditions in filter.%s",
					   MAX_CONDITIONS, parts[k]);
		size_t first = n;
		for (size_t i = 0; i < counts[k]; i++) {
			const Hd__SlaCondition *c = lists[k][i];
			Hd__ViewCondition *vc = &sv->conds[n].c;
			hd__view_condition__init(vc);
			if (!value_text(c->value, sv->conds[n].value))
				return hd_rpc_fail(rep, HD_E_INVALID, "filter",
						   "filter.%s[%zu] needs "
						   "field, operator and a "
						   "string value",
						   parts[k], i);
			vc->field = c->field;
			vc->operator_ = c->operator_;
			vc->value = sv->conds[n].value;
			sv->ptrs[n++] = vc;
		}
		if (k == 0) {
			sv->v.all = sv->ptrs + first;
			sv->v.n_all = n - first;
		} else {
			sv->v.any = sv->ptrs + first;
			sv->v.n_any = n - first;
		}
	}
	return HD_OK;
}

int sla_filter_check(const Hd__SlaPolicy *p, hd_rpc_rep *rep)
{
	sla_view *sv = view_new(p);
	if (!sv)
		return HD_E_NOMEM;
	int rc = to_view(p, sv, rep);
	for (size_t i = 0; !rc && i < sv->v.n_all + sv->v.n_any; i++) {
		const Hd__ViewCondition *c = sv->ptrs[i];
		if ((rc = routing_condition_check(c, rep)))
			hd_rpc_fail(rep, HD_E_INVALID, "filter",
				    "filter: '%.64s %.32s %.64s' is not a "
				    "supported SLA condition",
				    c->field, c->operator_, c->value);
	}
	sla_filter_free(sv);
	return rc;
}

int sla_filter_build(const Hd__SlaPolicy *p, sla_view **out)
{
	hd_rpc_rep scratch = {0};
	sla_view *sv = *out = view_new(p);
	if (!sv)
		return HD_E_NOMEM;
	if (to_view(p, sv, &scratch) != HD_OK) { /* matches no ticket */
		sla_filter_free(sv);
		*out = NULL;
	}
	return HD_OK;
}

bool sla_filter_test(const sla_view *sv, const Hd__Ticket *tk)
{
	hd_principal nobody = {0};
	return sv && routing_view_match(&sv->v, tk, &nobody);
}
