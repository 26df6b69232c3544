/* GET /hc/static/<file>: the customers' pages' stylesheets, embedded at
 * build time from services/helpcenter (build/gen/helpcenter_assets.c). The
 * ETag is the content hash (304 on If-None-Match); ?v=<hash> may be kept a
 * year. Public: no credentials are read. Also the 404 page of every other
 * path under /hc/. */
#include "gateway.h"
#include "gw_assets.h"
#include "hc_page.h"

#include "hd/err.h"

#include <string.h>

static int serve(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	const char *rel = r->path + strlen("/hc/static/");
	const gw_ws_asset *a = NULL;
	for (const gw_ws_asset *f = gw_hc_assets; f->path && !a; f++)
		if (strcmp(f->path, rel) == 0)
			a = f;
	if (!a)
		return gw_error(out, 404, "InvalidEndpoint", "Not found");
	out->asset = a;
	const char *v = gw_query(r, "v");
	out->asset_immutable = v && strcmp(v, a->hash) == 0;
	const char *inm = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ae = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	out->asset_gzip = a->gz && ae && strstr(ae, "gzip");
	out->status = inm && strstr(inm, a->hash) ? 304 : 200;
	return HD_OK;
}

const gw_route gw_hc_static_routes[] = {
	{"GET", "/hc/static/{*}", serve, GW_AUTH_NONE},
	{NULL, NULL, NULL, 0},
};

/* Any other page under /hc/: the shell's 404 page in the visitor's
 * language. Its table is the last one tried (routes.c). */
static int not_found(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	return hc_error_page(r, out, hc_route_locale(r), 404);
}

const gw_route gw_hc_fallback_routes[] = {
	{"GET", "/hc/{*}", not_found, GW_AUTH_ANON},
	{NULL, NULL, NULL, 0},
};
