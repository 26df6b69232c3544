/* The allow-list HTML sanitizer and the HTML→text stripper (hd/html.h).
 * One small tokenizer walks the input — text, tags with attributes,
 * comments — and either re-emits what the allow-list keeps or collects the
 * visible text. Nothing from the input reaches the output unescaped. */
#include "hd/html.h"

#include "hd/err.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 64
#define NAME_CAP  16

/* Elements dropped together with everything inside them. */
static const char *const drop_content[] = {
	"script",   "style", "iframe", "object",  "template", "noscript",
	"textarea", "title", "xmp",    "noembed", "noframes", "applet",
	"svg",      "math",  "head",   "select",  "frameset", NULL};

typedef struct allowed_tag {
	const char *name;
	const char *attrs; /* space-separated, besides the global ones */
	bool is_void;
	bool block; /* a line break in the text form */
} allowed_tag;

static const allowed_tag allowed[] = {
	{"a", "href", false, false},
	{"abbr", "", false, false},
	{"b", "", false, false},
	{"blockquote", "", false, true},
	{"br", "", true, true},
	{"caption", "", false, true},
	{"code", "", false, false},
	{"dd", "", false, true},
	{"del", "", false, false},
	{"div", "", false, true},
	{"dl", "", false, true},
	{"dt", "", false, true},
	{"em", "", false, false},
	{"figcaption", "", false, true},
	{"figure", "", false, true},
	{"h1", "", false, true},
	{"h2", "", false, true},
	{"h3", "", false, true},
	{"h4", "", false, true},
	{"h5", "", false, true},
	{"h6", "", false, true},
	{"hr", "", true, true},
	{"i", "", false, false},
	{"img", "src alt width height", true, false},
	{"ins", "", false, false},
	{"kbd", "", false, false},
	{"li", "", false, true},
	{"mark", "", false, false},
	{"ol", "start", false, true},
	{"p", "", false, true},
	{"pre", "", false, true},
	{"q", "", false, false},
	{"s", "", false, false},
	{"small", "", false, false},
	{"span", "", false, false},
	{"strike", "", false, false},
	{"strong", "", false, false},
	{"sub", "", false, false},
	{"sup", "", false, false},
	{"table", "", false, true},
	{"tbody", "", false, false},
	{"td", "colspan rowspan", false, false},
	{"tfoot", "", false, false},
	{"th", "colspan rowspan", false, false},
	{"thead", "", false, false},
	{"tr", "", false, true},
	{"u", "", false, false},
	{"ul", "", false, true},
	{NULL, NULL, false, false},
};

static const char global_attrs[] = "title dir lang class";

static const char *const url_schemes[] = {"http", "https", "mailto", "tel",
					  NULL};

/* ---- entities ---- */

static size_t put_utf8(uint32_t cp, char out[4])
{
	if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static const struct {
	const char *name;
	uint32_t cp;
} named[] = {{"amp", '&'},   {"lt", '<'},      {"gt", '>'},   {"quot", '"'},
	     {"apos", '\''}, {"nbsp", 0xA0},   {"tab", '\t'}, {"newline", '\n'},
	     {"colon", ':'}, {"middot", 0xB7}, {NULL, 0}};

/* An entity at s (s[0] == '&'): its bytes into out and the input length
 * consumed, or 0 when s does not start one. Numeric entities may lack the
 * ';' (browsers accept that, and so must a URL check). */
static size_t decode_entity(const char *s, size_t n, char out[4],
			    size_t *outlen)
{
	size_t i = 1;
	if (i < n && s[i] == '#') {
		i++;
		int hex = i < n && (s[i] == 'x' || s[i] == 'X');
		i += hex;
		uint32_t cp = 0;
		size_t digits = 0;
		while (i < n && (hex ? isxdigit((unsigned char)s[i])
				     : isdigit((unsigned char)s[i]))) {
			unsigned d =
				isdigit((unsigned char)s[i])
					? (unsigned)(s[i] - '0')
					: (unsigned)(tolower(s[i]) - 'a' + 10);
			if (cp <= 0x10FFFF)
				cp = cp * (hex ? 16 : 10) + d;
			i++;
			digits++;
		}
		if (!digits)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		*outlen = put_utf8(cp, out);
		return i;
	}
	for (size_t k = 0; named[k].name; k++) {
		size_t len = strlen(named[k].name);
		if (len + 2 <= n &&
		    strncasecmp(s + 1, named[k].name, len) == 0 &&
		    s[1 + len] == ';') {
			*outlen = put_utf8(named[k].cp, out);
			return len + 2;
		}
	}
	return 0;
}

/* Decode every entity of s[0..n) into out. */
static int decode_all(hd_buf *out, const char *s, size_t n)
{
	int rc = HD_OK;
	for (size_t i = 0; i < n && !rc;) {
		char u[4];
		size_t ulen, used = s[i] == '&' ? decode_entity(s + i, n - i, u,
								&ulen)
						: 0;
		if (used) {
			rc = hd_buf_append(out, u, ulen);
			i += used;
		} else {
			/* the text up to the next '&' (or a lone '&') */
			const char *amp = memchr(s + i + 1, '&', n - i - 1);
			size_t run = amp ? (size_t)(amp - (s + i)) : n - i;
			rc = hd_buf_append(out, s + i, run);
			i += run;
		}
	}
	return rc;
}

int hd_html_escape(hd_buf *out, const char *s, size_t len)
{
	int rc = HD_OK;
	size_t start = 0;
	for (size_t i = 0; i < len && !rc; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		rc = hd_buf_append(out, s + start, i - start);
		if (!rc)
			rc = hd_buf_puts(out, rep);
		start = i + 1;
	}
	return rc ? rc : hd_buf_append(out, s + start, len - start);
}

/* ---- the tokenizer ---- */

typedef struct tag {
	char name[NAME_CAP]; /* lower-cased; "" when too long or odd */
	bool closing;
	const char *attrs; /* between the name and the '>' */
	size_t attrs_len;
	size_t total; /* bytes from '<' through '>' */
} tag;

/* Bytes of a comment, doctype or processing instruction at s, else 0. */
static size_t skip_markup_decl(const char *s, size_t n)
{
	if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
		const char *end = memmem(s + 4, n - 4, "-->", 3);
		return end ? (size_t)(end - s) + 3 : n;
	}
	if (n >= 2 && (s[1] == '!' || s[1] == '?')) {
		const char *end = memchr(s, '>', n);
		return end ? (size_t)(end - s) + 1 : n;
	}
	return 0;
}

/* Parse a tag at s (s[0] == '<'); false when s is plain text. An
 * unterminated tag runs to the end of the input. */
static bool parse_tag(const char *s, size_t n, tag *t)
{
	size_t i = 1;
	memset(t, 0, sizeof *t);
	t->closing = i < n && s[i] == '/';
	i += t->closing;
	if (i >= n || !isalpha((unsigned char)s[i]))
		return false;
	size_t k = 0;
	bool fits = true;
	while (i < n &&
	       (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == ':')) {
		if (k + 1 < NAME_CAP)
			t->name[k++] = (char)tolower((unsigned char)s[i]);
		else
			fits = false;
		i++;
	}
	if (!fits)
		t->name[0] = '\0';
	t->attrs = s + i;
	char quote = 0;
	for (; i < n; i++) {
		if (quote) {
			quote = s[i] == quote ? 0 : quote;
		} else if (s[i] == '"' || s[i] == '\'') {
			quote = s[i];
		} else if (s[i] == '>') {
			break;
		}
	}
	t->attrs_len = (size_t)(s + i - t->attrs);
	t->total = i < n ? i + 1 : n;
	return true;
}

typedef struct attr {
	char name[NAME_CAP];
	const char *value;
	size_t value_len;
} attr;

/* The next attribute from *p (advanced); false at the end. */
static bool next_attr(const char **p, const char *end, attr *a)
{
	const char *s = *p;
	while (s < end && (isspace((unsigned char)*s) || *s == '/'))
		s++;
	if (s >= end)
		return false;
	size_t k = 0;
	memset(a, 0, sizeof *a);
	while (s < end && !isspace((unsigned char)*s) && *s != '/' &&
	       *s != '=') {
		if (k + 1 < NAME_CAP)
			a->name[k++] = (char)tolower((unsigned char)*s);
		else
			a->name[0] = '\0', k = NAME_CAP; /* too long: unknown */
		s++;
	}
	if (k == NAME_CAP)
		a->name[0] = '\0';
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s < end && *s == '=') {
		s++;
		while (s < end && isspace((unsigned char)*s))
			s++;
		if (s < end && (*s == '"' || *s == '\'')) {
			char q = *s++;
			a->value = s;
			while (s < end && *s != q)
				s++;
			a->value_len = (size_t)(s - a->value);
			s += s < end;
		} else {
			a->value = s;
			while (s < end && !isspace((unsigned char)*s))
				s++;
			a->value_len = (size_t)(s - a->value);
		}
	}
	*p = s;
	return true;
}

static bool word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	for (const char *p = list; n && *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && memcmp(p, word, n) == 0)
			return true;
		p += len + (p[len] == ' ');
	}
	return false;
}

static const allowed_tag *find_allowed(const char *name)
{
	for (const allowed_tag *a = allowed; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static bool in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/* Bytes to skip for an element dropped with its content: through its
 * closing tag, or to the end when it has none. */
static size_t skip_element(const char *s, size_t n, const tag *t)
{
	size_t nl = strlen(t->name);
	for (size_t i = t->total; i + 2 + nl <= n; i++) {
		if (s[i] == '<' && s[i + 1] == '/' &&
		    strncasecmp(s + i + 2, t->name, nl) == 0) {
			const char *end = memchr(s + i, '>', n - i);
			return end ? (size_t)(end - s) + 1 : n;
		}
	}
	return n;
}

/* A URL is kept when, once entities are decoded and the blanks and control
 * characters browsers ignore are gone, it is relative or uses a known-safe
 * scheme. The cleaned form goes to *clean. */
static bool url_safe(const char *v, size_t n, hd_buf *clean)
{
	hd_buf dec;
	hd_buf_init(&dec, n * 4 + 8);
	bool ok = decode_all(&dec, v, n) == HD_OK;
	for (size_t i = 0; ok && i < dec.len; i++)
		if ((unsigned char)dec.data[i] > 0x20 && dec.data[i] != 0x7F)
			ok = hd_buf_append(clean, dec.data + i, 1) == HD_OK;
	hd_buf_release(&dec);
	if (!ok)
		return false;
	const char *u = clean->data ? clean->data : "";
	size_t colon = strcspn(u, ":/?#");
	if (u[colon] != ':')
		return true;
	for (size_t i = 0; url_schemes[i]; i++)
		if (strlen(url_schemes[i]) == colon &&
		    strncasecmp(u, url_schemes[i], colon) == 0)
			return true;
	return false;
}

static int put_attr(hd_buf *out, const attr *a, bool is_url)
{
	hd_buf val;
	hd_buf_init(&val, a->value_len * 4 + 8);
	int rc = HD_OK;
	if (is_url && !url_safe(a->value, a->value_len, &val))
		goto out; /* the attribute is dropped */
	if (!is_url)
		rc = decode_all(&val, a->value, a->value_len);
	if (!rc)
		rc = hd_buf_printf(out, " %s=\"", a->name);
	if (!rc)
		rc = hd_html_escape(out, val.data ? val.data : "", val.len);
	if (!rc)
		rc = hd_buf_puts(out, "\"");
out:
	hd_buf_release(&val);
	return rc;
}

static int put_open_tag(hd_buf *out, const tag *t, const allowed_tag *at)
{
	int rc = hd_buf_printf(out, "<%s", t->name);
	const char *p = t->attrs, *end = t->attrs + t->attrs_len;
	attr a;
	while (!rc && next_attr(&p, end, &a)) {
		if (!a.name[0] || !a.value ||
		    (!word_in(a.name, global_attrs) &&
		     !word_in(a.name, at->attrs)))
			continue;
		rc = put_attr(out, &a,
			      !strcmp(a.name, "href") ||
				      !strcmp(a.name, "src"));
	}
	return rc ? rc : hd_buf_puts(out, ">");
}

typedef struct walker {
	hd_buf *out;
	bool text_mode; /* hd_html_to_text */
	const char *open[MAX_DEPTH];
	size_t depth;
	bool space; /* text mode: the last byte out was a blank */
} walker;

/* Is the byte at i of s (n bytes) a blank in text mode: ASCII white space
 * or the lead byte of U+00A0 (no-break space)? */
static bool text_blank(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0);
}

static int text_out(walker *w, const char *s, size_t n)
{
	if (!w->text_mode) {
		hd_buf dec;
		hd_buf_init(&dec, n * 4 + 8);
		int rc = decode_all(&dec, s, n);
		if (!rc)
			rc = hd_html_escape(w->out, dec.data ? dec.data : "",
					    dec.len);
		hd_buf_release(&dec);
		return rc;
	}
	hd_buf dec;
	hd_buf_init(&dec, n * 4 + 8);
	int rc = decode_all(&dec, s, n);
	for (size_t i = 0; !rc && i < dec.len; i++) {
		if (text_blank(dec.data, dec.len, i)) {
			if ((unsigned char)dec.data[i] == 0xC2)
				i++; /* U+00A0 (no-break space) is blank too */
			if (!w->space && w->out->len)
				rc = hd_buf_puts(w->out, " ");
			w->space = true;
			continue;
		}
		/* the run up to the next blank in one append */
		size_t run = 1;
		while (i + run < dec.len &&
		       !text_blank(dec.data, dec.len, i + run))
			run++;
		rc = hd_buf_append(w->out, dec.data + i, run);
		i += run - 1;
		w->space = false;
	}
	hd_buf_release(&dec);
	return rc;
}

static int line_break(walker *w)
{
	if (!w->out->len)
		return HD_OK;
	if (w->out->data[w->out->len - 1] == ' ') /* replace the blank */
		w->out->data[--w->out->len] = '\0';
	if (!w->out->len)
		return HD_OK;
	if (w->out->data[w->out->len - 1] == '\n')
		return HD_OK;
	w->space = true;
	return hd_buf_puts(w->out, "\n");
}

static int close_to(walker *w, size_t keep)
{
	int rc = HD_OK;
	while (!rc && w->depth > keep)
		rc = hd_buf_printf(w->out, "</%s>", w->open[--w->depth]);
	return rc;
}

static int on_tag(walker *w, const tag *t)
{
	const allowed_tag *at = find_allowed(t->name);
	if (!at)
		return HD_OK; /* the tag goes, its text stays */
	if (w->text_mode)
		return at->block ? line_break(w) : HD_OK;
	if (t->closing) {
		for (size_t i = w->depth; i-- > 0;)
			if (w->open[i] == at->name)
				return close_to(w, i);
		return HD_OK; /* a stray closing tag */
	}
	if (at->is_void)
		return put_open_tag(w->out, t, at);
	if (w->depth == MAX_DEPTH)
		return HD_OK;
	w->open[w->depth++] = at->name;
	return put_open_tag(w->out, t, at);
}

static int walk(walker *w, const char *s, size_t n)
{
	int rc = HD_OK;
	size_t i = 0;
	while (i < n && !rc) {
		if (s[i] != '<') {
			const char *lt = memchr(s + i, '<', n - i);
			size_t len = lt ? (size_t)(lt - (s + i)) : n - i;
			rc = text_out(w, s + i, len);
			i += len;
			continue;
		}
		size_t skip = skip_markup_decl(s + i, n - i);
		tag t;
		if (skip) {
			i += skip;
		} else if (!parse_tag(s + i, n - i, &t)) {
			rc = text_out(w, "&lt;", 4); /* a lone '<' is text */
			i++;
		} else if (!t.closing && in_list(t.name, drop_content)) {
			i += skip_element(s + i, n - i, &t);
		} else {
			rc = on_tag(w, &t);
			i += t.total;
		}
	}
	if (!rc && !w->text_mode)
		rc = close_to(w, 0);
	return rc;
}

int hd_html_sanitize(hd_buf *out, const char *html, size_t len)
{
	walker w = {.out = out};
	return walk(&w, html, len);
}

int hd_html_to_text(hd_buf *out, const char *html, size_t len)
{
	walker w = {.out = out, .text_mode = true};
	size_t start = out->len;
	int rc = walk(&w, html, len);
	/* Trim the trailing blank or line break this call added. */
	while (!rc && out->len > start &&
	       (out->data[out->len - 1] == ' ' ||
		out->data[out->len - 1] == '\n'))
		out->data[--out->len] = '\0';
	return rc;
}
