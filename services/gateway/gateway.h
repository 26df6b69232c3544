/* gateway: the public door. HTTP/JSON (Zendesk API v2 shapes) on
 * libmicrohttpd, turned into RPCs to the owning services. Stateless but for
 * a short-lived credentials cache. The gw context is built in setup and
 * read-only afterwards; handlers run on MHD's pool threads and may block on
 * RPCs (so the pool is sized for concurrency, not for cores). */
#ifndef GATEWAY_H
#define GATEWAY_H

#include "hd/buf.h"
#include "hd/rpc.h"
#include "hd/svc.h"

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <microhttpd.h>
#include <stdint.h>

#define GW_MAX_SHARDS 256
#define GW_PEERS      4 /* routing, knowledge, notifications, metrics */

typedef struct gw_auth_cache gw_auth_cache;

typedef struct gw {
	hd_svc *svc;
	struct MHD_Daemon *daemon;
	hd_rpc_client *intake[GW_MAX_SHARDS];
	unsigned shards;
	hd_rpc_client *peers[GW_PEERS];
	size_t max_body;
	int rpc_timeout_ms;
	char bind[64];
	unsigned port;
	gw_auth_cache *auth;
} gw;

extern const char *const gw_peer_names[GW_PEERS];

/* One HTTP request, from its first callback to its response. */
typedef struct gw_req {
	struct MHD_Connection *conn;
	const char *method;
	char path[512]; /* without query and without a ".json" suffix */
	uint64_t id;    /* the {id} of the matched route */
	hd_buf body;
	int body_too_big;
	int headers_seen;
	hd_principal who;
	char trace[33];
	char base_url[300]; /* "http://host:port", from the request's Host */
} gw_req;

/* What a handler answers; body is owned and freed by the HTTP layer. */
typedef struct gw_resp {
	unsigned status;
	json_t *body; /* NULL → empty body */
	char location[512];
	char api_warn[512]; /* x-zendesk-api-warn, when keys were dropped */
} gw_resp;

typedef int (*gw_handler)(gw *g, gw_req *r, gw_resp *out);

typedef struct gw_route {
	const char *method;
	const char *pattern; /* "/api/v2/tickets/{id}" */
	gw_handler fn;
	int auth; /* GW_AUTH_* */
} gw_route;

enum { GW_AUTH_NONE, GW_AUTH_USER, GW_AUTH_ADMIN };

extern const gw_route gw_routes[];

/* http.c */
int gw_http_start(gw *g, unsigned threads);
void gw_http_stop(gw *g);

/* errors.c: Zendesk-style error bodies. Each fills out and returns rc. */
int gw_error(gw_resp *out, unsigned status, const char *error,
	     const char *description);
int gw_invalid(gw_resp *out, const char *field, const char *description);
int gw_from_rpc(gw_resp *out, int rc, const hd_rpc_result *res);
int gw_from_err(gw_resp *out, int rc, const char *what);

/* call.c: call method on c with req (a protobuf-c message, or NULL) and
 * decode the reply as reply_desc into *reply (the caller frees it with
 * protobuf_c_message_free_unpacked). On failure out holds the HTTP error
 * and the error is returned. */
int gw_call(gw *g, hd_rpc_client *c, gw_req *r, const char *method,
	    const void *req, const ProtobufCMessageDescriptor *reply_desc,
	    void **reply, gw_resp *out);

/* auth.c */
int gw_auth_init(gw *g);
void gw_auth_release(gw *g);
/* Authenticate from the Authorization header into r->who: HD_OK,
 * HD_E_UNAUTHORIZED, or a transport error (the directory is down). */
int gw_authenticate(gw *g, gw_req *r);

/* json.c */
void gw_iso_time(int64_t ms, char out[21]);
json_t *gw_time_json(int64_t ms);
json_t *gw_str_or_null(const char *s);
/* Parse a request body: 400 on invalid UTF-8 (naming the field) or bad
 * JSON. On success *root is the caller's. */
int gw_parse_body(gw_req *r, gw_resp *out, json_t **root);

/* tickets.c */
int gw_tickets_create(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_show(gw *g, gw_req *r, gw_resp *out);
/* bus.c */
int gw_bus_status(gw *g, gw_req *r, gw_resp *out);

#endif
