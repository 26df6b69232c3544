/* RPC client: one req socket, one context per call. See hd/rpc.h. */
#include "common.pb-c.h"
#include "hd/dial_keep.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/prom.h"
#include "hd/rpc.h"
#include "hd/store.h"
#include "nng_sync.h"
#include "rpc.pb-c.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPLY_BYTES ((size_t)64 << 20)

#define MAX_TRACKED 64

/* method: the caller's (constant) method name; outcome: the transport error
 * when the call failed, else the peer's answer (hd_errname). */
HD_HISTOGRAM(call_seconds, "hd_rpc_client_duration_seconds",
	     "Time from sending an RPC to its reply, by method and outcome.",
	     hd_prom_latency_us, "method", "outcome")

struct hd_rpc_client {
	nng_socket sock;
	pthread_mutex_t mu;
	int aborted;
	nng_ctx active
		[MAX_TRACKED]; /* calls in flight, for hd_rpc_client_abort */
	int used[MAX_TRACKED];
	/* The dial, kept alive across nng's dead dialers, and the connection
	 * state from its pipe events (hd_rpc_client_link). */
	hd_dial_keep *keep;
};

void hd_rpc_client_link(hd_rpc_client *c, hd_rpc_link *out)
{
	hd_dial_state st;
	hd_dial_keep_state(c->keep, &st);
	out->pipes = st.pipes;
	out->connects = st.connects;
	out->changed_ms = st.changed_ms;
}

/* Remember ctx as in flight; -1 when aborted (the call must not start). */
static int track(hd_rpc_client *c, nng_ctx ctx)
{
	int slot = MAX_TRACKED;
	pthread_mutex_lock(&c->mu);
	if (c->aborted) {
		pthread_mutex_unlock(&c->mu);
		return -1;
	}
	for (int i = 0; i < MAX_TRACKED && slot == MAX_TRACKED; i++)
		if (!c->used[i]) {
			c->used[i] = 1;
			c->active[i] = ctx;
			slot = i;
		}
	pthread_mutex_unlock(&c->mu);
	return slot;
}

static void untrack(hd_rpc_client *c, int slot)
{
	if (slot < 0 || slot >= MAX_TRACKED)
		return;
	pthread_mutex_lock(&c->mu);
	c->used[slot] = 0;
	pthread_mutex_unlock(&c->mu);
}

void hd_rpc_client_abort(hd_rpc_client *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	c->aborted = 1;
	/* Closing a context wakes its caller with NNG_ECLOSED at once. */
	for (int i = 0; i < MAX_TRACKED; i++)
		if (c->used[i])
			nng_ctx_close(c->active[i]);
	pthread_mutex_unlock(&c->mu);
}

int hd_rpc_client_open(hd_rpc_client **out, const char *url)
{
	*out = NULL;
	hd_rpc_client *c = calloc(1, sizeof *c);
	if (!c)
		return HD_E_NOMEM;
	int rc = hd_err_from_nng(nng_req0_open(&c->sock));
	if (rc) {
		free(c);
		return rc;
	}
	pthread_mutex_init(&c->mu, NULL);
	/* Never resend on our own: a write that reached the peer must not be
	 * applied twice behind the caller's back. The caller's deadline rules. */
	nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME,
			  NNG_DURATION_INFINITE);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 50);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 500);
	nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, MAX_REPLY_BYTES);
	rc = hd_dial_keep_open(&c->keep, c->sock, 1);
	if (rc == HD_OK)
		rc = hd_dial_keep_add(c->keep, url);
	if (rc) {
		hd_dial_keep_close(c->keep);
		nng_close(c->sock);
		pthread_mutex_destroy(&c->mu);
		free(c);
		return rc;
	}
	*out = c;
	return HD_OK;
}

void hd_rpc_client_close(hd_rpc_client *c)
{
	if (!c)
		return;
	/* A close left behind by hd_nng_close_by must not call into c. */
	hd_dial_keep_close(c->keep);
	hd_nng_close_by(c->sock, 2000);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void hd_rpc_result_release(hd_rpc_result *res)
{
	free(res->payload);
	res->payload = NULL;
	res->len = 0;
}

static nng_msg *encode_request(const char *method, const void *payload,
			       size_t len, const hd_principal *who,
			       const char *trace_id, int timeout_ms)
{
	Hd__RpcRequest req = HD__RPC_REQUEST__INIT;
	Hd__Principal p = HD__PRINCIPAL__INIT;
	req.method = (char *)method;
	req.payload.data = (uint8_t *)payload;
	req.payload.len = len;
	req.trace_id = (char *)(trace_id ? trace_id : "");
	req.deadline_ms = hd_wall_ms() + timeout_ms;
	if (who) {
		p.user_id = who->user_id;
		p.role = who->role;
		p.role_name = (char *)hd_role_name(who->role);
		p.organization_id = who->organization_id;
		p.email = (char *)who->email;
		p.org_shared_tickets = who->org_shared_tickets;
		req.principal = &p;
	}
	nng_msg *msg = NULL;
	size_t size = hd__rpc_request__get_packed_size(&req);
	if (nng_msg_alloc(&msg, size))
		return NULL;
	hd__rpc_request__pack(&req, nng_msg_body(msg));
	return msg;
}

static int decode_reply(nng_msg *msg, hd_rpc_result *res)
{
	Hd__RpcReply *rep = hd__rpc_reply__unpack(NULL, nng_msg_len(msg),
						  nng_msg_body(msg));
	if (!rep)
		return HD_E_DECODE;
	int rc = HD_OK;
	res->rc = hd_err_from_status(rep->status);
	snprintf(res->message, sizeof res->message, "%s", rep->message);
	snprintf(res->field, sizeof res->field, "%s", rep->field);
	if (rep->payload.len) {
		res->payload = malloc(rep->payload.len);
		if (res->payload) {
			memcpy(res->payload, rep->payload.data,
			       rep->payload.len);
			res->len = rep->payload.len;
		} else {
			rc = HD_E_NOMEM;
		}
	}
	hd__rpc_reply__free_unpacked(rep, NULL);
	return rc;
}

static int call(hd_rpc_client *c, const char *method, const void *payload,
		size_t len, const hd_principal *who, const char *trace_id,
		int timeout_ms, hd_rpc_result *res)
{
	int64_t started_us = hd_prom_now_us();
	memset(res, 0, sizeof *res);
	nng_ctx ctx;
	int rc = hd_err_from_nng(nng_ctx_open(&ctx, c->sock));
	if (rc)
		return rc;
	int slot = track(c, ctx);
	if (slot < 0) {
		nng_ctx_close(ctx);
		return HD_E_CLOSED;
	}
	nng_msg *msg =
		encode_request(method, payload, len, who, trace_id, timeout_ms);
	uint8_t nonce[HD_AUTH_NONCE_BYTES];
	if (msg && hd_auth_rpc_seal_request(msg, nonce)) {
		nng_msg_free(msg);
		msg = NULL;
	}
	int nrc = msg ? hd_nng_ctx_send(ctx, msg, timeout_ms) : NNG_ENOMEM;
	if (nrc) {
		if (msg)
			nng_msg_free(msg); /* send owns it only on success */
		untrack(c, slot);
		nng_ctx_close(ctx);
		return nrc == NNG_ETIMEDOUT ? HD_E_UNAVAILABLE
					    : hd_err_from_nng(nrc);
	}
	/* timeout_ms bounds the whole call, not the send and the receive
	 * each: the caller's deadline is one deadline. */
	int64_t left = timeout_ms - (hd_prom_now_us() - started_us) / 1000;
	nng_msg *reply = NULL;
	rc = left <= 0 ? HD_E_TIMEDOUT
		       : hd_err_from_nng(hd_nng_ctx_recv(ctx, &reply,
							 (nng_duration)left));
	if (rc == HD_OK) {
		rc = hd_auth_rpc_open_reply(reply, nonce);
		if (rc == HD_OK)
			rc = decode_reply(reply, res);
		nng_msg_free(reply);
	}
	untrack(c, slot);
	nng_ctx_close(ctx);
	return rc;
}

int hd_rpc_call(hd_rpc_client *c, const char *method, const void *payload,
		size_t len, const hd_principal *who, const char *trace_id,
		int timeout_ms, hd_rpc_result *res)
{
	int64_t started_us = hd_prom_now_us();
	int rc = call(c, method, payload, len, who, trace_id, timeout_ms, res);
	const char *labels[] = {method, hd_errname(rc ? rc : res->rc)};
	hd_prom_observe(&call_seconds, labels,
			(uint64_t)(hd_prom_now_us() - started_us));
	return rc;
}
