/* metrics.mc.* RPCs (proto/ticket_metrics.proto): ticket metrics, metric
 * events, satisfaction ratings, CSAT aggregates and the incremental ticket
 * export, each answered from one read transaction. Staff only; the export
 * is for admins (API.md §12). */
#include "mc.h"
#include "metrics.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PAGE 1000

typedef struct mc_call {
	Hd__McQuery *q;
	hd_txn t;
	hd_bizhours b;
	bool have_b;
	json_t *body;
	Hd__McAnswer a;
} mc_call;

static bool staff(const hd_principal *p)
{
	return !strcmp(p->role, "agent") || !strcmp(p->role, "admin");
}

/* Unpack, check the role, read the schedule, open the read transaction. */
static int begin(mc_call *c, void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		 bool admin)
{
	memset(c, 0, sizeof *c);
	hd__mc_answer__init(&c->a);
	if (admin ? strcmp(req->principal.role, "admin") != 0
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
	if (!rc && mc_sched_load(&c->t, &c->b, &c->have_b))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "schedule",
				 "the business-hours schedule does not read");
	return rc;
}

/* Pack the answer (body as JSON text), release everything. */
static int end(mc_call *c, int rc, hd_rpc_rep *rep)
{
	char *text = NULL;
	if (!rc && c->body) {
		text = json_dumps(c->body, JSON_COMPACT);
		if (!text)
			rc = HD_E_NOMEM;
		c->a.json = text;
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &c->a);
	hd_txn_end(&c->t);
	free(text);
	for (size_t i = 0; i < c->a.n_tickets; i++)
		free(c->a.tickets[i].data);
	free(c->a.tickets);
	free(c->a.stamps);
	if (c->a.after_cursor != protobuf_c_empty_string)
		free(c->a.after_cursor);
	json_decref(c->body);
	hd_bh_release(&c->b);
	hd__mc_query__free_unpacked(c->q, NULL);
	return rc;
}

static int metric_one(mc_call *c, hd_rpc_rep *rep)
{
	Hd__McTicket *m = NULL;
	int rc = mc_ticket_get(&c->t, c->q->id, &m);
	if (!rc && m->deleted)
		rc = HD_E_NOTFOUND;
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no metrics for ticket %llu",
			    (unsigned long long)c->q->id);
	if (!rc)
		c->body = json_pack("{s:o}", "ticket_metric",
				    mc_metric_json(m, &c->b, c->have_b));
	hd__mc_ticket__free_unpacked(m, NULL);
	return rc;
}

/* An offset page of a whole table: every row is counted (seen). */
typedef struct page {
	mc_call *c;
	json_t *list;
	uint64_t seen;
} page;

static int metric_item(void *arg, const MDB_val *k, const MDB_val *v)
{
	page *p = arg;
	Hd__McTicket *m = hd__mc_ticket__unpack(NULL, v->mv_size, v->mv_data);
	if (!m)
		return HD_E_CORRUPT;
	if (!m->deleted && p->seen++ >= p->c->q->offset &&
	    json_array_size(p->list) < p->c->q->limit)
		json_array_append_new(
			p->list, mc_metric_json(m, &p->c->b, p->c->have_b));
	hd__mc_ticket__free_unpacked(m, NULL);
	return HD_OK;
}

/* Offset list of every live ticket's metrics, by ticket id. */
static int metric_list(mc_call *c)
{
	page p = {c, json_array(), 0};
	int rc = hd_txn_foreach(&c->t, mc.tickets, NULL, 0, metric_item, &p);
	json_t *list = p.list;
	uint64_t seen = p.seen;
	c->a.count = seen;
	c->a.has_more = c->q->offset + json_array_size(list) < seen;
	c->body = json_pack("{s:o}", "ticket_metrics", list);
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

static int mevent_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	page *p = arg;
	if (json_array_size(p->list) >= p->c->q->limit) {
		p->c->a.has_more = true;
		return HD_STOP;
	}
	Hd__McMetricEvent *e =
		hd__mc_metric_event__unpack(NULL, v->mv_size, v->mv_data);
	if (!e)
		return HD_E_CORRUPT;
	json_array_append_new(p->list,
			      mc_mevent_json(e, &p->c->b, p->c->have_b));
	p->c->a.end_ms = e->time;
	hd__mc_metric_event__free_unpacked(e, NULL);
	return HD_OK;
}

/* Metric events from start_ms on, in time order. */
static int rpc_events(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	mc_call c;
	int rc = begin(&c, ctx, req, rep, false);
	page p = {&c, json_array(), 0};
	uint8_t from[16] = {0};
	if (!rc) {
		hd_key_u64(from,
			   (uint64_t)(c.q->start_ms > 0 ? c.q->start_ms : 0));
		rc = hd_txn_foreach_from(&c.t, mc.mevents, NULL, 0, from, 16,
					 false, mevent_one, &p);
	}
	json_t *list = p.list;
	c.a.count = json_array_size(list);
	c.body = json_pack("{s:o}", "ticket_metric_events", list);
	return end(&c, rc, rep);
}

static int rating_one(mc_call *c, hd_rpc_rep *rep)
{
	uint8_t k[8];
	Hd__McRating *r = NULL;
	hd_key_u64(k, c->q->id);
	int rc = hd_txn_get_pb(&c->t, mc.ratings, k, 8,
			       &hd__mc_rating__descriptor, (void **)&r);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no such satisfaction rating");
	if (!rc)
		c->body = json_pack("{s:o}", "satisfaction_rating",
				    mc_rating_json(r));
	hd__mc_rating__free_unpacked(r, NULL);
	return rc;
}

static bool rating_in(const Hd__McQuery *q, const Hd__McRating *r)
{
	return mc_score_match(q->score, r) && r->updated_at >= q->start_ms &&
	       (!q->end_ms || r->updated_at < q->end_ms);
}

static int rating_item(void *arg, const MDB_val *k, const MDB_val *v)
{
	page *p = arg;
	Hd__McRating *r = hd__mc_rating__unpack(NULL, v->mv_size, v->mv_data);
	if (!r)
		return HD_E_CORRUPT;
	if (rating_in(p->c->q, r) && p->seen++ >= p->c->q->offset &&
	    json_array_size(p->list) < p->c->q->limit)
		json_array_append_new(p->list, mc_rating_json(r));
	hd__mc_rating__free_unpacked(r, NULL);
	return HD_OK;
}

static int rating_list(mc_call *c, hd_rpc_rep *rep)
{
	if (c->q->score[0] && !mc_score_filter_ok(c->q->score))
		return hd_rpc_fail(rep, HD_E_INVALID, "score",
				   "score: not a satisfaction score filter");
	page p = {c, json_array(), 0};
	int rc = hd_txn_foreach(&c->t, mc.ratings, NULL, 0, rating_item, &p);
	json_t *list = p.list;
	uint64_t seen = p.seen;
	c->a.count = seen;
	c->a.has_more = c->q->offset + json_array_size(list) < seen;
	c->body = json_pack("{s:o}", "satisfaction_ratings", list);
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
		rc = mc_csat_aggregate(&c.t, c.q->group_by, c.q->start_ms,
				       c.q->end_ms, &c.body);
	if (rc == HD_E_INVALID)
		hd_rpc_fail(rep, rc, "group_by", "group_by: agent or group");
	return end(&c, rc, rep);
}

static int rpc_export(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	mc_call c;
	int rc = begin(&c, ctx, req, rep, true);
	if (!rc)
		rc = mc_export_query(&c.t, c.q, hd_now_ms(), &c.a);
	if (rc == HD_E_INVALID)
		hd_rpc_fail(rep, rc, "cursor", "cursor: not a cursor we gave");
	return end(&c, rc, rep);
}

const hd_rpc_route mc_routes[] = {
	{"metrics.mc.metrics", rpc_metrics}, {"metrics.mc.events", rpc_events},
	{"metrics.mc.ratings", rpc_ratings}, {"metrics.mc.csat", rpc_csat},
	{"metrics.mc.export", rpc_export},   {NULL, NULL},
};
