/* GET /agent/…: the workspace (issue 16), from the files embedded at build
 * time. index.html answers /agent/ and every path without a file extension
 * that is not a file (client-side routes). Every answer carries the strict
 * Content-Security-Policy and frame, sniffing and referrer headers
 * (http.c); the ETag is the content hash (304 on If-None-Match); a URL
 * whose ?v= is the file's hash may be kept a year, anything else is
 * revalidated (no-cache). A gzip copy goes to clients that accept it.
 * GET / sends people to /agent/. No credentials are needed or read: the
 * files are public, what they show comes from the API. */
#include "gateway.h"
#include "gw_assets.h"

#include "hd/err.h"

#include <string.h>
#include <strings.h>

static const gw_ws_asset *find(const char *path)
{
	for (const gw_ws_asset *a = gw_ws_assets; a->path; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}

/* A path of a client-side route: its last segment has no '.'. */
static int route_like(const char *rel)
{
	const char *last = strrchr(rel, '/');
	return strchr(last ? last + 1 : rel, '.') == NULL;
}

/* Does the comma-separated header list hold token (case-insensitive,
 * ignoring parameters, and not with q=0)? */
static int accepts(const char *list, const char *token)
{
	size_t n = strlen(token);
	for (const char *p = list; p && *p;) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, ",");
		if (strncasecmp(p, token, n) == 0 &&
		    (p[n] == ';' || p[n] == ',' || p[n] == ' ' || !p[n]) &&
		    !memmem(p, len, "q=0", 3))
			return 1;
		p += len;
	}
	return 0;
}

static int etag_matches(const char *inm, const char *hash)
{
	return inm && (strstr(inm, hash) != NULL || strcmp(inm, "*") == 0);
}

static int serve(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	const char *rel = "";
	/* r->url keeps the trailing slash the relative URLs need. */
	if (strcmp(r->url, "/agent") == 0) {
		snprintf(out->location, sizeof out->location, "/agent/");
		out->status = 301;
		return HD_OK;
	}
	if (strncmp(r->url, "/agent/", 7) == 0)
		rel = r->url + 7;
	const gw_ws_asset *a = rel[0] ? find(rel) : NULL;
	if (!a && (!rel[0] || route_like(rel)))
		a = find("index.html");
	if (!a)
		return gw_error(out, 404, "InvalidEndpoint", "Not found");
	out->asset = a;
	const char *v = gw_query(r, "v");
	out->asset_immutable = v && strcmp(v, a->hash) == 0 &&
			       strcmp(a->path, "index.html") != 0;
	const char *inm = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ae = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	out->asset_gzip = a->gz && accepts(ae, "gzip");
	out->status = etag_matches(inm, a->hash) ? 304 : 200;
	return HD_OK;
}

static int root(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	(void)r;
	snprintf(out->location, sizeof out->location, "/agent/");
	out->status = 302;
	return HD_OK;
}

const gw_route gw_asset_routes[] = {
	{"GET", "/", root, GW_AUTH_NONE},
	{"GET", "/agent", serve, GW_AUTH_NONE},
	{"GET", "/agent/{*}", serve, GW_AUTH_NONE},
	{NULL, NULL, NULL, 0},
};
