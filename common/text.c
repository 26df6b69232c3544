/* Text checks; see hd/text.h. */
#include "hd/text.h"

#include <string.h>
#include <utf8proc.h>

bool hd_utf8_valid(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	while (len > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n =
			utf8proc_iterate(p, (utf8proc_ssize_t)len, &cp);
		if (n <= 0 || cp == 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

size_t hd_utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

bool hd_ascii_lower(const char *s, char *out, size_t cap)
{
	size_t n = strlen(s);
	if (n >= cap)
		return false;
	for (size_t i = 0; i <= n; i++)
		out[i] =
			(s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	return true;
}

bool hd_email_plausible(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n == 0 || n > 254 || !at || at == s || strchr(at + 1, '@'))
		return false;
	const char *dot = strchr(at + 1, '.');
	if (!dot || dot == at + 1 || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return hd_utf8_valid(s, n);
}
