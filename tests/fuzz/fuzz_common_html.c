/* The HTML sanitizer and text extractor on arbitrary bytes. Whatever comes
 * in, no tag in what comes out is a script, carries an event handler or a
 * javascript: URL. (Text between tags is escaped, so it may harmlessly read
 * "onerror=": only tags are checked.) */
#include "fuzz.h"
#include "hd/err.h"
#include "hd/html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Does the tag t[0..n) have an attribute whose name starts with "on" (an
 * event handler)? Quoted values are skipped: only names count. */
static bool has_handler(const char *t, size_t n)
{
	char quote = 0;
	for (size_t i = 1; i + 2 < n; i++) {
		if (quote) {
			quote = t[i] == quote ? 0 : quote;
		} else if (t[i] == '"' || t[i] == '\'') {
			quote = t[i];
		} else if (isspace((unsigned char)t[i]) &&
			   tolower((unsigned char)t[i + 1]) == 'o' &&
			   tolower((unsigned char)t[i + 2]) == 'n') {
			return true;
		}
	}
	return false;
}

/* Case-insensitive search for needle in s[0..n). */
static bool has(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;
		while (j < k && tolower((unsigned char)s[i + j]) == needle[j])
			j++;
		if (j == k)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hd_buf out;
	hd_buf_init(&out, (size_t)8 << 20);
	int rc = hd_html_sanitize(&out, (const char *)data, size);
	if (rc != HD_OK && rc != HD_E_TOOBIG && rc != HD_E_NOMEM)
		abort();
	for (size_t i = 0; rc == HD_OK && i < out.len; i++) {
		if (out.data[i] != '<')
			continue;
		const char *end = memchr(out.data + i, '>', out.len - i);
		size_t n =
			end ? (size_t)(end - (out.data + i)) + 1 : out.len - i;
		const char *tag = out.data + i;
		if (has(tag, n, "<script") || has(tag, n, "javascript:") ||
		    has_handler(tag, n) || has(tag, n, "<iframe"))
			abort();
		i += n - 1;
	}
	hd_buf_release(&out);
	hd_buf_init(&out, (size_t)8 << 20);
	rc = hd_html_to_text(&out, (const char *)data, size);
	if (rc != HD_OK && rc != HD_E_TOOBIG && rc != HD_E_NOMEM)
		abort();
	hd_buf_release(&out);
	return 0;
}
