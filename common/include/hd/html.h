/* HTML from untrusted clients: an allow-list sanitizer (help-center
 * articles, knowledge cards, comments), an HTML→text stripper (e-mail
 * bodies, search indexing, snippets) and escaping. Entity-aware: entities
 * are decoded before a URL's scheme is judged, so "java&#x09;script:" is
 * caught. Pure functions, no global state; thread-safe. */
#ifndef HD_HTML_H
#define HD_HTML_H

#include "hd/buf.h"

#include <stddef.h>

/* Append the safe form of html[0..len) to out. Kept: the allow-listed tags
 * (p, br, headings, lists, tables, a, img, code, pre, blockquote, …) with
 * their allow-listed attributes (href/src only with http, https, mailto or
 * tel schemes, or relative). Dropped: every other tag (its text kept),
 * comments, every on* and style attribute, and script, style, iframe,
 * object, embed, template and similar elements with their content. Text
 * and attribute values are re-escaped; open tags are closed at the end.
 * HD_OK, or the buffer's HD_E_TOOBIG / HD_E_NOMEM. */
int hd_html_sanitize(hd_buf *out, const char *html, size_t len);

/* Append the visible text of html[0..len): tags removed, script and style
 * content dropped, entities decoded, block elements and <br> as line
 * breaks, runs of blanks collapsed. Same errors. */
int hd_html_to_text(hd_buf *out, const char *html, size_t len);

/* Append s[0..len) with & < > " ' escaped. Same errors. */
int hd_html_escape(hd_buf *out, const char *s, size_t len);

#endif
