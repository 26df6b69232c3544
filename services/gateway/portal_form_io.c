/* Forms in and out for the customers' pages (portal.h): multipart bodies
 * (the request form and replies carry files), the form tag with its CSRF
 * token, and the visitor token of people not signed in. */
#include "gw_session.h"
#include "portal.h"

#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VISITOR_COOKIE "hc_visitor"

/* The multipart delimiter ("--" + boundary) of r's Content-Type into out:
 * 1; 0 when the body is not multipart; -1 for multipart without a usable
 * boundary. */
static int boundary(gw_req *r, char *out, size_t cap)
{
	const char *ct = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return 0;
	const char *b = strcasestr(ct, "boundary=");
	if (!b)
		return -1;
	b += 9;
	int quoted = *b == '"';
	b += quoted;
	size_t n = strcspn(b, quoted ? "\"" : "; \t");
	if (n == 0 || n > 70 || n + 3 > cap)
		return -1;
	out[0] = out[1] = '-';
	memcpy(out + 2, b, n);
	out[n + 2] = '\0';
	return 1;
}

/* A header parameter (name="x") of a Content-Disposition line, NUL-ended
 * in place; NULL when absent. */
static const char *param(char *line, const char *key)
{
	size_t k = strlen(key);
	for (char *p = line; (p = strchr(p, ';')) != NULL;) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, key, k) != 0 || p[k] != '=')
			continue;
		p += k + 1;
		if (*p == '"') {
			char *end = strchr(++p, '"');
			if (!end)
				return NULL;
			*end = '\0';
		} else {
			p[strcspn(p, "; \t")] = '\0';
		}
		return p;
	}
	return NULL;
}

/* The headers of one part (NUL-ended block) into p. */
static int part_headers(char *h, gw_pt_part *p)
{
	p->type = "";
	for (char *line = h; line && *line;) {
		char *next = strstr(line, "\r\n");
		if (next) {
			*next = '\0';
			next += 2;
		}
		if (strncasecmp(line, "Content-Type:", 13) == 0) {
			p->type = line + 13 + strspn(line + 13, " \t");
		} else if (strncasecmp(line, "Content-Disposition:", 20) == 0) {
			/* filename first: param() ends each value in place,
			 * and browsers write name before filename */
			char *copy = line;
			if (strstr(copy, "filename="))
				p->filename = param(copy, "filename");
			p->name = param(copy, "name");
		}
		line = next;
	}
	return p->name ? HD_OK : HD_E_INVALID;
}

static int multipart(gw_req *r, gw_pt_form *f, const char *delim)
{
	size_t dl = strlen(delim), len = r->body.len;
	if ((size_t)r->nowned == sizeof r->owned / sizeof r->owned[0])
		return HD_E_NOMEM;
	char *body = malloc(len + 1);
	if (!body)
		return HD_E_NOMEM;
	memcpy(body, r->body.data, len);
	body[len] = '\0';
	r->owned[r->nowned++] = body;
	char *end = body + len;
	char *p = memmem(body, len, delim, dl);
	while (p) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return HD_OK; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n' ||
		    f->n == GW_PT_MAX_PARTS)
			return HD_E_INVALID;
		p += 2;
		char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			return HD_E_INVALID;
		*hend = '\0';
		gw_pt_part *part = &f->parts[f->n];
		memset(part, 0, sizeof *part);
		if (part_headers(p, part))
			return HD_E_INVALID;
		char *data = hend + 4;
		char *next = NULL;
		for (char *s = data; s && s < end;) {
			s = memmem(s, (size_t)(end - s), "\r\n", 2);
			if (!s)
				break;
			if ((size_t)(end - s - 2) >= dl &&
			    memcmp(s + 2, delim, dl) == 0) {
				next = s;
				break;
			}
			s += 2;
		}
		if (!next)
			return HD_E_INVALID;
		*next = '\0';
		part->data = data;
		part->len = (size_t)(next - data);
		if (!part->filename && !hd_utf8_valid(data, part->len))
			return HD_E_INVALID; /* a text field must be text */
		f->n++;
		p = next + 2;
	}
	return HD_E_INVALID;
}

int gw_pt_form_read(gw_req *r, gw_pt_form *f)
{
	char delim[80];
	memset(f, 0, sizeof *f);
	int kind = boundary(r, delim, sizeof delim);
	if (kind == 0)
		return HD_OK; /* urlencoded (or empty): hc_form reads it */
	f->multipart = 1;
	return kind > 0 && r->body.len ? multipart(r, f, delim) : HD_E_INVALID;
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
	hd_buf b;
	hc_page_init(&b);
	hc_page_open(r, &p, &b);
	hd_buf_puts(&b, "<h1>");
	hc_esc(&b, p.title);
	hd_buf_printf(&b, "</h1>\n<p><a href=\"/hc/%s/\">", locale);
	hc_esc(&b, hc_str(locale, "error.home"));
	hd_buf_puts(&b, "</a></p>\n");
	hc_page_close(r, &p, &b);
	hc_reply(out, 400, &b);
	return HD_OK;
}

static int visitor_token(const char *cookie, char out[33])
{
	uint8_t key[32], mac[16];
	int rc = hd_cluster_key_derive("hc_visit", 0, key, sizeof key);
	if (rc)
		return rc;
	crypto_generichash(mac, sizeof mac, (const unsigned char *)cookie,
			   strlen(cookie), key, sizeof key);
	sodium_bin2hex(out, 33, mac, sizeof mac);
	sodium_memzero(key, sizeof key);
	return HD_OK;
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
