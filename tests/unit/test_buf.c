/* Unit tests for bounded buffers (common/buf.c): appends stop at the maximum
 * without changing the contents, the first failure is sticky until reset,
 * and the bytes stay NUL-terminated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/buf.h"
#include "hd/err.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static void test_init_allocates_nothing(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 16);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 16);
	hd_buf_release(&b);
	assert_null(b.data);
}

static void test_append_within_max(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 8);
	assert_hd_ok(hd_buf_append(&b, "abc", 3));
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "abc");
	assert_hd_ok(hd_buf_puts(&b, "defgh")); /* exactly max */
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "abcdefgh");
	assert_hd_ok(hd_buf_append(&b, "", 0)); /* nothing more still fits */
	assert_int_equal(b.len, 8);
	hd_buf_release(&b);
}

static void test_over_max_unchanged(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 8);
	/* From empty: nothing is allocated and nothing appended. */
	assert_hd_rc(hd_buf_append(&b, "123456789", 9), HD_E_TOOBIG);
	assert_int_equal(b.len, 0);
	assert_null(b.data);

	hd_buf_reset(&b);
	assert_hd_ok(hd_buf_puts(&b, "hello"));
	char *before = b.data;
	size_t cap = b.cap;
	assert_hd_rc(hd_buf_append(&b, "wxyz", 4), HD_E_TOOBIG);
	assert_hd_rc(hd_buf_puts(&b, "wxyz"), HD_E_TOOBIG);
	assert_hd_rc(hd_buf_printf(&b, "%d", 1234), HD_E_TOOBIG);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	assert_ptr_equal(b.data, before);
	assert_int_equal(b.cap, cap);
	hd_buf_reset(&b);
	assert_hd_ok(hd_buf_puts(&b, "hello"));
	/* Sizes that would wrap a size_t are refused, not wrapped. */
	assert_hd_rc(hd_buf_append(&b, "x", SIZE_MAX), HD_E_TOOBIG);
	hd_buf_reset(&b);
	assert_hd_ok(hd_buf_puts(&b, "hello"));
	assert_hd_rc(hd_buf_append(&b, "x", SIZE_MAX - 2), HD_E_TOOBIG);
	assert_string_equal(b.data, "hello");
	hd_buf_release(&b);
}

/* The first failure sticks: a later piece that would fit is refused with
 * that error, so no piece is missing from the middle; one check at the end
 * (hd_buf_error) sees it. Reset, release and detach start over. */
static void test_error_is_sticky(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 8);
	assert_hd_ok(hd_buf_error(&b));
	assert_hd_ok(hd_buf_puts(&b, "<p>"));
	assert_hd_rc(hd_buf_puts(&b, "too long"), HD_E_TOOBIG);
	assert_hd_rc(hd_buf_puts(&b, "</p>"), HD_E_TOOBIG); /* would fit */
	assert_hd_rc(hd_buf_printf(&b, "%c", 'x'), HD_E_TOOBIG);
	assert_hd_rc(hd_buf_append(&b, "", 0), HD_E_TOOBIG);
	assert_string_equal(b.data, "<p>");
	assert_hd_rc(hd_buf_error(&b), HD_E_TOOBIG);
	hd_buf_reset(&b);
	assert_hd_ok(hd_buf_error(&b));
	assert_hd_ok(hd_buf_puts(&b, "</p>"));
	assert_hd_rc(hd_buf_puts(&b, "123456789"), HD_E_TOOBIG);
	free(hd_buf_detach(&b, NULL));
	assert_hd_ok(hd_buf_error(&b));
	assert_hd_rc(hd_buf_puts(&b, "123456789"), HD_E_TOOBIG);
	hd_buf_release(&b);
	assert_hd_ok(hd_buf_error(&b));
	assert_hd_ok(hd_buf_puts(&b, "ok"));
	assert_string_equal(b.data, "ok");
	hd_buf_release(&b);
}

static void append_null(void *arg)
{
	hd_buf b;
	hd_buf_init(&b, 8);
	hd_buf_append(&b, NULL, 3);
	hd_buf_release(&b);
}

/* Bytes from nowhere are a caller's bug: a debug build stops there. */
static void test_null_bytes_assert(void **state)
{
	(void)state;
	assert_true(unit_aborts(append_null, NULL));
}

/* A part built in a scratch buffer spoils the whole when it failed. */
static void test_scratch_failure_spreads(void **state)
{
	(void)state;
	hd_buf page, part;
	hd_buf_init(&page, 64);
	hd_buf_init(&part, 4);
	assert_hd_ok(hd_buf_puts(&part, "<li>"));
	assert_hd_ok(hd_buf_append_buf(&page, &part));
	assert_string_equal(page.data, "<li>");
	assert_hd_ok(hd_buf_fail(&page, HD_OK)); /* OK records nothing */
	assert_hd_rc(hd_buf_puts(&part, "x"), HD_E_TOOBIG);
	assert_hd_rc(hd_buf_append_buf(&page, &part), HD_E_TOOBIG);
	assert_string_equal(page.data, "<li>");
	assert_hd_rc(hd_buf_error(&page), HD_E_TOOBIG);
	assert_hd_rc(hd_buf_fail(&page, HD_E_NOMEM), HD_E_TOOBIG); /* first */
	hd_buf_release(&page);
	hd_buf_release(&part);
}

static void test_zero_max(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 0);
	assert_hd_ok(hd_buf_append(&b, "", 0));
	assert_hd_rc(hd_buf_append(&b, "a", 1), HD_E_TOOBIG);
	assert_int_equal(b.len, 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	hd_buf_release(&b);
}

static void test_printf(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 32);
	assert_hd_ok(hd_buf_printf(&b, "id=%d", 42));
	assert_hd_ok(hd_buf_printf(&b, " name=%s", "배송"));
	assert_string_equal(b.data, "id=42 name=배송");
	assert_int_equal(b.len, strlen("id=42 name=배송"));
	assert_hd_ok(hd_buf_printf(&b, "%s", ""));
	assert_int_equal(b.len, strlen("id=42 name=배송"));
	/* Fill to exactly max with printf. */
	size_t room = b.max - b.len;
	assert_hd_ok(hd_buf_printf(&b, "%0*d", (int)room, 7));
	assert_int_equal(b.len, 32);
	assert_int_equal(b.data[32], '\0');
	assert_int_equal(b.data[31], '7');
	assert_hd_rc(hd_buf_printf(&b, "x"), HD_E_TOOBIG);
	assert_int_equal(b.len, 32);
	hd_buf_release(&b);
}

static void test_nul_terminated_binary(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 1024);
	const char bin[] = {'a', '\0', 'b', (char)0xff};
	assert_hd_ok(hd_buf_append(&b, bin, sizeof bin));
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, bin, 4);
	assert_int_equal(b.data[4], '\0');
	assert_true(b.cap > b.len);
	hd_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	hd_buf_release(&b);
}

static void test_growth(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 10000);
	for (int i = 0; i < 10000; i++) {
		char c = (char)('a' + i % 26);
		assert_hd_ok(hd_buf_append(&b, &c, 1));
		assert_int_equal(b.data[b.len], '\0');
	}
	assert_int_equal(b.len, 10000);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_hd_rc(hd_buf_append(&b, "z", 1), HD_E_TOOBIG);
	hd_buf_release(&b);
}

static void test_reset_keeps_memory(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 100);
	assert_hd_ok(hd_buf_puts(&b, "some text"));
	char *p = b.data;
	size_t cap = b.cap;
	hd_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, p);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	assert_hd_ok(hd_buf_puts(&b, "again"));
	assert_string_equal(b.data, "again");
	hd_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	/* Reusable after release, with the same maximum. */
	assert_hd_ok(hd_buf_puts(&b, "third"));
	assert_string_equal(b.data, "third");
	hd_buf_release(&b);
}

static void test_detach(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 64);
	size_t len = 99;
	assert_null(hd_buf_detach(&b, &len)); /* empty: nothing to hand over */
	assert_int_equal(len, 0);
	assert_hd_ok(hd_buf_puts(&b, "ticket"));
	char *p = hd_buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 6);
	assert_string_equal(p, "ticket");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* The buffer starts over; the detached bytes are unaffected. */
	assert_hd_ok(hd_buf_puts(&b, "next"));
	assert_string_equal(p, "ticket");
	assert_string_equal(b.data, "next");
	char *q = hd_buf_detach(&b, NULL);
	assert_string_equal(q, "next");
	free(p);
	free(q);
	hd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_allocates_nothing),
		cmocka_unit_test(test_append_within_max),
		cmocka_unit_test(test_over_max_unchanged),
		cmocka_unit_test(test_error_is_sticky),
		cmocka_unit_test(test_null_bytes_assert),
		cmocka_unit_test(test_scratch_failure_spreads),
		cmocka_unit_test(test_zero_max),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_nul_terminated_binary),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_detach),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
