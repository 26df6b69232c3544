/* The gateway's cache of verified credentials
 * (services/gateway/people/auth_cache.c): hits within the age asked for,
 * a refused credential forgotten, a flush forgets all, and credentials that
 * fall in the same set do not push each other out until the set is full —
 * then the one verified longest ago goes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gw_auth_cache.h"
#include "hd/err.h"
#include "unit.h"

#include <string.h>

/* A key in set `set` (the first four bytes pick it), told apart by n. */
static void key_in(uint8_t key[16], uint32_t set, uint8_t n)
{
	memset(key, 0, 16);
	memcpy(key, &set, sizeof set);
	key[15] = n;
}

static gw_cred cred_of(uint64_t user)
{
	gw_cred c = {.scoped = false};
	c.who.user_id = user;
	return c;
}

static void test_age_drop_and_flush(void **state)
{
	(void)state;
	gw_cred_cache *c = NULL;
	gw_cred got;
	uint8_t k[16];
	assert_int_equal(gw_cred_cache_new(&c), HD_OK);
	key_in(k, 7, 1);
	assert_false(gw_cred_cache_get(c, k, 1000, 5000, &got));
	gw_cred one = cred_of(42);
	gw_cred_cache_put(c, k, &one, 5000);
	assert_true(gw_cred_cache_get(c, k, 1000, 5999, &got));
	assert_int_equal(got.who.user_id, 42);
	assert_false(gw_cred_cache_get(c, k, 1000, 6000, &got));  /* too old */
	assert_true(gw_cred_cache_get(c, k, 900000, 6000, &got)); /* stale ok */
	gw_cred_cache_drop(c, k);
	assert_false(gw_cred_cache_get(c, k, 900000, 6000, &got));
	gw_cred_cache_put(c, k, &one, 7000);
	gw_cred_cache_flush(c);
	assert_false(gw_cred_cache_get(c, k, 900000, 7000, &got));
	gw_cred_cache_free(c);
}

/* Direct-mapped before: one colliding credential evicted another, whose
 * user then got 503 (not the stale entry) while the directory was down. */
static void test_same_set_keeps_each_until_full(void **state)
{
	(void)state;
	gw_cred_cache *c = NULL;
	gw_cred got;
	uint8_t k[AUTH_CACHE_WAYS + 1][16];
	assert_int_equal(gw_cred_cache_new(&c), HD_OK);
	for (int i = 0; i < AUTH_CACHE_WAYS; i++) {
		key_in(k[i], 3 + AUTH_CACHE_SETS, (uint8_t)i); /* one set */
		gw_cred cr = cred_of(100 + (uint64_t)i);
		gw_cred_cache_put(c, k[i], &cr, 1000 + i);
	}
	for (int i = 0; i < AUTH_CACHE_WAYS; i++) {
		assert_true(gw_cred_cache_get(c, k[i], 900000, 2000, &got));
		assert_int_equal(got.who.user_id, 100 + i);
	}
	/* Verified again: k[0] is no longer the oldest, k[1] is. */
	gw_cred again = cred_of(100);
	gw_cred_cache_put(c, k[0], &again, 1500);
	key_in(k[AUTH_CACHE_WAYS], 3, 99);
	gw_cred last = cred_of(999);
	gw_cred_cache_put(c, k[AUTH_CACHE_WAYS], &last, 1600);
	assert_false(gw_cred_cache_get(c, k[1], 900000, 2000, &got));
	assert_true(gw_cred_cache_get(c, k[0], 900000, 2000, &got));
	for (int i = 2; i <= AUTH_CACHE_WAYS; i++)
		assert_true(gw_cred_cache_get(c, k[i], 900000, 2000, &got));
	assert_int_equal(got.who.user_id, 999);
	gw_cred_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_age_drop_and_flush),
		cmocka_unit_test(test_same_set_keeps_each_until_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
