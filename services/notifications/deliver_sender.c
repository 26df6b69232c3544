/* The sender thread: runs the deliveries deliver_schedule.c picks
 * concurrently on one libcurl multi handle and records each result. A
 * destination's circuit breaker (deliver_breaker.c) and its share of the
 * transfer slots keep one failing receiver from holding up any other. */
#include "deliver.h"

#include "hd/err.h"
#include "hd/log.h"

#include <stdlib.h>
#include <string.h>

#define POLL_MS 50

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

int notify_sender_room(const notify_sender *s)
{
	return s->nx < s->n->cfg.max_parallel && s->nx < NOTIFY_MAX_XFERS &&
	       s->ndone < NOTIFY_MAX_XFERS;
}

size_t notify_host_busy(const notify_sender *s, const char *host)
{
	size_t busy = 0;
	for (size_t i = 0; i < s->nx; i++)
		busy += strcmp(s->x[i]->host, host) == 0;
	return busy;
}

size_t notify_host_cap(const notify_sender *s)
{
	size_t cap = (size_t)s->n->cfg.max_parallel / 4;
	return cap ? cap : 1;
}

/* A result without a transfer, finished now and never retried: the slot
 * fail_now and skip_now fill in, or NULL when this round's are all used. */
static notify_outcome *done_now(notify_sender *s, const Hd__Delivery *d)
{
	if (s->ndone >= NOTIFY_MAX_XFERS)
		return NULL;
	notify_outcome *o = &s->done[s->ndone++];
	memset(o, 0, sizeof *o);
	o->delivery_id = d->id;
	o->started_at = o->completed_at = hd_wall_ms();
	o->retry_after_ms = -1;
	return o;
}

/* The webhook was deleted or the mail could not be built: recorded like any
 * attempt, as a permanent failure straight to the dead letters. */
static void fail_now(notify_sender *s, const Hd__Delivery *d, const char *why)
{
	notify_outcome *o = done_now(s, d);
	if (!o)
		return;
	o->status_code = strcmp(d->kind, "mail") == 0 ? 554 : 400;
	o->transport_err = -1;
	snprintf(o->error, sizeof o->error, "%s", why);
}

/* A mail no longer wanted when its time came (a survey of a ticket that
 * was reopened meanwhile): done, nothing sent, and said so. */
static void skip_now(notify_sender *s, const Hd__Delivery *d, const char *why)
{
	notify_outcome *o = done_now(s, d);
	if (o)
		snprintf(o->error, sizeof o->error, "not sent: %s", why);
}

int notify_xfer_start(notify_sender *s, hd_txn *t, Hd__Delivery *d)
{
	notify *n = s->n;
	notify_xfer *x = calloc(1, sizeof *x);
	if (!x) {
		hd__delivery__free_unpacked(d, NULL);
		return -1;
	}
	x->d = d;
	x->retry_after_ms = -1;
	x->guard.pol = &n->cfg.outbound;
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
	if (rc == HD_E_BEHIND) { /* waits for its ticket: a later pass */
		xfer_free(x);
		return -1;
	}
	if (rc == HD_E_CONFLICT) { /* render: no longer wanted */
		skip_now(s, d, "the ticket is no longer solved");
		xfer_free(x);
		return 0;
	}
	if (rc) {
		fail_now(s, d,
			 rc == HD_E_NOTFOUND ? "webhook deleted"
					     : hd_strerror(rc));
		xfer_free(x);
		return 0;
	}
	int64_t now = hd_wall_ms();
	if (notify_host_busy(s, x->host) >= notify_host_cap(s) ||
	    !notify_breaker_admit(&s->breakers, x->host, d->id, now)) {
		xfer_free(x); /* stays pending: a later pass tries again */
		return -1;
	}
	x->started_at = now;
	if (curl_multi_add_handle(s->multi, x->easy) != CURLM_OK) {
		/* Counts as a failed attempt on the breaker, so a probe that
		 * never ran does not hold the circuit half-open forever. */
		notify_breaker_result(&s->breakers, &n->cfg, x->host, d->id, 0,
				      now);
		xfer_free(x);
		return -1;
	}
	s->x[s->nx++] = x;
	atomic_store(&s->in_flight, s->nx);
	return 1;
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
	if (x->guard.refused[0]) { /* policy, not the network: permanent */
		o->transport_err = -1;
		snprintf(o->error, sizeof o->error, "%s", x->guard.refused);
	}
	notify_breaker_result(&s->breakers, &s->n->cfg, x->host, x->d->id,
			      res == CURLE_OK && code < 500, o->completed_at);
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
		if (s->ndone < NOTIFY_MAX_XFERS)
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
		notify_schedule(s);
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
	notify_url_host(n->cfg.smtp_url, s->smtp_host, sizeof s->smtp_host);
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
