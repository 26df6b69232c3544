/* The streams' source: a live subscriber to every intake shard's and
 * routing's pub socket. Frames are verified with the cluster key
 * (hd_auth_bus_open, as every consumer does) before anything is read.
 * This is a live feed, not a consumer: nothing is stored and nothing is
 * pulled; a gap in a source's sequence (a frame pub/sub dropped) tells
 * every stream to refresh in full ("reset"), which is always correct.
 *   ticket.created/updated/deleted → "ticket" (who may see the ticket),
 *     "assignment" (to a new assignee), and view recounts
 *   presence.changed               → "presence" (staff) */
#include "gw_stream.h"

#include "common.pb-c.h"
#include "hd/dial_keep.h"
#include "hd/time_iso.h"
#include "hd/clock.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/log.h"
#include "hd/sub_recv.h"
#include "routing.pb-c.h"
#include "user.pb-c.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define NAME_SLOTS   1024
#define NAME_TTL_MS  60000
#define ASSIGN_SLOTS 65536
#define MAX_SOURCES  (GW_MAX_SHARDS + 1)

typedef struct name_slot {
	uint64_t id;
	int64_t at;
	char name[128];
} name_slot;

typedef struct seq_slot {
	char source[32];
	unsigned shard;
	uint64_t seq;
} seq_slot;

/* g->stream_bus: the subscriber and what it remembers between events. */
typedef struct gw_stream_bus gw_stream_bus;
struct gw_stream_bus {
	gw *g;
	nng_socket sub;
	hd_sub_recv recv;   /* bus_main's wait; stop ends it */
	hd_dial_keep *keep; /* the sub's dials, redialled when nng gives up */
	int open;
	pthread_t thread;
	int running;
	atomic_int stopping;
	pthread_mutex_t names_mu;
	name_slot names[NAME_SLOTS];
	/* ticket id → the assignee last seen, to tell a new assignment */
	uint64_t assign_tk[ASSIGN_SLOTS], assign_to[ASSIGN_SLOTS];
	seq_slot seqs[MAX_SOURCES];
	size_t nseqs;
};

void gw_stream_user_name(gw *g, uint64_t id, char *out, size_t cap)
{
	gw_stream_bus *b = g->stream_bus;
	out[0] = '\0';
	if (!id || !b)
		return;
	name_slot *s = &b->names[id % NAME_SLOTS];
	int64_t now = hd_wall_ms();
	pthread_mutex_lock(&b->names_mu);
	int hit = s->id == id && now - s->at < NAME_TTL_MS;
	if (hit)
		snprintf(out, cap, "%s", s->name);
	pthread_mutex_unlock(&b->names_mu);
	if (hit)
		return;
	Hd__IdRequest q = HD__ID_REQUEST__INIT;
	hd_principal sys = {0};
	hd_rpc_result res = {0};
	uint8_t buf[16];
	q.id = id;
	sys.role = HD__USER_ROLE__ROLE_SYSTEM;
	size_t len = hd__id_request__pack(&q, buf);
	if (gw_rpc(g, g->intake[0], NULL, "users.get", buf, len, &sys, &res,
		   NULL) == HD_OK &&
	    res.rc == HD_OK) {
		Hd__User *u = hd__user__unpack(NULL, res.len, res.payload);
		if (u) {
			snprintf(out, cap, "%s", u->name);
			pthread_mutex_lock(&b->names_mu);
			s->id = id;
			s->at = now;
			snprintf(s->name, sizeof s->name, "%s", u->name);
			pthread_mutex_unlock(&b->names_mu);
		}
		hd__user__free_unpacked(u, NULL);
	}
	hd_rpc_result_release(&res);
}

static json_t *person(gw *g, uint64_t id)
{
	char name[128];
	if (!id)
		return json_null();
	gw_stream_user_name(g, id, name, sizeof name);
	return json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name);
}

static json_t *id_or_null(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static void on_ticket(gw *g, const Hd__Envelope *ev, const char *what)
{
	gw_stream_bus *b = g->stream_bus;
	Hd__Ticket *tk =
		hd__ticket__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!tk)
		return;
	char at[HD_TIME_ISO_LEN];
	hd_time_iso(tk->updated_at, at);
	json_t *data =
		json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:I, s:o}",
			  "id", (json_int_t)tk->id, "change", what, "subject",
			  tk->subject, "status", tk->status, "assignee_id",
			  id_or_null(tk->assignee_id), "group_id",
			  id_or_null(tk->group_id), "requester_id",
			  (json_int_t)tk->requester_id, "updated_at", at,
			  "updated_stamp", (json_int_t)tk->updated_stamp,
			  "updated_by", person(g, tk->updater_id));
	gw_aud aud = {.kind = GW_AUD_TICKET,
		      .user_id = tk->requester_id,
		      .org_id = tk->organization_id};
	gw_stream_push(g, "ticket", data, &aud);
	size_t slot = tk->id % ASSIGN_SLOTS;
	int known = b->assign_tk[slot] == tk->id;
	if (tk->assignee_id && !tk->deleted &&
	    (!known || b->assign_to[slot] != tk->assignee_id)) {
		gw_aud to = {.kind = GW_AUD_USER, .user_id = tk->assignee_id};
		gw_stream_push(g, "assignment",
			       json_pack("{s:I, s:s, s:s, s:o}", "ticket_id",
					 (json_int_t)tk->id, "subject",
					 tk->subject, "status", tk->status,
					 "assigned_by",
					 person(g, tk->updater_id)),
			       &to);
	}
	b->assign_tk[slot] = tk->id;
	b->assign_to[slot] = tk->assignee_id;
	hd__ticket__free_unpacked(tk, NULL);
	gw_stream_tickets_changed(g);
}

static void on_presence(gw *g, const Hd__Envelope *ev)
{
	Hd__PresenceChanged *p = hd__presence_changed__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!p)
		return;
	char at[HD_TIME_ISO_LEN];
	hd_time_iso(p->at, at);
	json_t *data = json_pack("{s:I, s:o, s:s, s:s, s:b, s:s}", "agent_id",
				 (json_int_t)p->agent_id, "agent",
				 person(g, p->agent_id), "state", p->state,
				 "previous_state", p->previous_state,
				 "available", p->available, "at", at);
	gw_aud staff = {.kind = GW_AUD_STAFF};
	gw_stream_push(g, "presence", data, &staff);
	hd__presence_changed__free_unpacked(p, NULL);
}

/* 1 when ev is the next of its source (or the first seen); a gap resets
 * every stream; a repeat is dropped (0). */
static int in_order(gw *g, const Hd__Envelope *ev)
{
	gw_stream_bus *b = g->stream_bus;
	seq_slot *s = NULL;
	for (size_t i = 0; i < b->nseqs && !s; i++)
		if (b->seqs[i].shard == ev->shard &&
		    strcmp(b->seqs[i].source, ev->source) == 0)
			s = &b->seqs[i];
	if (!s) {
		if (b->nseqs == MAX_SOURCES)
			return 1;
		s = &b->seqs[b->nseqs++];
		snprintf(s->source, sizeof s->source, "%s", ev->source);
		s->shard = ev->shard;
		s->seq = ev->seq;
		return 1;
	}
	if (ev->seq <= s->seq)
		return 0;
	if (ev->seq > s->seq + 1) {
		hd_warn("stream.gap", "source=%s shard=%u from=%llu to=%llu",
			ev->source, ev->shard, (unsigned long long)s->seq,
			(unsigned long long)ev->seq);
		gw_stream_reset_all(g);
	}
	s->seq = ev->seq;
	return 1;
}

static void on_event(gw *g, const Hd__Envelope *ev)
{
	if (!in_order(g, ev))
		return;
	if (strcmp(ev->type, "ticket.created") == 0)
		on_ticket(g, ev, "created");
	else if (strcmp(ev->type, "ticket.updated") == 0)
		on_ticket(g, ev, "updated");
	else if (strcmp(ev->type, "ticket.deleted") == 0)
		on_ticket(g, ev, "deleted");
	else if (strcmp(ev->type, "presence.changed") == 0)
		on_presence(g, ev);
}

static void on_frame(gw *g, nng_msg *msg)
{
	if (hd_auth_bus_open(msg))
		return; /* counted and logged there */
	const uint8_t *body = nng_msg_body(msg);
	size_t len = nng_msg_len(msg);
	const uint8_t *nul = memchr(body, '\0', len < 64 ? len : 64);
	if (!nul || (nul - body == 2 && memcmp(body, "hb", 2) == 0))
		return;
	size_t skip = (size_t)(nul - body) + 1;
	Hd__EventBatch *b =
		hd__event_batch__unpack(NULL, len - skip, body + skip);
	for (size_t i = 0; b && i < b->n_events; i++)
		on_event(g, b->events[i]);
	hd__event_batch__free_unpacked(b, NULL);
}

static void *bus_main(void *arg)
{
	gw *g = arg;
	gw_stream_bus *b = g->stream_bus;
	while (!atomic_load(&b->stopping)) {
		nng_msg *msg = hd_sub_recv_next(&b->recv);
		if (!msg)
			continue;
		on_frame(g, msg);
		nng_msg_free(msg);
	}
	return NULL;
}

static int dial(gw *g, const char *service, unsigned shard)
{
	gw_stream_bus *b = g->stream_bus;
	char url[512];
	int rc = hd_svc_url(g->svc, service, "PUB", shard, url, sizeof url);
	if (!rc)
		rc = hd_dial_keep_add(b->keep, url);
	return rc;
}

int gw_stream_bus_start(gw *g)
{
	gw_stream_bus *b = calloc(1, sizeof *b);
	if (!b)
		return HD_E_NOMEM;
	pthread_mutex_init(&b->names_mu, NULL);
	g->stream_bus = b;
	int rc = hd_err_from_nng(nng_sub0_open(&b->sub));
	if (rc)
		return rc;
	b->open = 1;
	b->g = g;
	nng_socket_set_int(b->sub, NNG_OPT_RECVBUF, 1024);
	nng_socket_set_ms(b->sub, NNG_OPT_RECONNMINT, 50);
	nng_socket_set_ms(b->sub, NNG_OPT_RECONNMAXT, 500);
	nng_socket_set_size(b->sub, NNG_OPT_RECVMAXSZ, (size_t)64 << 20);
	nng_socket_set(b->sub, NNG_OPT_SUB_SUBSCRIBE, "", 0);
	rc = hd_sub_recv_open(&b->recv, b->sub, 200);
	if (!rc)
		rc = hd_dial_keep_open(&b->keep, b->sub, (size_t)g->shards + 1);
	for (unsigned s = 0; s < g->shards && !rc; s++)
		rc = dial(g, "intake", s);
	if (!rc)
		rc = dial(g, "routing", 0);
	if (!rc && pthread_create(&b->thread, NULL, bus_main, g) != 0)
		rc = HD_E_INTERNAL;
	b->running = rc == HD_OK;
	return rc;
}

void gw_stream_bus_stop(gw *g)
{
	gw_stream_bus *b = g->stream_bus;
	if (!b)
		return;
	atomic_store(&b->stopping, 1);
	hd_sub_recv_stop(&b->recv);
	if (b->running)
		pthread_join(b->thread, NULL);
	b->running = 0;
	if (b->open) {
		nng_msg *m;
		while (nng_recvmsg(b->sub, &m, NNG_FLAG_NONBLOCK) == 0)
			nng_msg_free(m);
		hd_dial_keep_close(b->keep);
		b->keep = NULL;
		nng_close(b->sub);
	}
	hd_sub_recv_close(&b->recv);
	b->open = 0;
}

/* After the HTTP pool has stopped: handlers read the name cache. */
void gw_stream_bus_release(gw *g)
{
	gw_stream_bus *b = g->stream_bus;
	if (!b)
		return;
	pthread_mutex_destroy(&b->names_mu);
	free(b);
	g->stream_bus = NULL;
}
