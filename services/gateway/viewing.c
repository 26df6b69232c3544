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
#include <string.h>

#define VIEW_SLOTS  4096
#define VIEW_TTL_MS 45000

typedef struct viewer {
	uint64_t ticket_id; /* 0: free */
	uint64_t user_id;
	int64_t until;
	char name[128];
} viewer;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static viewer slots[VIEW_SLOTS];

/* The ticket's viewers as a JSON array. Under mu. */
static json_t *viewers_of(uint64_t tid)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < VIEW_SLOTS; i++)
		if (slots[i].ticket_id == tid)
			json_array_append_new(
				arr, json_pack("{s:I, s:s}", "id",
					       (json_int_t)slots[i].user_id,
					       "name", slots[i].name));
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

/* Record the beat; 1 when the viewer is new to the ticket. Under mu. */
static int beat(uint64_t tid, uint64_t uid, const char *name, int64_t now)
{
	viewer *free_slot = NULL;
	for (size_t i = 0; i < VIEW_SLOTS; i++) {
		viewer *v = &slots[i];
		if (v->ticket_id == tid && v->user_id == uid) {
			v->until = now + VIEW_TTL_MS;
			return 0;
		}
		if (!v->ticket_id && !free_slot)
			free_slot = v;
	}
	if (!free_slot)
		return 0; /* full: this one is not shown */
	free_slot->ticket_id = tid;
	free_slot->user_id = uid;
	free_slot->until = now + VIEW_TTL_MS;
	snprintf(free_slot->name, sizeof free_slot->name, "%s", name);
	return 1;
}

static int viewing(gw *g, gw_req *r, gw_resp *out)
{
	char name[128];
	gw_stream_user_name(g, r->who.user_id, name, sizeof name);
	pthread_mutex_lock(&mu);
	int fresh = beat(r->id, r->who.user_id, name, hd_wall_ms());
	json_t *viewers = viewers_of(r->id);
	pthread_mutex_unlock(&mu);
	if (fresh)
		announce(g, r->id, viewers);
	out->status = 200;
	out->body = json_pack("{s:{s:I, s:o}}", "viewing", "ticket_id",
			      (json_int_t)r->id, "viewers", viewers);
	return HD_OK;
}

void gw_viewing_tick(gw *g)
{
	uint64_t gone[32];
	size_t n = 0;
	int64_t now = hd_wall_ms();
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < VIEW_SLOTS; i++)
		if (slots[i].ticket_id && slots[i].until < now) {
			if (n < 32)
				gone[n++] = slots[i].ticket_id;
			slots[i].ticket_id = 0;
		}
	pthread_mutex_unlock(&mu);
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&mu);
		json_t *viewers = viewers_of(gone[i]);
		pthread_mutex_unlock(&mu);
		announce(g, gone[i], viewers);
		json_decref(viewers);
	}
}

const gw_route gw_viewing_routes[] = {
	{"POST", "/api/v2/hd/viewing/{id}", viewing, GW_AUTH_AGENT},
	{NULL, NULL, NULL, 0},
};
