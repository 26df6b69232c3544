/* The customers' pages' shell (issue 17): every server-rendered page under
 * /hc/{locale}/ (help center, request form, my requests, surveys) is built
 * on it, so all share one layout, one string table, one way to answer.
 * Pure functions of the request; no state, any MHD thread.
 *
 * A page handler, in short:
 *
 *	const char *loc = hc_route_locale(r);      // "/hc/{s}/…" → "ko" | "en"
 *	if (!loc)
 *		return hc_error_page(r, out, NULL, 404);
 *	hd_buf b;
 *	hc_page p = {.locale = loc, .title = hc_str(loc, "home.title"),
 *		     .path = "/requests/new", .noindex = 1};
 *	hc_page_init(&b);
 *	hc_page_open(r, &p, &b);                   // doctype … <main>
 *	hd_buf_puts(&b, "<h1>");
 *	hc_esc(&b, user_text);                     // every user/DB string
 *	hd_buf_puts(&b, "</h1>");
 *	hc_page_close(r, &p, &b);                  // </main> footer </html>
 *	return hc_reply(out, 200, &b);             // takes b's bytes
 *
 * Handlers may ignore the writers' return values and check once: hc_reply
 * refuses (500) a page that came within HC_PAGE_SLACK of HC_PAGE_MAX, which
 * an overflowing append leaves it at as long as no single append is larger
 * than HC_PAGE_SLACK (check those yourself).
 *
 * Forms: a POST to any /hc/ path from a browser signed in by the hd_session
 * cookie must carry the session's CSRF token as the form field csrf_token
 * (hc_csrf_field writes it); the edge checks it before the handler runs
 * (hc_form_csrf_ok, called from http.c) and answers 403 otherwise, so
 * handlers need not. Anonymous visitors' POSTs reach the handler (routes use
 * GW_AUTH_ANON); a signed-in visitor's session is in r->who.
 *
 * Wiring a module of pages: its routes ("/hc/{s}/requests/new",
 * GW_AUTH_ANON) in its own table, listed in routes.c before
 * gw_hc_fallback_routes (the 404 page of every other GET /hc/… path, kept
 * last); its strings in its own hc_string table (keys "<area>.<what>"),
 * listed in hc_strings.c; its styles in services/helpcenter/<area>.css,
 * named by hc_page.css; a row per route in tests/integration/
 * authz_routes.py. HTML validity: `tidy -q -e` reports no errors for every
 * page the shell writes. */
#ifndef GW_HC_PAGE_H
#define GW_HC_PAGE_H

#include "gateway.h"

#include "hd/buf.h"

#define HC_NLOCALES   2
#define HC_PAGE_MAX   ((size_t)8 << 20) /* one page's buffer */
#define HC_PAGE_SLACK ((size_t)2 << 20) /* see below */

/* Pages the header links to (the portal engineer's routes): "%s" is the
 * locale. */
#define HC_PATH_SIGNIN      "/hc/%s/signin"
#define HC_PATH_MY_REQUESTS "/hc/%s/requests"
#define HC_PATH_NEW_REQUEST "/hc/%s/requests/new"

/* The locales the pages speak, default first: {"ko", "en"}. */
extern const char *const hc_locales[HC_NLOCALES];

/* hc_locales' index of s (exactly "ko" / "en"), or -1. */
int hc_locale_index(const char *s);
/* The {locale} of a "/hc/{locale}/…" path when it is one of hc_locales
 * (a static string), else NULL (answer 404). */
const char *hc_route_locale(gw_req *r);
/* The visitor's choice among hc_locales by Accept-Language (q-values
 * honoured, "en-US" counts as "en"); "ko" when it names neither. */
const char *hc_locale_from_header(gw_req *r);

/* The UI string key in locale (NULL or unknown locale → "ko"). Never NULL:
 * an unknown key comes back as the key itself (and is easy to spot). The
 * strings are trusted HTML-free text; still pass them through hc_esc when
 * they go into attributes. Tables: hc_strings.c (one table per module,
 * listed there). */
const char *hc_str(const char *locale, const char *key);

typedef struct hc_string {
	const char *key, *ko, *en;
} hc_string;

/* What the layout needs to know of a page. */
typedef struct hc_page {
	const char *locale; /* one of hc_locales */
	const char *title;  /* plain text; "<title> - <brand>" in <title> */
	/* The page's path after "/hc/{locale}" ("" for the home page,
	 * "/articles/3", "/search?query=x" unescaped): canonical and
	 * hreflang URLs are <base URL>/hc/<locale><path>. */
	const char *path;
	/* Bit i set: there is no hc_locales[i] version of this page (no
	 * translation), so neither an hreflang link nor a language switch
	 * entry for it. 0: every locale at the same path. */
	unsigned missing;
	const char *description; /* <meta name="description">, or NULL */
	int noindex;             /* forms, personal pages: robots noindex */
	const char *css;         /* an extra stylesheet in /hc/static/, NULL */
} hc_page;

/* A buffer of HC_PAGE_MAX for one page (release it, or hc_reply it). */
void hc_page_init(hd_buf *b);
/* Doctype, <html lang>, <head> (charset, viewport, title, canonical,
 * hreflang alternates, stylesheet), the header (brand link to the home
 * page, "submit a request", "sign in" or "my requests" by r->who.user_id,
 * language switch) and "<main id="main">". HD_OK or the buffer's error. */
int hc_page_open(gw_req *r, const hc_page *p, hd_buf *b);
/* "</main>", the footer, "</body></html>". */
int hc_page_close(gw_req *r, const hc_page *p, hd_buf *b);

/* Append s HTML-escaped (hd_html_escape); NULL appends nothing. */
int hc_esc(hd_buf *b, const char *s);
/* Append <base URL><path> escaped for an attribute (path may carry a
 * query; it is not re-encoded, so callers percent-encode user text they
 * put in it, see hc_urlenc). */
int hc_abs(gw_req *r, hd_buf *b, const char *path);
/* Append s percent-encoded for a URL query value. */
int hc_urlenc(hd_buf *b, const char *s);

/* Answer status with b's bytes as text/html (b is emptied; its memory
 * goes to out). Headers (http.c): the strict CSP, nosniff, frame and
 * referrer rules, Cache-Control: no-cache, Vary: Cookie. 500 when b
 * failed. */
int hc_reply(gw_resp *out, unsigned status, hd_buf *b);
/* The same for another type (sitemap.xml, robots.txt): type is the
 * Content-Type. */
int hc_reply_typed(gw_resp *out, unsigned status, hd_buf *b, const char *type);
/* 303 See Other (after a POST) or 302 to <base URL><path>. */
int hc_redirect(gw_req *r, gw_resp *out, unsigned status, const char *path);
/* A small page for status (400, 403, 404, 500, 503) in locale (NULL: from
 * Accept-Language), with a link home. Returns HD_OK. */
int hc_error_page(gw_req *r, gw_resp *out, const char *locale, unsigned status);

/* What a short page says under its <h1> (p->title): the error pages and
 * the customers' "sent", "sign in first" and "resolved" pages. */
typedef struct hc_notice {
	const char *text; /* a notice paragraph, or NULL */
	int status_role;  /* the notice reports the visitor's action, so
			       screen readers announce it (role="status") */
	const char *link; /* a link's path after "/hc/{locale}", or NULL */
	const char *link_label;
} hc_notice;
/* p with n's heading, notice and link, answered with status. Returns what
 * hc_reply does. */
int hc_notice_page(gw_req *r, gw_resp *out, const hc_page *p,
		   const hc_notice *n, unsigned status);

/* A form's hidden csrf_token field when r is signed in by cookie (nothing
 * otherwise). */
int hc_csrf_field(gw_req *r, hd_buf *b);
/* A field of an application/x-www-form-urlencoded body ('+' and %XX
 * decoded), or NULL; lives as long as the request. "" for "name=". */
const char *hc_form(gw_req *r, const char *name);
/* http.c, before the handler of a POST under /hc/ signed in by cookie:
 * 1 when the form field csrf_token (or, for multipart bodies, the query
 * parameter csrf_token) is the session's token. */
int hc_form_csrf_ok(gw_req *r);

#endif
