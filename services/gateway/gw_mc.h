/* Ticket metrics, satisfaction ratings and the incremental export over HTTP
 * (API.md §9, §10, §12): metrics answers from its own store (metrics.mc.*,
 * proto/ticket_metrics.proto); ratings are written by intake on the ticket
 * (tickets.rate). Route tables: gw_mc_routes (gw_mc_metrics.c …). */
#ifndef GW_MC_H
#define GW_MC_H

#include "gateway.h"
#include "ticket_metrics.pb-c.h"

extern const gw_route gw_mc_routes[];

/* gw_mc_metrics.c: call metrics' method with q (staff only; metrics has
 * routing's schedules from its events). *a is the caller's
 * (hd__mc_answer__free_unpacked); out holds the HTTP error otherwise. */
int gw_mc_call(gw *g, gw_req *r, const char *method, Hd__McQuery *q,
	       Hd__McAnswer **a, gw_resp *out);
/* body (taken; NULL: out of memory) as out's body with status 200. */
int gw_mc_reply(json_t *body, gw_resp *out);
/* Epoch seconds from the query parameter name into *ms (absent: *ms
 * untouched, HD_OK unless required); 400 naming it otherwise. */
int gw_mc_epoch_param(gw_req *r, const char *name, int required, int64_t *ms,
		      gw_resp *out);
/* per_page for incremental endpoints: 1..1000, default 1000. */
int gw_mc_per_page(gw_req *r, uint32_t *limit, gw_resp *out);

/* gw_mc_render.c: Zendesk's objects of metrics' rows (with their urls);
 * NULL when out of memory. The CSAT summary {"csat":[…], "total":{…}}
 * keys its rows by agent_id or group_id. */
json_t *gw_mc_metric_json(gw_req *r, const Hd__McMetricRow *m);
json_t *gw_mc_event_json(const Hd__McEventRow *row);
json_t *gw_mc_rating_json(gw_req *r, const Hd__McRating *x);
json_t *gw_mc_csat_json(const Hd__McAnswer *a, int by_agent);

/* Route handlers. */
int gw_mc_ticket_metrics(gw *g, gw_req *r, gw_resp *out);
int gw_mc_ticket_metric(gw *g, gw_req *r, gw_resp *out);
int gw_mc_metric_events(gw *g, gw_req *r, gw_resp *out);
int gw_mc_export_cursor(gw *g, gw_req *r, gw_resp *out);
int gw_mc_export_time(gw *g, gw_req *r, gw_resp *out);
int gw_mc_rate(gw *g, gw_req *r, gw_resp *out);
int gw_mc_ratings(gw *g, gw_req *r, gw_resp *out);
int gw_mc_rating(gw *g, gw_req *r, gw_resp *out);
int gw_mc_csat(gw *g, gw_req *r, gw_resp *out);

#endif
