/* An HTML mail body as plain text, for mail that has no text/plain part.
 * Not a sanitizer (the comment's HTML is rebuilt from this text): it only
 * has to read well. */
#include "mail.h"

#include "hd/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TEXT_BYTES ((size_t)32 << 20)

static const char *const block_tags[] = {
	"br", "p",  "div", "li", "tr",         "h1",    "h2",
	"h3", "h4", "h5",  "h6", "blockquote", "table", NULL};
static const char *const hidden_tags[] = {"style", "script", "head", NULL};

/* The tag name at s (after '<' and an optional '/'), lower-cased. */
static void tag_name(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	while (isalnum((unsigned char)s[n]) && n + 1 < cap) {
		out[n] = (char)tolower((unsigned char)s[n]);
		n++;
	}
	out[n] = '\0';
}

static bool in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/* Append the UTF-8 encoding of code point c (invalid ones as U+FFFD). */
static void put_code_point(hd_buf *b, unsigned long c)
{
	char u[4];
	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c < 0x80) {
		u[0] = (char)c;
		hd_buf_append(b, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		hd_buf_append(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		hd_buf_append(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		hd_buf_append(b, u, 4);
	}
}

/* Decode the entity at s ('&'); returns the bytes consumed. */
static size_t entity(hd_buf *b, const char *s)
{
	static const struct {
		const char *name;
		unsigned long c;
	} named[] = {{"amp", '&'},  {"lt", '<'},    {"gt", '>'},
		     {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0},
		     {"#39", '\''}};
	const char *semi = strchr(s, ';');
	size_t n = semi ? (size_t)(semi - s) : 0;
	if (!semi || n < 2 || n > 10) {
		hd_buf_append(b, "&", 1);
		return 1;
	}
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strlen(named[i].name) == n - 1 &&
		    strncmp(s + 1, named[i].name, n - 1) == 0) {
			put_code_point(b,
				       named[i].c == 0xA0 ? ' ' : named[i].c);
			return n + 1;
		}
	if (s[1] == '#') {
		char *end;
		bool hex = s[2] == 'x' || s[2] == 'X';
		unsigned long c =
			strtoul(s + (hex ? 3 : 2), &end, hex ? 16 : 10);
		if (end == semi) {
			put_code_point(b, c);
			return n + 1;
		}
	}
	hd_buf_append(b, "&", 1);
	return 1;
}

/* Collapse runs of spaces into one, drop spaces around line breaks, keep
 * at most one blank line in a row, and trim both ends. */
static char *tidy(hd_buf *b)
{
	/* A text past MAX_TEXT_BYTES (or out of memory) is kept as far as it
	 * fitted: the buffer's sticky error stopped it there, whole. */
	size_t len = 0;
	char *s = hd_buf_detach(b, &len);
	if (!s)
		return strdup("");
	size_t k = 0, nl = 0, i = 0;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	for (; i < len; i++) {
		if (s[i] == ' ' &&
		    (k == 0 || s[k - 1] == ' ' || s[k - 1] == '\n'))
			continue;
		if (s[i] == '\n')
			while (k && s[k - 1] == ' ')
				k--;
		nl = s[i] == '\n' ? nl + 1 : 0;
		if (nl <= 2)
			s[k++] = s[i];
	}
	while (k && isspace((unsigned char)s[k - 1]))
		k--;
	s[k] = '\0';
	return s;
}

char *mail_html_text(const char *html)
{
	hd_buf b;
	hd_buf_init(&b, MAX_TEXT_BYTES);
	for (const char *s = html; *s;) {
		if (*s == '<') {
			const char *end = strchr(s, '>');
			if (!end)
				break;
			char name[16];
			bool closing = s[1] == '/';
			tag_name(s + 1 + closing, name, sizeof name);
			if (!closing && in_list(name, hidden_tags)) {
				char close[24];
				snprintf(close, sizeof close, "</%s", name);
				const char *stop = strcasestr(end, close);
				s = stop ? strchr(stop, '>') : NULL;
				if (!s)
					break;
				s++;
				continue;
			}
			if (in_list(name, block_tags))
				hd_buf_append(&b, "\n", 1);
			s = end + 1;
		} else if (*s == '&') {
			s += entity(&b, s);
		} else if (*s == '\r' || *s == '\n' || *s == '\t') {
			hd_buf_append(&b, " ", 1); /* HTML white space */
			s++;
		} else {
			hd_buf_append(&b, s, 1);
			s++;
		}
	}
	return tidy(&b);
}
