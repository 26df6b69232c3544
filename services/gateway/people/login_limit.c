/* Failed-login limits (see gw_edge.h for the rule). Three small tables of
 * fixed size, so a flood of addresses or accounts costs no memory: failures
 * per address in a fixed window (collisions share a count, which errs
 * towards limiting), a token bucket per account, and the addresses that
 * signed in to an account before. A check only looks; a failure is
 * counted when it happens, so legitimate clients opening many connections
 * at once are never limited, and guesses in flight together overshoot by
 * at most the HTTP thread count (intake's hashing pool bounds their cost).
 * Keys are keyed BLAKE2b hashes with a
 * per-process random key, so nobody can aim collisions at another's slot.
 * One mutex; nothing here blocks. */
#include "gw_edge.h"

#include "hd/clock.h"
#include "hd/err.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ADDR_SLOTS  4096
#define ACCT_SLOTS  4096
#define KNOWN_SLOTS 8192
#define KNOWN_MS    ((int64_t)30 * 24 * 3600 * 1000)
#define MAX_HEADER  1024

typedef struct addr_slot {
	int64_t window_start;
	unsigned failures;
} addr_slot;

typedef struct acct_slot {
	uint64_t key;
	int64_t last_ms;
	double tokens;
} acct_slot;

typedef struct known_slot {
	uint64_t key;
	int64_t last_ok_ms;
} known_slot;

struct gw_login_limit {
	pthread_mutex_t mu;
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
	unsigned per_addr, per_account;
	int64_t window_ms;
	addr_slot addrs[ADDR_SLOTS];
	acct_slot accts[ACCT_SLOTS];
	known_slot known[KNOWN_SLOTS];
};

int gw_login_limit_init(gw_login_limit **out, unsigned per_addr,
			unsigned per_account, unsigned window_s)
{
	gw_login_limit *ll = calloc(1, sizeof *ll);
	if (!ll)
		return HD_E_NOMEM;
	pthread_mutex_init(&ll->mu, NULL);
	crypto_shorthash_keygen(ll->hash_key);
	ll->per_addr = per_addr;
	ll->per_account = per_account;
	ll->window_ms = (int64_t)window_s * 1000;
	*out = ll;
	return HD_OK;
}

void gw_login_limit_free(gw_login_limit *ll)
{
	if (!ll)
		return;
	pthread_mutex_destroy(&ll->mu);
	free(ll);
}

static uint64_t key_of(const gw_login_limit *ll, const char *a, const char *b)
{
	crypto_generichash_state st;
	uint8_t sep = 0, out[8];
	uint64_t k;
	crypto_generichash_init(&st, ll->hash_key, sizeof ll->hash_key,
				sizeof out);
	crypto_generichash_update(&st, (const uint8_t *)a, strlen(a));
	crypto_generichash_update(&st, &sep, 1);
	crypto_generichash_update(&st, (const uint8_t *)b, strlen(b));
	crypto_generichash_final(&st, out, sizeof out);
	memcpy(&k, out, sizeof k);
	return k ? k : 1;
}

static addr_slot *addr_for(gw_login_limit *ll, uint64_t k, int64_t now)
{
	addr_slot *s = &ll->addrs[k % ADDR_SLOTS];
	if (now - s->window_start >= ll->window_ms) {
		s->window_start = now;
		s->failures = 0;
	}
	return s;
}

/* The account's bucket, refilled for the time since it was last used: a
 * full bucket holds per_account attempts and refills over one window. */
static acct_slot *acct_for(gw_login_limit *ll, uint64_t k, int64_t now)
{
	acct_slot *s = &ll->accts[k % ACCT_SLOTS];
	double rate = (double)ll->per_account / (double)ll->window_ms;
	if (s->key != k) {
		s->key = k;
		s->tokens = ll->per_account;
	} else {
		s->tokens += (double)(now - s->last_ms) * rate;
		if (s->tokens > ll->per_account)
			s->tokens = ll->per_account;
	}
	s->last_ms = now;
	return s;
}

static int known(gw_login_limit *ll, uint64_t k, int64_t now)
{
	known_slot *s = &ll->known[k % KNOWN_SLOTS];
	return s->key == k && now - s->last_ok_ms < KNOWN_MS;
}

static unsigned secs_up(int64_t ms)
{
	return ms <= 0 ? 1 : (unsigned)((ms + 999) / 1000);
}

int gw_login_limit_take(gw_login_limit *ll, const char *addr,
			const char *account, unsigned *retry_after_s)
{
	int64_t now = hd_wall_ms();
	int rc = HD_OK;
	pthread_mutex_lock(&ll->mu);
	addr_slot *a = addr_for(ll, key_of(ll, "addr", addr), now);
	if (a->failures >= ll->per_addr) {
		*retry_after_s = secs_up(a->window_start + ll->window_ms - now);
		rc = HD_E_TOOBIG;
	} else if (account[0] && !known(ll, key_of(ll, account, addr), now)) {
		acct_slot *s = acct_for(ll, key_of(ll, "acct", account), now);
		double rate = (double)ll->per_account / (double)ll->window_ms;
		if (s->tokens < 1.0) {
			*retry_after_s =
				secs_up((int64_t)((1.0 - s->tokens) / rate));
			rc = HD_E_TOOBIG;
		}
	}
	pthread_mutex_unlock(&ll->mu);
	return rc;
}

void gw_login_limit_done(gw_login_limit *ll, const char *addr,
			 const char *account, int ok)
{
	int64_t now = hd_wall_ms();
	pthread_mutex_lock(&ll->mu);
	uint64_t k = account[0] ? key_of(ll, account, addr) : 0;
	if (ok && k) {
		known_slot *s = &ll->known[k % KNOWN_SLOTS];
		s->key = k;
		s->last_ok_ms = now;
	} else if (!ok) {
		addr_for(ll, key_of(ll, "addr", addr), now)->failures++;
		/* Guesses that were in flight together may take the bucket
		 * below zero, but not below one window's worth. */
		if (k && !known(ll, k, now)) {
			acct_slot *b =
				acct_for(ll, key_of(ll, "acct", account), now);
			if (b->tokens > -(double)ll->per_account)
				b->tokens -= 1.0;
		}
	}
	pthread_mutex_unlock(&ll->mu);
}

void gw_login_account(const char *header, char *out, size_t cap)
{
	unsigned char raw[MAX_HEADER];
	size_t len = 0;
	out[0] = '\0';
	if (!header || strncmp(header, "Basic ", 6) != 0 ||
	    sodium_base642bin(raw, sizeof raw - 1, header + 6,
			      strlen(header + 6), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL))
		return;
	raw[len] = '\0';
	size_t n = strcspn((char *)raw, ":");
	if (n > 6 && memcmp(raw + n - 6, "/token", 6) == 0)
		n -= 6;
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower(raw[i]);
	out[n] = '\0';
	sodium_memzero(raw, sizeof raw);
}
