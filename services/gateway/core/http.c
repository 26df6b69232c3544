/* The HTTP edge: libmicrohttpd callbacks, body limits, routing, auth, and
 * writing responses. Handlers never touch the connection. Everything that
 * can refuse a request (route, size, credentials, limits) is decided on the
 * headers, in the first callback, before a body byte is read or "100
 * Continue" is sent (http_gate.c); the body is buffered only for requests
 * that passed. */
#include "gateway.h"
#include "gw_edge.h"
#include "gw_health.h"
#include "gw_assets.h"
#include "gw_obs.h"
#include "gw_session.h"
#include "gw_stream.h"
#include "gw_users.h"
#include "hc_page.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One request as the edge sees it; handlers get only r. */
typedef struct http_req {
	gw_req r; /* first: a gw_req * is an http_req * */
	const gw_route *route;
	gw_rate rl;
	int64_t started_us;
	int answered;    /* the response went out before the body */
	gw_resp refusal; /* status set: the answer, once the body is gone */
} http_req;

static void req_free(http_req *h)
{
	if (!h)
		return;
	if (!h->answered) /* the client left before its refusal went out */
		json_decref(h->refusal.body);
	hd_buf_release(&h->r.body);
	for (int i = 0; i < h->r.nowned; i++)
		free(h->r.owned[i]);
	free(h);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
			 enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)why;
	req_free(*state);
	*state = NULL;
	gw_conn_guard_request_done(conn);
}

/* Match path against a pattern; "{id}" takes a decimal id, "{s}" any one
 * segment (the handler reads it from r->path), a final "{*}" the rest of
 * the path, one segment or more. */
static int match(const char *pattern, const char *path, uint64_t *id)
{
	while (*pattern && *path) {
		if (strcmp(pattern, "{*}") == 0)
			return 1;
		if (strncmp(pattern, "{s}", 3) == 0) {
			size_t n = strcspn(path, "/");
			if (n == 0)
				return 0;
			pattern += 3;
			path += n;
		} else if (strncmp(pattern, "{id}", 4) == 0) {
			char digits[24];
			size_t n = strcspn(path, "/");
			if (n == 0 || n >= sizeof digits)
				return 0;
			memcpy(digits, path, n);
			digits[n] = '\0';
			if (hd_parse_u64(digits, id))
				return 0;
			pattern += 4;
			path += n;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return *pattern == '\0' && *path == '\0';
}

/* POST /uploads carries files, so it has its own limit (HD_MAX_UPLOAD). */
static size_t body_limit(gw *g, const gw_req *r)
{
	/* Inbound e-mail has its own limit too (HD_MAIL_MAX_BYTES). */
	if (strcmp(r->path, "/api/v2/hd/channels/email") == 0)
		return g->max_mail;
	/* The customers' request form and replies carry files too, from
	 * signed-in customers (visitors attach none). */
	int hc_files = strcmp(r->method, "POST") == 0 &&
		       strncmp(r->path, "/hc/", 4) == 0 &&
		       strstr(r->path, "/requests/") != NULL &&
		       gw_session_cookie((gw_req *)r) != NULL;
	if (!hc_files && strcmp(r->path, "/api/v2/uploads") != 0)
		return g->max_body;
	return g->max_upload;
}

/* The path for routing: repeated slashes collapse (clients that join a
 * base URL ending in '/' with a path starting with one ask for
 * "/api/v2//tickets.json"), then ".json" and trailing slashes go. */
static void collapse_slashes(const char *url, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = url; *p && n + 1 < cap; p++)
		if (!(*p == '/' && n && out[n - 1] == '/'))
			out[n++] = *p;
	out[n] = '\0';
}

static void normalize_path(const char *url, char *out, size_t cap)
{
	collapse_slashes(url, out, cap);
	size_t n = strlen(out);
	if (n > 5 && strcmp(out + n - 5, ".json") == 0)
		out[n -= 5] = '\0';
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

static void trace_id(gw_req *r)
{
	const char *given = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, "X-Request-Id");
	if (given && strlen(given) < sizeof r->trace && given[0] &&
	    strspn(given, "0123456789abcdefABCDEF-") == strlen(given)) {
		snprintf(r->trace, sizeof r->trace, "%s", given);
		return;
	}
	uint8_t raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(r->trace, sizeof r->trace, raw, sizeof raw);
}

/* Uploaded bytes go back as a download that browsers neither render nor
 * sniff, whatever type the uploader claimed: no stored XSS on our origin. */
static void raw_headers(struct MHD_Response *resp, const gw_resp *out)
{
	char disp[400];
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				out->raw_type);
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"",
		 out->raw_name);
	MHD_add_response_header(resp, "Content-Disposition", disp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy", "sandbox");
}

#define WS_CSP                                                                 \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src "    \
	"'self' data:; connect-src 'self'; font-src 'self'; object-src "       \
	"'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* A workspace file (assets.c): the embedded bytes, never copied. */
static struct MHD_Response *asset_response(const gw_resp *out, size_t *sent)
{
	const gw_ws_asset *a = out->asset;
	const void *data = out->asset_gzip ? a->gz : a->data;
	size_t len = out->status == 304 ? 0
		     : out->asset_gzip  ? a->gz_len
					: a->len;
	char etag[48];
	*sent = len;
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, (void *)(len ? data : ""), MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return NULL;
	snprintf(etag, sizeof etag, "\"%s\"", a->hash);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				out->asset_immutable
					? "public, max-age=31536000, immutable"
					: "no-cache");
	if (a->gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
					"Accept-Encoding");
	if (out->asset_gzip && len)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING,
					"gzip");
	return resp;
}

/* Headers every workspace answer carries, redirects included. */
static void page_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", WS_CSP);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
}

/* A customers' page (hc_page.c): shown inline, never kept by caches
 * shared between visitors (it names the signed-in one). */
static void hc_page_headers(struct MHD_Response *resp, const gw_resp *out)
{
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				out->raw_type[0] ? out->raw_type
						 : "text/html; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				"no-cache");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
				"Cookie, Accept-Language");
}

static enum MHD_Result send_response(gw_req *r, gw_resp *out, const gw_rate *rl,
				     size_t *sent)
{
	if (out->mhd) { /* a stream: its bytes are counted nowhere */
		*sent = 0;
		MHD_add_response_header(out->mhd, "X-Request-Id", r->trace);
		gw_ratelimit_headers(out->mhd, rl);
		enum MHD_Result ok =
			MHD_queue_response(r->conn, out->status, out->mhd);
		MHD_destroy_response(out->mhd);
		out->mhd = NULL;
		return ok;
	}
	if (out->asset) {
		struct MHD_Response *resp = asset_response(out, sent);
		if (!resp)
			return MHD_NO;
		page_headers(resp);
		MHD_add_response_header(resp, "X-Request-Id", r->trace);
		enum MHD_Result ok =
			MHD_queue_response(r->conn, out->status, resp);
		MHD_destroy_response(resp);
		return ok;
	}
	char *text = out->body ? json_dumps(out->body, JSON_COMPACT) : NULL;
	size_t len = text ? strlen(text) : 0;
	if (out->raw && !text) {
		text = out->raw; /* MUST_FREE below hands it to MHD */
		len = out->raw_len;
		out->raw = NULL;
	}
	*sent = len;
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, text ? text : (char *)"",
		text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	if (out->page)
		hc_page_headers(resp, out);
	else if (out->raw_type[0])
		raw_headers(resp, out);
	else if (text)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					"application/json; charset=utf-8");
	if (out->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
					out->location);
	if (strncmp(r->path, "/agent", 6) == 0 || strcmp(r->path, "/") == 0 ||
	    strncmp(r->path, "/hc", 3) == 0 || out->page)
		page_headers(resp);
	if (out->api_warn[0])
		MHD_add_response_header(resp, "x-zendesk-api-warn",
					out->api_warn);
	if (out->partial[0])
		MHD_add_response_header(resp, "X-HD-Partial", out->partial);
	if (out->set_cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
					out->set_cookie);
	/* No Basic challenge for browsers of the workspace (a session
	 * cookie, or signing in): it would open the browser's own dialog. */
	if (out->status == 401 && !r->by_cookie && !gw_session_cookie(r) &&
	    strncmp(r->path, "/api/v2/hd/session", 18) != 0)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Basic realm=\"Web Password\"");
	MHD_add_response_header(resp, "X-Request-Id", r->trace);
	gw_ratelimit_headers(resp, rl);
	if (out->retry_after && !rl->limited) {
		char secs[16];
		snprintf(secs, sizeof secs, "%u", out->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
					secs);
	}
	enum MHD_Result ok = MHD_queue_response(r->conn, out->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* Why a request failed on our side, from its error body, for the log:
 * quotes and control bytes become '\'' so the line stays one key=value
 * line. */
static void failure_reason(const gw_resp *out, char *buf, size_t cap)
{
	const char *why =
		json_string_value(json_object_get(out->body, "description"));
	if (!why)
		why = json_string_value(json_object_get(out->body, "error"));
	snprintf(buf, cap, "%s", why ? why : "unknown");
	for (char *p = buf; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			*p = '\'';
}

/* The access log: one info line per answered request, with the route's
 * pattern (never the raw path, which may carry ids or junk). */
static void access_log(const http_req *h, const gw_resp *out, size_t bytes,
		       int64_t elapsed_us)
{
	const gw_req *r = &h->r;
	char reason[160] = "";
	if (out->status >= 500) {
		char why[140];
		failure_reason(out, why, sizeof why);
		snprintf(reason, sizeof reason, " reason=\"%s\"", why);
	}
	hd_info("http.access",
		"trace=%s method=%s route=%s status=%u ms=%.1f user=%llu "
		"bytes=%zu client=%s%s",
		r->trace, r->method, h->route ? h->route->pattern : "unmatched",
		out->status, (double)elapsed_us / 1000.0,
		(unsigned long long)r->who.user_id, bytes, r->client, reason);
}

static enum MHD_Result answer(http_req *h, gw_resp *out)
{
	size_t bytes = 0;
	enum MHD_Result ok = send_response(&h->r, out, &h->rl, &bytes);
	int64_t elapsed = hd_prom_now_us() - h->started_us;
	gw_obs_request(h->r.method, h->route ? h->route->pattern : NULL,
		       out->status, elapsed);
	access_log(h, out, bytes, elapsed);
	json_decref(out->body);
	free(out->raw);
	return ok;
}

/* The route for r (NULL: none, with 404 or 405 in out). */
static const gw_route *resolve(gw_req *r, gw_resp *out)
{
	int path_known = 0;
	for (size_t t = 0; gw_route_tables[t]; t++)
		for (const gw_route *rt = gw_route_tables[t]; rt->method;
		     rt++) {
			if (!match(rt->pattern, r->path, &r->id))
				continue;
			path_known = 1;
			if (strcmp(rt->method, r->method) == 0)
				return rt;
		}
	if (path_known)
		gw_error(out, 405, "MethodNotAllowed",
			 "This endpoint does not accept that method");
	else
		gw_error(out, 404, "InvalidEndpoint", "Not found");
	return NULL;
}

static void too_large(gw *g, gw_req *r, gw_resp *out)
{
	char msg[128];
	snprintf(msg, sizeof msg, "The request body exceeds %zu bytes",
		 body_limit(g, r));
	gw_error(out, 413, "RequestTooLarge", msg);
}

static int declared_too_big(gw *g, gw_req *r)
{
	const char *cl = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t declared = 0;
	return cl && hd_parse_u64(cl, &declared) == HD_OK &&
	       declared > body_limit(g, r);
}

static int expects_continue(gw_req *r)
{
	const char *e = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_EXPECT);
	return e && strcasecmp(e, "100-continue") == 0;
}

/* First callback: the headers are in. Route, size and credentials are
 * decided now; a refusal is queued at once, so MHD neither reads the body
 * nor sends "100 Continue". */
static enum MHD_Result on_headers(gw *g, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  void **state)
{
	http_req *h = calloc(1, sizeof *h);
	if (!h)
		return MHD_NO;
	gw_req *r = &h->r;
	gw_conn_guard_headers_in(conn);
	h->started_us = hd_prom_now_us();
	r->conn = conn;
	r->method = method;
	collapse_slashes(url, r->url, sizeof r->url);
	normalize_path(url, r->path, sizeof r->path);
	trace_id(r);
	gw_edge_client(g, r);
	gw_edge_base_url(g, r);
	gw_ratelimit_take(g->limits, 0, &h->rl);
	gw_req_deadline(g, r);
	*state = h;
	gw_resp out = {0};
	h->route = resolve(r, &out);
	hd_buf_init(&r->body, body_limit(g, r));
	if (h->route)
		gw_http_gate(g, r, h->route, &h->rl, &out);
	if (h->route && !out.status && declared_too_big(g, r)) {
		too_large(g, r, &out);
		/* A caller we know and who did not wait for "100 Continue"
		 * is sending the body already: it is discarded unread into
		 * memory and the 413 follows it, so ordinary clients (which
		 * write the whole body before reading) see the answer rather
		 * than a reset. Strangers are cut off at once. */
		if (!expects_continue(r)) {
			h->refusal = out;
			h->r.body_too_big = 1;
			return MHD_YES;
		}
	}
	if (!out.status)
		return MHD_YES;
	h->answered = 1;
	return answer(h, &out);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	(void)version;
	gw *g = cls;
	http_req *h = *state;
	if (!h)
		return on_headers(g, conn, url, method, state);
	gw_req *r = &h->r;
	if (*upload_size) {
		if (!h->answered && !r->body_too_big &&
		    hd_buf_append(&r->body, upload, *upload_size) != HD_OK)
			r->body_too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (h->answered)
		return MHD_YES;
	gw_resp out = {0};
	if (h->refusal.status)
		out = h->refusal;
	else if (r->body_too_big)
		too_large(g, r, &out);
	else if (r->form_csrf && !hc_form_csrf_ok(r))
		hc_error_page(r, &out, NULL, 403);
	else
		h->route->fn(g, r, &out);
	if (out.status == 0)
		gw_from_err(&out, HD_E_INTERNAL, "the handler gave no answer");
	h->answered = 1;
	return answer(h, &out);
}

static int http_limits(gw *g, uint64_t *timeout_s, uint64_t *per_ip)
{
	int rc = hd_cfg_u64(&g->svc->cfg, "HD_HTTP_TIMEOUT_S", 1, 3600,
			    timeout_s);
	if (!rc)
		rc = hd_cfg_u64(&g->svc->cfg, "HD_HTTP_PER_IP_CONNS", 1, 4096,
				per_ip);
	return rc;
}

int gw_http_start(gw *g, unsigned threads)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)g->port)};
	uint64_t timeout_s = 0, per_ip = 0;
	if (inet_pton(AF_INET, g->bind, &addr.sin_addr) != 1) {
		hd_error("config.invalid", "var=HD_HTTP_BIND value=\"%s\"",
			 g->bind);
		hd_cfg_refuse();
		return HD_E_INVALID;
	}
	int rc = http_limits(g, &timeout_s, &per_ip);
	if (!rc)
		rc = gw_conn_guard_start(&g->guard, (unsigned)timeout_s);
	if (rc)
		return rc;
	g->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_ALLOW_SUSPEND_RESUME,
		(uint16_t)g->port, NULL, NULL, on_request, g,
		MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_THREAD_POOL_SIZE,
		threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, g,
		MHD_OPTION_NOTIFY_CONNECTION, gw_conn_guard_notify, g->guard,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout_s,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)per_ip,
		MHD_OPTION_CONNECTION_LIMIT, 4096U, MHD_OPTION_END);
	if (!g->daemon) {
		hd_error("http.listen_failed", "bind=%s port=%u", g->bind,
			 g->port);
		return HD_E_UNAVAILABLE;
	}
	hd_info("http.listening",
		"url=http://%s:%u/api/v2 timeout_s=%llu per_ip_conns=%llu",
		g->bind, g->port, (unsigned long long)timeout_s,
		(unsigned long long)per_ip);
	return HD_OK;
}

void gw_http_stop(gw *g)
{
	gw_stream_close_clients(g); /* none may stay suspended */
	if (g->daemon)
		MHD_stop_daemon(g->daemon);
	g->daemon = NULL;
	gw_conn_guard_stop(g->guard); /* after MHD: no connection is left */
	g->guard = NULL;
}
