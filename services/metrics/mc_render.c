/* The figures of a ticket metric and a ticket metric event (API.md §9),
 * computed from the stored record when read: calendar ms from the record's
 * times, business ms with the account's schedule. Waits count finished
 * status spans only, so a figure does not change while nothing happens to
 * the ticket. The gateway renders the rows as Zendesk's objects. */
#include "mc.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

/* A row and the durations it points at, freed as one block. */
typedef struct metric_block {
	Hd__McMetricRow row;
	Hd__McDuration d[6];
} metric_block;

static Hd__McDuration *pair(Hd__McDuration *d, int64_t cal_ms, int64_t biz_ms)
{
	hd__mc_duration__init(d);
	d->calendar_ms = cal_ms;
	d->business_ms = biz_ms;
	return d;
}

/* From created to `to`; NULL (nulls in Zendesk's shape) when to is 0. */
static Hd__McDuration *since_created(Hd__McDuration *d, const Hd__McTicket *m,
				     int64_t to, const hd_bizhours *b,
				     bool have)
{
	if (!to)
		return NULL;
	return pair(d, to - m->created_at,
		    mc_biz_ms(b, have, m->created_at, to));
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

Hd__McMetricRow *mc_metric_row(const Hd__McTicket *m, const hd_bizhours *b,
			       bool have)
{
	metric_block *k = calloc(1, sizeof *k);
	if (!k)
		return NULL;
	Hd__McMetricRow *r = &k->row;
	waits w;
	sum_waits(m, b, have, &w);
	hd__mc_metric_row__init(r);
	r->ticket_id = m->ticket_id;
	r->created_at = m->created_at;
	r->updated_at = m->updated_at;
	r->group_stations = m->group_stations;
	r->assignee_stations = m->assignee_stations;
	r->reopens = m->reopens;
	r->replies = m->replies;
	r->assignee_updated_at = m->assignee_updated_at;
	r->requester_updated_at = m->requester_updated_at;
	r->status_updated_at = m->status_updated_at;
	r->initially_assigned_at = m->initially_assigned_at;
	r->assigned_at = m->assigned_at;
	r->solved_at = m->solved_at;
	r->latest_comment_added_at = m->latest_comment_added_at;
	r->reply_time = since_created(&k->d[0], m, m->first_reply_at, b, have);
	r->first_resolution_time =
		since_created(&k->d[1], m, m->first_solved_at, b, have);
	r->full_resolution_time =
		since_created(&k->d[2], m, m->solved_at, b, have);
	r->agent_wait_time = pair(&k->d[3], w.agent_cal, w.agent_biz);
	r->requester_wait_time = pair(&k->d[4], w.req_cal, w.req_biz);
	r->on_hold_time = pair(&k->d[5], w.hold_cal, w.hold_biz);
	return r;
}

void mc_metric_row_free(Hd__McMetricRow *r)
{
	free(r); /* the block's first member */
}

/* An event row owns its unpacked event. */
typedef struct event_block {
	Hd__McEventRow row;
	Hd__McDuration status;
} event_block;

Hd__McEventRow *mc_event_row(Hd__McMetricEvent *e, const hd_bizhours *b,
			     bool have)
{
	event_block *k = calloc(1, sizeof *k);
	if (!k)
		return NULL;
	hd__mc_event_row__init(&k->row);
	k->row.event = e;
	if (!strcmp(e->type, "update_status"))
		k->row.status = pair(
			&k->status, e->measure_to - e->measure_from,
			mc_biz_ms(b, have, e->measure_from, e->measure_to));
	return &k->row;
}

void mc_event_row_free(Hd__McEventRow *r)
{
	if (r)
		hd__mc_metric_event__free_unpacked(r->event, NULL);
	free(r);
}
