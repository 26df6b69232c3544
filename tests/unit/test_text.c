/* Unit tests for text checks (common/text.c): UTF-8 validity, code point
 * counts, ASCII lower-casing and plausible e-mail addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/text.h"
#include "unit.h"

#include <string.h>

#define KOREAN "배송이 지연되고 있습니다"

static bool valid(const char *s)
{
	return hd_utf8_valid(s, strlen(s));
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(valid(KOREAN));
	assert_true(valid("plain ascii"));
	assert_true(valid("Grüße, ¿qué tal? — 😀"));
	assert_true(valid("\xef\xbf\xbd"));     /* U+FFFD */
	assert_true(valid("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last */
	assert_true(hd_utf8_valid("", 0));
	assert_true(hd_utf8_valid("abc\xff", 3)); /* only len bytes count */
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	const char *bad[] = {
		"\xff",
		"\xfe",
		"\x80",             /* lone continuation byte */
		"\xc0\xaf",         /* overlong '/' */
		"\xc1\xbf",         /* overlong */
		"\xe0\x80\xaf",     /* overlong, three bytes */
		"\xf0\x80\x80\xaf", /* overlong, four bytes */
		"\xea\xb0",         /* truncated: 가 without its last byte */
		"\xf0\x9f\x98",     /* truncated emoji */
		"\xed\xa0\x80",     /* UTF-16 surrogate U+D800 */
		"\xed\xbf\xbf",     /* surrogate U+DFFF */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"ok\xea\xb0",       /* valid prefix, truncated tail */
		"\xea"
		"a"
		"\xb0", /* continuation replaced by ASCII */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (valid(bad[i]))
			fail_msg("case %zu accepted as UTF-8", i);
	/* Embedded NUL, in ASCII and in Korean text. */
	assert_false(hd_utf8_valid("a\0b", 3));
	assert_false(hd_utf8_valid("\0", 1));
	char k[64];
	size_t n = strlen(KOREAN);
	memcpy(k, KOREAN, n);
	k[3] = '\0'; /* replace the first byte of 송 */
	assert_false(hd_utf8_valid(k, n));
	/* Cut in the middle of the last character. */
	assert_false(hd_utf8_valid(KOREAN, n - 1));
	assert_false(hd_utf8_valid(KOREAN, n - 2));
	assert_true(hd_utf8_valid(KOREAN, n - 3));
}

static void test_utf8_chars(void **state)
{
	(void)state;
	assert_int_equal(strlen(KOREAN), 35);
	assert_int_equal(hd_utf8_chars(KOREAN, strlen(KOREAN)), 13);
	assert_int_equal(hd_utf8_chars("abc", 3), 3);
	assert_int_equal(hd_utf8_chars("😀x", strlen("😀x")), 2);
	assert_int_equal(hd_utf8_chars("", 0), 0);
}

static void test_ascii_lower(void **state)
{
	(void)state;
	char out[32];
	assert_true(hd_ascii_lower("Agent@Example.COM", out, sizeof out));
	assert_string_equal(out, "agent@example.com");
	/* Non-ASCII bytes pass through unchanged. */
	assert_true(hd_ascii_lower("ÄB배Z", out, sizeof out));
	assert_string_equal(out, "Äb배z");
	/* Exactly fits (with the NUL), then one byte short. */
	assert_true(hd_ascii_lower("ABCD", out, 5));
	assert_string_equal(out, "abcd");
	memset(out, '#', sizeof out);
	assert_false(hd_ascii_lower("ABCD", out, 4));
	assert_int_equal(out[0], '#'); /* nothing written */
	assert_true(hd_ascii_lower("", out, 1));
	assert_string_equal(out, "");
}

static void test_email_plausible(void **state)
{
	(void)state;
	const char *good[] = {
		"a@b.c",
		"agent@example.com",
		"first.last+tag@mail.example.co.kr",
		"김@예시.한국",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!hd_email_plausible(good[i]))
			fail_msg("\"%s\" rejected", good[i]);

	const char *bad[] = {
		"",        "a",         "@b.c",     "a@",
		"a@b",     "a@.com",    "a@b.c.",   "a@@b.c",
		"a@b@c.d", "a b@c.d",   "a@b.c ",   "a@b.c\n",
		"a\t@b.c", "a@b.c\x7f", "\xff@b.c", "a@b.\xea\xb0",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (hd_email_plausible(bad[i]))
			fail_msg("\"%s\" (case %zu) accepted", bad[i], i);

	/* At most 254 bytes. */
	char addr[300];
	memset(addr, 'a', sizeof addr);
	memcpy(addr + 254 - 6, "@b.com", 7); /* 254 bytes and the NUL */
	assert_int_equal(strlen(addr), 254);
	assert_true(hd_email_plausible(addr));
	memset(addr, 'a', sizeof addr);
	memcpy(addr + 255 - 6, "@b.com", 7);
	assert_int_equal(strlen(addr), 255);
	assert_false(hd_email_plausible(addr));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_chars),
		cmocka_unit_test(test_ascii_lower),
		cmocka_unit_test(test_email_plausible),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
