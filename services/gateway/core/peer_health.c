/* Per-peer health: connection state, circuit breaker, bulkhead; see
 * gw_health.h. A peer's state changes are logged once each (peer.down with
 * the reason, peer.up), never per request. */
#include "gw_health.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A peer that never connected is called down only after this long, so the
 * first requests after start wait for the dial instead of failing. */
#define CONNECT_GRACE_MS 2000

enum { CLOSED, OPEN, HALF_OPEN };

typedef struct peer {
	char name[24];
	hd_rpc_client *c;
	int required; /* named by HD_READY_PEERS: /readyz needs it */
	unsigned inflight;
	unsigned fails; /* transport failures in a row */
	int state;
	int probing;        /* HALF_OPEN: the trial call is out */
	int64_t opened_ms;  /* when the circuit last opened */
	uint64_t connects;  /* pipe connects seen when it opened */
	int logged_down;    /* the last state logged */
	const char *reason; /* why it is down (a constant) */
	uint64_t rejected;
} peer;

typedef struct gw_health {
	pthread_mutex_t mu;
	pthread_cond_t freed; /* a call ended: a bulkhead slot may be free */
	unsigned max_inflight, failures;
	int64_t cooldown_ms, started_ms, queue_ms;
	size_t n;
	peer peers[GW_MAX_SHARDS + GW_PEERS];
} gw_health;

/* Static, not allocated: the admin thread may still read it (/metrics,
 * /readyz) after teardown; release only empties the table. */
static gw_health the_health = {.mu = PTHREAD_MUTEX_INITIALIZER,
			       .freed = PTHREAD_COND_INITIALIZER};

static int64_t mono_ms(void)
{
	return hd_prom_now_us() / 1000;
}

void gw_req_deadline(gw *g, gw_req *r)
{
	r->deadline_ms = mono_ms() + g->rpc_timeout_ms;
}

int gw_time_left(const gw *g, const gw_req *r)
{
	if (!r || !r->deadline_ms)
		return g->rpc_timeout_ms;
	int64_t left = r->deadline_ms - mono_ms();
	return left > g->rpc_timeout_ms ? g->rpc_timeout_ms : (int)left;
}

static peer *find(gw_health *h, const hd_rpc_client *c)
{
	for (size_t i = 0; h && c && i < h->n; i++)
		if (h->peers[i].c == c)
			return &h->peers[i];
	return NULL;
}

/* Log a change of p's reachability once; the caller holds the lock. */
static void note(peer *p, int down, const char *reason, const char *trace)
{
	if (down == p->logged_down)
		return;
	p->logged_down = down;
	p->reason = down ? reason : NULL;
	if (down)
		hd_warn("peer.down",
			"peer=%s reason=\"%s\" failures=%u trace=%s", p->name,
			reason, p->fails, trace ? trace : "");
	else
		hd_info("peer.up", "peer=%s trace=%s", p->name,
			trace ? trace : "");
}

/* Why p cannot take a call now (NULL: it can); moves an open circuit whose
 * peer reconnected back to closed. The caller holds the lock. */
static const char *down_reason(gw_health *h, peer *p, int64_t now)
{
	hd_rpc_link link;
	hd_rpc_client_link(p->c, &link);
	if (!link.pipes &&
	    (link.connects || now - h->started_ms > CONNECT_GRACE_MS))
		return "disconnected";
	if (p->state != CLOSED && link.connects != p->connects) {
		p->state = CLOSED; /* a new connection: a new process */
		p->fails = 0;
		p->probing = 0;
	}
	if (p->state == OPEN && now - p->opened_ms < h->cooldown_ms)
		return "circuit open";
	if (p->state != CLOSED && p->probing)
		return "circuit half-open, probe in flight";
	return NULL;
}

/* A full bulkhead: wait up to h->queue_ms (within the request's time) for
 * a slot, so a healthy peer under a burst loses nothing while a hung one
 * holds no more threads. The caller holds the lock. */
static int slot_free(gw_health *h, peer *p, int left_ms)
{
	int64_t wait = h->queue_ms < left_ms ? h->queue_ms : left_ms;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait / 1000;
	until.tv_nsec += (wait % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (p->inflight >= h->max_inflight)
		if (pthread_cond_timedwait(&h->freed, &h->mu, &until))
			break;
	return p->inflight < h->max_inflight;
}

int gw_peer_enter(gw *g, hd_rpc_client *c, int left_ms, gw_pass *pass,
		  const char **why, unsigned *retry_after)
{
	gw_health *h = g->health;
	pass->peer = -1;
	*why = NULL;
	pass->probe = 0;
	pthread_mutex_lock(&h->mu);
	peer *p = find(h, c);
	if (!p) {
		pthread_mutex_unlock(&h->mu);
		return HD_OK;
	}
	int64_t now = mono_ms();
	const char *reason = down_reason(h, p, now);
	*retry_after = 1;
	if (reason) {
		note(p, 1, reason, NULL);
		if (p->state == OPEN) {
			int64_t left = p->opened_ms + h->cooldown_ms - now;
			*retry_after =
				left > 1000 ? (unsigned)(left + 999) / 1000 : 1;
		}
	} else if (p->inflight >= h->max_inflight &&
		   (!slot_free(h, p, left_ms) ||
		    (reason = down_reason(h, p, mono_ms())))) {
		reason = reason ? reason : "too many calls in flight";
	}
	if (reason) {
		p->rejected++;
		*why = reason;
		pthread_mutex_unlock(&h->mu);
		return HD_E_UNAVAILABLE;
	}
	if (p->state == OPEN) { /* cooled down: this call is the probe */
		p->state = HALF_OPEN;
		p->probing = 1;
		pass->probe = 1;
	}
	p->inflight++;
	pass->peer = (int)(p - h->peers);
	pthread_mutex_unlock(&h->mu);
	return HD_OK;
}

static int transport_failure(int rc)
{
	return rc == HD_E_TIMEDOUT || rc == HD_E_UNAVAILABLE ||
	       rc == HD_E_CLOSED;
}

void gw_peer_leave(gw *g, const gw_pass *pass, int rc, const char *trace)
{
	gw_health *h = g->health;
	if (pass->peer < 0)
		return;
	pthread_mutex_lock(&h->mu);
	peer *p = &h->peers[pass->peer];
	p->inflight--;
	pthread_cond_broadcast(&h->freed);
	if (pass->probe)
		p->probing = 0;
	if (!transport_failure(rc)) {
		p->fails = 0;
		p->state = CLOSED;
		note(p, 0, NULL, trace);
	} else if (++p->fails >= h->failures || pass->probe) {
		if (p->state != OPEN) {
			hd_rpc_link link;
			hd_rpc_client_link(p->c, &link);
			p->connects = link.connects;
		}
		p->state = OPEN;
		p->opened_ms = mono_ms();
		note(p, 1, rc == HD_E_TIMEDOUT ? "timed out" : "unreachable",
		     trace);
	}
	pthread_mutex_unlock(&h->mu);
}

int gw_peer_known_down(gw *g, hd_rpc_client *c)
{
	gw_health *h = g->health;
	pthread_mutex_lock(&h->mu);
	peer *p = find(h, c);
	int down = p && (down_reason(h, p, mono_ms()) || p->state != CLOSED);
	pthread_mutex_unlock(&h->mu);
	return down;
}

const char *gw_peer_name(gw *g, hd_rpc_client *c)
{
	peer *p = find(g->health, c); /* names never change after init */
	return p ? p->name : "peer";
}

int gw_health_ready(void *arg, char *why, size_t cap)
{
	gw *g = arg;
	gw_health *h = g->health;
	size_t used = 0;
	why[0] = '\0';
	pthread_mutex_lock(&h->mu);
	int64_t now = mono_ms();
	for (size_t i = 0; i < h->n; i++) {
		peer *p = &h->peers[i];
		const char *reason = down_reason(h, p, now);
		if (!reason && p->state != CLOSED)
			reason = "circuit half-open";
		note(p, reason != NULL, reason, NULL);
		hd_rpc_link link;
		hd_rpc_client_link(p->c, &link);
		if (!reason && !link.pipes) /* starting: not yet dialled */
			reason = "not connected yet";
		if (!reason || !p->required || used + 1 >= cap)
			continue;
		int n = snprintf(why + used, cap - used,
				 "%s%s unreachable (%s)", used ? ", " : "",
				 p->name, reason);
		used = n < 0 ? used : used + (size_t)n;
		used = used < cap ? used : cap - 1;
	}
	pthread_mutex_unlock(&h->mu);
	return used ? HD_E_UNAVAILABLE : HD_OK;
}

static void collect(void *arg, hd_buf *out)
{
	gw_health *h = arg;
	pthread_mutex_lock(&h->mu);
	int64_t now = mono_ms();
	hd_prom_family(out, "hd_peer_up", "gauge",
		       "1 when the gateway can call the peer: connected and "
		       "its circuit closed.");
	for (size_t i = 0; i < h->n; i++)
		hd_buf_printf(out, "hd_peer_up{peer=\"%s\"} %d\n",
			      h->peers[i].name,
			      !down_reason(h, &h->peers[i], now) &&
				      h->peers[i].state == CLOSED);
	hd_prom_family(out, "hd_peer_circuit_state", "gauge",
		       "The peer's circuit: 0 closed, 1 open, 2 half-open.");
	for (size_t i = 0; i < h->n; i++)
		hd_buf_printf(out, "hd_peer_circuit_state{peer=\"%s\"} %d\n",
			      h->peers[i].name, h->peers[i].state);
	hd_prom_family(out, "hd_peer_inflight", "gauge",
		       "Calls to the peer in flight now.");
	for (size_t i = 0; i < h->n; i++)
		hd_buf_printf(out, "hd_peer_inflight{peer=\"%s\"} %u\n",
			      h->peers[i].name, h->peers[i].inflight);
	hd_prom_family(out, "hd_peer_rejected_total", "counter",
		       "Calls refused at once: peer down, circuit open or "
		       "bulkhead full.");
	for (size_t i = 0; i < h->n; i++)
		hd_buf_printf(out, "hd_peer_rejected_total{peer=\"%s\"} %llu\n",
			      h->peers[i].name,
			      (unsigned long long)h->peers[i].rejected);
	pthread_mutex_unlock(&h->mu);
}

/* Is service named in list ("intake,routing,…")? */
static int listed(const char *list, const char *service)
{
	size_t len = strlen(service);
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		if (n == len && strncmp(s, service, n) == 0)
			return 1;
		s += n + (s[n] == ',');
	}
	return 0;
}

/* Every name in HD_READY_PEERS must be a peer's. */
static int check_required(const char *list)
{
	static const char *const known[] = {"intake", "routing", "knowledge",
					    "notifications", "metrics"};
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		int ok = 0;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok |= n == strlen(known[i]) &&
			      strncmp(s, known[i], n) == 0;
		if (!ok) {
			hd_error("config.invalid",
				 "var=HD_READY_PEERS value=\"%s\" "
				 "reason=\"unknown service '%.*s'\"",
				 list, (int)n, s);
			return HD_E_INVALID;
		}
		s += n + (s[n] == ',');
	}
	return HD_OK;
}

static void add_peer(gw_health *h, hd_rpc_client *c, const char *name,
		     unsigned shard, int sharded, const char *required)
{
	peer *p = &h->peers[h->n++];
	p->required = listed(required, name);
	p->c = c;
	if (sharded)
		snprintf(p->name, sizeof p->name, "%s-%u", name, shard);
	else
		snprintf(p->name, sizeof p->name, "%s", name);
}

/* HD_PEER_MAX_INFLIGHT, "auto": three quarters of the HTTP threads, so
 * one hung peer leaves a quarter to the others. */
static int max_inflight(const hd_cfg *cfg, uint64_t *max)
{
	if (strcmp(hd_cfg_get(cfg, "HD_PEER_MAX_INFLIGHT"), "auto") != 0)
		return hd_cfg_u64(cfg, "HD_PEER_MAX_INFLIGHT", 1, 100000, max);
	uint64_t threads = 0;
	int rc = hd_cfg_u64(cfg, "HD_HTTP_THREADS", 1, 1024, &threads);
	*max = threads * 3 / 4 ? threads * 3 / 4 : 1;
	return rc;
}

int gw_health_init(gw *g)
{
	uint64_t max = 0, failures = 0, cooldown = 0, queue = 0;
	const hd_cfg *cfg = &g->svc->cfg;
	int rc = max_inflight(cfg, &max);
	if (!rc)
		rc = hd_cfg_u64(cfg, "HD_BREAKER_FAILURES", 1, 1000000,
				&failures);
	if (!rc)
		rc = hd_cfg_u64(cfg, "HD_BREAKER_COOLDOWN_MS", 10, 3600000,
				&cooldown);
	if (!rc)
		rc = hd_cfg_u64(cfg, "HD_PEER_QUEUE_MS", 0, 60000, &queue);
	const char *required = hd_cfg_get(cfg, "HD_READY_PEERS");
	if (!rc)
		rc = check_required(required);
	if (rc)
		return rc;
	gw_health *h = &the_health;
	pthread_mutex_lock(&h->mu);
	h->n = 0;
	h->max_inflight = (unsigned)max;
	h->failures = (unsigned)failures;
	h->cooldown_ms = (int64_t)cooldown;
	h->queue_ms = (int64_t)queue;
	h->started_ms = mono_ms();
	for (unsigned s = 0; s < g->shards; s++)
		add_peer(h, g->intake[s], "intake", s, 1, required);
	for (size_t i = 0; i < GW_PEERS; i++)
		add_peer(h, g->peers[i], gw_peer_names[i], 0, 0, required);
	pthread_mutex_unlock(&h->mu);
	g->health = h;
	hd_prom_add_collector(collect, h);
	g->svc->ready_check = gw_health_ready;
	g->svc->ready_arg = g;
	return HD_OK;
}

void gw_health_release(gw *g)
{
	gw_health *h = g->health;
	if (!h)
		return;
	pthread_mutex_lock(&h->mu); /* the clients close next */
	h->n = 0;
	pthread_mutex_unlock(&h->mu);
}
