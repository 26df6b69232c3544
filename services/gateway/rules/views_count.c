/* A view's count as Zendesk answers it: /views/{id}/count's view_count
 * object, and /views/count_many?ids= — the counts of those views the
 * caller may see, from one routing RPC (views.count_many). Routing decides
 * who sees which view and leaves the others out, so an id in the list
 * tells nothing about a view the caller may not see. */
#include "gw_views.h"

#include "gw_tickets.h"
#include "hd/err.h"

#include <stdio.h>

json_t *gw_view_count_json(const gw_req *r, uint64_t id, uint64_t count,
			   bool building)
{
	char url[400], pretty[24];
	snprintf(url, sizeof url, "%s/api/v2/views/%llu/count.json",
		 r->base_url, (unsigned long long)id);
	snprintf(pretty, sizeof pretty, "%llu", (unsigned long long)count);
	return json_pack("{s:s, s:I, s:I, s:s, s:b}", "url", url, "view_id",
			 (json_int_t)id, "value", (json_int_t)count, "pretty",
			 pretty, "fresh",
			 !building); /* false while its index builds */
}

int gw_views_count_many(gw *g, gw_req *r, gw_resp *out)
{
	uint64_t ids[GW_MAX_SHOW_MANY];
	Hd__ViewCountsRequest q = HD__VIEW_COUNTS_REQUEST__INIT;
	Hd__ViewCounts *vc = NULL;
	int rc = gw_ids_param(r, ids, &q.n_ids, out);
	if (rc)
		return rc;
	q.ids = ids; /* routing counts a repeated id once */
	rc = gw_call(g, ROUTING(g), r, "views.count_many", &q,
		     &hd__view_counts__descriptor, (void **)&vc, out);
	if (rc)
		return rc;
	json_t *counts = json_array();
	for (size_t i = 0; i < vc->n_counts; i++) {
		const Hd__ViewCount *c = vc->counts[i];
		json_array_append_new(
			counts,
			gw_view_count_json(r, c->id, c->count, c->building));
	}
	hd__view_counts__free_unpacked(vc, NULL);
	out->status = 200;
	out->body = json_pack("{s:o}", "view_counts", counts);
	return HD_OK;
}
