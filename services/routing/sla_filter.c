/* SLA policy filters ({"all":[…],"any":[…]} of {field,operator,value},
 * API.md §8) evaluated with the view conditions' matcher (views_match.c),
 * so SLAs and views agree on what "priority greater_than normal" means. */
#include "sla.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONDITIONS 50

typedef struct sla_view {
	Hd__View v;
	Hd__ViewCondition conds[2 * MAX_CONDITIONS];
	Hd__ViewCondition *ptrs[2 * MAX_CONDITIONS];
	char values[2 * MAX_CONDITIONS][64];
} sla_view;

/* Zendesk sends values as strings or numbers. */
static bool value_text(const json_t *v, char out[64])
{
	if (json_is_string(v))
		return (size_t)snprintf(out, 64, "%s", json_string_value(v)) <
		       64;
	if (json_is_integer(v))
		return snprintf(out, 64, "%lld",
				(long long)json_integer_value(v)) > 0;
	if (json_is_null(v) || !v) {
		out[0] = '\0';
		return true;
	}
	return false;
}

/* filter → a view's conditions; field/why say what is wrong. */
static int to_view(const json_t *filter, sla_view *sv, hd_rpc_rep *rep)
{
	static const char *const parts[] = {"all", "any"};
	hd__view__init(&sv->v);
	size_t n = 0;
	if (filter && !json_is_object(filter))
		return sla_invalid(rep, "filter", "filter must be an object");
	for (size_t p = 0; p < 2; p++) {
		json_t *arr = json_object_get(filter, parts[p]), *c;
		if (arr && !json_is_array(arr))
			return sla_invalid(rep, "filter",
					   "filter.%s must be "
					   "an array",
					   parts[p]);
		if (json_array_size(arr) > MAX_CONDITIONS)
			return sla_invalid(rep, "filter",
					   "at most %d "
					   "conditions in filter.%s",
					   MAX_CONDITIONS, parts[p]);
		size_t first = n, i;
		json_array_foreach(arr, i, c)
		{
			Hd__ViewCondition *vc = &sv->conds[n];
			hd__view_condition__init(vc);
			const char *f =
				json_string_value(json_object_get(c, "field"));
			const char *op = json_string_value(
				json_object_get(c, "operator"));
			if (!f || !op ||
			    !value_text(json_object_get(c, "value"),
					sv->values[n]))
				return sla_invalid(rep, "filter",
						   "filter.%s[%zu] needs "
						   "field, operator and a "
						   "string value",
						   parts[p], i);
			vc->field = (char *)f;
			vc->operator_ = (char *)op;
			vc->value = sv->values[n];
			sv->ptrs[n++] = vc;
		}
		if (p == 0) {
			sv->v.all = sv->ptrs + first;
			sv->v.n_all = n - first;
		} else {
			sv->v.any = sv->ptrs + first;
			sv->v.n_any = n - first;
		}
	}
	return HD_OK;
}

int sla_filter_check(const json_t *filter, hd_rpc_rep *rep)
{
	sla_view *sv = calloc(1, sizeof *sv);
	if (!sv)
		return HD_E_NOMEM;
	int rc = to_view(filter, sv, rep);
	for (size_t i = 0; !rc && i < sv->v.n_all + sv->v.n_any; i++) {
		const Hd__ViewCondition *c = sv->ptrs[i];
		if ((rc = routing_condition_check(c, rep)))
			sla_invalid(rep, "filter",
				    "filter: '%.64s %.32s %.64s' is not a "
				    "supported SLA condition",
				    c->field, c->operator_, c->value);
	}
	free(sv);
	return rc;
}

bool sla_filter_match(const json_t *filter, const Hd__Ticket *tk)
{
	hd_rpc_rep scratch = {0};
	hd_principal nobody = {0};
	sla_view *sv = calloc(1, sizeof *sv);
	bool ok = sv && to_view(filter, sv, &scratch) == HD_OK &&
		  routing_view_match(&sv->v, tk, &nobody);
	free(sv);
	return ok;
}
