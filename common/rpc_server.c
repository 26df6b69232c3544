/* RPC server: a fixed pool of threads, each blocking on its own rep context.
 * See hd/rpc.h. */
#include "common.pb-c.h"
#include "hd/assert.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/liveness.h"
#include "hd/log.h"
#include "hd/prom.h"
#include "hd/rpc.h"
#include "nng_sync.h"
#include "rpc.pb-c.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUTE_TABLES  32
#define MAX_REPLY_BYTES   ((size_t)64 << 20)
#define MAX_REQUEST_BYTES ((size_t)32 << 20) /* 25 MiB e-mail + framing */

/* A worker is busy between taking a request and sending its reply; stop
 * closes only idle workers' contexts and lets busy ones answer first. */
typedef struct worker {
	struct hd_rpc_server *srv;
	nng_ctx ctx;
	pthread_t thread;
	pthread_mutex_t mu;
	int busy;
	int closed;
} worker;

/* method: a routed method name or "unknown" (never the raw name a client
 * sent, so hostile requests cannot grow the table); outcome: hd_errname. */
HD_HISTOGRAM(served_seconds, "hd_rpc_server_duration_seconds",
	     "Time to handle one RPC request, by method and outcome.",
	     hd_prom_latency_us, "method", "outcome")

struct hd_rpc_server {
	nng_socket sock;
	int open;
	const hd_rpc_route *tables[MAX_ROUTE_TABLES];
	void *ctxs[MAX_ROUTE_TABLES];
	size_t ntables;
	struct worker *workers; /* each owns one context */
	unsigned nthreads;
	hd_loop *live; /* "rpc.workers": busy workers; stuck when all are */
	_Atomic int stopping;
	_Atomic uint64_t served;
};

int hd_rpc_fail(hd_rpc_rep *rep, int rc, const char *field, const char *fmt,
		...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rep->message, sizeof rep->message, fmt, ap);
	va_end(ap);
	snprintf(rep->field, sizeof rep->field, "%s", field ? field : "");
	return rc;
}

static hd_rpc_fn find_route(hd_rpc_server *srv, const char *method, void **ctx)
{
	for (size_t t = 0; t < srv->ntables; t++)
		for (size_t i = 0; srv->tables[t][i].method; i++)
			if (strcmp(srv->tables[t][i].method, method) == 0) {
				*ctx = srv->ctxs[t];
				return srv->tables[t][i].fn;
			}
	return NULL;
}

static void copy_principal(hd_principal *dst, const Hd__Principal *p)
{
	memset(dst, 0, sizeof *dst);
	if (!p)
		return;
	dst->user_id = p->user_id;
	dst->organization_id = p->organization_id;
	dst->org_shared_tickets = p->org_shared_tickets;
	/* a peer of the previous release sends only the spelling */
	dst->role = p->role ? p->role : hd_role_of(p->role_name);
	snprintf(dst->email, sizeof dst->email, "%s", p->email ? p->email : "");
}

/* Decode, dispatch and encode one request; returns the reply message or NULL
 * when no reply can be built (then the requester times out). */
static nng_msg *handle(hd_rpc_server *srv, nng_msg *in)
{
	hd_rpc_rep rep = {0};
	hd_buf_init(&rep.payload, MAX_REPLY_BYTES);
	int rc;
	const char *method = "?", *routed = "unknown";
	int64_t started_us = hd_prom_now_us();
	Hd__RpcRequest *req = NULL;
	if (nng_msg_len(in) > MAX_REQUEST_BYTES)
		req = NULL;
	else
		req = hd__rpc_request__unpack(NULL, nng_msg_len(in),
					      nng_msg_body(in));
	if (!req) {
		rc = hd_rpc_fail(&rep, HD_E_DECODE, NULL,
				 "request is not a valid hd.RpcRequest");
	} else {
		method = req->method;
		void *ctx = NULL;
		hd_rpc_fn fn = find_route(srv, req->method, &ctx);
		hd_rpc_req call = {.method = req->method,
				   .payload = req->payload.data,
				   .len = req->payload.len,
				   .trace_id = req->trace_id,
				   .deadline_ms = req->deadline_ms};
		copy_principal(&call.principal, req->principal);
		hd_log_set_trace(req->trace_id); /* until the reply is built */
		if (!fn)
			rc = hd_rpc_fail(&rep, HD_E_NOTFOUND, NULL,
					 "unknown method '%.100s'",
					 req->method);
		else
			rc = fn(ctx, &call, &rep);
		routed = fn ? req->method : routed;
	}
	if (rc && rc != HD_E_NOTFOUND && rc != HD_E_INVALID &&
	    rc != HD_E_DECODE && rc != HD_E_FORBIDDEN && rc != HD_E_CONFLICT &&
	    rc != HD_E_UNAUTHORIZED)
		hd_warn("rpc.failed", "method=%.100s err=%s msg=\"%s\"", method,
			hd_errname(rc), rep.message);
	hd_log_set_trace(NULL);
	Hd__RpcReply reply = HD__RPC_REPLY__INIT;
	reply.status = (Hd__Status)hd_err_status(rc);
	reply.message = rep.message[0] ? rep.message
				       : (char *)(rc ? hd_strerror(rc) : "");
	reply.field = rep.field;
	reply.payload.data = (uint8_t *)rep.payload.data;
	reply.payload.len = rc ? 0 : rep.payload.len;
	nng_msg *out = NULL;
	size_t size = hd__rpc_reply__get_packed_size(&reply);
	if (nng_msg_alloc(&out, size) == 0)
		hd__rpc_reply__pack(&reply, nng_msg_body(out));
	const char *labels[] = {routed, hd_errname(rc)};
	hd_prom_observe(&served_seconds, labels,
			(uint64_t)(hd_prom_now_us() - started_us));
	hd__rpc_request__free_unpacked(req, NULL);
	hd_buf_release(&rep.payload);
	return out;
}

/* Close w's context once; the caller holds w->mu. */
static void close_ctx(worker *w)
{
	if (!w->closed)
		nng_ctx_close(w->ctx);
	w->closed = 1;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	hd_rpc_server *srv = w->srv;
	for (;;) {
		nng_msg *in = NULL;
		int rc = hd_nng_ctx_recv(w->ctx, &in, NNG_DURATION_INFINITE);
		if (rc == NNG_ECLOSED)
			break;
		if (rc)
			continue;
		pthread_mutex_lock(&w->mu);
		w->busy = 1;
		pthread_mutex_unlock(&w->mu);
		hd_liveness_queued(srv->live, 1);
		uint8_t nonce[HD_AUTH_NONCE_BYTES];
		nng_msg *out = hd_auth_rpc_open_request(in, nonce)
				       ? hd_auth_rpc_refusal()
				       : handle(srv, in);
		nng_msg_free(in);
		if (out && hd_auth_rpc_seal_reply(out, nonce)) {
			nng_msg_free(out);
			out = NULL;
		}
		atomic_fetch_add(&srv->served, 1);
		if (out && hd_nng_ctx_send(w->ctx, out, 5000))
			nng_msg_free(out); /* send owns it only on success */
		hd_liveness_done(srv->live, 1);
		pthread_mutex_lock(&w->mu);
		w->busy = 0;
		int stop = atomic_load(&srv->stopping);
		if (stop)
			close_ctx(
				w); /* stop left this one to finish its reply */
		pthread_mutex_unlock(&w->mu);
		if (stop)
			break;
	}
	return NULL;
}

int hd_rpc_server_new(hd_rpc_server **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? HD_OK : HD_E_NOMEM;
}

int hd_rpc_server_add(hd_rpc_server *srv, const hd_rpc_route *routes, void *ctx)
{
	/* The worker threads read the tables without a lock. */
	if (!HD_ASSERT(!srv->open))
		return HD_E_INVALID;
	if (srv->ntables >= MAX_ROUTE_TABLES)
		return HD_E_TOOBIG;
	srv->tables[srv->ntables] = routes;
	srv->ctxs[srv->ntables++] = ctx;
	return HD_OK;
}

int hd_rpc_server_start(hd_rpc_server *srv, const char *url, unsigned workers)
{
	int rc = hd_err_from_nng(nng_rep0_open(&srv->sock));
	if (rc)
		return rc;
	srv->open = 1;
	nng_socket_set_size(srv->sock, NNG_OPT_RECVMAXSZ, MAX_REQUEST_BYTES);
	int nrc = hd_nng_listen(srv->sock, url, NULL, 0);
	if (nrc) {
		hd_error("rpc.listen_failed", "url=%s err=\"%s\"", url,
			 nng_strerror(nrc));
		return nrc == NNG_EADDRINUSE ? HD_E_UNAVAILABLE : HD_E_INVALID;
	}
	srv->workers = calloc(workers, sizeof *srv->workers);
	srv->live = hd_liveness_register("rpc.workers", workers);
	for (unsigned i = 0; srv->workers && i < workers; i++) {
		worker *w = &srv->workers[i];
		w->srv = srv;
		if (nng_ctx_open(&w->ctx, srv->sock))
			break;
		pthread_mutex_init(&w->mu, NULL);
		if (pthread_create(&w->thread, NULL, worker_main, w)) {
			nng_ctx_close(w->ctx);
			pthread_mutex_destroy(&w->mu);
			break;
		}
		srv->nthreads++;
	}
	return srv->nthreads ? HD_OK : HD_E_NOMEM;
}

void hd_rpc_server_stop(hd_rpc_server *srv)
{
	if (!srv)
		return;
	atomic_store(&srv->stopping, 1);
	/* Close the contexts first (an idle worker wakes with NNG_ECLOSED; a
	 * busy one answers, then closes its own) and the socket only once no
	 * worker touches it: closing the socket under the workers was seen to
	 * crash or hang nng 1.5.2. */
	for (unsigned i = 0; i < srv->nthreads; i++) {
		worker *w = &srv->workers[i];
		pthread_mutex_lock(&w->mu);
		if (!w->busy)
			close_ctx(w);
		pthread_mutex_unlock(&w->mu);
	}
	for (unsigned i = 0; i < srv->nthreads; i++) {
		pthread_join(srv->workers[i].thread, NULL);
		pthread_mutex_destroy(&srv->workers[i].mu);
	}
	if (srv->open)
		hd_nng_close_by(srv->sock, 2000);
	hd_liveness_forget(srv->live);
	free(srv->workers);
	free(srv);
}

uint64_t hd_rpc_server_served(hd_rpc_server *srv)
{
	return srv ? atomic_load(&srv->served) : 0;
}
