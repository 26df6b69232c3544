/* Verified credentials, set-associative; see gw_auth_cache.h. */
#include "gw_auth_cache.h"

#include "hd/err.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
	uint8_t key[16];
	int64_t verified_ms; /* 0: free */
	gw_cred cred;
} entry;

struct gw_cred_cache {
	pthread_mutex_t mu;
	entry sets[AUTH_CACHE_SETS][AUTH_CACHE_WAYS];
};

int gw_cred_cache_new(gw_cred_cache **out)
{
	gw_cred_cache *c = calloc(1, sizeof *c);
	if (!c)
		return HD_E_NOMEM;
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return HD_OK;
}

void gw_cred_cache_free(gw_cred_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->mu);
	sodium_memzero(c, sizeof *c);
	free(c);
}

/* The key is a keyed hash: its first bytes are as good as any. */
static entry *set_of(gw_cred_cache *c, const uint8_t key[16])
{
	uint32_t h;
	memcpy(&h, key, sizeof h);
	return c->sets[h % AUTH_CACHE_SETS];
}

/* key's entry in set, or NULL. Under mu. */
static entry *find(entry *set, const uint8_t key[16])
{
	for (int w = 0; w < AUTH_CACHE_WAYS; w++)
		if (set[w].verified_ms &&
		    sodium_memcmp(set[w].key, key, 16) == 0)
			return &set[w];
	return NULL;
}

bool gw_cred_cache_get(gw_cred_cache *c, const uint8_t key[16],
		       int64_t max_age_ms, int64_t now_ms, gw_cred *out)
{
	pthread_mutex_lock(&c->mu);
	entry *e = find(set_of(c, key), key);
	bool hit = e && now_ms - e->verified_ms < max_age_ms;
	if (hit)
		*out = e->cred;
	pthread_mutex_unlock(&c->mu);
	return hit;
}

/* Where key goes in set: its own entry, else a free one, else the one
 * verified longest ago. Under mu. */
static entry *victim(entry *set, const uint8_t key[16])
{
	entry *e = find(set, key);
	for (int w = 0; !e && w < AUTH_CACHE_WAYS; w++)
		if (!set[w].verified_ms)
			e = &set[w];
	if (e)
		return e;
	e = &set[0];
	for (int w = 1; w < AUTH_CACHE_WAYS; w++)
		if (set[w].verified_ms < e->verified_ms)
			e = &set[w];
	return e;
}

void gw_cred_cache_put(gw_cred_cache *c, const uint8_t key[16],
		       const gw_cred *cred, int64_t now_ms)
{
	pthread_mutex_lock(&c->mu);
	entry *e = victim(set_of(c, key), key);
	memcpy(e->key, key, 16);
	e->cred = *cred;
	e->verified_ms = now_ms > 0 ? now_ms : 1; /* 0 means free */
	pthread_mutex_unlock(&c->mu);
}

void gw_cred_cache_drop(gw_cred_cache *c, const uint8_t key[16])
{
	pthread_mutex_lock(&c->mu);
	entry *e = find(set_of(c, key), key);
	if (e)
		e->verified_ms = 0;
	pthread_mutex_unlock(&c->mu);
}

void gw_cred_cache_flush(gw_cred_cache *c)
{
	pthread_mutex_lock(&c->mu);
	for (int s = 0; s < AUTH_CACHE_SETS; s++)
		for (int w = 0; w < AUTH_CACHE_WAYS; w++)
			c->sets[s][w].verified_ms = 0;
	pthread_mutex_unlock(&c->mu);
}
