/* Phone numbers as the voice channel matches them: one normal form for the
 * number a CTI system reports and the phone on a user record. Pure
 * functions; thread-safe. */
#ifndef HD_PHONE_H
#define HD_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#define HD_PHONE_MAX 24 /* normal form, with its NUL */

/* Normalise s into out: keep the digits (and a leading '+'), drop spaces,
 * dashes, dots and brackets; Korea's "+82 10-…" becomes the domestic
 * "010…" so both spellings match. False (out = "") when s holds anything
 * else, fewer than 3 or more than 20 digits. */
bool hd_phone_norm(const char *s, char out[HD_PHONE_MAX]);

#endif
