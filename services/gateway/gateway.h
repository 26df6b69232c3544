/* gateway: the public door. HTTP/JSON (Zendesk API v2 shapes) on libmicrohttpd,
 * turned into RPCs to the owning services. Stateless but for a short-lived
 * credentials cache. The gw context is filled by main.c's modules (handlers.c)
 * and read-only afterwards; handlers run on MHD's pool threads and may block on
 * RPCs (so the pool is sized for concurrency, not for cores). */
#ifndef GATEWAY_H
#define GATEWAY_H

#include "hd/buf.h"
#include "hd/rpc.h"
#include "hd/svc.h"
#include "ticket.pb-c.h"

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define GW_MAX_SHARDS 256
/* The peer clients g->peers[], by name (gw_peer_names in main.c). */
enum {
	GW_PEER_ROUTING,
	GW_PEER_KNOWLEDGE,
	GW_PEER_NOTIFICATIONS,
	GW_PEER_METRICS,
	GW_PEERS
};
#define ROUTING(g)   ((g)->peers[GW_PEER_ROUTING])
#define KNOWLEDGE(g) ((g)->peers[GW_PEER_KNOWLEDGE])
#define NOTIFY(g)    ((g)->peers[GW_PEER_NOTIFICATIONS])
#define METRICS(g)   ((g)->peers[GW_PEER_METRICS])

typedef struct gw_auth_cache gw_auth_cache;
typedef struct gw_health gw_health;
typedef struct gw_ratelimit gw_ratelimit; /* ratelimit.c */
typedef struct gw_viewing gw_viewing;     /* viewing.c */
struct gw_edge;        /* edge_net.c: public URL, trusted proxies */
struct gw_conn_guard;  /* conn_guard.c: the header deadline */
struct gw_login_limit; /* login_limit.c: failed-login limits */

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
	unsigned http_threads;
	/* Read once at start (handlers.c's gw_open), never per request. */
	size_t max_upload;        /* HD_MAX_UPLOAD */
	size_t max_mail;          /* HD_MAIL_MAX_BYTES */
	unsigned rate_limit;      /* HD_RATE_LIMIT, per minute */
	unsigned anon_rate_limit; /* HD_ANON_RATE_LIMIT, per minute */
	bool anonymous_requests;  /* HD_ANONYMOUS_REQUESTS=1 */
	const char *mail_secret;  /* HD_MAIL_SECRET; "" disables it */
	gw_auth_cache *auth;
	gw_health *health; /* peer_health.c: breakers and bulkheads */
	struct gw_edge *edge;
	struct gw_conn_guard *guard;
	struct gw_login_limit *logins;
	gw_ratelimit *limits;     /* ratelimit.c: requests per minute */
	struct gw_stream *stream; /* stream_hub.c: live updates */
	gw_viewing *viewing;      /* viewing.c: who has which ticket open */
	struct gw_stream_bus *stream_bus; /* stream_bus.c: ticket events */
} gw;

extern const char *const gw_peer_names[GW_PEERS];

/* One HTTP request, from its first callback to its response. */
typedef struct gw_req {
	struct MHD_Connection *conn;
	const char *method;
	char path[512];  /* without query and without a ".json" suffix */
	char url[512];   /* the path as requested (with any ".json") */
	char *owned[32]; /* request-lifetime strings (gw_query) */
	int nowned;
	uint64_t id; /* the {id} of the matched route */
	hd_buf body;
	int body_too_big;
	int headers_seen;
	hd_principal who;
	/* OAuth tokens only (who.oauth is not in hd_principal because the
	 * services never see scopes): the token's scope bits (gw_scopes.h). */
	bool scoped;
	uint64_t scopes;
	char trace[33];
	char base_url[300]; /* "http://host:port": gw_edge_base_url */
	char client[48];    /* the client's address (gw_edge_client) */
	int auth_done;      /* gw_authenticate ran: auth_rc is its answer */
	int auth_rc;
	unsigned login_retry; /* seconds, when auth_rc is a login limit */
	/* Monotonic ms by which every RPC of this request must be done
	 * (gw_req_deadline); 0: none yet. */
	int64_t deadline_ms;
	/* Signed in by the hd_session cookie (session.c): state-changing
	 * requests must carry X-CSRF-Token; session is the cookie's id. */
	int by_cookie;
	char session[65];
	/* A POST under /hc/ signed in by cookie: its CSRF token comes in the
	 * form (hc_page.h), checked once the body is in. */
	int form_csrf;
} gw_req;

/* What a handler answers; body is owned and freed by the HTTP layer. */
typedef struct gw_resp {
	unsigned status;
	json_t *body; /* NULL → empty body */
	char location[512];
	char api_warn[512]; /* x-zendesk-api-warn, when keys were dropped */
	/* A non-JSON body (attachment bytes): malloc'd, freed by http.c. */
	void *raw;
	size_t raw_len;
	char raw_type[128];
	char raw_name[256]; /* Content-Disposition file name */
	/* seconds: a 429 from a handler's own limit, or a 503 (Retry-After) */
	unsigned retry_after;
	/* A fan-out answered without some shards: the X-HD-Partial header
	 * value ("shards=1,3" — the missing ones); "" when whole. */
	char partial[128];
	/* Set-Cookie value (session.c), "" for none. */
	char set_cookie[256];
	/* A workspace file (assets.c): its embedded bytes (the gzip copy
	 * when asset_gzip) are sent with the asset headers; 304: none. */
	const struct gw_ws_asset *asset;
	int asset_gzip;
	int asset_immutable; /* ?v= was its hash: cache for a year */
	/* A response the handler built itself (a stream: stream_hub.c);
	 * http.c queues it with status and destroys it. */
	struct MHD_Response *mhd;
	/* raw is a page (hc_page.c): sent inline as raw_type with the page
	 * headers (CSP, no-cache), never as a download. */
	int page;
} gw_resp;

typedef int (*gw_handler)(gw *g, gw_req *r, gw_resp *out);

typedef struct gw_route {
	const char *method;
	const char *pattern; /* "/api/v2/tickets/{id}" */
	gw_handler fn;
	int auth; /* GW_AUTH_* */
} gw_route;

/* GW_AUTH_ANON: credentials are checked when sent; without them the
 * request goes on as an anonymous visitor (r->who all zero).
 * GW_AUTH_AGENT: agents and admins (Zendesk's "Allowed for: Agents"). */
enum { GW_AUTH_NONE, GW_AUTH_USER, GW_AUTH_ADMIN, GW_AUTH_ANON, GW_AUTH_AGENT };

/* Route tables, one per module, each ending in a {NULL} row; http.c tries
 * them in the order of gw_route_tables. */
extern const gw_route gw_ticket_routes[]; /* tickets.c … */
extern const gw_route gw_user_routes[];   /* users.c … */
extern const gw_route gw_field_routes[];  /* fields.c … */
extern const gw_route gw_view_routes[];   /* views.c … */
extern const gw_route gw_search_routes[]; /* search.c … */
extern const gw_route gw_rule_routes[];   /* rules.c: triggers, automations */
extern const gw_route gw_sla_routes[];    /* sla.c: SLAs, schedules */
extern const gw_route gw_ops_routes[];    /* routes.c: operators */
/* schedules.c: business-hours schedules and holidays */
extern const gw_route gw_schedule_routes[];
/* rules_sync.c: after a trigger change, wait (bounded) until every intake
 * shard's copy of the triggers has it. */
void gw_trig_sync(gw *g, gw_req *r);
/* rules_tools.c: the rule builder's definitions and trigger preview */
extern const gw_route gw_rule_tool_routes[];
/* requests.c, channels_chat.c, channels_voice.c */
extern const gw_route gw_request_routes[];
extern const gw_route gw_chat_routes[];
extern const gw_route gw_voice_routes[];
extern const gw_route gw_card_routes[];  /* cards.c … */
extern const gw_route gw_macro_routes[]; /* macros.c … */
extern const gw_route gw_email_routes[]; /* channels_email.c */

/* help_center*.c; the search table comes before the articles/{id} ones. */
extern const gw_route gw_hc_search_routes[];
extern const gw_route gw_help_center_routes[];
extern const gw_route gw_hc_article_routes[];
extern const gw_route gw_card_routes[];   /* cards.c … */
extern const gw_route gw_macro_routes[];  /* macros.c … */
extern const gw_route gw_report_routes[]; /* gw_reports.c: metrics */
/* email_verify.c: confirming an end-user's new e-mail address */
extern const gw_route gw_email_verify_routes[];
/* session.c: people's sign-in, sign-out and password reset */
extern const gw_route gw_session_routes[];
extern const gw_route gw_session_admin_routes[]; /* sessions_admin.c */
/* assets.c: the workspace's files under /agent/ */
extern const gw_route gw_asset_routes[];
/* hc_static.c: the customers' pages' stylesheets under /hc/static/, and
 * the 404 page of any other /hc/ path (its table comes last) */
extern const gw_route gw_hc_static_routes[];
extern const gw_route gw_hc_fallback_routes[];
/* hc_center.c: the help center's pages under /hc/, sitemap, robots.txt */
extern const gw_route gw_hc_center_routes[];
/* stream_hub.c, viewing.c: live updates (gw_stream.h) */
extern const gw_route gw_stream_routes[];
extern const gw_route gw_viewing_routes[];
extern const gw_route gw_address_routes[]; /* addresses.c */
/* imports.c: Zendesk's ticket import API and the import id map */
extern const gw_route gw_import_routes[];
extern const gw_route *const gw_route_tables[];
/* routes.c: every route as "METHOD PATTERN AUTH" (auth: none, user, admin,
 * anon, agent), one a line, in matching order; 0, or -1 when f failed. The
 * authorization matrix test (tests/integration/test_authz_matrix.py) reads
 * this list, so a route without a declared expectation fails there. */
int gw_routes_print(FILE *f);

/* handlers.c: main.c's module rows (ctx is the gw). */
int gw_open(hd_svc *svc, void *ctx);
int gw_auth_open(hd_svc *svc, void *ctx);
void gw_auth_close(hd_svc *svc, void *ctx);
int gw_edge_open(hd_svc *svc, void *ctx);
void gw_edge_close(hd_svc *svc, void *ctx);
int gw_logins_open(hd_svc *svc, void *ctx);
void gw_logins_close(hd_svc *svc, void *ctx);
int gw_limits_open(hd_svc *svc, void *ctx);
void gw_limits_close(hd_svc *svc, void *ctx);
int gw_peers_open(hd_svc *svc, void *ctx);
void gw_peers_close(hd_svc *svc, void *ctx);
int gw_health_open(hd_svc *svc, void *ctx);
void gw_health_close(hd_svc *svc, void *ctx);
int gw_stream_open(hd_svc *svc, void *ctx);
void gw_stream_close(hd_svc *svc, void *ctx);
int gw_http_open(hd_svc *svc, void *ctx);
void gw_http_close(hd_svc *svc, void *ctx);
/* gw_mc_*.c: ticket metrics, satisfaction ratings, incremental export */
extern const gw_route gw_mc_routes[];

/* pagination.c: offset (page, per_page) and cursor (page[size],
 * page[after], page[before]) pagination as API.md §1 describes. */
typedef struct gw_page {
	int cursor;      /* page[size] was given: cursor mode */
	unsigned size;   /* per_page or page[size], 1..100 */
	uint64_t page;   /* offset mode: 1-based page number */
	char after[256]; /* cursor mode: opaque cursors from the client */
	char before[256];
} gw_page;
/* Read the pagination parameters; 400 for values out of range or offset
 * pages past max_records. def_size: the default size. */
int gw_page_parse(gw_req *r, gw_page *p, unsigned def_size,
		  uint64_t max_records, gw_resp *out);
/* Add next_page/previous_page/count (offset) or meta/links (cursor) to a
 * list body. count: the total (offset mode); has_more and the cursors: what
 * the list found (cursor mode; NULL cursor → null). Links are absolute, on
 * the caller's host, keep the other query parameters and use the original
 * path (with its .json, if any). */
void gw_page_links(gw_req *r, const gw_page *p, json_t *body, uint64_t count,
		   int has_more, const char *after_cursor,
		   const char *before_cursor);
/* Lists paged by offset whose cursors hold an offset: the first record's
 * offset for p ((page-1)*size, or what page[after] holds); 400
 * InvalidPaginationParameter "Invalid cursor" when that is not a number. */
int gw_page_offset(const gw_page *p, uint64_t *offset, gw_resp *out);
/* gw_page_links for such a list: end is the offset after the records shown,
 * count the total; the next cursor is end. */
void gw_page_offset_links(gw_req *r, const gw_page *p, json_t *body,
			  uint64_t end, uint64_t count);
/* A query parameter (decoded, '+' read as a space), or NULL. The returned
 * string lives as long as the request. */
const char *gw_query(gw_req *r, const char *name);

/* http.c */
int gw_http_start(gw *g, unsigned threads);
void gw_http_stop(gw *g);

/* errors.c: Zendesk-style error bodies. Each fills out and returns rc. */
int gw_error(gw_resp *out, unsigned status, const char *error,
	     const char *description);
int gw_invalid(gw_resp *out, const char *field, const char *description);
/* gw_invalid with the description "<field>: must be <what>" (e.g. "a
 * string"), for a request value of the wrong type. */
int gw_invalid_must(gw_resp *out, const char *field, const char *what);
/* gw_invalid with a printf-style description (cut at 400 bytes). */
int gw_invalidf(gw_resp *out, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int gw_from_rpc(gw_resp *out, int rc, const hd_rpc_result *res);
int gw_from_err(gw_resp *out, int rc, const char *what);

/* call.c: one RPC to c for r, under r's deadline (gw_time_left) and the
 * peer's circuit breaker and bulkhead (gw_health.h). Returns the transport
 * outcome; on HD_OK the peer's answer is in *res (release it). On failure
 * *res is empty and, when out is not NULL, out holds a 503 naming the peer
 * with Retry-After. who may be NULL (authentication). */
int gw_rpc(gw *g, hd_rpc_client *c, gw_req *r, const char *method,
	   const void *payload, size_t len, const hd_principal *who,
	   hd_rpc_result *res, gw_resp *out);
/* 1 when rc (from gw_call or gw_rpc) means the peer could not be reached
 * or did not answer in time: a fan-out may go on without that shard. */
int gw_unreachable(int rc);
/* A fan-out's call to shard s ended with rc: when the shard was
 * unreachable and the fan-out can still answer (more shards to ask or
 * some answered), note s in missing[], clear out and return 1 (skip it);
 * else 0. */
int gw_skip_shard(gw *g, int rc, unsigned s, unsigned *missing,
		  size_t *nmissing, gw_resp *out);
/* Mark out (a complete 200 answer) as missing the listed shards: the
 * X-HD-Partial header and "hd_partial": {"missing_shards": [...]}. */
void gw_partial(gw_resp *out, const unsigned *missing, size_t n);

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
/* How long a verified credential may still be used while the directory is
 * unreachable (HD_AUTH_STALE_MS). */
int64_t gw_auth_stale_ms(const gw *g);
/* After gw_authenticate: 0 when r's credentials may call method on the
 * route pattern; else 403 in out (an OAuth token without the scope). */
int gw_scope_check(const gw_req *r, const char *pattern, gw_resp *out);
/* gw_authenticate then gw_scope_check, for a handler that authenticates
 * itself (credentials optional, or another secret first): HD_OK, or the 401,
 * 503 (directory down) or 403 is in out and its error returned. */
int gw_authenticate_scoped(gw *g, gw_req *r, const char *pattern, gw_resp *out);

/* json.c */
json_t *gw_time_json(int64_t ms);
json_t *gw_str_or_null(const char *s);
/* A JSON array of the n strings s (a protobuf repeated string). */
json_t *gw_strings_json(char *const *s, size_t n);
/* Parse a request body: 400 on invalid UTF-8 (naming the field) or bad
 * JSON. On success *root is the caller's. */
int gw_parse_body(gw_req *r, gw_resp *out, json_t **root);

/* tickets.c: the Zendesk ticket object (API.md §2) for tk; new reference. */
json_t *gw_ticket_json(const gw_req *r, const Hd__Ticket *tk);
/* sla.c: the include=slas sideload, inside each ticket of body. */
void gw_sla_sideload(gw *g, gw_req *r, json_t *body, Hd__Ticket *const *tks,
		     size_t n);
/* tickets.c */
int gw_tickets_create(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_show(gw *g, gw_req *r, gw_resp *out);
/* bus.c */
int gw_bus_status(gw *g, gw_req *r, gw_resp *out);

#endif
