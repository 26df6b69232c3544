/* Unit tests for the gateway's OAuth scopes (services/gateway/people/scopes.c),
 * compiled into this test directly: parsing Zendesk's scope names and
 * matching them to routes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gw_scopes.h"

static uint64_t bits_of(const char *a, const char *b)
{
	char *s[2] = {(char *)a, (char *)b};
	return gw_scope_bits(s, b ? 2 : 1);
}

static void test_parse(void **state)
{
	(void)state;
	uint64_t bit;
	const char *good[] = {"read",
			      "write",
			      "impersonate",
			      "tickets",
			      "tickets:read",
			      "users:write",
			      "hc:read",
			      "satisfaction_ratings",
			      "any_channel:write"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(gw_scope_bit(good[i], &bit), 0);
		assert_true(bit != 0);
	}
	const char *bad[] = {"",
			     "Read",
			     "tickets:",
			     "tickets:delete",
			     "ticket:read",
			     ":read",
			     "views:read",
			     "read:tickets"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(gw_scope_bit(bad[i], &bit), -1);
		assert_int_equal(bit, 0);
	}
	/* "tickets" is tickets:read and tickets:write */
	assert_int_equal(bits_of("tickets", NULL),
			 bits_of("tickets:read", "tickets:write"));
	/* unknown scopes add nothing */
	assert_int_equal(bits_of("bogus", "read"), bits_of("read", NULL));
}

static void test_allows(void **state)
{
	(void)state;
	uint64_t read = bits_of("read", NULL), write = bits_of("write", NULL);
	uint64_t tr = bits_of("tickets:read", NULL);
	uint64_t tw = bits_of("tickets:write", NULL);
	assert_true(gw_scope_allows(read, "GET", "/api/v2/views"));
	assert_false(gw_scope_allows(read, "POST", "/api/v2/tickets"));
	assert_false(gw_scope_allows(read, "DELETE", "/api/v2/tickets/{id}"));
	assert_true(gw_scope_allows(write, "PATCH", "/api/v2/webhooks/{s}"));
	assert_false(gw_scope_allows(write, "GET", "/api/v2/tickets"));
	assert_true(
		gw_scope_allows(tr, "GET", "/api/v2/tickets/{id}/comments"));
	assert_true(gw_scope_allows(tr, "GET",
				    "/api/v2/users/{id}/tickets/requested"));
	assert_false(gw_scope_allows(tr, "GET", "/api/v2/users/{id}"));
	assert_false(gw_scope_allows(tr, "PUT", "/api/v2/tickets/{id}"));
	assert_true(gw_scope_allows(tw, "PUT", "/api/v2/tickets/{id}"));
	assert_true(gw_scope_allows(tw, "POST", "/api/v2/uploads"));
	/* routes outside every resource need the broad scopes */
	assert_false(gw_scope_allows(tr | tw, "GET", "/api/v2/views"));
	assert_false(gw_scope_allows(0, "GET", "/api/v2/tickets"));
	uint64_t hc = bits_of("hc:read", NULL);
	assert_true(gw_scope_allows(hc, "GET", "/api/v2/help_center/articles"));
	assert_false(gw_scope_allows(hc, "POST",
				     "/api/v2/help_center/articles/{id}/up"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_allows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
