/* The tokens of intake's mailed one-time links (e-mail verification,
 * password reset): "{uid}S{expires}S{nonce}S{mac}" with a separator S of
 * the link's own, a 32-hex-digit nonce and a 16-byte MAC in hex. Each link
 * keeps its own MAC purpose and what the MAC covers; this module only
 * writes and reads the shape. Pure functions, any thread. */
#ifndef INTAKE_LINK_TOKEN_H
#define INTAKE_LINK_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INTAKE_LINK_NONCE_HEX 32
#define INTAKE_LINK_MAC_BYTES 16
#define INTAKE_LINK_MAC_HEX   (2 * INTAKE_LINK_MAC_BYTES)

/* "{uid}S{expires}S{nonce}" into out; HD_E_INVALID when it does not fit. */
int intake_link_head(char *out, size_t cap, char sep, uint64_t uid,
		     int64_t expires, const char *nonce);
/* The four parts of token; false for any other shape (wrong count, a part
 * not a number, a nonce or MAC of the wrong length). */
bool intake_link_split(const char *token, char sep, uint64_t *uid,
		       int64_t *expires, char nonce[INTAKE_LINK_NONCE_HEX + 1],
		       char mac[INTAKE_LINK_MAC_HEX + 1]);

#endif
