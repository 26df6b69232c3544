/* Unit tests for the gateway's per-user rate limit
 * (services/gateway/core/ratelimit.c): each test its own tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gw_users.h"
#include "hd/err.h"
#include "hd/store.h"
#include "unit.h"

static void test_window(void **state)
{
	(void)state;
	gw_rate r;
	gw_ratelimit *l = NULL;
	assert_int_equal(gw_ratelimit_init(&l, 3, 10), HD_OK);
	for (unsigned i = 0; i < 3; i++) {
		gw_ratelimit_take(l, 42, &r);
		assert_false(r.limited);
		assert_int_equal(r.remaining, 2 - i);
		assert_int_equal(r.limit, 3);
	}
	gw_ratelimit_take(l, 42, &r);
	assert_true(r.limited);
	assert_int_equal(r.remaining, 0);
	assert_true(r.reset >= 1 && r.reset <= 60);
	gw_ratelimit_take(l, 43, &r); /* another user: a budget of its own */
	assert_false(r.limited);
	assert_int_equal(r.remaining, 2);
	gw_ratelimit_take(l, 0, &r); /* anonymous: not counted */
	assert_false(r.limited);
	assert_int_equal(r.remaining, 3);
	gw_ratelimit_free(l);
}

static void test_default(void **state)
{
	(void)state;
	gw_rate r;
	gw_ratelimit *l = NULL;
	assert_int_equal(gw_ratelimit_init(&l, 0, 0), HD_OK);
	gw_ratelimit_take(l, 7, &r);
	assert_int_equal(r.limit, 700);
	assert_int_equal(r.remaining, 699);
	gw_ratelimit_take_anon(l, 1, &r);
	assert_int_equal(r.limit, 10);
	gw_ratelimit_free(l);
}

/* Anonymous callers by client IP: their own table and limit, apart from
 * the users' budgets. */
static void test_anonymous_by_ip(void **state)
{
	(void)state;
	gw_rate r;
	gw_ratelimit *l = NULL;
	assert_int_equal(gw_ratelimit_init(&l, 100, 2), HD_OK);
	for (unsigned i = 0; i < 2; i++) {
		gw_ratelimit_take_anon(l, 4242, &r);
		assert_false(r.limited);
		assert_int_equal(r.limit, 2);
	}
	gw_ratelimit_take_anon(l, 4242, &r);
	assert_true(r.limited);
	assert_true(r.reset >= 1 && r.reset <= 60);
	gw_ratelimit_take_anon(l, 4343, &r); /* another address */
	assert_false(r.limited);
	gw_ratelimit_take(l, 4242, &r); /* user 4242 is not that address */
	assert_false(r.limited);
	assert_int_equal(r.remaining, 99);
	gw_ratelimit_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_anonymous_by_ip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
