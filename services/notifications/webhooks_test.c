/* webhooks.test: send one signed request now, to a stored webhook or to
 * one described in the request, and answer the receiver's status, headers
 * and the time taken (API.md §11 POST /webhooks/test) — never its body, so
 * the test cannot be used to read internal pages. Blocks one RPC worker for
 * at most the attempt timeout (capped below the gateway's RPC deadline).
 * A stored webhook's test is kept in its delivery log (invocations) as a
 * finished delivery of event type webhook.test with its one attempt — never
 * queued, never a dead letter, so it cannot be replayed. */
#include "deliver.h"

#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

#define TEST_MAX_MS 2500

typedef struct heads {
	Hd__WebhookTestReply *r;
} heads;

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	Hd__WebhookTestReply *r = arg;
	size_t len = size * n;
	char *colon = memchr(p, ':', len);
	if (!colon || r->n_headers >= 64)
		return len;
	Hd__WebhookHeader *h = malloc(sizeof *h);
	Hd__WebhookHeader **grown =
		h ? realloc(r->headers, (r->n_headers + 1) * sizeof *grown)
		  : NULL;
	if (!grown) {
		free(h);
		return len;
	}
	r->headers = grown;
	hd__webhook_header__init(h);
	size_t klen = (size_t)(colon - p), vlen = len - klen - 1;
	const char *v = colon + 1;
	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
		vlen--;
	h->key = strndup(p, klen);
	h->value = strndup(v, vlen);
	r->headers[r->n_headers++] = h;
	return len;
}

#define TEST_EVENT "zen:event-type:webhook.test"

typedef struct test_log {
	notify *n;
	Hd__Delivery *d;
	Hd__Attempt *a;
} test_log;

static int log_fn(hd_txn *t, void *arg)
{
	test_log *l = arg;
	uint8_t ak[12], lk[40];
	l->d->id = notify_next_id(l->n, t);
	l->a->delivery_id = l->d->id;
	hd_key_u64(ak, l->d->id);
	ak[8] = ak[9] = ak[10] = 0;
	ak[11] = 1;
	notify_put_pb_u64(t, l->n->deliveries, l->d->id, l->d);
	notify_put_pb(t, l->n->attempts, ak, sizeof ak, l->a);
	notify_lane_key(lk, l->d->lane, l->d->id);
	hd_txn_put(t, l->n->by_lane, lk, sizeof lk, "", 0);
	return t->rc;
}

/* The finished test of stored webhook w into its delivery log. */
static int log_test(notify *n, const Hd__Webhook *w, Hd__Delivery *d,
		    const Hd__WebhookTestReply *r, int64_t started)
{
	Hd__Attempt a = HD__ATTEMPT__INIT;
	bool ok = r->status_code >= 200 && r->status_code < 300;
	d->webhook_id = w->id;
	d->lane = w->id;
	d->event_type = TEST_EVENT;
	d->created_at = started;
	d->completed_at = started + r->duration_ms;
	d->attempts = 1;
	d->status = ok ? "delivered" : "dead";
	d->last_status_code = r->status_code;
	d->last_error = r->error;
	a.n = 1;
	a.started_at = started;
	a.completed_at = d->completed_at;
	a.status_code = r->status_code;
	a.error = r->error;
	a.outcome = d->status;
	test_log l = {n, d, &a};
	return hd_store_write(n->store, log_fn, &l);
}

static int load(notify *n, const Hd__WebhookTestRequest *q, Hd__Webhook **w)
{
	if (!q->webhook_id[0]) {
		*w = NULL;
		return q->webhook ? HD_OK : HD_E_INVALID;
	}
	hd_txn t;
	int rc = hd_store_read(n->store, &t);
	if (!rc)
		rc = notify_get_pb(&t, n->webhooks, q->webhook_id,
				   strlen(q->webhook_id),
				   &hd__webhook__descriptor, (void **)w);
	hd_txn_end(&t);
	return rc;
}

int notify_webhook_test(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	if (req->principal.role != HD__USER_ROLE__ROLE_ADMIN)
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "", "admins only");
	Hd__WebhookTestRequest *q =
		hd__webhook_test_request__unpack(NULL, req->len, req->payload);
	if (!q)
		return hd_rpc_fail(rep, HD_E_DECODE, "", "bad request");
	Hd__Webhook *stored = NULL;
	int rc = load(n, q, &stored);
	if (rc) {
		hd__webhook_test_request__free_unpacked(q, NULL);
		return hd_rpc_fail(rep, rc, "webhook_id", "webhook not found");
	}
	const Hd__Webhook *w = stored ? stored : q->webhook;
	Hd__Delivery d = HD__DELIVERY__INIT;
	Hd__WebhookTestReply r = HD__WEBHOOK_TEST_REPLY__INIT;
	notify_xfer x = {0};
	d.kind = "webhook";
	d.body = q->body[0] ? q->body
			    : "{\"type\":\"zen:event-type:webhook.test\","
			      "\"detail\":{\"message\":\"웹훅 테스트\"}}";
	x.d = &d;
	x.retry_after_ms = -1;
	x.guard.pol = &n->cfg.outbound;
	hd_buf_init(&x.response, 64 * 1024 + 1);
	x.easy = curl_easy_init();
	rc = x.easy ? notify_http_prepare(&x, w) : HD_E_NOMEM;
	if (!rc) {
		uint64_t ms = n->cfg.timeout_ms < TEST_MAX_MS
				      ? n->cfg.timeout_ms
				      : TEST_MAX_MS;
		curl_easy_setopt(x.easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(x.easy, CURLOPT_TIMEOUT_MS, (long)ms);
		curl_easy_setopt(x.easy, CURLOPT_CONNECTTIMEOUT_MS, (long)ms);
		curl_easy_setopt(x.easy, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(x.easy, CURLOPT_HEADERDATA, &r);
		int64_t started = hd_wall_ms();
		CURLcode cr = curl_easy_perform(x.easy);
		long code = 0;
		curl_off_t us = 0;
		curl_easy_getinfo(x.easy, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_getinfo(x.easy, CURLINFO_TOTAL_TIME_T, &us);
		r.status_code = (int32_t)code;
		r.duration_ms = (int64_t)us / 1000;
		r.error = x.guard.refused[0]
				  ? x.guard.refused
				  : (char *)(cr ? curl_easy_strerror(cr) : "");
		rc = stored ? log_test(n, stored, &d, &r, started) : HD_OK;
		rc = rc ? hd_rpc_fail(rep, rc, "", "could not log the test")
			: hd_pb_pack(&rep->payload, &r);
	} else {
		hd_rpc_fail(rep, rc, "", "could not build the request");
	}
	for (size_t i = 0; i < r.n_headers; i++) {
		free(r.headers[i]->key);
		free(r.headers[i]->value);
		free(r.headers[i]);
	}
	free(r.headers);
	if (x.easy)
		curl_easy_cleanup(x.easy);
	curl_slist_free_all(x.headers);
	free(x.payload);
	hd_buf_release(&x.response);
	hd__webhook__free_unpacked(stored, NULL);
	hd__webhook_test_request__free_unpacked(q, NULL);
	return rc;
}
