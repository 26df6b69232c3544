/* The HTTP edge: libmicrohttpd callbacks, body limits, routing, auth, and
 * writing responses. Handlers never touch the connection. */
#include "gateway.h"
#include "gw_obs.h"
#include "gw_users.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void req_free(gw_req *r)
{
	if (!r)
		return;
	hd_buf_release(&r->body);
	for (int i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
			 enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)conn;
	(void)why;
	req_free(*state);
	*state = NULL;
}

/* Match path against a pattern; "{id}" takes a decimal id, "{s}" any one
 * segment (the handler reads it from r->path). */
static int match(const char *pattern, const char *path, uint64_t *id)
{
	while (*pattern && *path) {
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
	uint64_t max = 0;
	/* Inbound e-mail has its own limit too (HD_MAIL_MAX_BYTES). */
	if (strcmp(r->path, "/api/v2/hd/channels/email") == 0 &&
	    hd_cfg_u64(&g->svc->cfg, "HD_MAIL_MAX_BYTES", 1024,
		       (uint64_t)30 << 20, &max) == HD_OK)
		return (size_t)max;
	if (strcmp(r->path, "/api/v2/uploads") != 0 ||
	    hd_cfg_u64(&g->svc->cfg, "HD_MAX_UPLOAD", 1024, (uint64_t)1 << 30,
		       &max))
		return g->max_body;
	return (size_t)max;
}

static void normalize_path(const char *url, char *out, size_t cap)
{
	snprintf(out, cap, "%s", url);
	size_t n = strlen(out);
	if (n > 5 && strcmp(out + n - 5, ".json") == 0)
		out[n -= 5] = '\0';
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

/* Absolute links use the caller's Host when it looks like a host name. */
static void base_url(gw *g, gw_req *r)
{
	const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_HOST);
	const char *proto = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	int ok = host && host[0] && strlen(host) < 200 &&
		 strspn(host,
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789.-:[]") == strlen(host);
	const char *scheme =
		proto && strcmp(proto, "https") == 0 ? "https" : "http";
	if (ok)
		snprintf(r->base_url, sizeof r->base_url, "%s://%s", scheme,
			 host);
	else
		snprintf(r->base_url, sizeof r->base_url, "%s://%s:%u", scheme,
			 g->bind, g->port);
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

static enum MHD_Result send_response(gw_req *r, gw_resp *out, const gw_rate *rl)
{
	char *text = out->body ? json_dumps(out->body, JSON_COMPACT) : NULL;
	size_t len = text ? strlen(text) : 0;
	if (out->raw && !text) {
		text = out->raw; /* MUST_FREE below hands it to MHD */
		len = out->raw_len;
		out->raw = NULL;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, text ? text : (char *)"",
		text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	if (out->raw_type[0])
		raw_headers(resp, out);
	else if (text)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					"application/json; charset=utf-8");
	if (out->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION,
					out->location);
	if (out->api_warn[0])
		MHD_add_response_header(resp, "x-zendesk-api-warn",
					out->api_warn);
	if (out->status == 401)
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
	hd_debug("http.request", "method=%s path=%s status=%u trace=%s",
		 r->method, r->path, out->status, r->trace);
	return ok;
}

/* Returns the matched route (NULL: none), for the request metrics. */
static const gw_route *dispatch(gw *g, gw_req *r, gw_resp *out, gw_rate *rl)
{
	const gw_route *route = NULL;
	int path_known = 0;
	for (size_t t = 0; gw_route_tables[t] && !route; t++)
		for (const gw_route *rt = gw_route_tables[t]; rt->method;
		     rt++) {
			if (!match(rt->pattern, r->path, &r->id))
				continue;
			path_known = 1;
			if (strcmp(rt->method, r->method) == 0) {
				route = rt;
				break;
			}
		}
	if (!route) {
		if (path_known)
			gw_error(out, 405, "MethodNotAllowed",
				 "This endpoint does not accept that method");
		else
			gw_error(out, 404, "InvalidEndpoint", "Not found");
		return NULL;
	}
	if (r->body_too_big) {
		char msg[128];
		snprintf(msg, sizeof msg, "The request body exceeds %zu bytes",
			 body_limit(g, r));
		gw_error(out, 413, "RequestTooLarge", msg);
		return route;
	}
	int anonymous = route->auth == GW_AUTH_ANON &&
			!MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     "Authorization");
	if (route->auth != GW_AUTH_NONE && !anonymous) {
		int rc = gw_authenticate(g, r);
		if (rc) {
			gw_from_err(out,
				    rc == HD_E_UNAUTHORIZED ? rc
							    : HD_E_UNAVAILABLE,
				    "The user directory is unavailable");
			return route;
		}
		if (route->auth == GW_AUTH_ADMIN &&
		    strcmp(r->who.role, "admin") != 0) {
			gw_error(out, 403, "Forbidden",
				 "Only admins may use this endpoint");
			return route;
		}
		gw_ratelimit_take(r->who.user_id, rl);
		if (rl->limited) {
			gw_error(out, 429, "TooManyRequests",
				 "Rate limit exceeded");
			return route;
		}
	}
	route->fn(g, r, out);
	if (out->status == 0)
		gw_from_err(out, HD_E_INTERNAL, "the handler gave no answer");
	return route;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	(void)version;
	gw *g = cls;
	gw_req *r = *state;
	if (!r) { /* first call: headers only; answer on a later call */
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->conn = conn;
		r->method = method;
		snprintf(r->url, sizeof r->url, "%s", url);
		normalize_path(url, r->path, sizeof r->path);
		hd_buf_init(&r->body, body_limit(g, r));
		const char *cl = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		uint64_t declared = 0;
		if (cl && hd_parse_u64(cl, &declared) == HD_OK &&
		    declared > body_limit(g, r))
			r->body_too_big = 1;
		*state = r;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->body_too_big &&
		    hd_buf_append(&r->body, upload, *upload_size) != HD_OK)
			r->body_too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	gw_resp out = {0};
	gw_rate rl;
	int64_t started_us = hd_prom_now_us();
	gw_ratelimit_take(0, &rl);
	trace_id(r);
	base_url(g, r);
	const gw_route *route = dispatch(g, r, &out, &rl);
	enum MHD_Result ok = send_response(r, &out, &rl);
	gw_obs_request(r->method, route ? route->pattern : NULL, out.status,
		       hd_prom_now_us() - started_us);
	json_decref(out.body);
	free(out.raw);
	return ok;
}

int gw_http_start(gw *g, unsigned threads)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)g->port)};
	if (inet_pton(AF_INET, g->bind, &addr.sin_addr) != 1) {
		hd_error("config.invalid", "var=HD_HTTP_BIND value=\"%s\"",
			 g->bind);
		hd_cfg_refuse();
		return HD_E_INVALID;
	}
	g->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
		(uint16_t)g->port, NULL, NULL, on_request, g,
		MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_THREAD_POOL_SIZE,
		threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, g,
		MHD_OPTION_CONNECTION_TIMEOUT, 60U, MHD_OPTION_CONNECTION_LIMIT,
		4096U, MHD_OPTION_END);
	if (!g->daemon) {
		hd_error("http.listen_failed", "bind=%s port=%u", g->bind,
			 g->port);
		return HD_E_UNAVAILABLE;
	}
	hd_info("http.listening", "url=http://%s:%u/api/v2", g->bind, g->port);
	return HD_OK;
}

void gw_http_stop(gw *g)
{
	if (g->daemon)
		MHD_stop_daemon(g->daemon);
	g->daemon = NULL;
}
