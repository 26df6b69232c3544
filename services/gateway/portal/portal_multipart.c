/* multipart/form-data bodies (RFC 7578) of the customers' forms, parsed in
 * place (portal.h): pure, no allocation, any thread. Only what browsers
 * send is read: "--boundary" CRLF, part headers (Content-Disposition's
 * name and filename, Content-Type), CRLF CRLF, the data, CRLF
 * "--boundary", and "--" after the last. Anything else is HD_E_INVALID. */
#include "portal.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* The multipart delimiter ("--" + boundary) of Content-Type ct into out:
 * 1; 0 when the body is not multipart; -1 for multipart without a usable
 * boundary. */
static int boundary(const char *ct, char *out, size_t cap)
{
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

/* Does a delimiter start at p: delim, then "--" or CRLF? */
static bool is_delimiter(const char *p, const char *end, const char *delim,
			 size_t dl)
{
	if ((size_t)(end - p) < dl + 2 || memcmp(p, delim, dl) != 0)
		return false;
	p += dl;
	return (p[0] == '-' && p[1] == '-') || (p[0] == '\r' && p[1] == '\n');
}

static int parts(char *body, size_t len, gw_pt_form *f, const char *delim)
{
	size_t dl = strlen(delim);
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
			if (is_delimiter(s + 2, end, delim, dl)) {
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

int gw_pt_multipart(const char *ct, char *body, size_t len, gw_pt_form *f)
{
	char delim[80];
	memset(f, 0, sizeof *f);
	int kind = boundary(ct, delim, sizeof delim);
	if (kind == 0)
		return HD_OK;
	f->multipart = 1;
	return kind > 0 && len ? parts(body, len, f, delim) : HD_E_INVALID;
}
