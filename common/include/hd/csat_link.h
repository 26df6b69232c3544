/* The signed one-click links of satisfaction surveys: a token
 * "{ticket}-{requester}-{expires}-{nonce}-{mac}" (decimal ids, expiry in
 * Unix seconds, 32 hex digits of nonce, a 16-byte keyed MAC in hex over
 * everything before it under the purpose "csat_lnk"). notifications makes
 * them, intake checks them and keeps the used nonces; the MAC binds the
 * link to its ticket and requester. Needs the cluster key; any thread. */
#ifndef HD_CSAT_LINK_H
#define HD_CSAT_LINK_H

#include <stddef.h>
#include <stdint.h>

#define HD_CSAT_LINK_MAC       "csat_lnk"
#define HD_CSAT_LINK_MAC_BYTES 16
#define HD_CSAT_LINK_MAX       128 /* longest token + NUL */

typedef struct hd_csat_link {
	uint64_t ticket_id, requester_id;
	int64_t expires; /* Unix seconds */
	char nonce[33];
} hd_csat_link;

typedef enum hd_csat_verdict {
	HD_CSAT_LINK_OK,
	HD_CSAT_LINK_MALFORMED, /* not the shape of a token */
	HD_CSAT_LINK_FORGED,    /* the MAC does not match (tampered) */
	HD_CSAT_LINK_EXPIRED,   /* genuine, but past its expiry */
} hd_csat_verdict;

/* A fresh token (random nonce) into out[HD_CSAT_LINK_MAX]; l->nonce is
 * filled in. HD_E_INVALID when no cluster key is loaded. */
int hd_csat_link_make(hd_csat_link *l, char out[HD_CSAT_LINK_MAX]);

/* Read and check token against now (Unix seconds) into *l (filled for a
 * well-formed token even when forged or expired, so a caller may name the
 * ticket). */
hd_csat_verdict hd_csat_link_check(const char *token, int64_t now,
				   hd_csat_link *l);

/* The ticket id a token names, unchecked (to pick its shard); 0 when the
 * token is malformed. */
uint64_t hd_csat_link_ticket(const char *token);

#endif
