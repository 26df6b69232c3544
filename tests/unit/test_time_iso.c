/* Unit tests for common/time_iso.c: the one ISO-8601 formatter every
 * service uses — rounding, the edges of the range and JSON null for unset
 * times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/time_iso.h"
#include "unit.h"

static void test_formats_utc_seconds(void **state)
{
	(void)state;
	char iso[HD_TIME_ISO_LEN];
	assert_hd_ok(hd_time_iso(0, iso));
	assert_string_equal(iso, "1970-01-01T00:00:00Z");
	/* 2026-03-01 09:30:00.999 UTC: milliseconds are dropped. */
	assert_hd_ok(hd_time_iso(1772357400999, iso));
	assert_string_equal(iso, "2026-03-01T09:30:00Z");
	assert_hd_ok(hd_time_iso(951782400000, iso)); /* a leap day */
	assert_string_equal(iso, "2000-02-29T00:00:00Z");
}

static void test_before_epoch_rounds_down(void **state)
{
	(void)state;
	char iso[HD_TIME_ISO_LEN];
	assert_hd_ok(hd_time_iso(-1, iso));
	assert_string_equal(iso, "1969-12-31T23:59:59Z");
	assert_hd_ok(hd_time_iso(-1000, iso));
	assert_string_equal(iso, "1969-12-31T23:59:59Z");
	assert_hd_ok(hd_time_iso(-1001, iso));
	assert_string_equal(iso, "1969-12-31T23:59:58Z");
}

static void test_out_of_range_is_empty(void **state)
{
	(void)state;
	char iso[HD_TIME_ISO_LEN];
	/* 9999-12-31T23:59:59Z is the last time that fits four digits. */
	assert_hd_ok(hd_time_iso(253402300799000, iso));
	assert_string_equal(iso, "9999-12-31T23:59:59Z");
	memset(iso, 'x', sizeof iso);
	assert_hd_rc(hd_time_iso(253402300800000, iso), HD_E_INVALID);
	assert_string_equal(iso, "");
	assert_hd_rc(hd_time_iso(INT64_MAX, iso), HD_E_INVALID);
	assert_string_equal(iso, "");
	assert_hd_rc(hd_time_iso(INT64_MIN, iso), HD_E_INVALID);
	assert_string_equal(iso, "");
}

static void test_json_null_when_unset(void **state)
{
	(void)state;
	json_t *v = hd_time_json(0);
	assert_true(json_is_null(v));
	json_decref(v);
	v = hd_time_json(INT64_MAX);
	assert_true(json_is_null(v));
	json_decref(v);
	v = hd_time_json(1772357400000);
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), "2026-03-01T09:30:00Z");
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats_utc_seconds),
		cmocka_unit_test(test_before_epoch_rounds_down),
		cmocka_unit_test(test_out_of_range_is_empty),
		cmocka_unit_test(test_json_null_when_unset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
