/* One transfer in flight: the delivery it carries and what libcurl needs
 * alive until the transfer ends. Owned by the sender thread. */
#ifndef NOTIFY_DELIVER_H
#define NOTIFY_DELIVER_H

#include "notifications.h"

#include "hd/buf.h"

#include <curl/curl.h>

struct notify_xfer {
	CURL *easy;
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

/* The HTTP transfer of x->d: to webhook w (signed), or to x->d->url when w
 * is NULL (chat). */
int notify_http_prepare(notify_xfer *x, const Hd__Webhook *w);
/* Capture at most 64 KiB of a reply body / Retry-After from headers. */
size_t notify_xfer_write(char *p, size_t size, size_t n, void *arg);
size_t notify_xfer_header(char *p, size_t size, size_t n, void *arg);
/* The endpoint's scheme://host:port into out. */
void notify_url_host(const char *url, char *out, size_t cap);

#endif
