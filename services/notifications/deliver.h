/* One transfer in flight: the delivery it carries and what libcurl needs
 * alive until the transfer ends. Owned by the sender thread. */
#ifndef NOTIFY_DELIVER_H
#define NOTIFY_DELIVER_H

#include "notifications.h"

#include "hd/buf.h"
#include "hd/net_policy.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>

/* The outbound address check of one HTTP transfer (deliver_http.c): the
 * policy, and why an address was refused (empty when none was). */
typedef struct notify_guard {
	const hd_netpol *pol; /* NULL: nothing internal is allowed */
	char refused[200];
} notify_guard;

struct notify_xfer {
	CURL *easy;
	notify_guard guard;
	Hd__Delivery *d; /* owned */
	char lane[64];
	char host[256]; /* circuit breaker key: scheme://host:port */
	struct curl_slist *headers, *rcpt;
	char *payload; /* request body / MIME message (owned) */
	size_t payload_len, payload_off;
	hd_buf response; /* first 64 KiB of the reply body */
	int64_t retry_after_ms;
	int64_t started_at;
	char errbuf[CURL_ERROR_SIZE];
};

/* deliver_breaker.c: circuit breakers by destination. */
#define NOTIFY_MAX_HOSTS 256
typedef struct notify_breaker {
	char host[256];
	uint32_t fails; /* in a row, while closed */
	int open;
	int64_t opened_at, open_until;
	uint64_t probe_id; /* the half-open probe in flight; 0 = none */
} notify_breaker;
typedef struct notify_breakers {
	notify_breaker v[NOTIFY_MAX_HOSTS];
	size_t n;
} notify_breakers;
/* True while host's circuit is open and no probe may start yet: its rows
 * are skipped without being read. */
int notify_breaker_blocked(notify_breakers *b, const char *host, int64_t now);
/* May a transfer of delivery_id to host start now? Marks it as the probe
 * when the circuit is half-open. */
int notify_breaker_admit(notify_breakers *b, const char *host,
			 uint64_t delivery_id, int64_t now);
/* A finished transfer: healthy = a reply that is not 5xx. */
void notify_breaker_result(notify_breakers *b, const notify_cfg *c,
			   const char *host, uint64_t delivery_id, int healthy,
			   int64_t now);

/* The sender thread's state (deliver_sender.c runs the transfers,
 * deliver_schedule.c picks what to start). */
#define NOTIFY_MAX_XFERS 256
struct notify_sender {
	notify *n;
	pthread_t th;
	_Atomic int stop;
	_Atomic uint64_t in_flight;
	CURLM *multi;
	notify_xfer *x[NOTIFY_MAX_XFERS];
	size_t nx;
	notify_breakers breakers;
	notify_outcome done[NOTIFY_MAX_XFERS];
	size_t ndone;
	uint8_t resume[NOTIFY_QKEY]; /* the next pass starts at this key */
	char smtp_host[256];
};
/* Whether another transfer may start at all now. */
int notify_sender_room(const notify_sender *s);
/* Transfers in flight to host, and the most one destination may have (a
 * quarter of HD_DELIVERY_PARALLEL, so one slow receiver never takes every
 * slot). */
size_t notify_host_busy(const notify_sender *s, const char *host);
size_t notify_host_cap(const notify_sender *s);
/* Build and start the transfer of d (taken). 1 started; 0 failed and its
 * outcome recorded (webhook deleted, mail unbuildable); -1 refused by the
 * destination's breaker or cap (d stays pending). */
int notify_xfer_start(notify_sender *s, hd_txn *t, Hd__Delivery *d);
/* deliver_schedule.c: one pass over the queue index starting the due
 * deliveries, each destination in turn. */
void notify_schedule(notify_sender *s);

/* The HTTP transfer of x->d: to webhook w (signed), or to x->d->url when w
 * is NULL (chat). Connects only to addresses x->guard.pol allows (checked
 * on the resolved address curl is about to connect to, so DNS rebinding
 * cannot get around it); no redirects, no proxy from the environment. */
int notify_http_prepare(notify_xfer *x, const Hd__Webhook *w);
/* Capture at most 64 KiB of a reply body / Retry-After from headers. */
size_t notify_xfer_write(char *p, size_t size, size_t n, void *arg);
size_t notify_xfer_header(char *p, size_t size, size_t n, void *arg);
/* The endpoint's scheme://host:port into out. */
void notify_url_host(const char *url, char *out, size_t cap);

#endif
