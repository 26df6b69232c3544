/* Live updates for the workspace (issue 16): GET /api/v2/hd/stream, a
 * Server-Sent Events stream per signed-in browser, fed by the bus.
 *   stream_hub.c    clients, the replay ring, the SSE writer, heartbeats,
 *                   view counts (recounted at most once a second)
 *   stream_bus.c    a live subscriber to intake's and routing's pub sockets
 *                   (frames verified with the cluster key) → events
 *   stream_counts.c a user's view counts through routing's RPCs
 *   viewing.c       who is viewing which ticket (this gateway's memory)
 * Streams are suspended MHD connections: no thread waits for a client. */
#ifndef GW_STREAM_H
#define GW_STREAM_H

#include "gateway.h"

typedef struct gw_stream gw_stream;

/* Who may receive an event. */
enum {
	GW_AUD_STAFF,  /* agents and admins */
	GW_AUD_TICKET, /* staff, the requester, and the requester's
			* organization when it shares tickets */
	GW_AUD_USER,   /* one user */
	GW_AUD_ALL,    /* every stream (reset) */
};
typedef struct gw_aud {
	int kind;
	uint64_t user_id; /* TICKET: the requester; USER: the user */
	uint64_t org_id;  /* TICKET: the requester's organization */
} gw_aud;

/* stream_hub.c */
int gw_stream_init(gw *g);
/* End every stream (before MHD stops: no connection stays suspended). */
void gw_stream_close_clients(gw *g);
void gw_stream_release(gw *g);
/* Append an event to the ring and wake the streams that may see it.
 * data is stolen. replay: 0 for an event that is not kept for
 * Last-Event-ID (it goes to the streams connected now). */
void gw_stream_push(gw *g, const char *event, json_t *data, const gw_aud *aud);
/* Tickets changed: staff streams recount their views (≤ once a second). */
void gw_stream_tickets_changed(gw *g);
/* Tell every stream to refresh in full (events were lost). */
void gw_stream_reset_all(gw *g);
/* How many streams are open (for tests and /metrics). */
size_t gw_stream_count(gw *g);
extern const gw_route gw_stream_routes[];

/* stream_bus.c */
int gw_stream_bus_start(gw *g);
void gw_stream_bus_stop(gw *g);    /* its thread and socket */
void gw_stream_bus_release(gw *g); /* its memory, after HTTP stopped */
/* The user's name, cached a minute; "" when unknown. */
void gw_stream_user_name(gw *g, uint64_t id, char *out, size_t cap);

/* stream_counts.c: {"view_id": count, …} of the views who can see, or
 * NULL when routing did not answer. */
json_t *gw_stream_view_counts(gw *g, const hd_principal *who);

/* viewing.c: g->viewing, made by gw_stream_init before the ticker starts
 * and freed by gw_stream_release. */
int gw_viewing_init(gw *g); /* HD_OK or HD_E_NOMEM */
void gw_viewing_release(gw *g);
void gw_viewing_tick(gw *g); /* forget viewers gone quiet (each second) */
extern const gw_route gw_viewing_routes[];

#endif
