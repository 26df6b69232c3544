/* metrics.mc.* RPCs (proto/ticket_metrics.proto): ticket metrics, metric
 * events, satisfaction ratings, CSAT aggregates and the incremental ticket
 * export, each answered from one read transaction. Staff only; the export
 * is for admins (API.md §12). */
#include "mc.h"
#include "metrics.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_iter.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PAGE 1000

typedef struct mc_call {
	Hd__McQuery *q;
	const mc_db *db;
	hd_txn t;
	hd_bizhours b;
	bool have_b;
	Hd__McAnswer a;
} mc_call;

static bool staff(const hd_principal *p)
{
	return hd_role_is_agent(p->role);
}

/* Unpack, check the role, read the schedule, open the read transaction. */
static int begin(mc_call *c, void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		 bool admin)
{
	memset(c, 0, sizeof *c);
	c->db = &((metrics *)ctx)->mc;
	hd__mc_answer__init(&c->a);
	if (admin ? req->principal.role != HD__USER_ROLE__ROLE_ADMIN
		  : !staff(&req->principal))
		return hd_rpc_fail(
			rep, HD_E_FORBIDDEN, NULL,
			admin ? "only admins may export"
			      : "only agents and admins see metrics");
	c->q = hd__mc_query__unpack(NULL, req->len, req->payload);
	if (!c->q)
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.McQuery");
	if (c->q->limit == 0 || c->q->limit > MAX_PAGE)
		c->q->limit = MAX_PAGE;
	int rc = hd_store_read(((metrics *)ctx)->store, &c->t);
	if (!rc && mc_sched_load(&c->t, c->db, &c->b, &c->have_b))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "schedule",
				 "the business-hours schedule does not read");
	return rc;
}

/* Grow *v (of *n pointers) by one slot; HD_E_NOMEM when it cannot. */
static int grow(void *v, size_t n)
{
	void ***p = v;
	void **q = realloc(*p, (n + 1) * sizeof *q);
	if (!q)
		return HD_E_NOMEM;
	*p = q;
	return HD_OK;
}

/* Pack the answer, release everything. */
static int end(mc_call *c, int rc, hd_rpc_rep *rep)
{
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &c->a);
	hd_txn_end(&c->t);
	for (size_t i = 0; i < c->a.n_metrics; i++)
		mc_metric_row_free(c->a.metrics[i]);
	free(c->a.metrics);
	for (size_t i = 0; i < c->a.n_events; i++)
		mc_event_row_free(c->a.events[i]);
	free(c->a.events);
	for (size_t i = 0; i < c->a.n_ratings; i++)
		hd__mc_rating__free_unpacked(c->a.ratings[i], NULL);
	free(c->a.ratings);
	for (size_t i = 0; i < c->a.n_csat; i++)
		free(c->a.csat[i]);
	free(c->a.csat);
	free(c->a.csat_total);
	for (size_t i = 0; i < c->a.n_tickets; i++)
		free(c->a.tickets[i].data);
	free(c->a.tickets);
	free(c->a.stamps);
	if (c->a.after_cursor != protobuf_c_empty_string)
		free(c->a.after_cursor);
	hd_bh_release(&c->b);
	hd__mc_query__free_unpacked(c->q, NULL);
	return rc;
}

static int add_metric(mc_call *c, const Hd__McTicket *m)
{
	int rc = grow(&c->a.metrics, c->a.n_metrics);
	Hd__McMetricRow *row = rc ? NULL : mc_metric_row(m, &c->b, c->have_b);
	if (!row)
		return HD_E_NOMEM;
	c->a.metrics[c->a.n_metrics++] = row;
	return HD_OK;
}

static int metric_one(mc_call *c, hd_rpc_rep *rep)
{
	Hd__McTicket *m = NULL;
	int rc = mc_ticket_get(&c->t, c->db, c->q->id, &m);
	if (!rc && m->deleted)
		rc = HD_E_NOTFOUND;
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no metrics for ticket %llu",
			    (unsigned long long)c->q->id);
	if (!rc)
		rc = add_metric(c, m);
	hd__mc_ticket__free_unpacked(m, NULL);
	return rc;
}

static int metric_one_of(void *arg, const MDB_val *k, const MDB_val *v)
{
	mc_call *c = arg;
	Hd__McTicket *m = hd__mc_ticket__unpack(NULL, v->mv_size, v->mv_data);
	int rc = HD_OK;
	if (!m)
		return HD_E_CORRUPT;
	if (!m->deleted && c->a.count++ >= c->q->offset &&
	    c->a.n_metrics < c->q->limit)
		rc = add_metric(c, m);
	hd__mc_ticket__free_unpacked(m, NULL);
	return rc;
}

/* Offset list of every live ticket's metrics, by ticket id. */
static int metric_list(mc_call *c)
{
	c->a.count = 0;
	int rc = hd_txn_foreach(&c->t, c->db->tickets, NULL, 0, metric_one_of,
				c);
	c->a.has_more = c->q->offset + c->a.n_metrics < c->a.count;
	return rc;
}

static int rpc_metrics(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	mc_call c;
	int rc = begin(&c, ctx, req, rep, false);
	if (!rc)
		rc = c.q->id ? metric_one(&c, rep) : metric_list(&c);
	return end(&c, rc, rep);
}

static int event_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	mc_call *c = arg;
	if (c->a.n_events >= c->q->limit) {
		c->a.has_more = true;
		return HD_STOP;
	}
	Hd__McMetricEvent *e =
		hd__mc_metric_event__unpack(NULL, v->mv_size, v->mv_data);
	Hd__McEventRow *row = NULL;
	if (!e)
		return HD_E_CORRUPT;
	c->a.end_ms = e->time;
	if (grow(&c->a.events, c->a.n_events) ||
	    !(row = mc_event_row(e, &c->b, c->have_b))) {
		hd__mc_metric_event__free_unpacked(e, NULL);
		return HD_E_NOMEM;
	}
	c->a.events[c->a.n_events++] = row;
	return HD_OK;
}

/* Metric events from start_ms on, in time order. */
static int rpc_events(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	mc_call c;
	int rc = begin(&c, ctx, req, rep, false);
	uint8_t from[16] = {0};
	if (!rc) {
		hd_key_u64(from,
			   (uint64_t)(c.q->start_ms > 0 ? c.q->start_ms : 0));
		rc = hd_txn_foreach_from(&c.t, c.db->mevents, NULL, 0, from,
					 sizeof from, false, event_one, &c);
	}
	c.a.count = c.a.n_events;
	return end(&c, rc, rep);
}

static int rating_one(mc_call *c, hd_rpc_rep *rep)
{
	uint8_t k[8];
	Hd__McRating *r = NULL;
	hd_key_u64(k, c->q->id);
	int rc = hd_txn_get_pb(&c->t, c->db->ratings, k, 8,
			       &hd__mc_rating__descriptor, (void **)&r);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no such satisfaction rating");
	if (!rc && !(rc = grow(&c->a.ratings, 0))) {
		c->a.ratings[c->a.n_ratings++] = r;
		r = NULL;
	}
	hd__mc_rating__free_unpacked(r, NULL);
	return rc;
}

static bool rating_in(const Hd__McQuery *q, const Hd__McRating *r)
{
	return mc_score_match(q->score, r) && r->updated_at >= q->start_ms &&
	       (!q->end_ms || r->updated_at < q->end_ms);
}

static int rating_one_of(void *arg, const MDB_val *k, const MDB_val *v)
{
	mc_call *c = arg;
	Hd__McRating *r = hd__mc_rating__unpack(NULL, v->mv_size, v->mv_data);
	int rc = HD_OK;
	if (!r)
		return HD_E_CORRUPT;
	if (rating_in(c->q, r) && c->a.count++ >= c->q->offset &&
	    c->a.n_ratings < c->q->limit &&
	    !(rc = grow(&c->a.ratings, c->a.n_ratings))) {
		c->a.ratings[c->a.n_ratings++] = r;
		r = NULL;
	}
	hd__mc_rating__free_unpacked(r, NULL);
	return rc;
}

static int rating_list(mc_call *c, hd_rpc_rep *rep)
{
	if (c->q->score[0] && !mc_score_filter_ok(c->q->score))
		return hd_rpc_fail(rep, HD_E_INVALID, "score",
				   "score: not a satisfaction score filter");
	c->a.count = 0;
	int rc = hd_txn_foreach(&c->t, c->db->ratings, NULL, 0, rating_one_of,
				c);
	c->a.has_more = c->q->offset + c->a.n_ratings < c->a.count;
	return rc;
}

static int rpc_ratings(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	mc_call c;
	int rc = begin(&c, ctx, req, rep, false);
	if (!rc)
		rc = c.q->id ? rating_one(&c, rep) : rating_list(&c, rep);
	return end(&c, rc, rep);
}

static int rpc_csat(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	mc_call c;
	int rc = begin(&c, ctx, req, rep, false);
	if (!rc)
		rc = mc_csat_aggregate(&c.t, c.db, c.q->group_by, c.q->start_ms,
				       c.q->end_ms, &c.a);
	if (rc == HD_E_INVALID)
		hd_rpc_fail(rep, rc, "group_by", "group_by: agent or group");
	return end(&c, rc, rep);
}

static int rpc_export(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	mc_call c;
	int rc = begin(&c, ctx, req, rep, true);
	if (!rc)
		rc = mc_export_query(&c.t, c.db, c.q, hd_now_ms(), &c.a);
	if (rc == HD_E_INVALID)
		hd_rpc_fail(rep, rc, "cursor", "cursor: not a cursor we gave");
	return end(&c, rc, rep);
}

const hd_rpc_route mc_routes[] = {
	{"metrics.mc.metrics", rpc_metrics}, {"metrics.mc.events", rpc_events},
	{"metrics.mc.ratings", rpc_ratings}, {"metrics.mc.csat", rpc_csat},
	{"metrics.mc.export", rpc_export},   {NULL, NULL},
};
