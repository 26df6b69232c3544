/* The gate before the body. A request is refused on its headers whenever
 * it can be, so nobody makes us read (and hold) a body they may not send:
 * unauthenticated, over-limit or forbidden callers get their answer before
 * MHD reads a body byte or sends "100 Continue". Routes without edge auth
 * (GW_AUTH_NONE) authenticate in their handlers; for those the table below
 * says what the edge requires before their body.
 *
 * A browser's hd_session cookie counts as credentials when no
 * Authorization header is sent (an ended session is no credential: the
 * request goes on as a visitor's); a state-changing request signed in by
 * cookie must carry the session's X-CSRF-Token (403 otherwise), so another
 * site cannot make a signed-in browser act. Signing in and resetting a
 * password take no credentials at all, and their small bodies are read. */
#include "gw_edge.h"
#include "gw_session.h"

#include "hd/cfg.h"
#include "hd/err.h"

#include <string.h>

enum open_kind {
	OPEN_OTHER,    /* a body needs valid credentials */
	OPEN_MAIL,     /* the channel secret, or an admin's credentials */
	OPEN_REQUESTS, /* credentials, or anonymous when HD_ANONYMOUS_REQUESTS */
	OPEN_SIGNIN,   /* no credentials: the body holds them (session.c) */
	OPEN_PAGE,     /* the workspace's files (assets.c): public */
};

static const struct {
	const char *pattern;
	enum open_kind kind;
} open_routes[] = {
	{"/api/v2/hd/channels/email", OPEN_MAIL},
	{"/api/v2/requests", OPEN_REQUESTS},
	{"/api/v2/hd/session", OPEN_SIGNIN},
	{"/api/v2/hd/password_reset", OPEN_SIGNIN},
	{"/api/v2/hd/password_reset/{s}", OPEN_SIGNIN},
	{"/", OPEN_PAGE},
	{"/agent", OPEN_PAGE},
	{"/agent/{*}", OPEN_PAGE},
	{"/hc/static/{*}", OPEN_PAGE},
};

static enum open_kind open_kind(const gw_route *route)
{
	for (size_t i = 0; i < sizeof open_routes / sizeof open_routes[0]; i++)
		if (strcmp(route->pattern, open_routes[i].pattern) == 0)
			return open_routes[i].kind;
	return OPEN_OTHER;
}

static const char *header(gw_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static uint64_t declared_body(gw_req *r)
{
	uint64_t n = 0;
	const char *cl = header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return UINT64_MAX; /* chunked: unknown, so assume some */
	if (!cl || hd_parse_u64(cl, &n))
		return 0;
	return n;
}

static void unauthorized(gw_resp *out)
{
	gw_from_err(out, HD_E_UNAUTHORIZED, "Couldn't authenticate you");
}

static void anonymous(gw *g, gw_req *r, const gw_route *route, gw_resp *out)
{
	if (route->auth == GW_AUTH_USER || route->auth == GW_AUTH_ADMIN ||
	    route->auth == GW_AUTH_AGENT)
		return unauthorized(out);
	if (route->auth == GW_AUTH_ANON)
		return;
	uint64_t body = declared_body(r);
	switch (open_kind(route)) {
	case OPEN_REQUESTS:
		/* Its 64 KiB cap for anonymous callers stays in requests.c,
		 * which counts the refusal against the caller's address;
		 * HD_MAX_BODY was checked on the headers. */
		if (!g->anonymous_requests)
			unauthorized(out);
		return;
	case OPEN_MAIL:
		return unauthorized(out);
	case OPEN_SIGNIN:
	case OPEN_PAGE:
		return;
	case OPEN_OTHER:
		if (body)
			unauthorized(out);
		return;
	}
}

void gw_http_gate(gw *g, gw_req *r, const gw_route *route, gw_rate *rl,
		  gw_resp *out)
{
	enum open_kind kind = open_kind(route);
	int open = route->auth == GW_AUTH_NONE;
	if (open && kind == OPEN_MAIL && gw_email_secret_ok(g, r))
		return;
	int by_cookie = !header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	/* Signing in: session.c applies the login limits. Pages: a file
	 * costs no directory call for the cookie that comes with it. */
	if (open && (kind == OPEN_SIGNIN || kind == OPEN_PAGE) && by_cookie)
		return;
	if (by_cookie && !gw_session_cookie(r))
		return anonymous(g, r, route, out);
	int rc = gw_authenticate(g, r);
	if (by_cookie && rc == HD_E_UNAUTHORIZED) {
		r->by_cookie = 0;
		memset(&r->who, 0, sizeof r->who);
		return anonymous(g, r, route, out);
	}
	if (rc == HD_E_TOOBIG) {
		out->retry_after = r->login_retry;
		gw_error(out, 429, "TooManyRequests",
			 "Too many failed sign-in attempts; try again later");
		return;
	}
	if (rc && rc != HD_E_UNAUTHORIZED) {
		out->retry_after = 1; /* directory down or its hashing busy */
		gw_from_err(out, HD_E_UNAVAILABLE,
			    "The user directory is unavailable");
		return;
	}
	/* Credentials sent and wrong are 401 on every route, as Zendesk
	 * answers; only a request without any is anonymous. */
	if (rc)
		return unauthorized(out);
	/* A plain HTML form cannot send a header: the customers' pages
	 * (/hc/) carry the token in the form, checked once it is read. */
	if (r->by_cookie && strcmp(r->method, "GET") != 0 &&
	    strcmp(r->method, "HEAD") != 0 &&
	    strncmp(r->path, "/hc/", 4) == 0 && !gw_csrf_ok(r))
		r->form_csrf = 1;
	else if (r->by_cookie && strcmp(r->method, "GET") != 0 &&
		 strcmp(r->method, "HEAD") != 0 && !gw_csrf_ok(r)) {
		gw_error(out, 403, "Forbidden",
			 "X-CSRF-Token is missing or does not match the "
			 "session");
		return;
	}
	if (gw_scope_check(r, route->pattern, out))
		return;
	if ((route->auth == GW_AUTH_ADMIN || (open && kind == OPEN_MAIL)) &&
	    r->who.role != HD__USER_ROLE__ROLE_ADMIN) {
		gw_error(out, 403, "Forbidden",
			 "Only admins may use this endpoint");
		return;
	}
	if (route->auth == GW_AUTH_AGENT && !hd_role_is_agent(r->who.role)) {
		gw_error(out, 403, "Forbidden",
			 "Only agents may use this endpoint");
		return;
	}
	if (open && kind == OPEN_REQUESTS)
		return; /* requests.c counts it against the user's limit */
	gw_ratelimit_take(g->limits, r->who.user_id, rl);
	if (rl->limited)
		gw_error(out, 429, "TooManyRequests", "Rate limit exceeded");
}
