/* A user's live view counts for the stream: the active views routing
 * shows that user (views.list under their principal, so restricted views
 * stay theirs) and their counts (one views.count_many for all). Exact,
 * from routing's own copy of the tickets; the hub asks at most once a
 * second per user, whatever the number of the user's open tabs. */
#include "gw_stream.h"

#include "hd/err.h"
#include "view.pb-c.h"

#include <stdio.h>

#define MAX_VIEWS 64

static int call(gw *g, const char *method, const ProtobufCMessage *q,
		const hd_principal *who, hd_rpc_result *res)
{
	uint8_t buf[1024]; /* MAX_VIEWS ids of at most 10 bytes each */
	size_t len = protobuf_c_message_get_packed_size(q);
	if (len > sizeof buf)
		return HD_E_INVALID;
	protobuf_c_message_pack(q, buf);
	/* Through routing's breaker and bulkhead, like every request's call:
	 * a sick routing must not hold the stream's ticker for long. */
	int rc = gw_rpc(g, ROUTING(g), NULL, method, buf, len, who, res, NULL);
	return rc ? rc : res->rc;
}

/* The counts of l's first MAX_VIEWS views as {"<id>": count}; NULL when
 * routing does not answer. */
static json_t *counts_of(gw *g, const hd_principal *who, const Hd__ViewList *l)
{
	uint64_t ids[MAX_VIEWS];
	Hd__ViewCountsRequest q = HD__VIEW_COUNTS_REQUEST__INIT;
	hd_rpc_result res = {0};
	for (size_t i = 0; i < l->n_views && i < MAX_VIEWS; i++)
		ids[q.n_ids++] = l->views[i]->id;
	q.ids = ids;
	int rc = call(g, "views.count_many", &q.base, who, &res);
	Hd__ViewCounts *vc =
		rc ? NULL : hd__view_counts__unpack(NULL, res.len, res.payload);
	hd_rpc_result_release(&res);
	if (!vc)
		return NULL;
	json_t *counts = json_object();
	for (size_t i = 0; i < vc->n_counts; i++) {
		char key[24];
		snprintf(key, sizeof key, "%llu",
			 (unsigned long long)vc->counts[i]->id);
		json_object_set_new(
			counts, key,
			json_integer((json_int_t)vc->counts[i]->count));
	}
	hd__view_counts__free_unpacked(vc, NULL);
	return counts;
}

json_t *gw_stream_view_counts(gw *g, const hd_principal *who)
{
	Hd__ViewListRequest lr = HD__VIEW_LIST_REQUEST__INIT;
	hd_rpc_result res = {0};
	lr.active_only = 1;
	if (call(g, "views.list", &lr.base, who, &res)) {
		hd_rpc_result_release(&res);
		return NULL;
	}
	Hd__ViewList *l = hd__view_list__unpack(NULL, res.len, res.payload);
	hd_rpc_result_release(&res);
	if (!l)
		return NULL;
	json_t *counts = counts_of(g, who, l);
	hd__view_list__free_unpacked(l, NULL);
	return counts;
}
