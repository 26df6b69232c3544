/* Unit tests for common/time_parse.c: the ISO-8601 times Zendesk's exports
 * and import API carry, with fractions and offsets, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/time_parse.h"
#include "unit.h"

static void test_zulu_fraction_offset(void **state)
{
	(void)state;
	int64_t ms = 0;
	assert_hd_ok(hd_time_parse_iso("2026-03-01T09:30:00Z", &ms));
	assert_int_equal(ms, 1772357400000);
	assert_hd_ok(hd_time_parse_iso("2026-03-01T09:30:00.999Z", &ms));
	assert_int_equal(ms, 1772357400999);
	/* 18:30 in Seoul is 09:30 UTC; both offset spellings. */
	assert_hd_ok(hd_time_parse_iso("2026-03-01T18:30:00+09:00", &ms));
	assert_int_equal(ms, 1772357400000);
	assert_hd_ok(hd_time_parse_iso("2026-03-01T04:30:00-0500", &ms));
	assert_int_equal(ms, 1772357400000);
	assert_hd_ok(hd_time_parse_iso("2000-02-29 00:00:00Z", &ms));
	assert_int_equal(ms, 951782400000);
}

static void test_refuses_what_is_not_a_time(void **state)
{
	(void)state;
	int64_t ms = 0;
	const char *bad[] = {"",
			     "yesterday",
			     "2026-03-01",
			     "2026-03-01T09:30:00",
			     "2026-13-01T09:30:00Z",
			     "2026-03-01T24:00:00Z",
			     "2026-03-01T09:30:00Zjunk",
			     "2026-03-01T09:30:00+9",
			     "２０２６-03-01T09:30:00Z"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_hd_rc(hd_time_parse_iso(bad[i], &ms), HD_E_INVALID);
	assert_hd_rc(hd_time_parse_iso(NULL, &ms), HD_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zulu_fraction_offset),
		cmocka_unit_test(test_refuses_what_is_not_a_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
