/* The gateway's cache of verified credentials (people/auth.c), by the
 * 16-byte keyed hash of the credential: AUTH_CACHE_SETS sets of
 * AUTH_CACHE_WAYS entries. A new credential takes a free entry of its set,
 * else the one verified longest ago, so one colliding credential never
 * pushes out another: while the directory is down, a signed-in user keeps
 * working from the cache unless WAYS newer credentials landed in the same
 * set. Bounded memory; thread-safe (one mutex). */
#ifndef GW_AUTH_CACHE_H
#define GW_AUTH_CACHE_H

#include "hd/rpc.h"

#include <stdbool.h>
#include <stdint.h>

#define AUTH_CACHE_WAYS 4
#define AUTH_CACHE_SETS 1024

/* What the directory said about a credential. */
typedef struct gw_cred {
	hd_principal who;
	bool scoped; /* an OAuth token: scopes apply */
	uint64_t scopes;
} gw_cred;

typedef struct gw_cred_cache gw_cred_cache;

int gw_cred_cache_new(gw_cred_cache **out); /* HD_OK or HD_E_NOMEM */
void gw_cred_cache_free(gw_cred_cache *c);  /* wipes it; NULL is fine */
/* key's entry into *out when it was verified less than max_age_ms before
 * now_ms (wall ms). */
bool gw_cred_cache_get(gw_cred_cache *c, const uint8_t key[16],
		       int64_t max_age_ms, int64_t now_ms, gw_cred *out);
/* Remember key as verified at now_ms. */
void gw_cred_cache_put(gw_cred_cache *c, const uint8_t key[16],
		       const gw_cred *cred, int64_t now_ms);
/* Forget key (the directory refused it). */
void gw_cred_cache_drop(gw_cred_cache *c, const uint8_t key[16]);
/* Forget every entry (this gateway changed users or tokens). */
void gw_cred_cache_flush(gw_cred_cache *c);

#endif
