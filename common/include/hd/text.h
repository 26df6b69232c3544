/* Text checks shared by every service: UTF-8 validity and lower-casing of
 * ASCII identifiers such as e-mail addresses. Pure functions; thread-safe. */
#ifndef HD_TEXT_H
#define HD_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 with no NUL and no surrogates. */
bool hd_utf8_valid(const char *s, size_t len);
/* Number of code points in well-formed UTF-8 s (len bytes). */
size_t hd_utf8_chars(const char *s, size_t len);
/* Copy s lower-cased (ASCII only; e-mail addresses are matched that way)
 * into out; false when it does not fit. */
bool hd_ascii_lower(const char *s, char *out, size_t cap);
/* A plausible e-mail address: one '@', non-empty parts, a dot in the domain,
 * no spaces or control characters, at most 254 bytes. */
bool hd_email_plausible(const char *s);

#endif
