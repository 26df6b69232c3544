/* Zendesk's shapes of metrics' typed rows (proto/ticket_metrics.proto):
 * ticket_metric and ticket_metric_event (API.md §9), satisfaction_rating
 * and the CSAT summary (§10). Minutes are rounded to the nearest minute;
 * a time of 0 is null. */
#include "gw_mc.h"

#include "hd/time_iso.h"

#include <stdio.h>

static json_int_t minutes(int64_t ms)
{
	return (json_int_t)((ms + 30000) / 60000);
}

/* {calendar, business} minutes; nulls for an unset duration. */
static json_t *pair(const Hd__McDuration *d)
{
	if (!d)
		return json_pack("{s:n, s:n}", "calendar", "business");
	return json_pack("{s:I, s:I}", "calendar", minutes(d->calendar_ms),
			 "business", minutes(d->business_ms));
}

static void url(gw_req *r, json_t *o, const char *path, uint64_t id)
{
	char u[700];
	snprintf(u, sizeof u, "%s/api/v2/%s/%llu.json", r->base_url, path,
		 (unsigned long long)id);
	json_object_set_new(o, "url", json_string(u));
}

json_t *gw_mc_metric_json(gw_req *r, const Hd__McMetricRow *m)
{
	json_t *o = json_pack(
		"{s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:I}", "id",
		(json_int_t)m->ticket_id, "ticket_id", (json_int_t)m->ticket_id,
		"created_at", hd_time_json(m->created_at), "updated_at",
		hd_time_json(m->updated_at), "group_stations",
		(json_int_t)m->group_stations, "assignee_stations",
		(json_int_t)m->assignee_stations, "reopens",
		(json_int_t)m->reopens, "replies", (json_int_t)m->replies);
	if (!o)
		return NULL;
	json_object_set_new(o, "assignee_updated_at",
			    hd_time_json(m->assignee_updated_at));
	json_object_set_new(o, "requester_updated_at",
			    hd_time_json(m->requester_updated_at));
	json_object_set_new(o, "status_updated_at",
			    hd_time_json(m->status_updated_at));
	json_object_set_new(o, "custom_status_updated_at",
			    hd_time_json(m->status_updated_at));
	json_object_set_new(o, "initially_assigned_at",
			    hd_time_json(m->initially_assigned_at));
	json_object_set_new(o, "assigned_at", hd_time_json(m->assigned_at));
	json_object_set_new(o, "solved_at", hd_time_json(m->solved_at));
	json_object_set_new(o, "latest_comment_added_at",
			    hd_time_json(m->latest_comment_added_at));
	json_object_set_new(o, "reply_time_in_minutes", pair(m->reply_time));
	json_object_set_new(
		o, "reply_time_in_seconds",
		m->reply_time
			? json_pack("{s:I}", "calendar",
				    (json_int_t)((m->reply_time->calendar_ms +
						  500) /
						 1000))
			: json_pack("{s:n}", "calendar"));
	json_object_set_new(o, "first_resolution_time_in_minutes",
			    pair(m->first_resolution_time));
	json_object_set_new(o, "full_resolution_time_in_minutes",
			    pair(m->full_resolution_time));
	json_object_set_new(o, "agent_wait_time_in_minutes",
			    pair(m->agent_wait_time));
	json_object_set_new(o, "requester_wait_time_in_minutes",
			    pair(m->requester_wait_time));
	json_object_set_new(o, "on_hold_time_in_minutes",
			    pair(m->on_hold_time));
	url(r, o, "ticket_metrics", m->ticket_id);
	return o;
}

json_t *gw_mc_event_json(const Hd__McEventRow *row)
{
	const Hd__McMetricEvent *e = row->event;
	if (!e)
		return NULL;
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:o}", "id",
			      (json_int_t)e->id, "ticket_id",
			      (json_int_t)e->ticket_id, "metric", e->metric,
			      "instance_id", (json_int_t)e->instance_id, "type",
			      e->type, "time", hd_time_json(e->time));
	if (o && row->status)
		json_object_set_new(o, "status", pair(row->status));
	return o;
}

/* Zendesk's reason texts by reason_code. */
static const char *reason_text(uint32_t code)
{
	switch (code) {
	case 5:
		return "The issue took too long to resolve";
	case 6:
		return "The issue was not resolved";
	case 7:
		return "The agent's knowledge is unsatisfactory";
	case 8:
		return "The agent's attitude was unsatisfactory";
	case 100:
		return "Some other reason";
	default:
		return "No reason provided";
	}
}

static json_t *id_or_null(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

json_t *gw_mc_rating_json(gw_req *r, const Hd__McRating *x)
{
	json_t *o = json_pack(
		"{s:I, s:I, s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)x->id,
		"ticket_id", (json_int_t)x->ticket_id, "requester_id",
		(json_int_t)x->requester_id, "score", x->score, "comment",
		x->comment[0] ? json_string(x->comment) : json_null(),
		"created_at", hd_time_json(x->created_at), "updated_at",
		hd_time_json(x->updated_at));
	if (!o)
		return NULL;
	json_object_set_new(o, "assignee_id", id_or_null(x->assignee_id));
	json_object_set_new(o, "group_id", id_or_null(x->group_id));
	json_object_set_new(o, "reason_code",
			    json_integer((json_int_t)x->reason_code));
	json_object_set_new(o, "reason",
			    json_string(reason_text(x->reason_code)));
	url(r, o, "satisfaction_ratings", x->id);
	return o;
}

/* One summary row: {key: id, good, bad, rated, satisfaction_percent}
 * (key NULL: the total, without an id). */
static json_t *csat_row(const char *key, const Hd__McCsatRow *x)
{
	Hd__McCsatRow zero = HD__MC_CSAT_ROW__INIT;
	if (!x)
		x = &zero;
	json_int_t g = (json_int_t)x->good, b = (json_int_t)x->bad;
	json_t *o = key ? json_pack("{s:o}", key, id_or_null(x->id))
			: json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "good", json_integer(g));
	json_object_set_new(o, "bad", json_integer(b));
	json_object_set_new(o, "rated", json_integer(g + b));
	json_object_set_new(
		o, "satisfaction_percent",
		g + b ? json_real(100.0 * (double)g / (double)(g + b))
		      : json_null());
	return o;
}

json_t *gw_mc_csat_json(const Hd__McAnswer *a, int by_agent)
{
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < a->n_csat; i++)
		json_array_append_new(
			rows, csat_row(by_agent ? "agent_id" : "group_id",
				       a->csat[i]));
	return json_pack("{s:o, s:o}", "csat", rows, "total",
			 csat_row(NULL, a->csat_total));
}
