/* Unit tests for intake's mailed one-time link tokens
 * (services/intake/link_token.c): a written head reads back, and every
 * other shape is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "link_token.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "unit.h"

#define NONCE "0123456789abcdef0123456789abcdef"
#define MAC   "fedcba9876543210fedcba9876543210"

static void test_round_trip_with_either_separator(void **state)
{
	(void)state;
	const char seps[] = {'-', '.'};
	for (size_t i = 0; i < sizeof seps; i++) {
		char head[128], token[200], nonce[33], mac[33];
		uint64_t uid = 0;
		int64_t expires = 0;
		assert_int_equal(intake_link_head(head, sizeof head, seps[i],
						  256, 1796000000000, NONCE),
				 HD_OK);
		snprintf(token, sizeof token, "%s%c%s", head, seps[i], MAC);
		assert_true(intake_link_split(token, seps[i], &uid, &expires,
					      nonce, mac));
		assert_int_equal(uid, 256);
		assert_int_equal(expires, 1796000000000);
		assert_string_equal(nonce, NONCE);
		assert_string_equal(mac, MAC);
		/* the other link's separator does not read it */
		assert_false(intake_link_split(token, seps[1 - i], &uid,
					       &expires, nonce, mac));
	}
}

static void test_other_shapes_are_refused(void **state)
{
	(void)state;
	static const char *bad[] = {
		"",
		"256-1-" NONCE,              /* three parts */
		"256-1-" NONCE "-" MAC "-x", /* five parts */
		"x-1-" NONCE "-" MAC,        /* uid not a number */
		"256-99999999999999999999-" NONCE "-" MAC, /* overflow */
		"256-1-0123-" MAC,                         /* short nonce */
		"256-1-" NONCE "-fedcba",                  /* short MAC */
		"-256-1-" NONCE "-" MAC, /* empty first part */
	};
	char nonce[33], mac[33];
	uint64_t uid;
	int64_t expires;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(intake_link_split(bad[i], '-', &uid, &expires,
					       nonce, mac));
	char huge[400];
	memset(huge, '1', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	assert_false(intake_link_split(huge, '-', &uid, &expires, nonce, mac));
	char small[8];
	assert_int_equal(intake_link_head(small, sizeof small, '-', 256,
					  1796000000000, NONCE),
			 HD_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_with_either_separator),
		cmocka_unit_test(test_other_shapes_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
