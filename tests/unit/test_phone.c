/* Unit tests for the phone number normal form (common/phone.c) the voice
 * channel matches callers with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/phone.h"
#include "unit.h"

#include <string.h>

static void expect(const char *in, const char *want)
{
	char out[HD_PHONE_MAX];
	assert_true(hd_phone_norm(in, out));
	assert_string_equal(out, want);
}

static void test_spellings_of_one_number(void **state)
{
	(void)state;
	expect("010-1234-5678", "01012345678");
	expect("010.1234.5678", "01012345678");
	expect("(010) 1234 5678", "01012345678");
	expect("+82 10-1234-5678", "01012345678");
	expect("+82-2-555-0199", "025550199");
	expect("1588-1234", "15881234");
	expect("+1 (415) 555-0100", "+14155550100");
}

static void test_not_numbers(void **state)
{
	(void)state;
	char out[HD_PHONE_MAX];
	const char *bad[] = {"",
			     "12",
			     "전화번호",
			     "010-1234-567a",
			     "++82 10",
			     "010+1234",
			     "123456789012345678901",
			     "1;DROP"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(hd_phone_norm(bad[i], out));
		assert_string_equal(out, "");
	}
	assert_true(hd_phone_norm("12345678901234567890", out)); /* 20 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings_of_one_number),
		cmocka_unit_test(test_not_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
