/* RPC over nng req/rep. The server runs a fixed pool of worker threads, each
 * owning one rep context, so a service serves that many requests at once; a
 * handler may block (on a group commit, say) without stalling the others.
 * The client is safe to share between threads: every call opens its own req
 * context on one socket. Requests and replies are hd.RpcRequest/RpcReply. */
#ifndef HD_RPC_H
#define HD_RPC_H

#include "hd/buf.h"
#include "hd/vocab.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hd_principal {
	uint64_t user_id;
	Hd__UserRole role; /* ROLE_UNSET: nobody signed in */
	uint64_t organization_id;
	char email[256];
	bool org_shared_tickets; /* members see the organization's tickets */
} hd_principal;

typedef struct hd_rpc_req {
	const char *method;
	const uint8_t *payload; /* borrowed for the handler's duration */
	size_t len;
	const char *trace_id;
	int64_t deadline_ms;
	hd_principal principal;
} hd_rpc_req;

typedef struct hd_rpc_rep {
	hd_buf payload;    /* the handler appends the encoded reply here */
	char message[256]; /* human-readable error text, optional */
	char field[64];    /* the request field at fault, optional */
} hd_rpc_rep;

/* A handler returns HD_OK or an error; the error becomes the reply status.
 * ctx is the pointer its route table was added with. */
typedef int (*hd_rpc_fn)(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

typedef struct hd_rpc_route {
	const char *method;
	hd_rpc_fn fn;
} hd_rpc_route;

/* Set an error text (and optionally the field) on a reply; returns rc. */
int hd_rpc_fail(hd_rpc_rep *rep, int rc, const char *field, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

typedef struct hd_rpc_server hd_rpc_server;

/* Listen on url and serve with `workers` concurrent contexts. Add route
 * tables before start. HD_E_INVALID (bad url), HD_E_UNAVAILABLE (address in
 * use), HD_E_NOMEM. */
int hd_rpc_server_new(hd_rpc_server **out);
/* Add a route table ending in a {NULL, NULL} row (borrowed for the server's
 * life) whose handlers get ctx. Only before hd_rpc_server_start (after
 * it: HD_ASSERT, then HD_E_INVALID in a release build). HD_E_TOOBIG when
 * too many tables. */
int hd_rpc_server_add(hd_rpc_server *srv, const hd_rpc_route *routes,
		      void *ctx);
int hd_rpc_server_start(hd_rpc_server *srv, const char *url, unsigned workers);
/* Stop taking requests; handlers in flight finish and send their replies;
 * then close and free. NULL and never-started servers are fine. */
void hd_rpc_server_stop(hd_rpc_server *srv);
uint64_t hd_rpc_server_served(hd_rpc_server *srv);

typedef struct hd_rpc_client hd_rpc_client;

/* Dial url in the background (the peer may start later). */
int hd_rpc_client_open(hd_rpc_client **out, const char *url);
void hd_rpc_client_close(hd_rpc_client *c);
/* Make calls in flight return HD_E_CLOSED now and later calls fail at once;
 * for stopping a thread that may be waiting on a dead peer. Thread-safe. */
void hd_rpc_client_abort(hd_rpc_client *c);

/* What the client's socket knows of its peer, from nng's pipe events:
 * pipes connected now, connections made since open, and when either last
 * changed (monotonic ms, as hd_prom_now_us()/1000). Any thread. */
typedef struct hd_rpc_link {
	unsigned pipes;
	uint64_t connects;
	int64_t changed_ms;
} hd_rpc_link;
void hd_rpc_client_link(hd_rpc_client *c, hd_rpc_link *out);

typedef struct hd_rpc_result {
	int rc; /* HD_OK or the error the peer answered */
	char message[256];
	char field[64];
	uint8_t *
		payload; /* owned by the result; free with hd_rpc_result_release */
	size_t len;
} hd_rpc_result;

/* Send one request and wait for the reply, timeout_ms in all (sending and
 * waiting share it). The return value is the transport outcome (HD_OK,
 * HD_E_TIMEDOUT, HD_E_UNAVAILABLE, HD_E_CLOSED, HD_E_DECODE); on HD_OK the
 * peer's answer is in *res. */
int hd_rpc_call(hd_rpc_client *c, const char *method, const void *payload,
		size_t len, const hd_principal *who, const char *trace_id,
		int timeout_ms, hd_rpc_result *res);
void hd_rpc_result_release(hd_rpc_result *res);

#endif
