/* The Zendesk shapes of a ticket metric and a ticket metric event (API.md
 * §9), computed from the stored record when read: calendar minutes from the
 * record's times, business minutes with the query's schedule. Minutes are
 * rounded to the nearest minute. Waits count finished status spans only, so
 * a figure does not change while nothing happens to the ticket. */
#include "mc.h"

#include "hd/time_iso.h"

#include <string.h>

static json_int_t minutes(int64_t ms)
{
	return (json_int_t)((ms + 30000) / 60000);
}

static json_t *pair(int64_t cal_ms, int64_t biz_ms)
{
	return json_pack("{s:I, s:I}", "calendar", minutes(cal_ms), "business",
			 minutes(biz_ms));
}

/* {calendar, business} minutes from created to `to`; nulls when to is 0. */
static json_t *since_created(const Hd__McTicket *m, int64_t to,
			     const hd_bizhours *b, bool have)
{
	if (!to)
		return json_pack("{s:n, s:n}", "calendar", "business");
	return pair(to - m->created_at, mc_biz_ms(b, have, m->created_at, to));
}

typedef struct waits {
	int64_t req_cal, req_biz, agent_cal, agent_biz, hold_cal, hold_biz;
} waits;

static void sum_waits(const Hd__McTicket *m, const hd_bizhours *b, bool have,
		      waits *w)
{
	memset(w, 0, sizeof *w);
	/* Folded spans (mc_apply.c) count their calendar time for both. */
	w->req_cal = w->req_biz = m->fold_requester_wait;
	w->agent_cal = w->agent_biz = m->fold_agent_wait;
	w->hold_cal = w->hold_biz = m->fold_on_hold;
	for (size_t i = 0; i + 1 < m->n_spans; i++) {
		const char *s = m->spans[i]->status;
		int64_t a = m->spans[i]->at, e = m->spans[i + 1]->at;
		int64_t cal = e > a ? e - a : 0, biz = mc_biz_ms(b, have, a, e);
		if (!strcmp(s, "pending")) {
			w->agent_cal += cal;
			w->agent_biz += biz;
		} else if (strcmp(s, "solved") && strcmp(s, "closed")) {
			w->req_cal += cal;
			w->req_biz += biz;
		}
		if (!strcmp(s, "hold")) {
			w->hold_cal += cal;
			w->hold_biz += biz;
		}
	}
}

json_t *mc_metric_json(const Hd__McTicket *m, const hd_bizhours *b, bool have)
{
	waits w;
	sum_waits(m, b, have, &w);
	json_t *o = json_pack(
		"{s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:I}", "id",
		(json_int_t)m->ticket_id, "ticket_id", (json_int_t)m->ticket_id,
		"created_at", hd_time_json(m->created_at), "updated_at",
		hd_time_json(m->updated_at), "group_stations",
		(json_int_t)m->group_stations, "assignee_stations",
		(json_int_t)m->assignee_stations, "reopens",
		(json_int_t)m->reopens, "replies", (json_int_t)m->replies);
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
	json_object_set_new(o, "reply_time_in_minutes",
			    since_created(m, m->first_reply_at, b, have));
	json_object_set_new(
		o, "reply_time_in_seconds",
		m->first_reply_at
			? json_pack("{s:I}", "calendar",
				    (json_int_t)((m->first_reply_at -
						  m->created_at + 500) /
						 1000))
			: json_pack("{s:n}", "calendar"));
	json_object_set_new(o, "first_resolution_time_in_minutes",
			    since_created(m, m->first_solved_at, b, have));
	json_object_set_new(o, "full_resolution_time_in_minutes",
			    since_created(m, m->solved_at, b, have));
	json_object_set_new(o, "agent_wait_time_in_minutes",
			    pair(w.agent_cal, w.agent_biz));
	json_object_set_new(o, "requester_wait_time_in_minutes",
			    pair(w.req_cal, w.req_biz));
	json_object_set_new(o, "on_hold_time_in_minutes",
			    pair(w.hold_cal, w.hold_biz));
	return o;
}

json_t *mc_mevent_json(const Hd__McMetricEvent *e, const hd_bizhours *b,
		       bool have)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:o}", "id",
			      (json_int_t)e->id, "ticket_id",
			      (json_int_t)e->ticket_id, "metric", e->metric,
			      "instance_id", (json_int_t)e->instance_id, "type",
			      e->type, "time", hd_time_json(e->time));
	if (!strcmp(e->type, "update_status"))
		json_object_set_new(o, "status",
				    pair(e->measure_to - e->measure_from,
					 mc_biz_ms(b, have, e->measure_from,
						   e->measure_to)));
	return o;
}
