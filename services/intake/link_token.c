/* Mailed one-time link tokens; see link_token.h. */
#include "link_token.h"

#include "hd/cfg.h"
#include "hd/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int intake_link_head(char *out, size_t cap, char sep, uint64_t uid,
		     int64_t expires, const char *nonce)
{
	int n = snprintf(out, cap, "%" PRIu64 "%c%" PRId64 "%c%s", uid, sep,
			 expires, sep, nonce);
	return n > 0 && (size_t)n < cap ? HD_OK : HD_E_INVALID;
}

bool intake_link_split(const char *token, char sep, uint64_t *uid,
		       int64_t *expires, char nonce[INTAKE_LINK_NONCE_HEX + 1],
		       char mac[INTAKE_LINK_MAC_HEX + 1])
{
	char buf[200], *parts[4];
	size_t n = strlen(token);
	uint64_t exp = 0;
	if (n >= sizeof buf)
		return false;
	memcpy(buf, token, n + 1);
	char *p = buf;
	for (int i = 0; i < 4; i++) {
		parts[i] = p;
		p = strchr(p, sep);
		if (i < 3) {
			if (!p)
				return false;
			*p++ = '\0';
		} else if (p) {
			return false;
		}
	}
	if (hd_parse_u64(parts[0], uid) || hd_parse_u64(parts[1], &exp) ||
	    strlen(parts[2]) != INTAKE_LINK_NONCE_HEX ||
	    strlen(parts[3]) != INTAKE_LINK_MAC_HEX ||
	    exp > (uint64_t)INT64_MAX)
		return false;
	*expires = (int64_t)exp;
	memcpy(nonce, parts[2], INTAKE_LINK_NONCE_HEX + 1);
	memcpy(mac, parts[3], INTAKE_LINK_MAC_HEX + 1);
	return true;
}
