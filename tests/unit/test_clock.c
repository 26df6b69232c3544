/* Unit tests for the business clock (common/clock.c): without a clock file
 * it is the wall clock; writing an offset moves it at once; a missing file
 * means no offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/clock.h"
#include "hd/err.h"
#include "unit.h"

static void test_wall_without_file(void **state)
{
	(void)state;
	hd_clock_use_file(NULL);
	int64_t a = hd_wall_ms(), n = hd_now_ms(), b = hd_wall_ms();
	assert_true(n >= a && n <= b);
	assert_int_equal(hd_clock_offset_ms(), 0);
}

static void test_offset_moves_now(void **state)
{
	(void)state;
	char dir[] = "/tmp/hd-clock-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/clock", dir);
	hd_clock_use_file(path);
	assert_int_equal(hd_clock_offset_ms(), 0); /* no file yet */
	const int64_t day = 86400000;
	assert_hd_ok(hd_clock_write_offset(path, 3 * day));
	int64_t n = hd_now_ms(), w = hd_wall_ms();
	assert_true(n - w > 3 * day - 1000 && n - w <= 3 * day);
	assert_hd_ok(hd_clock_write_offset(path, -day));
	assert_int_equal(hd_clock_offset_ms(), -day);
	unlink(path);
	assert_int_equal(hd_clock_offset_ms(), 0);
	hd_clock_use_file(NULL);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wall_without_file),
		cmocka_unit_test(test_offset_moves_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
