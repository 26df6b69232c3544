/* A view's count as Zendesk answers it: /views/{id}/count's view_count
 * object, and /views/count_many?ids= — the counts of those views the
 * caller may see. Routing decides who sees which view (views.tickets
 * answers 404 for the others); count_many leaves those out, so an id
 * in the list tells nothing about a view the caller may not see. */
#include "gw_views.h"

#include "gw_tickets.h"
#include "hd/err.h"

#include <stdio.h>

json_t *gw_view_count_json(const gw_req *r, uint64_t id,
			   const Hd__ViewTickets *vt)
{
	char url[400], pretty[24];
	snprintf(url, sizeof url, "%s/api/v2/views/%llu/count.json",
		 r->base_url, (unsigned long long)id);
	snprintf(pretty, sizeof pretty, "%llu", (unsigned long long)vt->count);
	return json_pack("{s:s, s:I, s:I, s:s, s:b}", "url", url, "view_id",
			 (json_int_t)id, "value", (json_int_t)vt->count,
			 "pretty", pretty, "fresh",
			 !vt->building); /* false while its index builds */
}

/* One view's count into counts; a view the caller may not see (routing's
 * 404) is left out, any other failure answers for the whole request. */
static int count_one(gw *g, gw_req *r, uint64_t id, json_t *counts,
		     gw_resp *out)
{
	Hd__ViewTicketsRequest q = HD__VIEW_TICKETS_REQUEST__INIT;
	Hd__ViewTickets *vt = NULL;
	q.id = id;
	q.limit = 0; /* only the count */
	q.sort_by = "";
	q.sort_order = "";
	int rc = gw_call(g, ROUTING(g), r, "views.tickets", &q,
			 &hd__view_tickets__descriptor, (void **)&vt, out);
	if (rc == HD_E_NOTFOUND) {
		json_decref(out->body);
		out->body = NULL;
		out->status = 0;
		return HD_OK;
	}
	if (!rc)
		json_array_append_new(counts, gw_view_count_json(r, id, vt));
	hd__view_tickets__free_unpacked(vt, NULL);
	return rc;
}

int gw_views_count_many(gw *g, gw_req *r, gw_resp *out)
{
	uint64_t ids[GW_MAX_SHOW_MANY];
	size_t n = 0;
	int rc = gw_ids_param(r, ids, &n, out);
	if (rc)
		return rc;
	json_t *counts = json_array();
	for (size_t i = 0; i < n && !rc; i++) {
		bool seen = false; /* ?ids=3,3 counts view 3 once */
		for (size_t j = 0; j < i; j++)
			seen = seen || ids[j] == ids[i];
		if (!seen)
			rc = count_one(g, r, ids[i], counts, out);
	}
	if (rc) {
		json_decref(counts);
		return rc;
	}
	out->status = 200;
	out->body = json_pack("{s:o}", "view_counts", counts);
	return HD_OK;
}
