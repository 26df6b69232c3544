/* Running a view: from its index (views_index.c) when that is ready — read
 * the page's ids, then only those tickets — else scan routing's copy of the
 * tickets, keep the ones that match for the caller, sort, and slice. */
#include "routing.h"
#include "hd/store_iter.h"
#include "views_index.h"

#include "hd/err.h"
#include "hd/req_decode.h"
#include "hd/pbwire.h"
#include "hd/prom.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LIMIT 1000

HD_COUNTER(decoded, "hd_routing_view_tickets_decoded_total",
	   "Tickets decoded to answer views.tickets and views.count_many "
	   "(index or scan).");
HD_COUNTER(scans, "hd_routing_view_scans_total",
	   "Views run by scanning every ticket (no ready index): "
	   "views.tickets, and each view of views.count_many.");

typedef struct hits {
	Hd__Ticket **items;
	size_t n;
} hits;

typedef struct match_arg {
	const Hd__View *v;
	const hd_principal *who;
} match_arg;

static bool matches(const void *msg, const void *arg)
{
	const match_arg *m = arg;
	hd_counter_add(&decoded, 1);
	return routing_view_match(m->v, msg, m->who);
}

static int scan(hd_txn *t, routing *r, const Hd__View *v,
		const hd_principal *who, hits *h)
{
	match_arg m = {v, who};
	return hd_txn_scan_pb(t, r->tickets, NULL, 0, &hd__ticket__descriptor,
			      matches, &m, (void ***)&h->items, &h->n);
}

/* qsort has no context argument; the key is per call, so keep it per
 * thread. */
static _Thread_local struct {
	const char *by;
	int dir;
} order;

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int by_order(const void *a, const void *b)
{
	const Hd__Ticket *x = *(Hd__Ticket *const *)a;
	const Hd__Ticket *y = *(Hd__Ticket *const *)b;
	int c = 0;
	if (!strcmp(order.by, "updated_at") || !strcmp(order.by, "updated"))
		c = cmp_i64(x->updated_at, y->updated_at);
	else if (!strcmp(order.by, "status"))
		c = cmp_i64(routing_status_rank(x->status),
			    routing_status_rank(y->status));
	else if (!strcmp(order.by, "priority"))
		c = cmp_i64(routing_priority_rank(x->priority),
			    routing_priority_rank(y->priority));
	else if (!strcmp(order.by, "subject"))
		c = strcmp(x->subject, y->subject);
	else if (!strcmp(order.by, "id") || !strcmp(order.by, "nice_id"))
		c = 0;
	else
		c = cmp_i64(x->created_at, y->created_at);
	if (c == 0)
		c = x->id < y->id ? -1 : x->id > y->id;
	return c * order.dir;
}

static const char *sort_by(const Hd__ViewTicketsRequest *q, const Hd__View *v)
{
	return q->sort_by[0] ? q->sort_by : v->sort_by;
}

static bool descending(const Hd__ViewTicketsRequest *q, const Hd__View *v)
{
	const char *dir = q->sort_order[0] ? q->sort_order : v->sort_order;
	return strcmp(dir, "desc") == 0;
}

static int reply(const Hd__ViewTicketsRequest *q, Hd__View *v, hits *h,
		 bool building, hd_rpc_rep *rep)
{
	order.by = sort_by(q, v);
	order.dir = descending(q, v) ? -1 : 1;
	if (h->n)
		qsort(h->items, h->n, sizeof *h->items, by_order);
	Hd__ViewTickets out = HD__VIEW_TICKETS__INIT;
	out.view = v;
	out.count = h->n;
	out.building = building;
	uint64_t from = q->offset < h->n ? q->offset : h->n;
	uint64_t limit = q->limit > MAX_LIMIT ? MAX_LIMIT : q->limit;
	out.tickets = h->items + from;
	out.n_tickets = (size_t)(h->n - from < limit ? h->n - from : limit);
	return hd_pb_pack(&rep->payload, &out);
}

/* The page ids[0..n) read from the index: fetch only those tickets. */
static int fetch(hd_txn *t, routing *r, const uint64_t *ids, size_t n, hits *h)
{
	h->items = n ? calloc(n, sizeof *h->items) : NULL;
	if (n && !h->items)
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		uint8_t key[8];
		MDB_val val;
		hd_key_u64(key, ids[i]);
		int rc = hd_txn_get(t, r->tickets, key, 8, &val);
		if (rc)
			return rc == HD_E_NOTFOUND ? HD_E_CORRUPT : rc;
		hd_counter_add(&decoded, 1);
		h->items[h->n] =
			hd__ticket__unpack(NULL, val.mv_size, val.mv_data);
		if (!h->items[h->n])
			return HD_E_CORRUPT;
		h->n++;
	}
	return HD_OK;
}

static int indexed_reply(Hd__View *v, uint64_t count, bool building, hits *h,
			 hd_rpc_rep *rep)
{
	Hd__ViewTickets out = HD__VIEW_TICKETS__INIT;
	out.view = v;
	out.count = count;
	out.building = building;
	out.tickets = h->items;
	out.n_tickets = h->n;
	return hd_pb_pack(&rep->payload, &out);
}

/* Answer from v's index if it can; *used says whether it did. */
static int from_index(hd_txn *t, routing *r, const Hd__ViewTicketsRequest *q,
		      Hd__View *v, const hd_principal *who, hits *h, bool *used,
		      bool *building, hd_rpc_rep *rep)
{
	uint64_t count = 0, *ids = NULL;
	size_t n = 0;
	uint32_t limit = q->limit > MAX_LIMIT ? MAX_LIMIT : q->limit;
	int rc = routing_vidx_page(r, t, v, who, sort_by(q, v),
				   descending(q, v), q->offset, limit, used,
				   building, &count, &ids, &n);
	if (!rc && *used)
		rc = fetch(t, r, ids, n, h);
	free(ids);
	if (!rc && *used)
		rc = indexed_reply(v, count, *building, h, rep);
	return rc;
}

typedef struct count_arg {
	match_arg m;
	uint64_t n;
} count_arg;

/* Count the matches without keeping them: the scan decodes each ticket
 * once and frees it again. */
static bool count_match(const void *msg, const void *arg)
{
	count_arg *c = (count_arg *)arg;
	if (matches(msg, &c->m))
		c->n++;
	return false;
}

int routing_view_count(hd_txn *t, routing *r, const Hd__View *v,
		       const hd_principal *who, uint64_t *count, bool *building)
{
	uint64_t *ids = NULL;
	size_t n = 0;
	bool used = false;
	*count = 0;
	*building = false;
	int rc = routing_vidx_page(r, t, v, who, v->sort_by,
				   strcmp(v->sort_order, "desc") == 0, 0, 0,
				   &used, building, count, &ids, &n);
	free(ids);
	if (rc || used)
		return rc;
	/* A scan answers the current definition exactly: fresh. */
	*building = false;
	hd_counter_add(&scans, 1);
	count_arg c = {{v, who}, 0};
	void **none = NULL;
	size_t kept = 0;
	rc = hd_txn_scan_pb(t, r->tickets, NULL, 0, &hd__ticket__descriptor,
			    count_match, &c, &none, &kept);
	hd_pb_free_array(none, kept);
	*count = c.n;
	return rc;
}

int routing_views_tickets(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	if (!hd_role_is_staff(req->principal.role))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "views are for agents and admins");
	Hd__ViewTicketsRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__view_tickets_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	hits h = {0};
	bool used = false, building = false;
	Hd__View *v = NULL;
	hd_txn t;
	uint8_t key[8];
	MDB_val val;
	hd_key_u64(key, q->id);
	int rc = hd_store_read(r->store, &t);
	if (!rc) {
		rc = hd_txn_get(&t, r->views, key, 8, &val);
		if (!rc &&
		    !(v = hd__view__unpack(NULL, val.mv_size, val.mv_data)))
			rc = HD_E_CORRUPT;
		if (!rc && !routing_view_visible(&t, r, v, &req->principal))
			rc = HD_E_NOTFOUND;
		if (!rc)
			rc = from_index(&t, r, q, v, &req->principal, &h, &used,
					&building, rep);
		if (!rc && !used) {
			hd_counter_add(&scans, 1);
			rc = scan(&t, r, v, &req->principal, &h);
		}
		hd_txn_end(&t);
	}
	/* A scan answers the current definition exactly: fresh. */
	if (!rc && !used)
		rc = reply(q, v, &h, false, rep);
	for (size_t i = 0; i < h.n; i++)
		hd__ticket__free_unpacked(h.items[i], NULL);
	free(h.items);
	hd__view__free_unpacked(v, NULL);
	hd__view_tickets_request__free_unpacked(q, NULL);
	return rc;
}
