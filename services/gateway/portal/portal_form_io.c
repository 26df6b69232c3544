/* Forms in and out for the customers' pages (portal.h): multipart bodies
 * (the request form and replies carry files), the form tag with its CSRF
 * token, and the visitor token of people not signed in. */
#include "gw_session.h"
#include "portal.h"

#include "hd/err.h"
#include "hd/text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VISITOR_COOKIE "hc_visitor"

int gw_pt_form_read(gw_req *r, gw_pt_form *f)
{
	const char *ct = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	memset(f, 0, sizeof *f);
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return HD_OK; /* urlencoded (or empty): hc_form reads it */
	/* parsed in a copy that lives as long as the request */
	size_t len = r->body.len;
	if ((size_t)r->nowned == sizeof r->owned / sizeof r->owned[0])
		return HD_E_NOMEM;
	char *body = malloc(len + 1);
	if (!body)
		return HD_E_NOMEM;
	memcpy(body, r->body.data ? r->body.data : "", len);
	body[len] = '\0';
	r->owned[r->nowned++] = body;
	return gw_pt_multipart(ct, body, len, f);
}

const char *gw_pt_get(gw_req *r, const gw_pt_form *f, const char *name)
{
	if (!f || !f->multipart) {
		const char *v = hc_form(r, name);
		return v && hd_utf8_valid(v, strlen(v)) ? v : NULL;
	}
	for (size_t i = 0; i < f->n; i++)
		if (!f->parts[i].filename &&
		    strcmp(f->parts[i].name, name) == 0)
			return f->parts[i].data;
	return NULL;
}

int gw_pt_bad_form(gw_req *r, gw_resp *out, const char *locale)
{
	hc_page p = {.locale = locale,
		     .title = hc_str(locale, "pt.err.bad_form"),
		     .path = "/",
		     .noindex = 1};
	hc_notice n = {.link = "/", .link_label = hc_str(locale, "error.home")};
	hc_notice_page(r, out, &p, &n, 400);
	return HD_OK;
}

const char *gw_pt_posted(gw_req *r, gw_pt_form *f, gw_resp *out)
{
	const char *loc = hc_route_locale(r);
	if (!loc) {
		hc_error_page(r, out, NULL, 404);
		return NULL;
	}
	if (gw_pt_form_read(r, f) != HD_OK) {
		gw_pt_bad_form(r, out, loc);
		return NULL;
	}
	if (!gw_pt_visitor_ok(r, f)) {
		hc_error_page(r, out, loc, 403);
		return NULL;
	}
	return loc;
}

static int visitor_token(const char *cookie, char out[33])
{
	return gw_keyed_token("hc_visit", cookie, out);
}

static const char *visitor_cookie(gw_req *r)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
						    VISITOR_COOKIE);
	if (!v || strlen(v) != 32 || strspn(v, "0123456789abcdef") != 32)
		return NULL;
	return v;
}

/* The visitor's token; a new cookie into out when they have none. */
static int visitor_form_token(gw_req *r, gw_resp *out, char token[33])
{
	const char *have = visitor_cookie(r);
	char fresh[33];
	if (!have) {
		uint8_t raw[16];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(fresh, sizeof fresh, raw, sizeof raw);
		if (!out->set_cookie[0])
			snprintf(out->set_cookie, sizeof out->set_cookie,
				 "%s=%s; Path=/hc/; HttpOnly; SameSite=Lax%s",
				 VISITOR_COOKIE, fresh,
				 strncasecmp(r->base_url, "https://", 8) == 0
					 ? "; Secure"
					 : "");
		have = fresh;
	}
	return visitor_token(have, token);
}

void gw_pt_form_open(gw_req *r, gw_resp *out, hd_buf *b, const char *action,
		     int multipart_form, const char *cls)
{
	char token[33] = "";
	if (r->by_cookie) {
		if (gw_csrf_token(r->session, token) != HD_OK)
			token[0] = '\0';
	} else if (!r->who.user_id) {
		if (visitor_form_token(r, out, token) != HD_OK)
			token[0] = '\0';
	}
	hd_buf_puts(b, "<form method=\"post\" action=\"");
	hc_esc(b, action);
	if (multipart_form && token[0])
		hd_buf_printf(b, "%scsrf_token=%s",
			      strchr(action, '?') ? "&amp;" : "?", token);
	hd_buf_puts(b, "\"");
	if (multipart_form)
		hd_buf_puts(b, " enctype=\"multipart/form-data\"");
	if (cls)
		hd_buf_printf(b, " class=\"%s\"", cls);
	hd_buf_puts(b, ">\n");
	if (token[0])
		hd_buf_printf(b,
			      "<input type=\"hidden\" name=\"csrf_token\" "
			      "value=\"%s\">\n",
			      token);
}

int gw_pt_visitor_ok(gw_req *r, const gw_pt_form *f)
{
	if (r->who.user_id)
		return 1; /* the edge checked a cookie's token; a header is
			     no browser's ambient credential */
	const char *cookie = visitor_cookie(r);
	const char *given = f && f->multipart ? gw_query(r, "csrf_token")
					      : gw_pt_get(r, f, "csrf_token");
	char want[33];
	return cookie && given && strlen(given) == 32 &&
	       visitor_token(cookie, want) == HD_OK &&
	       sodium_memcmp(want, given, 32) == 0;
}
