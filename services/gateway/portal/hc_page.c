/* The customers' pages' layout and answers (hc_page.h). The markup is
 * plain HTML5 that `tidy -q -e` accepts: no inline script or style (the
 * CSP forbids both), every user or stored string escaped on the way in. */
#include "hc_page.h"
#include "gw_session.h"

#include "hd/err.h"
#include "hd/html.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const hc_locales[HC_NLOCALES] = {"ko", "en"};

int hc_locale_index(const char *s)
{
	for (int i = 0; s && i < HC_NLOCALES; i++)
		if (strcmp(s, hc_locales[i]) == 0)
			return i;
	return -1;
}

const char *hc_route_locale(gw_req *r)
{
	if (strncmp(r->path, "/hc/", 4) != 0)
		return NULL;
	const char *seg = r->path + 4;
	size_t n = strcspn(seg, "/");
	for (int i = 0; i < HC_NLOCALES; i++)
		if (strlen(hc_locales[i]) == n &&
		    strncmp(seg, hc_locales[i], n) == 0)
			return hc_locales[i];
	return NULL;
}

/* q of one Accept-Language entry ("ko-KR;q=0.8"): 0..1000. */
static int entry_q(const char *p, size_t len)
{
	const char *q = memmem(p, len, ";q=", 3);
	if (!q)
		return 1000;
	q += 3;
	int v = 0, scale = 1000, seen = 0;
	if (*q == '1')
		return 1000;
	if (*q != '0')
		return 0;
	for (q++; q < p + len && (*q == '.' || (*q >= '0' && *q <= '9')); q++) {
		if (*q == '.')
			continue;
		scale /= 10;
		v += (*q - '0') * scale;
		seen = 1;
	}
	return seen ? v : 0;
}

const char *hc_locale_from_header(gw_req *r)
{
	const char *al = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     "Accept-Language");
	int best = -1, best_q = 0;
	for (const char *p = al; p && *p;) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, ",");
		size_t tag = strcspn(p, "-;, \t");
		if (tag > len)
			tag = len;
		int q = entry_q(p, len);
		for (int i = 0; i < HC_NLOCALES; i++)
			if (strlen(hc_locales[i]) == tag &&
			    strncasecmp(p, hc_locales[i], tag) == 0 &&
			    q > best_q) {
				best = i;
				best_q = q;
			}
		p += len;
	}
	return hc_locales[best < 0 ? 0 : best];
}

int hc_esc(hd_buf *b, const char *s)
{
	return s ? hd_html_escape(b, s, strlen(s)) : HD_OK;
}

int hc_abs(gw_req *r, hd_buf *b, const char *path)
{
	int rc = hc_esc(b, r->base_url);
	return rc ? rc : hc_esc(b, path);
}

int hc_urlenc(hd_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = HD_OK;
	for (const unsigned char *p = (const unsigned char *)s; p && *p && !rc;
	     p++) {
		char one[3] = {'%', hex[*p >> 4], hex[*p & 15]};
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
			rc = hd_buf_append(b, p, 1);
		else
			rc = hd_buf_append(b, one, 3);
	}
	return rc;
}

void hc_page_init(hd_buf *b)
{
	hd_buf_init(b, HC_PAGE_MAX);
}

static void locale_url(gw_req *r, hd_buf *b, const char *loc, const char *path)
{
	hc_esc(b, r->base_url);
	hd_buf_printf(b, "/hc/%s", loc);
	hc_esc(b, path && path[0] ? path : "/");
}

static void head(gw_req *r, const hc_page *p, hd_buf *b)
{
	hd_buf_printf(b,
		      "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		      "content=\"width=device-width, initial-scale=1\">\n"
		      "<title>",
		      p->locale);
	hc_esc(b, p->title);
	hd_buf_puts(b, " - ");
	hc_esc(b, hc_str(p->locale, "brand"));
	hd_buf_puts(b, "</title>\n");
	if (p->description) {
		hd_buf_puts(b, "<meta name=\"description\" content=\"");
		hc_esc(b, p->description);
		hd_buf_puts(b, "\">\n");
	}
	if (p->noindex)
		hd_buf_puts(b, "<meta name=\"robots\" content=\"noindex\">\n");
	hd_buf_puts(b, "<link rel=\"canonical\" href=\"");
	locale_url(r, b, p->locale, p->path);
	hd_buf_puts(b, "\">\n");
	for (int i = 0; i < HC_NLOCALES && !p->noindex; i++) {
		if (p->missing & (1u << i))
			continue;
		hd_buf_printf(b,
			      "<link rel=\"alternate\" hreflang=\"%s\" "
			      "href=\"",
			      hc_locales[i]);
		locale_url(r, b, hc_locales[i], p->path);
		hd_buf_puts(b, "\">\n");
	}
	/* No favicon request (a 404 in every browser console). */
	hd_buf_puts(b,
		    "<link rel=\"icon\" href=\"data:,\">\n"
		    "<link rel=\"stylesheet\" href=\"/hc/static/hc.css\">\n");
	if (p->css) {
		hd_buf_puts(b, "<link rel=\"stylesheet\" href=\"/hc/static/");
		hc_esc(b, p->css);
		hd_buf_puts(b, "\">\n");
	}
	hd_buf_puts(b, "</head>\n");
}

static void nav_link(hd_buf *b, const char *fmt, const char *loc,
		     const char *label)
{
	hd_buf_puts(b, "<li><a href=\"");
	hd_buf_printf(b, fmt, loc);
	hd_buf_puts(b, "\">");
	hc_esc(b, label);
	hd_buf_puts(b, "</a></li>");
}

/* The other locales this page exists in, each named in its own language. */
static void language_switch(const hc_page *p, hd_buf *b)
{
	int any = 0;
	for (int i = 0; i < HC_NLOCALES; i++) {
		const char *loc = hc_locales[i];
		if ((p->missing & (1u << i)) || !strcmp(loc, p->locale))
			continue;
		if (!any)
			hd_buf_printf(b,
				      "<ul class=\"hc-langs\" aria-label=\"");
		if (!any)
			hc_esc(b, hc_str(p->locale, "nav.language"));
		if (!any)
			hd_buf_puts(b, "\">");
		any = 1;
		hd_buf_printf(b, "<li><a href=\"/hc/%s", loc);
		hc_esc(b, p->path && p->path[0] ? p->path : "/");
		hd_buf_printf(b, "\" hreflang=\"%s\" lang=\"%s\">", loc, loc);
		hc_esc(b, hc_str(loc, "lang.name"));
		hd_buf_puts(b, "</a></li>");
	}
	if (any)
		hd_buf_puts(b, "</ul>");
}

static void header(gw_req *r, const hc_page *p, hd_buf *b)
{
	const char *loc = p->locale;
	hd_buf_puts(b, "<body>\n<a class=\"hc-skip\" href=\"#main\">");
	hc_esc(b, hc_str(loc, "nav.skip"));
	hd_buf_printf(b,
		      "</a>\n<header class=\"hc-header\">"
		      "<a class=\"hc-brand\" href=\"/hc/%s/\">",
		      loc);
	hc_esc(b, hc_str(loc, "brand"));
	hd_buf_puts(b, "</a>\n<nav aria-label=\"");
	hc_esc(b, hc_str(loc, "nav.label"));
	hd_buf_puts(b, "\"><ul class=\"hc-nav\">");
	nav_link(b, HC_PATH_NEW_REQUEST, loc, hc_str(loc, "nav.new_request"));
	if (r->who.user_id)
		nav_link(b, HC_PATH_MY_REQUESTS, loc,
			 hc_str(loc, "nav.my_requests"));
	else
		nav_link(b, HC_PATH_SIGNIN, loc, hc_str(loc, "nav.signin"));
	hd_buf_puts(b, "</ul>");
	language_switch(p, b);
	hd_buf_puts(b, "</nav>\n</header>\n<main id=\"main\">\n");
}

int hc_page_open(gw_req *r, const hc_page *p, hd_buf *b)
{
	head(r, p, b);
	header(r, p, b);
	return b->data ? hd_buf_error(b) : HD_E_NOMEM;
}

int hc_page_close(gw_req *r, const hc_page *p, hd_buf *b)
{
	(void)r;
	hd_buf_puts(b, "</main>\n<footer class=\"hc-footer\"><p>");
	hc_esc(b, hc_str(p->locale, "footer"));
	return hd_buf_puts(b, "</p></footer>\n</body>\n</html>\n");
}

/* Pages are written without checking each piece: the buffer's sticky
 * error is checked here, once (and a page within HC_PAGE_SLACK of the cap
 * is refused too, hc_page.h). */
static int failed(const hd_buf *b)
{
	return !b->data || hd_buf_error(b) ||
	       b->len + HC_PAGE_SLACK >= HC_PAGE_MAX;
}

int hc_reply_typed(gw_resp *out, unsigned status, hd_buf *b, const char *type)
{
	if (failed(b)) {
		hd_buf_release(b);
		return gw_from_err(out, HD_E_TOOBIG, "the page is too large");
	}
	size_t len = 0;
	out->raw = hd_buf_detach(b, &len);
	out->raw_len = len;
	out->page = 1;
	snprintf(out->raw_type, sizeof out->raw_type, "%s", type);
	out->status = status;
	return HD_OK;
}

int hc_reply(gw_resp *out, unsigned status, hd_buf *b)
{
	return hc_reply_typed(out, status, b, "text/html; charset=utf-8");
}

int hc_redirect(gw_req *r, gw_resp *out, unsigned status, const char *path)
{
	snprintf(out->location, sizeof out->location, "%s%s", r->base_url,
		 path);
	out->status = status;
	return HD_OK;
}

int hc_error_page(gw_req *r, gw_resp *out, const char *locale, unsigned status)
{
	const char *loc = locale ? locale : hc_locale_from_header(r);
	const char *key = status == 404   ? "error.404"
			  : status == 403 ? "error.403"
			  : status == 400 ? "error.400"
			  : status == 503 ? "error.503"
					  : "error.500";
	hc_page p = {.locale = loc,
		     .title = hc_str(loc, key),
		     .path = "/",
		     .noindex = 1};
	hc_notice n = {.link = "/", .link_label = hc_str(loc, "error.home")};
	hc_notice_page(r, out, &p, &n, status);
	return HD_OK;
}

int hc_notice_page(gw_req *r, gw_resp *out, const hc_page *p,
		   const hc_notice *n, unsigned status)
{
	hd_buf b;
	hc_page_init(&b);
	hc_page_open(r, p, &b);
	hd_buf_puts(&b, "<h1>");
	hc_esc(&b, p->title);
	hd_buf_puts(&b, "</h1>\n");
	if (n->text) {
		hd_buf_printf(&b, "<p class=\"hc-notice\"%s>",
			      n->status_role ? " role=\"status\"" : "");
		hc_esc(&b, n->text);
		hd_buf_puts(&b, "</p>\n");
	}
	if (n->link) {
		hd_buf_printf(&b, "<p><a href=\"/hc/%s%s\">", p->locale,
			      n->link);
		hc_esc(&b, n->link_label);
		hd_buf_puts(&b, "</a></p>\n");
	}
	hc_page_close(r, p, &b);
	return hc_reply(out, status, &b);
}

int hc_csrf_field(gw_req *r, hd_buf *b)
{
	char token[33];
	if (!r->by_cookie || gw_csrf_token(r->session, token) != HD_OK)
		return HD_OK;
	return hd_buf_printf(b,
			     "<input type=\"hidden\" name=\"csrf_token\" "
			     "value=\"%s\">",
			     token);
}

/* Decode one urlencoded value in place: '+' is a space, then %XX. */
static void form_decode(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '+')
			*p = ' ';
	MHD_http_unescape(s);
}

const char *hc_form(gw_req *r, const char *name)
{
	const char *body = r->body.data;
	size_t n = strlen(name), len = r->body.len;
	for (size_t i = 0; body && i < len;) {
		size_t end = i;
		while (end < len && body[end] != '&')
			end++;
		if (end - i > n && body[i + n] == '=' &&
		    memcmp(body + i, name, n) == 0) {
			if (r->nowned ==
			    (int)(sizeof r->owned / sizeof r->owned[0]))
				return NULL;
			char *v = strndup(body + i + n + 1, end - i - n - 1);
			if (!v)
				return NULL;
			form_decode(v);
			r->owned[r->nowned++] = v;
			return v;
		}
		i = end + 1;
	}
	return NULL;
}

int hc_form_csrf_ok(gw_req *r)
{
	const char *ct = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *given = NULL;
	if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
		given = gw_query(r, "csrf_token");
	else
		given = hc_form(r, "csrf_token");
	char want[33];
	return given && strlen(given) == 32 &&
	       gw_csrf_token(r->session, want) == HD_OK &&
	       sodium_memcmp(want, given, 32) == 0;
}
