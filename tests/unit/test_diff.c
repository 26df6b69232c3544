/* Unit tests for the line diff (common/diff.c): equal texts give nothing,
 * hunks and ranges as GNU diff -u prints them, context merging, Korean
 * lines, empty sides, and the size limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/diff.h"
#include "hd/err.h"
#include "unit.h"

static void expect(const char *a, const char *b, unsigned ctx, const char *want)
{
	hd_buf out;
	hd_buf_init(&out, 1 << 20);
	assert_hd_ok(hd_diff_lines(a, strlen(a), b, strlen(b), ctx, &out));
	assert_string_equal(out.data ? out.data : "", want);
	hd_buf_release(&out);
}

static void test_equal_is_empty(void **state)
{
	(void)state;
	expect("", "", 3, "");
	expect("a\nb\n", "a\nb\n", 3, "");
	expect("a\nb", "a\nb\n", 3, ""); /* a final newline is not a line */
}

static void test_one_change(void **state)
{
	(void)state;
	expect("a\nb\nc\n", "a\nB\nc\n", 3,
	       "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
	expect("a\nb\nc\n", "a\nB\nc\n", 0, "@@ -2,1 +2,1 @@\n-b\n+B\n");
}

static void test_insert_and_delete_only(void **state)
{
	(void)state;
	expect("", "x\ny\n", 3, "@@ -0,0 +1,2 @@\n+x\n+y\n");
	expect("x\ny\n", "", 3, "@@ -1,2 +0,0 @@\n-x\n-y\n");
	expect("a\nc\n", "a\nb\nc\n", 0, "@@ -1,0 +2,1 @@\n+b\n");
}

static void test_hunks_split_and_merge(void **state)
{
	(void)state;
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
	const char *b = "1\nX\n3\n4\n5\n6\n7\n8\nY\n10\n";
	/* 6 unchanged lines between the changes: with 1 line of context two
	 * hunks, with 3 lines of context one. */
	expect(a, b, 1,
	       "@@ -1,3 +1,3 @@\n 1\n-2\n+X\n 3\n"
	       "@@ -8,3 +8,3 @@\n 8\n-9\n+Y\n 10\n");
	expect(a, b, 3,
	       "@@ -1,10 +1,10 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n 8\n"
	       "-9\n+Y\n 10\n");
}

static void test_korean_lines(void **state)
{
	(void)state;
	expect("배송 안내\n환불은 7일 이내\n문의: 고객센터\n",
	       "배송 안내\n환불은 14일 이내\n문의: 고객센터\n", 1,
	       "@@ -1,3 +1,3 @@\n 배송 안내\n-환불은 7일 이내\n"
	       "+환불은 14일 이내\n 문의: 고객센터\n");
}

static void test_limits(void **state)
{
	(void)state;
	size_t n = (HD_DIFF_MAX_LINES + 1) * 2;
	char *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i += 2) {
		big[i] = 'x';
		big[i + 1] = '\n';
	}
	hd_buf out;
	hd_buf_init(&out, 1 << 20);
	assert_hd_rc(hd_diff_lines(big, n, "y\n", 2, 3, &out), HD_E_TOOBIG);
	/* 3000 × 3000 lines is over the cell limit, too. */
	assert_hd_rc(hd_diff_lines(big, 6000, big, 6000, 3, &out), HD_E_TOOBIG);
	hd_buf_release(&out);
	/* The output buffer's own maximum is honoured. */
	hd_buf small;
	hd_buf_init(&small, 8);
	assert_hd_rc(hd_diff_lines("a\n", 2, "b\n", 2, 3, &small), HD_E_TOOBIG);
	hd_buf_release(&small);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_is_empty),
		cmocka_unit_test(test_one_change),
		cmocka_unit_test(test_insert_and_delete_only),
		cmocka_unit_test(test_hunks_split_and_merge),
		cmocka_unit_test(test_korean_lines),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
