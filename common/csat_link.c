/* Satisfaction survey link tokens; see hd/csat_link.h. */
#include "hd/csat_link.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/obj_mac.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int head(const hd_csat_link *l, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%" PRIu64 "-%" PRIu64 "-%" PRId64 "-%s",
			 l->ticket_id, l->requester_id, l->expires, l->nonce);
	return n > 0 && (size_t)n < cap ? n : -1;
}

int hd_csat_link_make(hd_csat_link *l, char out[HD_CSAT_LINK_MAX])
{
	uint8_t raw[16];
	char mac[2 * HD_CSAT_LINK_MAC_BYTES + 1];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(l->nonce, sizeof l->nonce, raw, sizeof raw);
	int n = head(l, out, HD_CSAT_LINK_MAX - sizeof mac - 1);
	if (n < 0 || l->expires < 0)
		return HD_E_INVALID;
	int rc = hd_obj_mac_hex(HD_CSAT_LINK_MAC, out, (size_t)n,
				HD_CSAT_LINK_MAC_BYTES, mac, sizeof mac);
	if (rc)
		return rc;
	out[n] = '-';
	memcpy(out + n + 1, mac, sizeof mac);
	return HD_OK;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Split into its five parts; the offset of the MAC in *mac_at. */
static int split(const char *token, hd_csat_link *l, size_t *mac_at)
{
	char buf[HD_CSAT_LINK_MAX], *parts[5];
	size_t n = strlen(token);
	uint64_t exp = 0;
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, token, n + 1);
	char *p = buf;
	for (int i = 0; i < 5; i++) {
		parts[i] = p;
		p = strchr(p, '-');
		if (i < 4 && !p)
			return -1;
		if (i == 4 && p)
			return -1;
		if (p)
			*p++ = '\0';
	}
	if (hd_parse_u64(parts[0], &l->ticket_id) ||
	    hd_parse_u64(parts[1], &l->requester_id) ||
	    hd_parse_u64(parts[2], &exp) || exp > (uint64_t)INT64_MAX ||
	    strlen(parts[3]) != 32 || !is_hex(parts[3], 32) ||
	    strlen(parts[4]) != 2 * HD_CSAT_LINK_MAC_BYTES ||
	    !is_hex(parts[4], 2 * HD_CSAT_LINK_MAC_BYTES) || !l->ticket_id)
		return -1;
	l->expires = (int64_t)exp;
	memcpy(l->nonce, parts[3], 33);
	*mac_at = (size_t)(parts[4] - buf);
	return 0;
}

hd_csat_verdict hd_csat_link_check(const char *token, int64_t now,
				   hd_csat_link *l)
{
	size_t mac_at = 0;
	memset(l, 0, sizeof *l);
	if (!token || split(token, l, &mac_at))
		return HD_CSAT_LINK_MALFORMED;
	if (!hd_obj_mac_ok(HD_CSAT_LINK_MAC, token, mac_at - 1,
			   HD_CSAT_LINK_MAC_BYTES, token + mac_at))
		return HD_CSAT_LINK_FORGED;
	return now > l->expires ? HD_CSAT_LINK_EXPIRED : HD_CSAT_LINK_OK;
}

uint64_t hd_csat_link_ticket(const char *token)
{
	hd_csat_link l;
	size_t mac_at;
	return token && split(token, &l, &mac_at) == 0 ? l.ticket_id : 0;
}
