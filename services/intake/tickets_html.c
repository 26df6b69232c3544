/* Comment HTML: plain text escaped into Zendesk's comment markup, and
 * client HTML reduced to an allow-list of bare tags (attributes dropped,
 * everything else escaped), so raw HTML never passes through. */
#include "tickets.h"

#include "hd/buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HTML_BYTES ((size_t)1 << 20)

static const char *const allowed_tags[] = {
	"p",  "br", "b",   "strong", "i",          "em",   "u", "ul",
	"ol", "li", "pre", "code",   "blockquote", "span", NULL};

static void put_escaped(hd_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			hd_buf_puts(b, "&amp;");
			break;
		case '<':
			hd_buf_puts(b, "&lt;");
			break;
		case '>':
			hd_buf_puts(b, "&gt;");
			break;
		case '"':
			hd_buf_puts(b, "&quot;");
			break;
		case '\'':
			hd_buf_puts(b, "&#39;");
			break;
		case '\n':
			hd_buf_puts(b, "<br>");
			break;
		case '\r':
			break;
		default:
			hd_buf_append(b, s + i, 1);
		}
	}
}

static char *detach_or_empty(hd_buf *b)
{
	char *s = b->data ? hd_buf_detach(b, NULL) : NULL;
	hd_buf_release(b);
	return s ? s : tk_strdup("");
}

char *tk_html_from_text(const char *text)
{
	hd_buf b;
	hd_buf_init(&b, MAX_HTML_BYTES * 6);
	hd_buf_puts(&b,
		    "<div class=\"zd-comment\" dir=\"auto\"><p dir=\"auto\">");
	put_escaped(&b, text, strlen(text));
	hd_buf_puts(&b, "</p></div>");
	return detach_or_empty(&b);
}

/* The tag name at s (after '<' and an optional '/'), lower-cased into out;
 * returns whether it is allowed. */
static int tag_allowed(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	while (k < n && k + 1 < cap && isalnum((unsigned char)s[k])) {
		out[k] = (char)tolower((unsigned char)s[k]);
		k++;
	}
	out[k] = '\0';
	for (size_t i = 0; k && allowed_tags[i]; i++)
		if (strcmp(out, allowed_tags[i]) == 0)
			return 1;
	return 0;
}

char *tk_html_sanitize(const char *html, char **plain)
{
	hd_buf b, p;
	hd_buf_init(&b, MAX_HTML_BYTES * 6);
	hd_buf_init(&p, MAX_HTML_BYTES);
	hd_buf_puts(&b, "<div class=\"zd-comment\" dir=\"auto\">");
	for (const char *s = html; *s;) {
		if (*s != '<') {
			size_t n = strcspn(s, "<");
			for (size_t i = 0; i < n; i++) {
				if (s[i] == '\n' || s[i] == '\r')
					hd_buf_append(&b, s + i, 1);
				else
					put_escaped(&b, s + i, 1);
			}
			hd_buf_append(&p, s, n);
			s += n;
			continue;
		}
		const char *end = strchr(s, '>');
		size_t len = end ? (size_t)(end - s) + 1 : strlen(s);
		int closing = s[1] == '/';
		char name[16];
		if (tag_allowed(s + 1 + closing, len - 1 - closing, name,
				sizeof name))
			hd_buf_printf(&b, "<%s%s>", closing ? "/" : "", name);
		if (strcmp(name, "br") == 0 || strcmp(name, "p") == 0)
			hd_buf_puts(&p, closing ? "" : "\n");
		s += len;
	}
	hd_buf_puts(&b, "</div>");
	*plain = detach_or_empty(&p);
	return detach_or_empty(&b);
}
