/* The sender thread: looks at the outbox, starts the deliveries that are
 * due (only the oldest pending one of each lane, so a webhook receives its
 * events in order; mail has no lane), runs them concurrently on one libcurl
 * multi handle, and records each result. A per-host circuit breaker stops
 * hammering a receiver that keeps failing, without holding up any other. */
#include "deliver.h"

#include "hd/err.h"
#include "hd/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MAX_XFERS  256
#define MAX_LANES  1024
#define MAX_HOSTS  256
#define SCAN_LIMIT 5000
#define POLL_MS    50

typedef struct breaker {
	char host[256];
	uint32_t fails;
	int64_t open_until;
} breaker;

struct notify_sender {
	notify *n;
	pthread_t th;
	_Atomic int stop;
	_Atomic uint64_t in_flight;
	CURLM *multi;
	notify_xfer *x[MAX_XFERS];
	size_t nx;
	breaker hosts[MAX_HOSTS];
	size_t nhosts;
	notify_outcome done[MAX_XFERS];
	size_t ndone;
};

static breaker *find_host(notify_sender *s, const char *host, int create)
{
	for (size_t i = 0; i < s->nhosts; i++)
		if (strcmp(s->hosts[i].host, host) == 0)
			return &s->hosts[i];
	if (!create)
		return NULL;
	breaker *b =
		&s->hosts[s->nhosts < MAX_HOSTS ? s->nhosts++
						: (size_t)rand() % MAX_HOSTS];
	memset(b, 0, sizeof *b);
	snprintf(b->host, sizeof b->host, "%s", host);
	return b;
}

static void xfer_free(notify_xfer *x)
{
	if (!x)
		return;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	curl_slist_free_all(x->rcpt);
	free(x->payload);
	hd_buf_release(&x->response);
	hd__delivery__free_unpacked(x->d, NULL);
	free(x);
}

static int in_flight(notify_sender *s, uint64_t id)
{
	for (size_t i = 0; i < s->nx; i++)
		if (s->x[i]->d->id == id)
			return 1;
	return 0;
}

/* A result without a transfer (the webhook was deleted, the mail could not
 * be built): recorded like any attempt. */
static void fail_now(notify_sender *s, const Hd__Delivery *d, const char *why)
{
	if (s->ndone >= MAX_XFERS)
		return;
	notify_outcome *o = &s->done[s->ndone++];
	memset(o, 0, sizeof *o);
	o->delivery_id = d->id;
	o->started_at = o->completed_at = hd_wall_ms();
	/* A permanent failure: straight to the dead letters. */
	o->status_code = strcmp(d->kind, "mail") == 0 ? 554 : 400;
	o->transport_err = -1;
	o->retry_after_ms = -1;
	snprintf(o->error, sizeof o->error, "%s", why);
}

static void start_one(notify_sender *s, hd_txn *t, Hd__Delivery *d)
{
	notify *n = s->n;
	notify_xfer *x = calloc(1, sizeof *x);
	if (!x) {
		hd__delivery__free_unpacked(d, NULL);
		return;
	}
	x->d = d;
	x->retry_after_ms = -1;
	hd_buf_init(&x->response, 64 * 1024 + 1);
	snprintf(x->lane, sizeof x->lane, "%s", d->lane);
	x->easy = curl_easy_init();
	int rc = x->easy ? HD_OK : HD_E_NOMEM;
	if (!rc) {
		curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
		curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
		curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
				 (long)n->cfg.connect_ms);
		curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS,
				 (long)n->cfg.timeout_ms);
		rc = strcmp(d->kind, "mail") == 0 ? notify_smtp_setup(n, t, x)
						  : notify_http_setup(n, t, x);
	}
	if (rc) {
		fail_now(s, d,
			 rc == HD_E_NOTFOUND ? "webhook deleted"
					     : hd_strerror(rc));
		xfer_free(x);
		return;
	}
	breaker *b = find_host(s, x->host, 0);
	if (b && b->open_until > hd_wall_ms()) {
		xfer_free(x); /* circuit open: try again after the cooldown */
		return;
	}
	x->started_at = hd_wall_ms();
	if (curl_multi_add_handle(s->multi, x->easy) != CURLM_OK) {
		xfer_free(x);
		return;
	}
	s->x[s->nx++] = x;
	atomic_store(&s->in_flight, s->nx);
}

typedef struct scan_state {
	notify_sender *s;
	hd_txn *t;
	char (*lanes)[64];
	size_t nlanes;
	unsigned seen;
	int64_t now;
} scan_state;

/* True when lane already had an older pending delivery in this scan. */
static int lane_taken(scan_state *st, const char *lane)
{
	if (!lane[0])
		return 0;
	for (size_t i = 0; i < st->nlanes; i++)
		if (strcmp(st->lanes[i], lane) == 0)
			return 1;
	if (st->nlanes < MAX_LANES)
		snprintf(st->lanes[st->nlanes++], 64, "%s", lane);
	return 0;
}

static int scan_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	scan_state *st = arg;
	notify_sender *s = st->s;
	Hd__Delivery *d = NULL;
	(void)v;
	if (++st->seen > SCAN_LIMIT || s->nx >= s->n->cfg.max_parallel ||
	    s->nx >= MAX_XFERS || s->ndone >= MAX_XFERS)
		return NOTIFY_STOP;
	uint64_t id = hd_key_get_u64(k->mv_data);
	if (notify_get_pb_u64(st->t, s->n->deliveries, id,
			      &hd__delivery__descriptor, (void **)&d))
		return 0;
	int busy = lane_taken(st, d->lane) || in_flight(s, id) ||
		   d->next_at > st->now;
	if (busy)
		hd__delivery__free_unpacked(d, NULL);
	else
		start_one(s, st->t, d); /* takes d */
	return 0;
}

static void scan(notify_sender *s)
{
	static char lanes[MAX_LANES][64]; /* only the sender thread scans */
	hd_txn t;
	if (hd_store_read(s->n->store, &t))
		return;
	scan_state st = {s, &t, lanes, 0, 0, hd_wall_ms()};
	/* In-flight deliveries hold their lanes. */
	for (size_t i = 0; i < s->nx; i++)
		lane_taken(&st, s->x[i]->lane);
	notify_scan(&t, s->n->pending, NULL, 0, scan_one, &st);
	hd_txn_end(&t);
}

static void finish(notify_sender *s, notify_xfer *x, CURLcode res)
{
	notify_outcome *o = &s->done[s->ndone++];
	long code = 0;
	memset(o, 0, sizeof *o);
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	o->delivery_id = x->d->id;
	o->started_at = x->started_at;
	o->completed_at = hd_wall_ms();
	o->status_code = (int)code;
	o->transport_err = (int)res;
	o->retry_after_ms = x->retry_after_ms;
	if (res != CURLE_OK)
		snprintf(o->error, sizeof o->error, "%.199s",
			 x->errbuf[0] ? x->errbuf : curl_easy_strerror(res));
	else if (code >= 300)
		snprintf(o->error, sizeof o->error, "HTTP %ld", code);
	breaker *b = find_host(s, x->host, 1);
	int healthy = res == CURLE_OK && code < 500;
	if (healthy) {
		b->fails = 0;
		b->open_until = 0;
	} else if (++b->fails >= s->n->cfg.breaker_failures) {
		b->open_until =
			hd_wall_ms() + (int64_t)s->n->cfg.breaker_cooldown_ms;
		hd_warn("notify.breaker_open", "host=%s fails=%u", b->host,
			b->fails);
	}
}

static void reap(notify_sender *s)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(s->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		notify_xfer *x = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
				  (char **)&x);
		CURLcode res = m->data.result;
		curl_multi_remove_handle(s->multi, m->easy_handle);
		if (s->ndone < MAX_XFERS)
			finish(s, x, res);
		for (size_t i = 0; i < s->nx; i++)
			if (s->x[i] == x) {
				s->x[i] = s->x[--s->nx];
				break;
			}
		xfer_free(x);
	}
	atomic_store(&s->in_flight, s->nx);
}

static void *run(void *arg)
{
	notify_sender *s = arg;
	while (!atomic_load(&s->stop)) {
		int running = 0;
		scan(s);
		curl_multi_perform(s->multi, &running);
		reap(s);
		if (s->ndone) {
			int rc =
				notify_record_outcomes(s->n, s->done, s->ndone);
			if (rc)
				hd_error("notify.record_failed", "err=%s n=%zu",
					 hd_errname(rc), s->ndone);
			s->ndone = 0;
			continue; /* lanes may have moved on: look again now */
		}
		curl_multi_poll(s->multi, NULL, 0, POLL_MS, NULL);
	}
	return NULL;
}

int notify_sender_start(notify *n)
{
	notify_sender *s = calloc(1, sizeof *s);
	if (!s)
		return HD_E_NOMEM;
	s->n = n;
	s->multi = curl_multi_init();
	if (!s->multi) {
		free(s);
		return HD_E_NOMEM;
	}
	curl_multi_setopt(s->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16L);
	if (pthread_create(&s->th, NULL, run, s) != 0) {
		curl_multi_cleanup(s->multi);
		free(s);
		return HD_E_NOMEM;
	}
	n->sender = s;
	return HD_OK;
}

void notify_sender_stop(notify *n)
{
	notify_sender *s = n->sender;
	if (!s)
		return;
	atomic_store(&s->stop, 1);
	curl_multi_wakeup(s->multi);
	pthread_join(s->th, NULL);
	/* Transfers still in flight stay pending in the outbox: they are sent
	 * again after the restart (at least once). */
	for (size_t i = 0; i < s->nx; i++) {
		curl_multi_remove_handle(s->multi, s->x[i]->easy);
		xfer_free(s->x[i]);
	}
	curl_multi_cleanup(s->multi);
	free(s);
	n->sender = NULL;
}

void notify_sender_kick(notify *n)
{
	if (n->sender)
		curl_multi_wakeup(n->sender->multi);
}

uint64_t notify_sender_in_flight(notify *n)
{
	return n->sender ? atomic_load(&n->sender->in_flight) : 0;
}
