/* Keyed MACs that make object references unforgeable: attachment download
 * tokens, the MAC part of our e-mail Message-IDs, signed links. Each purpose
 * has its own 8-character context, so a MAC made for one purpose is worthless
 * for another. Needs the cluster key (hd_cluster_key.h); any thread. */
#ifndef HD_OBJ_MAC_H
#define HD_OBJ_MAC_H

#include <stdbool.h>
#include <stddef.h>

/* The purposes. Attachments: the MAC of the big-endian id is the token
 * in content_url. */
#define HD_ATT_URL_MAC       "att_url_"
#define HD_ATT_URL_MAC_BYTES 16

/* Our e-mail Message-IDs: the MAC of "hd.t.{ticket}.{unique}" (or the
 * hd.sc form) follows as ".{mac}" before the "@" (proto/mail.proto). */
#define HD_MAIL_MID_MAC       "mail_mid"
#define HD_MAIL_MID_MAC_BYTES 12

/* Longest MAC in bytes (hex doubles it). */
#define HD_OBJ_MAC_MAX 32

/* Keyed BLAKE2b of msg under the subkey for context, truncated to nbytes
 * (8..32), as 2*nbytes lowercase hex into hex (cap ≥ 2*nbytes+1).
 * HD_E_INVALID when no cluster key is loaded or the sizes are wrong. */
int hd_obj_mac_hex(const char *context, const void *msg, size_t len,
		   size_t nbytes, char *hex, size_t cap);

/* true when hex is exactly the MAC hd_obj_mac_hex would make (compared in
 * constant time); false for any other text, including a missing key. */
bool hd_obj_mac_ok(const char *context, const void *msg, size_t len,
		   size_t nbytes, const char *hex);

#endif
