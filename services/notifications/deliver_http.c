/* Building the HTTP transfer of a webhook or chat delivery: method, body,
 * authentication, custom headers, the delivery id headers receivers
 * de-duplicate by, and the signature (API.md §11). Redirects are not
 * followed: a receiver cannot bounce a signed request to another host. */
#include "deliver.h"

#include "hd/err.h"
#include "hd/log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define MAX_REPLY_KEEP (64 * 1024)

size_t notify_xfer_write(char *p, size_t size, size_t n, void *arg)
{
	notify_xfer *x = arg;
	size_t len = size * n;
	if (x->response.len < MAX_REPLY_KEEP) {
		size_t room = MAX_REPLY_KEEP - x->response.len;
		/* out of memory: the reply is kept only as far as it
		 * came (sticky), which the log of an attempt allows */
		(void)hd_buf_append(&x->response, p, len < room ? len : room);
	}
	return len;
}

size_t notify_xfer_header(char *p, size_t size, size_t n, void *arg)
{
	notify_xfer *x = arg;
	size_t len = size * n;
	static const char name[] = "retry-after:";
	if (len > sizeof name - 1 && len < 64 &&
	    strncasecmp(p, name, sizeof name - 1) == 0) {
		char v[64];
		memcpy(v, p + sizeof name - 1, len - (sizeof name - 1));
		v[len - (sizeof name - 1)] = '\0';
		char *s = v + strspn(v, " \t"), *end = NULL;
		long secs = strtol(s, &end, 10);
		/* Only delta-seconds; an HTTP date falls back to backoff. */
		if (end != s && secs >= 0 && secs < 86400 &&
		    strspn(end, " \t\r\n") == strlen(end))
			x->retry_after_ms = (int64_t)secs * 1000;
	}
	return len;
}

void notify_url_host(const char *url, char *out, size_t cap)
{
	const char *s = strstr(url, "://");
	s = s ? s + 3 : url;
	size_t n = strcspn(s, "/?#");
	size_t pre = (size_t)(s - url) + n;
	snprintf(out, cap, "%.*s", (int)pre, url);
}

int notify_sign(const char *secret, const char *ts, const char *body,
		size_t len, char *out, size_t cap)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	if (cap < sodium_base64_ENCODED_LEN(sizeof mac,
					    sodium_base64_VARIANT_ORIGINAL))
		return HD_E_TOOBIG;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
				    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
				      strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, cap, mac, sizeof mac,
			  sodium_base64_VARIANT_ORIGINAL);
	return HD_OK;
}

static int add_header(notify_xfer *x, const char *k, const char *v)
{
	char line[2048];
	int w = snprintf(line, sizeof line, "%s: %s", k, v);
	if (w < 0 || (size_t)w >= sizeof line)
		return HD_E_TOOBIG;
	struct curl_slist *l = curl_slist_append(x->headers, line);
	if (!l)
		return HD_E_NOMEM;
	x->headers = l;
	return HD_OK;
}

static int add_auth(notify_xfer *x, const Hd__WebhookAuth *a)
{
	if (!a || !a->type[0])
		return HD_OK;
	if (strcmp(a->type, "basic_auth") == 0) {
		curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(x->easy, CURLOPT_USERNAME, a->username);
		curl_easy_setopt(x->easy, CURLOPT_PASSWORD, a->password);
		return HD_OK;
	}
	if (strcmp(a->type, "bearer_token") == 0) {
		char v[1100];
		snprintf(v, sizeof v, "Bearer %s", a->token);
		return add_header(x, "Authorization", v);
	}
	return add_header(x, a->name, a->value); /* api_key */
}

/* Headers and signing of a webhook delivery. */
static int webhook_headers(notify_xfer *x, const Hd__Webhook *w)
{
	int rc = HD_OK;
	curl_easy_setopt(x->easy, CURLOPT_URL, w->endpoint); /* copied */
	curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, w->http_method);
	char ts[24], sig[64];
	snprintf(ts, sizeof ts, "%lld", (long long)(hd_wall_ms() / 1000));
	int bodiless = strcmp(w->http_method, "GET") == 0 ||
		       strcmp(w->http_method, "DELETE") == 0;
	if (bodiless) /* signed over an empty body, and none is sent */
		x->payload_len = 0;
	for (size_t i = 0; i < w->n_custom_headers && !rc; i++)
		rc = add_header(x, w->custom_headers[i]->key,
				w->custom_headers[i]->value);
	if (!rc)
		rc = add_auth(x, w->authentication);
	if (!rc)
		rc = notify_sign(w->signing_secret, ts, x->payload,
				 x->payload_len, sig, sizeof sig);
	if (!rc)
		rc = add_header(x, "X-Zendesk-Webhook-Signature", sig);
	if (!rc)
		rc = add_header(x, "X-Zendesk-Webhook-Signature-Timestamp", ts);
	if (!rc)
		rc = add_header(x, "X-Zendesk-Webhook-Id", w->id);
	notify_url_host(w->endpoint, x->host, sizeof x->host);
	return rc;
}

/* A rule's webhook renders the ticket as notifications knows it; the rule
 * came from routing, the ticket comes from intake, and the two sources are
 * not ordered. Until intake's event arrives (bounded: a ticket that never
 * comes is rendered with what there is), the delivery waits. */
#define RULE_WAIT_MS 30000

int notify_ticket_known(notify *n, hd_txn *t, uint64_t ticket_id)
{
	uint8_t k[8];
	MDB_val v;
	hd_key_u64(k, ticket_id);
	return hd_txn_get(t, n->tickets, k, 8, &v) == HD_OK;
}

int notify_http_setup(notify *n, hd_txn *t, notify_xfer *x)
{
	Hd__Webhook *w = NULL;
	if (strcmp(x->d->kind, "webhook") == 0) {
		int rc = notify_get_pb(t, n->webhooks, x->d->webhook_id,
				       strlen(x->d->webhook_id),
				       &hd__webhook__descriptor, (void **)&w);
		if (!rc && x->d->template_[0] && /* "webhook_rule" */
		    !notify_ticket_known(n, t, x->d->ticket_id) &&
		    hd_wall_ms() - x->d->created_at < RULE_WAIT_MS)
			rc = HD_E_BEHIND;
		if (!rc && x->d->template_[0]) {
			char *body = NULL;
			rc = notify_webhook_render(n, t, x->d->ticket_id,
						   x->d->body, &body);
			if (!rc) {
				rc = hd_pb_set_string(&x->d->body, body);
				free(body);
			}
		}
		if (rc) {
			hd__webhook__free_unpacked(w, NULL);
			return rc;
		}
	}
	int rc = notify_http_prepare(x, w);
	hd__webhook__free_unpacked(w, NULL);
	return rc;
}

/* libcurl calls this with the address it resolved and is about to connect
 * to (each one, when it tries several): the check cannot be raced by a
 * second DNS answer. */
static curl_socket_t open_guarded(void *arg, curlsocktype purpose,
				  struct curl_sockaddr *a)
{
	(void)purpose;
	notify_guard *g = arg;
	if (hd_netpol_check(g->pol, &a->addr, a->addrlen, g->refused,
			    sizeof g->refused))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype, a->protocol);
}

int notify_http_prepare(notify_xfer *x, const Hd__Webhook *w)
{
	char id[24];
	x->payload_len = strlen(x->d->body);
	x->payload = strdup(x->d->body);
	if (!x->payload)
		return HD_E_NOMEM;
	int rc = w ? webhook_headers(x, w) : HD_OK;
	if (rc)
		return rc;
	if (!w) {
		curl_easy_setopt(x->easy, CURLOPT_URL, x->d->url);
		curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, "POST");
		notify_url_host(x->d->url, x->host, sizeof x->host);
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)x->d->id);
	rc = add_header(x, "Content-Type", "application/json; charset=utf-8");
	if (!rc)
		rc = add_header(x, "X-HD-Delivery-Id", id);
	if (!rc)
		rc = add_header(x, "X-Zendesk-Webhook-Invocation-Id", id);
	if (!rc)
		rc = add_header(x, "User-Agent", "HanaDesk-Webhook/1");
	if (!rc)
		rc = add_header(x, "Expect",
				""); /* no 100-continue round trip */
	if (rc)
		return rc;
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	if (x->payload_len) {
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->payload);
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE,
				 (long)x->payload_len);
	}
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION, open_guarded);
	curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, &x->guard);
	/* A proxy would connect for us, past the check. */
	curl_easy_setopt(x->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, notify_xfer_write);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, notify_xfer_header);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	return HD_OK;
}
