/* views.count_many: many views' counts in one RPC and one read
 * transaction (the gateway's /views/count_many and the stream's live
 * counts). Each count is views.tickets' (routing_view_count); a view the
 * caller may not see, or that does not exist, is left out, as the 404 of
 * views.tickets leaves it out of the gateway's loop before. */
#include "routing.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/req_decode.h"

#include <string.h>

/* Zendesk's limit on count_many's ids; bounds the transaction's work. */
#define MAX_IDS 100

static bool asked_before(const uint64_t *ids, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (ids[j] == ids[i])
			return true;
	return false;
}

/* id's count into *c when who may see it; *seen false when not, when
 * there is no such view, or when this one view cannot be counted (a record
 * that does not decode: logged, and the other views are still answered, as
 * the per-view calls this replaced were). A failed store read fails all. */
static int count_one(hd_txn *t, routing *r, uint64_t id,
		     const hd_principal *who, Hd__ViewCount *c, bool *seen)
{
	uint8_t key[8];
	MDB_val val;
	*seen = false;
	hd_key_u64(key, id);
	int rc = hd_txn_get(t, r->views, key, 8, &val);
	if (rc)
		return rc == HD_E_NOTFOUND ? HD_OK : rc;
	Hd__View *v = hd__view__unpack(NULL, val.mv_size, val.mv_data);
	if (!v) {
		hd_warn("views.count_skipped", "view=%llu err=CORRUPT",
			(unsigned long long)id);
		return HD_OK;
	}
	if (routing_view_visible(t, r, v, who)) {
		bool building = false;
		c->id = id;
		rc = routing_view_count(t, r, v, who, &c->count, &building);
		c->building = building;
		*seen = rc == HD_OK;
		if (rc && !t->rc) {
			hd_warn("views.count_skipped", "view=%llu err=%s",
				(unsigned long long)id, hd_errname(rc));
			rc = HD_OK;
		}
	}
	hd__view__free_unpacked(v, NULL);
	return rc;
}

int routing_views_count_many(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	if (!hd_role_is_staff(req->principal.role))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "views are for agents and admins");
	Hd__ViewCountsRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__view_counts_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	int rc = HD_OK;
	if (q->n_ids > MAX_IDS) {
		rc = hd_rpc_fail(rep, HD_E_INVALID, "ids",
				 "ids: at most %d views", MAX_IDS);
		goto out;
	}
	Hd__ViewCount counts[MAX_IDS];
	Hd__ViewCount *ptrs[MAX_IDS];
	size_t n = 0;
	hd_txn t;
	rc = hd_store_read(r->store, &t);
	if (rc)
		goto out;
	for (size_t i = 0; i < q->n_ids && !rc; i++) {
		bool seen = false;
		if (asked_before(q->ids, i))
			continue;
		hd__view_count__init(&counts[n]);
		rc = count_one(&t, r, q->ids[i], &req->principal, &counts[n],
			       &seen);
		if (seen) {
			ptrs[n] = &counts[n];
			n++;
		}
	}
	hd_txn_end(&t);
	if (!rc) {
		Hd__ViewCounts res = HD__VIEW_COUNTS__INIT;
		res.counts = n ? ptrs : NULL;
		res.n_counts = n;
		rc = hd_pb_pack(&rep->payload, &res);
	}
out:
	hd__view_counts_request__free_unpacked(q, NULL);
	return rc;
}
