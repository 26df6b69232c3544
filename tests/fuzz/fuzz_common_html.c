/* The HTML sanitizer and text extractor on arbitrary bytes. Whatever comes
 * in, no tag in what comes out is a script, carries an event handler or a
 * URL a browser would read as javascript:, vbscript: or data:. (Text
 * between tags is escaped and may harmlessly read "onerror=", and a URL
 * that merely contains "javascript:" later on is a relative one.) */
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

/* Does a URL attribute (href, src) in the tag t[0..n) start, the way a browser
 * reads a URL (leading spaces and controls skipped, tabs and line breaks
 * anywhere dropped), with a script scheme? Values come out double-quoted. */
static bool has_script_url(const char *t, size_t n)
{
	static const char *const bad[] = {"javascript:", "vbscript:", "data:"};
	for (size_t i = 0; i + 1 < n; i++) {
		if (t[i] != '=' || t[i + 1] != '"')
			continue;
		size_t name = i; /* the attribute name ends at '=' */
		while (name > 0 && !isspace((unsigned char)t[name - 1]))
			name--;
		bool is_url =
			(i - name == 4 && !strncmp(t + name, "href", 4)) ||
			(i - name == 3 && !strncmp(t + name, "src", 3));
		if (!is_url)
			continue; /* text attributes (lang, title…) may say anything */
		char url[16];
		size_t k = 0, j = i + 2;
		while (j < n && t[j] != '"' && (unsigned char)t[j] <= ' ')
			j++;
		for (; j < n && t[j] != '"' && k < sizeof url - 1; j++)
			if (t[j] != '\t' && t[j] != '\n' && t[j] != '\r')
				url[k++] = (char)tolower((unsigned char)t[j]);
		url[k] = '\0';
		for (size_t b = 0; b < 3; b++)
			if (!strncmp(url, bad[b], strlen(bad[b])))
				return true;
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
		if (has(tag, n, "<script") || has_script_url(tag, n) ||
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
