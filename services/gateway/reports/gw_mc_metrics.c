/* Ticket metrics and metric events over HTTP (API.md §9), and the shared
 * plumbing of gw_mc.h. Business minutes need routing's default schedule:
 * metrics keeps its own copy from routing's schedule.* events, so no query
 * carries it. */
#include "gw_mc.h"
#include "gw_shared.h"

#include "hd/cfg.h"
#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gw_mc_call(gw *g, gw_req *r, const char *method, Hd__McQuery *q,
	       Hd__McAnswer **a, gw_resp *out)
{
	if (!hd_role_is_agent(r->who.role))
		return gw_error(out, 403, "Forbidden",
				"only agents and admins see metrics and "
				"ratings");
	return gw_call(g, METRICS(g), r, method, q, &hd__mc_answer__descriptor,
		       (void **)a, out);
}

int gw_mc_reply(json_t *body, gw_resp *out)
{
	if (!body)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	out->status = 200;
	json_decref(out->body);
	out->body = body;
	return HD_OK;
}

int gw_mc_epoch_param(gw_req *r, const char *name, int required, int64_t *ms,
		      gw_resp *out)
{
	const char *v = gw_query(r, name);
	uint64_t secs;
	char msg[160];
	if (!v && !required)
		return HD_OK;
	if (!v || hd_parse_u64(v, &secs) || secs > 253402300799ULL) {
		snprintf(msg, sizeof msg, "%s must be a time in epoch seconds",
			 name);
		return gw_error(out, 400, "InvalidValue", msg);
	}
	*ms = (int64_t)secs * 1000;
	return HD_OK;
}

int gw_mc_per_page(gw_req *r, uint32_t *limit, gw_resp *out)
{
	const char *v = gw_query(r, "per_page");
	uint64_t n = 1000;
	if (v && (hd_parse_u64(v, &n) || n < 1 || n > 1000))
		return gw_error(out, 400, "InvalidValue",
				"per_page must be between 1 and 1000");
	*limit = (uint32_t)n;
	return HD_OK;
}

int gw_mc_ticket_metrics(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	Hd__McQuery q = HD__MC_QUERY__INIT;
	Hd__McAnswer *a = NULL;
	int rc = gw_page_parse(r, &p, 100, 10000, out);
	if (!rc && p.cursor)
		rc = gw_error(out, 400, "InvalidValue",
			      "ticket_metrics pages by page and per_page");
	q.limit = p.size;
	q.offset = (p.page - 1) * p.size;
	if (!rc)
		rc = gw_mc_call(g, r, "metrics.mc.metrics", &q, &a, out);
	if (!rc) {
		json_t *list = json_array();
		for (size_t i = 0; list && i < a->n_metrics; i++)
			if (json_array_append_new(
				    list,
				    gw_mc_metric_json(r, a->metrics[i]))) {
				json_decref(list);
				list = NULL; /* a row that does not render */
			}
		rc = gw_mc_reply(json_pack("{s:o}", "ticket_metrics", list),
				 out);
	}
	if (!rc)
		gw_page_links(r, &p, out->body, a->count, a->has_more, NULL,
			      NULL);
	hd__mc_answer__free_unpacked(a, NULL);
	return rc;
}

/* /ticket_metrics/{id} (the metric id is the ticket id) and
 * /tickets/{id}/metrics: one {"ticket_metric":{…}}. */
int gw_mc_ticket_metric(gw *g, gw_req *r, gw_resp *out)
{
	Hd__McQuery q = HD__MC_QUERY__INIT;
	Hd__McAnswer *a = NULL;
	q.id = r->id;
	int rc = gw_mc_call(g, r, "metrics.mc.metrics", &q, &a, out);
	if (!rc && a->n_metrics != 1)
		rc = gw_from_err(out, HD_E_DECODE, "metrics' answer");
	if (!rc)
		rc = gw_mc_reply(json_pack("{s:o}", "ticket_metric",
					   gw_mc_metric_json(r, a->metrics[0])),
				 out);
	hd__mc_answer__free_unpacked(a, NULL);
	return rc;
}

int gw_mc_metric_events(gw *g, gw_req *r, gw_resp *out)
{
	Hd__McQuery q = HD__MC_QUERY__INIT;
	Hd__McAnswer *a = NULL;
	int rc = gw_mc_epoch_param(r, "start_time", 1, &q.start_ms, out);
	if (!rc)
		rc = gw_mc_per_page(r, &q.limit, out);
	if (!rc)
		rc = gw_mc_call(g, r, "metrics.mc.events", &q, &a, out);
	if (!rc) {
		json_t *list = json_array();
		for (size_t i = 0; list && i < a->n_events; i++)
			if (json_array_append_new(
				    list, gw_mc_event_json(a->events[i]))) {
				json_decref(list);
				list = NULL; /* a row that does not render */
			}
		rc = gw_mc_reply(
			json_pack("{s:o}", "ticket_metric_events", list), out);
	}
	if (!rc) {
		int64_t end = (a->count ? a->end_ms : q.start_ms) / 1000;
		char next[700];
		snprintf(next, sizeof next,
			 "%s/api/v2/incremental/ticket_metric_events.json?"
			 "start_time=%lld",
			 r->base_url, (long long)end);
		json_object_set_new(out->body, "count",
				    json_integer((json_int_t)a->count));
		json_object_set_new(out->body, "end_time",
				    json_integer((json_int_t)end));
		json_object_set_new(out->body, "end_of_stream",
				    json_boolean(!a->has_more));
		json_object_set_new(out->body, "next_page",
				    a->has_more ? json_string(next)
						: json_null());
	}
	hd__mc_answer__free_unpacked(a, NULL);
	return rc;
}

int gw_mc_csat(gw *g, gw_req *r, gw_resp *out)
{
	Hd__McQuery q = HD__MC_QUERY__INIT;
	Hd__McAnswer *a = NULL;
	const char *by = gw_query(r, "group_by");
	int rc = gw_mc_epoch_param(r, "start_time", 0, &q.start_ms, out);
	if (!rc)
		rc = gw_mc_epoch_param(r, "end_time", 0, &q.end_ms, out);
	q.group_by = (char *)(by ? by : "agent");
	if (!rc)
		rc = gw_mc_call(g, r, "metrics.mc.csat", &q, &a, out);
	if (!rc)
		rc = gw_mc_reply(
			gw_mc_csat_json(a, !strcmp(q.group_by, "agent")), out);
	hd__mc_answer__free_unpacked(a, NULL);
	return rc;
}

const gw_route gw_mc_routes[] = {
	{"GET", "/api/v2/ticket_metrics", gw_mc_ticket_metrics, GW_AUTH_USER},
	{"GET", "/api/v2/ticket_metrics/{id}", gw_mc_ticket_metric,
	 GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}/metrics", gw_mc_ticket_metric,
	 GW_AUTH_USER},
	{"GET", "/api/v2/incremental/ticket_metric_events", gw_mc_metric_events,
	 GW_AUTH_ADMIN},
	{"GET", "/api/v2/incremental/tickets/cursor", gw_mc_export_cursor,
	 GW_AUTH_ADMIN},
	{"GET", "/api/v2/incremental/tickets", gw_mc_export_time,
	 GW_AUTH_ADMIN},
	{"POST", "/api/v2/tickets/{id}/satisfaction_rating", gw_mc_rate,
	 GW_AUTH_USER},
	{"GET", "/api/v2/satisfaction_ratings", gw_mc_ratings, GW_AUTH_USER},
	{"GET", "/api/v2/satisfaction_ratings/{id}", gw_mc_rating,
	 GW_AUTH_USER},
	{"GET", "/api/v2/hd/satisfaction_ratings/summary", gw_mc_csat,
	 GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
