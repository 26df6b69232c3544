/* The streams (see gw_stream.h). One mutex guards the ring and the client
 * list. A client's MHD content reader copies what it may see from the ring
 * (or its own pending bytes: heartbeats, view counts, reset) and, when
 * there is nothing, suspends its connection; a push resumes the suspended
 * ones. Event ids are "<epoch>-<n>", the epoch random per process, so a
 * Last-Event-ID from another gateway or an older process, or one the ring
 * no longer holds, gets "event: reset" (refresh in full) instead of a gap.
 * One thread ticks each second: heartbeats (a comment after
 * HD_STREAM_HEARTBEAT_S of silence), view counts of staff streams after
 * ticket changes (at most once a second each; only the counts that changed
 * are sent) and
 * viewing.c's expiry. */
#include "gw_session.h"
#include "gw_stream.h"

#include "hd/cfg.h"
#include "hd/clock.h"
#include "hd/err.h"
#include "hd/log.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PENDING_MAX  (256 * 1024) /* a client this far behind is cut off */
#define COUNT_GAP_MS 1000
/* Routing applies the same event as we see it, a moment later: the first
 * recount waits this long, and a second one follows a second later for a
 * routing that was slower still. */
#define COUNT_DELAY_MS 100
#define COUNT_ROUNDS   2

typedef struct entry {
	uint64_t id; /* 0: empty */
	gw_aud aud;
	char *text; /* "id: …\nevent: …\ndata: …\n\n" */
	size_t len;
} entry;

typedef struct client {
	struct client *next;
	struct gw_stream *hub;
	struct MHD_Connection *conn;
	uint64_t serial;
	hd_principal who;
	int staff;
	uint64_t last; /* the last ring id delivered */
	char *pending; /* bytes before the ring's: comments, counts, reset */
	size_t plen, pcap;
	int suspended;
	int once; /* ?once=1: end after the first burst (tests, matrix) */
	int gone; /* cut off (too far behind) */
	int count_rounds;   /* recounts still to do */
	uint64_t count_gen; /* ticket changes seen */
	int64_t count_at;   /* not before */
	int64_t counted_ms, wrote_ms;
	json_t *counts; /* the counts sent last */
} client;

struct gw_stream {
	gw *g;
	pthread_mutex_t mu;
	entry *ring;
	size_t cap;
	uint64_t next_id; /* the id the next entry gets */
	char epoch[17];
	client *clients;
	size_t nclients;
	uint64_t serials;
	uint64_t max_conns, per_user, heartbeat_ms;
	int closing;
	pthread_t ticker;
	int ticker_up;
	pthread_cond_t cond;
};

static int is_staff(const hd_principal *p)
{
	return hd_role_is_agent(p->role);
}

static int may_see(const client *c, const gw_aud *a)
{
	switch (a->kind) {
	case GW_AUD_ALL:
		return 1;
	case GW_AUD_STAFF:
		return c->staff;
	case GW_AUD_USER:
		return c->who.user_id == a->user_id;
	case GW_AUD_TICKET:
		return c->staff || c->who.user_id == a->user_id ||
		       (a->org_id && c->who.org_shared_tickets &&
			c->who.organization_id == a->org_id);
	}
	return 0;
}

/* Append to a client's pending bytes; a client that cannot keep up is
 * cut off (its browser reconnects and refreshes). Under mu. */
static void pend(client *c, const char *s, size_t n)
{
	if (c->gone)
		return;
	if (c->plen + n > PENDING_MAX) {
		c->gone = 1;
		return;
	}
	if (c->plen + n > c->pcap) {
		size_t cap = c->pcap ? c->pcap : 1024;
		while (cap < c->plen + n)
			cap *= 2;
		char *p = realloc(c->pending, cap);
		if (!p) {
			c->gone = 1;
			return;
		}
		c->pending = p;
		c->pcap = cap;
	}
	memcpy(c->pending + c->plen, s, n);
	c->plen += n;
}

static void wake(client *c)
{
	if (c->suspended) {
		c->suspended = 0;
		MHD_resume_connection(c->conn);
	}
}

static const entry *entry_for(const gw_stream *h, uint64_t id)
{
	const entry *e = &h->ring[id % h->cap];
	return e->id == id ? e : NULL;
}

/* Move the ring entries after c->last that c may see into its pending
 * bytes. Under mu. */
static void catch_up(gw_stream *h, client *c)
{
	uint64_t oldest = h->next_id > h->cap ? h->next_id - h->cap : 1;
	if (c->last + 1 < oldest) { /* fell out of the ring */
		static const char reset[] = "event: reset\ndata: {}\n\n";
		pend(c, reset, sizeof reset - 1);
		c->last = h->next_id - 1;
	}
	for (uint64_t id = c->last + 1; id < h->next_id && !c->gone; id++) {
		const entry *e = entry_for(h, id);
		if (e && may_see(c, &e->aud))
			pend(c, e->text, e->len);
		c->last = id;
	}
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	client *c = cls;
	gw_stream *h = c->hub;
	ssize_t n = 0;
	pthread_mutex_lock(&h->mu);
	catch_up(h, c);
	if (h->closing || c->gone) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else if (c->plen) {
		size_t k = c->plen < max ? c->plen : max;
		memcpy(buf, c->pending, k);
		memmove(c->pending, c->pending + k, c->plen - k);
		c->plen -= k;
		c->wrote_ms = hd_wall_ms();
		n = (ssize_t)k;
	} else if (c->once) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		c->suspended = 1;
		MHD_suspend_connection(c->conn);
	}
	pthread_mutex_unlock(&h->mu);
	return n;
}

static void client_free(void *cls)
{
	client *c = cls;
	gw_stream *h = c->hub;
	pthread_mutex_lock(&h->mu);
	for (client **p = &h->clients; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			h->nclients--;
			break;
		}
	pthread_mutex_unlock(&h->mu);
	json_decref(c->counts);
	free(c->pending);
	free(c);
}

static void format_entry(gw_stream *h, entry *e, const char *event,
			 const char *data)
{
	size_t cap = strlen(data) + strlen(event) + 80;
	e->text = malloc(cap);
	if (!e->text) {
		e->len = 0;
		return;
	}
	int n = snprintf(e->text, cap,
			 "id: %s-%" PRIu64 "\nevent: %s\ndata: %s\n\n",
			 h->epoch, e->id, event, data);
	e->len = n > 0 ? (size_t)n : 0;
}

void gw_stream_push(gw *g, const char *event, json_t *data, const gw_aud *aud)
{
	gw_stream *h = g->stream;
	char *text = json_dumps(data, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(data);
	if (!h || !text) {
		free(text);
		return;
	}
	pthread_mutex_lock(&h->mu);
	entry *e = &h->ring[h->next_id % h->cap];
	free(e->text);
	e->id = h->next_id++;
	e->aud = *aud;
	format_entry(h, e, event, text);
	for (client *c = h->clients; c; c = c->next)
		if (may_see(c, aud))
			wake(c);
	pthread_mutex_unlock(&h->mu);
	free(text);
}

void gw_stream_reset_all(gw *g)
{
	gw_aud all = {.kind = GW_AUD_ALL};
	gw_stream_push(g, "reset", json_object(), &all);
}

void gw_stream_tickets_changed(gw *g)
{
	gw_stream *h = g->stream;
	if (!h)
		return;
	int64_t at = hd_wall_ms() + COUNT_DELAY_MS;
	pthread_mutex_lock(&h->mu);
	for (client *c = h->clients; c; c = c->next) {
		if (!c->staff)
			continue;
		if (!c->count_rounds)
			c->count_at = at;
		c->count_rounds = COUNT_ROUNDS;
		c->count_gen++;
	}
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->mu);
}

size_t gw_stream_count(gw *g)
{
	gw_stream *h = g->stream;
	pthread_mutex_lock(&h->mu);
	size_t n = h->nclients;
	pthread_mutex_unlock(&h->mu);
	return n;
}

/* Where a reconnecting client resumes: after its Last-Event-ID when this
 * process wrote it and the ring still holds what follows; else 0 (reset). */
static uint64_t resume_point(gw_stream *h, const char *last)
{
	size_t el = strlen(h->epoch);
	uint64_t id = 0;
	if (!last || strncmp(last, h->epoch, el) != 0 || last[el] != '-' ||
	    hd_parse_u64(last + el + 1, &id) || id >= h->next_id)
		return 0;
	uint64_t oldest = h->next_id > h->cap ? h->next_id - h->cap : 1;
	return id + 1 >= oldest ? id : 0;
}

static size_t streams_of(gw_stream *h, uint64_t uid)
{
	size_t n = 0;
	for (client *c = h->clients; c; c = c->next)
		n += c->who.user_id == uid;
	return n;
}

static int refuse_busy(gw_resp *out, const char *why)
{
	out->retry_after = 5;
	return gw_error(out, 429, "TooManyRequests", why);
}

static int stream_open(gw *g, gw_req *r, gw_resp *out)
{
	gw_stream *h = g->stream;
	const char *last = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						       "Last-Event-ID");
	const char *once = gw_query(r, "once");
	if (!last)
		last = gw_query(r, "last_event_id");
	client *c = calloc(1, sizeof *c);
	if (!c)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	c->hub = h;
	c->conn = r->conn;
	c->who = r->who;
	c->staff = is_staff(&r->who);
	c->once = once && strcmp(once, "1") == 0;
	c->count_rounds = c->staff; /* the first counts at once */
	pthread_mutex_lock(&h->mu);
	int full = h->nclients >= h->max_conns;
	int mine = streams_of(h, r->who.user_id) >= h->per_user;
	if (full || mine || h->closing) {
		pthread_mutex_unlock(&h->mu);
		free(c);
		return refuse_busy(out, full ? "Too many live streams on this "
					       "gateway; try again later"
					     : "Too many live streams for this "
					       "user; close a tab");
	}
	c->serial = ++h->serials;
	static const char hello[] = "retry: 2000\n: hana desk\n\n";
	pend(c, hello, sizeof hello - 1);
	uint64_t from = last ? resume_point(h, last) : 0;
	if (last && !from) {
		static const char reset[] = "event: reset\ndata: {}\n\n";
		pend(c, reset, sizeof reset - 1);
	}
	c->last = from ? from : h->next_id - 1;
	c->wrote_ms = hd_wall_ms();
	c->next = h->clients;
	h->clients = c;
	h->nclients++;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->mu);
	struct MHD_Response *resp = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, 16 * 1024, reader, c, client_free);
	if (!resp) {
		client_free(c);
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				"no-cache");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	out->mhd = resp;
	out->status = 200;
	return HD_OK;
}

/* ---- the ticker: heartbeats, view counts, viewing expiry ---- */

typedef struct count_job {
	uint64_t gen;
	hd_principal who; /* every open stream of who.user_id gets the counts */
} count_job;

/* Counts that differ from what c was sent, as {"view_id": n}. */
static json_t *changed(const json_t *old, json_t *now)
{
	json_t *diff = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(now, k, v)
	{
		json_t *o = old ? json_object_get(old, k) : NULL;
		if (!o || !json_equal(o, v))
			json_object_set(diff, k, v);
	}
	return diff;
}

static void deliver_counts(gw_stream *h, const count_job *j, json_t *counts)
{
	pthread_mutex_lock(&h->mu);
	for (client *c = h->clients; c; c = c->next) {
		if (c->who.user_id != j->who.user_id)
			continue;
		json_t *diff = changed(c->counts, counts);
		/* A change seen, and no newer one since: no second round. */
		if (json_object_size(diff) && c->count_gen == j->gen)
			c->count_rounds = 0;
		if (json_object_size(diff)) {
			json_t *body = json_pack("{s:O}", "view_counts", diff);
			char *text = json_dumps(body, JSON_COMPACT);
			json_decref(body);
			if (text) {
				pend(c, "event: view_counts\ndata: ", 25);
				pend(c, text, strlen(text));
				pend(c, "\n\n", 2);
				free(text);
				wake(c);
			}
			json_decref(c->counts);
			c->counts = json_incref(counts);
		}
		json_decref(diff);
	}
	pthread_mutex_unlock(&h->mu);
}

/* One count job per user and round: tabs of the same user share it. */
static size_t due_counts(gw_stream *h, count_job *jobs, size_t max, int64_t now)
{
	size_t n = 0;
	for (client *c = h->clients; c && n < max; c = c->next) {
		if (!c->count_rounds || now < c->count_at ||
		    now - c->counted_ms < COUNT_GAP_MS)
			continue;
		c->count_rounds--;
		c->counted_ms = now;
		c->count_at = now + COUNT_GAP_MS;
		size_t k = 0;
		while (k < n && jobs[k].who.user_id != c->who.user_id)
			k++;
		if (k < n)
			continue; /* another tab of the user's asked already */
		jobs[n].gen = c->count_gen;
		jobs[n++].who = c->who;
	}
	return n;
}

static void heartbeats(gw_stream *h, int64_t now)
{
	for (client *c = h->clients; c; c = c->next)
		if (now - c->wrote_ms >= (int64_t)h->heartbeat_ms && !c->plen) {
			pend(c, ": hb\n\n", 6);
			c->wrote_ms = now;
			wake(c);
		}
}

static void *ticker_main(void *arg)
{
	gw_stream *h = arg;
	count_job jobs[64];
	int64_t last_tick = 0;
	pthread_mutex_lock(&h->mu);
	while (!h->closing) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&h->cond, &h->mu, &until);
		int64_t now = hd_wall_ms();
		size_t n = h->closing ? 0 : due_counts(h, jobs, 64, now);
		int tick = now - last_tick >= 1000;
		if (tick) {
			heartbeats(h, now);
			last_tick = now;
		}
		pthread_mutex_unlock(&h->mu);
		for (size_t i = 0; i < n; i++) {
			json_t *counts =
				gw_stream_view_counts(h->g, &jobs[i].who);
			if (counts)
				deliver_counts(h, &jobs[i], counts);
			json_decref(counts);
		}
		if (tick)
			gw_viewing_tick(h->g);
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int gw_stream_init(gw *g)
{
	gw_stream *h = calloc(1, sizeof *h);
	uint64_t ring = 0, hb = 0;
	if (!h)
		return HD_E_NOMEM;
	int rc = hd_cfg_u64(&g->svc->cfg, "HD_STREAM_MAX_CONNS", 1, 100000,
			    &h->max_conns);
	if (!rc)
		rc = hd_cfg_u64(&g->svc->cfg, "HD_STREAM_PER_USER", 1, 1000,
				&h->per_user);
	if (!rc)
		rc = hd_cfg_u64(&g->svc->cfg, "HD_STREAM_RING", 16, 1000000,
				&ring);
	if (!rc)
		rc = hd_cfg_u64(&g->svc->cfg, "HD_STREAM_HEARTBEAT_S", 1, 3600,
				&hb);
	if (!rc && !(h->ring = calloc(ring, sizeof *h->ring)))
		rc = HD_E_NOMEM;
	if (!rc)
		rc = gw_viewing_init(g);
	if (rc) {
		free(h->ring);
		free(h);
		return rc;
	}
	uint8_t raw[4];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(h->epoch, sizeof h->epoch, raw, sizeof raw);
	h->g = g;
	h->cap = (size_t)ring;
	h->next_id = 1;
	h->heartbeat_ms = hb * 1000;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cond, NULL);
	g->stream = h;
	if (pthread_create(&h->ticker, NULL, ticker_main, h) != 0)
		return HD_E_INTERNAL;
	h->ticker_up = 1;
	return gw_stream_bus_start(g);
}

void gw_stream_close_clients(gw *g)
{
	gw_stream *h = g->stream;
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->closing = 1;
	for (client *c = h->clients; c; c = c->next)
		wake(c);
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->mu);
	gw_stream_bus_stop(g);
	if (h->ticker_up)
		pthread_join(h->ticker, NULL);
	h->ticker_up = 0;
}

void gw_stream_release(gw *g)
{
	gw_stream *h = g->stream;
	if (!h)
		return;
	for (size_t i = 0; i < h->cap; i++)
		free(h->ring[i].text);
	free(h->ring);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->mu);
	free(h);
	g->stream = NULL;
	gw_stream_bus_release(g);
	gw_viewing_release(g);
}

const gw_route gw_stream_routes[] = {
	{"GET", "/api/v2/hd/stream", stream_open, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
