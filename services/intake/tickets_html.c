/* Comment HTML: plain text escaped into Zendesk's comment markup, and
 * client HTML passed through the shared allow-list sanitizer (hd/html.h),
 * so raw HTML never passes through. */
#include "tickets.h"

#include "hd/buf.h"
#include "hd/html.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HTML_BYTES ((size_t)1 << 20)

/* Escaped text with line breaks as <br> (carriage returns dropped). */
static void put_escaped(hd_buf *b, const char *s, size_t n)
{
	while (n) {
		size_t run = strcspn(s, "\r\n");
		run = run < n ? run : n;
		hd_html_escape(b, s, run);
		if (run < n && s[run] == '\n')
			hd_buf_puts(b, "<br>");
		run += run < n;
		s += run;
		n -= run;
	}
}

/* NULL when an append failed (too large, out of memory): never a cut. */
static char *detach_or_empty(hd_buf *b)
{
	if (hd_buf_error(b)) {
		hd_buf_release(b);
		return NULL;
	}
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

#define ZD_OPEN  "<div class=\"zd-comment\" dir=\"auto\">"
#define ZD_CLOSE "</div>"

char *tk_html_sanitize(const char *html, char **plain)
{
	hd_buf b, p;
	size_t n = strlen(html);
	/* html this writer made (a client echoing a comment or a macro
	 * preview back) is not wrapped a second time */
	if (n >= strlen(ZD_OPEN) + strlen(ZD_CLOSE) &&
	    !strncmp(html, ZD_OPEN, strlen(ZD_OPEN)) &&
	    !strcmp(html + n - strlen(ZD_CLOSE), ZD_CLOSE)) {
		html += strlen(ZD_OPEN);
		n -= strlen(ZD_OPEN) + strlen(ZD_CLOSE);
	}
	hd_buf_init(&b, MAX_HTML_BYTES * 6);
	hd_buf_init(&p, MAX_HTML_BYTES);
	hd_buf_puts(&b, "<div class=\"zd-comment\" dir=\"auto\">");
	hd_html_sanitize(&b, html, n);
	hd_buf_puts(&b, "</div>");
	if (plain) {
		hd_html_to_text(&p, html, n);
		*plain = detach_or_empty(&p);
	}
	hd_buf_release(&p);
	return detach_or_empty(&b);
}
