/* POST /api/v2/hd/viewing/{ticket_id}: "I am looking at this ticket",
 * sent by the workspace every 20 s while a ticket is open. Who is viewing
 * what is kept in this gateway's memory for VIEW_TTL_MS after the last
 * beat; when the set of viewers of a ticket changes, staff streams get a
 * "viewing" event {ticket_id, viewers:[{id,name}]}. With several gateways
 * the viewers of one ticket are only those on the same gateway: run them
 * with sticky sessions (docs), or publish the beats on a shared bus. */
#include "gw_stream.h"

#include "hd/clock.h"
#include "hd/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_SLOTS    4096
#define VIEW_TTL_MS   45000
#define VIEW_PER_USER 16 /* one agent cannot fill the table */
#define GONE_PER_TICK 32

typedef struct viewer {
	uint64_t ticket_id; /* 0: free */
	uint64_t user_id;
	int64_t until;
	char name[128];
} viewer;

/* g->viewing: this gateway's viewers. */
struct gw_viewing {
	pthread_mutex_t mu;
	viewer slots[VIEW_SLOTS];
};

int gw_viewing_init(gw *g)
{
	gw_viewing *w = calloc(1, sizeof *w);
	if (!w)
		return HD_E_NOMEM;
	pthread_mutex_init(&w->mu, NULL);
	g->viewing = w;
	return HD_OK;
}

void gw_viewing_release(gw *g)
{
	if (!g->viewing)
		return;
	pthread_mutex_destroy(&g->viewing->mu);
	free(g->viewing);
	g->viewing = NULL;
}

/* The ticket's viewers as a JSON array. Under mu. */
static json_t *viewers_of(const gw_viewing *w, uint64_t tid)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < VIEW_SLOTS; i++)
		if (w->slots[i].ticket_id == tid)
			json_array_append_new(
				arr, json_pack("{s:I, s:s}", "id",
					       (json_int_t)w->slots[i].user_id,
					       "name", w->slots[i].name));
	return arr;
}

static void announce(gw *g, uint64_t tid, json_t *viewers)
{
	gw_aud staff = {.kind = GW_AUD_STAFF};
	gw_stream_push(g, "viewing",
		       json_pack("{s:I, s:O}", "ticket_id", (json_int_t)tid,
				 "viewers", viewers),
		       &staff);
}

/* Record the beat; 1 when the viewer is new to the ticket. A user already
 * on VIEW_PER_USER tickets gives up the one beaten least recently (its
 * ticket in *dropped, to announce). Under mu. */
static int beat(gw_viewing *w, uint64_t tid, uint64_t uid, const char *name,
		int64_t now, uint64_t *dropped)
{
	viewer *free_slot = NULL, *oldest = NULL;
	size_t mine = 0;
	*dropped = 0;
	for (size_t i = 0; i < VIEW_SLOTS; i++) {
		viewer *v = &w->slots[i];
		if (v->ticket_id == tid && v->user_id == uid) {
			v->until = now + VIEW_TTL_MS;
			return 0;
		}
		if (v->ticket_id && v->user_id == uid) {
			mine++;
			if (!oldest || v->until < oldest->until)
				oldest = v;
		}
		if (!v->ticket_id && !free_slot)
			free_slot = v;
	}
	if (mine >= VIEW_PER_USER) {
		*dropped = oldest->ticket_id;
		free_slot = oldest;
	}
	if (!free_slot)
		return 0; /* full: this one is not shown */
	free_slot->ticket_id = tid;
	free_slot->user_id = uid;
	free_slot->until = now + VIEW_TTL_MS;
	snprintf(free_slot->name, sizeof free_slot->name, "%s", name);
	return 1;
}

static void announce_now(gw *g, uint64_t tid)
{
	pthread_mutex_lock(&g->viewing->mu);
	json_t *viewers = viewers_of(g->viewing, tid);
	pthread_mutex_unlock(&g->viewing->mu);
	announce(g, tid, viewers);
	json_decref(viewers);
}

static int viewing(gw *g, gw_req *r, gw_resp *out)
{
	char name[128];
	gw_stream_user_name(g, r->who.user_id, name, sizeof name);
	uint64_t dropped;
	gw_viewing *w = g->viewing;
	pthread_mutex_lock(&w->mu);
	int fresh =
		beat(w, r->id, r->who.user_id, name, hd_wall_ms(), &dropped);
	json_t *viewers = viewers_of(w, r->id);
	pthread_mutex_unlock(&w->mu);
	if (fresh)
		announce(g, r->id, viewers);
	if (dropped)
		announce_now(g, dropped);
	out->status = 200;
	out->body = json_pack("{s:{s:I, s:o}}", "viewing", "ticket_id",
			      (json_int_t)r->id, "viewers", viewers);
	return HD_OK;
}

/* Expired viewers leave; each ticket that lost one is announced. At most
 * GONE_PER_TICK tickets a tick: the rest stay until the next tick, so no
 * departure goes unannounced. */
void gw_viewing_tick(gw *g)
{
	uint64_t gone[GONE_PER_TICK];
	size_t n = 0;
	int64_t now = hd_wall_ms();
	gw_viewing *w = g->viewing;
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < VIEW_SLOTS; i++) {
		viewer *v = &w->slots[i];
		if (!v->ticket_id || v->until >= now)
			continue;
		size_t k = 0;
		while (k < n && gone[k] != v->ticket_id)
			k++;
		if (k == n && n == GONE_PER_TICK)
			continue; /* next tick */
		if (k == n)
			gone[n++] = v->ticket_id;
		v->ticket_id = 0;
	}
	pthread_mutex_unlock(&w->mu);
	for (size_t i = 0; i < n; i++)
		announce_now(g, gone[i]);
}

const gw_route gw_viewing_routes[] = {
	{"POST", "/api/v2/hd/viewing/{id}", viewing, GW_AUTH_AGENT},
	{NULL, NULL, NULL, 0},
};
