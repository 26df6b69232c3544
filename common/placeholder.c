/* Placeholder rendering; see hd/placeholder.h for the rules. */
#include "hd/placeholder.h"
#include "hd/err.h"
#include "hd/ko_particle.h"

#include <stdio.h>
#include <string.h>

#define MAX_PATH   128
#define MAX_FILTER 16

/* One parsed "{{ path | filter }}"; flen 0 when there is no filter. */
typedef struct tag {
	const char *path, *filter;
	size_t plen, flen;
} tag;

static int is_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Parse "{{ path }}" or "{{ path|filter }}" at t[0..len): the parts and
 * the length of the whole placeholder, or 0 when it is not one. The filter
 * is any run of bytes other than space, '|' and '}' (checked by the
 * caller: it names a Korean particle). */
static size_t parse_tag(const char *t, size_t len, tag *g)
{
	if (len < 4 || t[0] != '{' || t[1] != '{')
		return 0;
	size_t i = 2;
	while (i < len && t[i] == ' ')
		i++;
	size_t start = i;
	while (i < len && is_path_char(t[i]))
		i++;
	size_t end = i;
	while (i < len && t[i] == ' ')
		i++;
	g->filter = NULL;
	g->flen = 0;
	if (i < len && t[i] == '|') {
		i++;
		while (i < len && t[i] == ' ')
			i++;
		g->filter = t + i;
		while (i < len && t[i] != ' ' && t[i] != '}' && t[i] != '|' &&
		       t[i] != '{' && i - (size_t)(g->filter - t) <= MAX_FILTER)
			i++;
		g->flen = (size_t)(t + i - g->filter);
		while (i < len && t[i] == ' ')
			i++;
		if (!g->flen)
			return 0;
	}
	if (end == start || end - start >= MAX_PATH || i + 1 >= len ||
	    t[i] != '}' || t[i + 1] != '}')
		return 0;
	g->path = t + start;
	g->plen = end - start;
	return i + 2;
}

/* Walk a dotted path; NULL when any segment is missing or empty. */
static const json_t *lookup(const json_t *ctx, const char *path, size_t plen)
{
	char seg[MAX_PATH];
	const json_t *cur = ctx;
	size_t i = 0;
	while (cur && i <= plen) {
		size_t j = i;
		while (j < plen && path[j] != '.')
			j++;
		if (j == i || !json_is_object(cur))
			return NULL;
		memcpy(seg, path + i, j - i);
		seg[j - i] = '\0';
		cur = json_object_get(cur, seg);
		i = j + 1;
	}
	return cur;
}

static int append_escaped(hd_buf *out, const char *s, size_t n,
			  hd_ph_escape esc)
{
	if (esc == HD_PH_TEXT)
		return hd_buf_append(out, s, n);
	int rc = HD_OK;
	size_t run = 0; /* bytes copied verbatim in one go */
	for (size_t i = 0; i < n && rc == HD_OK; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		char hex[8];
		if (esc == HD_PH_HTML) {
			rep = c == '&'    ? "&amp;"
			      : c == '<'  ? "&lt;"
			      : c == '>'  ? "&gt;"
			      : c == '"'  ? "&quot;"
			      : c == '\'' ? "&#39;"
					  : NULL;
		} else if (c == '"' || c == '\\') {
			rep = c == '"' ? "\\\"" : "\\\\";
		} else if (c < 0x20) {
			snprintf(hex, sizeof hex, "\\u%04x", c);
			rep = hex;
		}
		if (!rep)
			continue;
		rc = hd_buf_append(out, s + run, i - run);
		if (rc == HD_OK)
			rc = hd_buf_puts(out, rep);
		run = i + 1;
	}
	return rc == HD_OK ? hd_buf_append(out, s + run, n - run) : rc;
}

/* The first word of a name: up to the first space. */
static size_t first_word(const char *s)
{
	const char *sp = strchr(s, ' ');
	return sp ? (size_t)(sp - s) : strlen(s);
}

static int render_value(hd_buf *out, const json_t *ctx, const char *path,
			size_t plen, hd_ph_escape esc)
{
	const json_t *v = lookup(ctx, path, plen);
	static const char fname[] = "first_name";
	size_t fl = sizeof fname - 1;
	if (!v && plen >= fl && memcmp(path + plen - fl, fname, fl) == 0 &&
	    (plen == fl || path[plen - fl - 1] == '.')) {
		char sib[MAX_PATH];
		size_t base = plen - fl;
		memcpy(sib, path, base);
		memcpy(sib + base, "name", 4);
		const json_t *name = lookup(ctx, sib, base + 4);
		if (json_is_string(name)) {
			const char *s = json_string_value(name);
			return append_escaped(out, s, first_word(s), esc);
		}
		return HD_OK;
	}
	char num[64];
	switch (json_typeof(v ? v : json_null())) {
	case JSON_STRING:
		return append_escaped(out, json_string_value(v),
				      json_string_length(v), esc);
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return hd_buf_puts(out, num);
	case JSON_REAL:
		snprintf(num, sizeof num, "%.17g", json_real_value(v));
		return hd_buf_puts(out, num);
	case JSON_TRUE:
		return hd_buf_puts(out, "true");
	case JSON_FALSE:
		return hd_buf_puts(out, "false");
	default:
		return HD_OK;
	}
}

/* The particle after a value: chosen by how the unescaped value ends. */
static int render_particle(hd_buf *out, const json_t *ctx, const tag *g)
{
	const json_t *v = lookup(ctx, g->path, g->plen);
	char num[64];
	const char *s = "";
	size_t n = 0;
	if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		s = num;
		n = strlen(num);
	}
	const char *p =
		hd_ko_particle(g->filter, g->flen, hd_ko_word_end(s, n));
	return p ? hd_buf_puts(out, p) : HD_OK;
}

static int known_filter(const tag *g)
{
	return !g->flen ||
	       hd_ko_particle(g->filter, g->flen, HD_KO_END_VOWEL) != NULL;
}

int hd_placeholder_render(const char *tmpl, size_t len, const json_t *ctx,
			  hd_ph_escape esc, hd_buf *out)
{
	size_t i = 0, lit = 0;
	int rc = HD_OK;
	while (i < len && rc == HD_OK) {
		tag g;
		size_t n = 0;
		if (tmpl[i] == '{')
			n = parse_tag(tmpl + i, len - i, &g);
		if (!n || !known_filter(&g)) {
			i++;
			continue;
		}
		rc = hd_buf_append(out, tmpl + lit, i - lit);
		if (rc == HD_OK)
			rc = render_value(out, ctx, g.path, g.plen, esc);
		if (rc == HD_OK && g.flen)
			rc = render_particle(out, ctx, &g);
		i += n;
		lit = i;
	}
	return rc == HD_OK ? hd_buf_append(out, tmpl + lit, len - lit) : rc;
}

int hd_placeholder_check(const char *tmpl, size_t len, char *bad, size_t cap)
{
	for (size_t i = 0; i < len; i++) {
		tag g;
		size_t n =
			tmpl[i] == '{' ? parse_tag(tmpl + i, len - i, &g) : 0;
		if (n && !known_filter(&g)) {
			if (cap)
				snprintf(bad, cap, "%.*s", (int)n, tmpl + i);
			return HD_E_INVALID;
		}
		if (n)
			i += n - 1;
	}
	return HD_OK;
}
