/* Unit tests for the gateway's failed-login limits
 * (services/gateway/people/login_limit.c) and the trusted-proxy address lists
 * (services/gateway/core/edge_net.c), compiled into this test directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gw_edge.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/clock.h"
#include "unit.h"

static void test_address_locks_for_its_window(void **state)
{
	(void)state;
	gw_login_limit *ll = NULL;
	unsigned retry = 0;
	assert_int_equal(gw_login_limit_init(&ll, 3, 100, 60), HD_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
			gw_login_limit_take(ll, "192.0.2.1", "", &retry),
			HD_OK);
		gw_login_limit_done(ll, "192.0.2.1", "", 0);
	}
	assert_int_equal(gw_login_limit_take(ll, "192.0.2.1", "a@x", &retry),
			 HD_E_TOOBIG);
	assert_true(retry >= 1 && retry <= 60);
	/* A success does not clear the address's failures. */
	gw_login_limit_done(ll, "192.0.2.1", "a@x", 1);
	assert_int_equal(gw_login_limit_take(ll, "192.0.2.1", "", &retry),
			 HD_E_TOOBIG);
	/* Another address has a budget of its own. */
	assert_int_equal(gw_login_limit_take(ll, "192.0.2.2", "a@x", &retry),
			 HD_OK);
	gw_login_limit_free(ll);
}

static void test_account_slows_strangers_not_known_addresses(void **state)
{
	(void)state;
	gw_login_limit *ll = NULL;
	unsigned retry = 0;
	assert_int_equal(gw_login_limit_init(&ll, 100, 2, 600), HD_OK);
	assert_int_equal(gw_login_limit_take(ll, "10.0.0.9", "pat@x", &retry),
			 HD_OK);
	gw_login_limit_done(ll, "10.0.0.9", "pat@x", 1); /* Pat's own */
	gw_login_limit_done(ll, "10.0.0.1", "pat@x", 0);
	gw_login_limit_done(ll, "10.0.0.2", "pat@x", 0);
	assert_int_equal(gw_login_limit_take(ll, "10.0.0.3", "pat@x", &retry),
			 HD_E_TOOBIG);
	/* One attempt refills every window / per_account = 300 s. */
	assert_true(retry >= 1 && retry <= 300);
	assert_int_equal(gw_login_limit_take(ll, "10.0.0.9", "pat@x", &retry),
			 HD_OK);
	/* Other accounts are not affected. */
	assert_int_equal(gw_login_limit_take(ll, "10.0.0.3", "kim@x", &retry),
			 HD_OK);
	gw_login_limit_free(ll);
}

static void test_account_from_header(void **state)
{
	(void)state;
	char out[64];
	/* "Pat@X.example/token:abc" and "Kim@x.kr:pw" */
	gw_login_account("Basic UGF0QFguZXhhbXBsZS90b2tlbjphYmM=", out,
			 sizeof out);
	assert_string_equal(out, "pat@x.example");
	gw_login_account("Basic S2ltQHgua3I6cHc=", out, sizeof out);
	assert_string_equal(out, "kim@x.kr");
	gw_login_account("Bearer abc", out, sizeof out);
	assert_string_equal(out, "");
	gw_login_account("Basic !!!", out, sizeof out);
	assert_string_equal(out, "");
	gw_login_account(NULL, out, sizeof out);
	assert_string_equal(out, "");
}

static void test_proxy_lists(void **state)
{
	(void)state;
	struct gw_edge e = {0};
	uint8_t a[16];
	assert_int_equal(
		gw_edge_parse_proxies(&e, "10.0.0.0/8, 192.0.2.7,::1/128"),
		HD_OK);
	assert_int_equal(e.nproxies, 3);
	inet_pton(AF_INET, "10.200.3.4", a);
	assert_true(gw_edge_in_cidr(&e.proxies[0], AF_INET, a));
	inet_pton(AF_INET, "11.0.0.1", a);
	assert_false(gw_edge_in_cidr(&e.proxies[0], AF_INET, a));
	inet_pton(AF_INET, "192.0.2.7", a);
	assert_true(gw_edge_in_cidr(&e.proxies[1], AF_INET, a));
	inet_pton(AF_INET, "192.0.2.8", a);
	assert_false(gw_edge_in_cidr(&e.proxies[1], AF_INET, a));
	inet_pton(AF_INET6, "::1", a);
	assert_true(gw_edge_in_cidr(&e.proxies[2], AF_INET6, a));
	assert_false(gw_edge_in_cidr(&e.proxies[2], AF_INET, a));
	struct gw_edge bad = {0};
	assert_int_equal(gw_edge_parse_proxies(&bad, "10.0.0.0/33"),
			 HD_E_INVALID);
	assert_int_equal(gw_edge_parse_proxies(&bad, "example.com"),
			 HD_E_INVALID);
	assert_int_equal(
		gw_edge_parse_public_url(&bad, "https://desk.example/"), HD_OK);
	assert_string_equal(bad.public_url, "https://desk.example");
	assert_int_equal(gw_edge_parse_public_url(&bad, "desk.example"),
			 HD_E_INVALID);
	assert_int_equal(gw_edge_parse_public_url(&bad, "https://a\"b"),
			 HD_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_locks_for_its_window),
		cmocka_unit_test(
			test_account_slows_strangers_not_known_addresses),
		cmocka_unit_test(test_account_from_header),
		cmocka_unit_test(test_proxy_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
