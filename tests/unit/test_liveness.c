/* Unit tests for loop liveness (common/liveness.c): an idle loop is never
 * stuck, a loop with pending work and no progress is after the stall time
 * and names itself, progress restarts the clock, a pool is stuck only when
 * every worker is busy, 0 disables the check, names stay unique on
 * /metrics, and a full table hands out a slot that is never reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/liveness.h"
#include "unit.h"

#include <string.h>
#include <time.h>

static char why[1024];

static int check(void)
{
	return hd_liveness_check(why, sizeof why);
}

/* Sleep about ms (a short nap between polls, not a guessed wait). */
static void nap(int64_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Poll until the check gives want or 10 s pass; the elapsed ms. */
static int64_t wait_check(int want)
{
	int64_t t0 = unit_now_ms();
	while (check() != want && unit_now_ms() - t0 < 10000)
		nap(2);
	assert_int_equal(check(), want);
	return unit_now_ms() - t0;
}

static void test_idle_loop_is_never_stuck(void **state)
{
	(void)state;
	hd_liveness_set_stall_ms(5);
	hd_loop *l = hd_liveness_register("t.idle", 1);
	hd_liveness_queued(l, 3);
	hd_liveness_done(l, 3);
	int64_t t0 = unit_now_ms();
	while (unit_now_ms() - t0 < 50) { /* ten stall times */
		assert_hd_ok(check());
		nap(2);
	}
	hd_liveness_forget(l);
}

static void test_pending_without_progress_is_stuck_and_named(void **state)
{
	(void)state;
	hd_liveness_set_stall_ms(200);
	hd_loop *l = hd_liveness_register("t.writer", 1);
	hd_liveness_queued(l, 12);
	int64_t took = wait_check(HD_E_UNAVAILABLE);
	assert_true(took >= 200);
	assert_non_null(strstr(why, "stuck: t.writer pending=12 idle_ms="));
	hd_liveness_done(l, 1); /* progress: moving again */
	assert_hd_ok(check());
	hd_liveness_done(l, 11);
	hd_liveness_forget(l);
}

static void test_progress_restarts_the_clock(void **state)
{
	(void)state;
	hd_liveness_set_stall_ms(200);
	hd_loop *l = hd_liveness_register("t.busy", 1);
	hd_liveness_queued(l, 1);
	int64_t t0 = unit_now_ms();
	while (unit_now_ms() - t0 < 600) { /* three stall times, moving */
		hd_liveness_queued(l, 1);
		hd_liveness_done(l, 1);
		assert_hd_ok(check());
		nap(5);
	}
	hd_liveness_done(l, 1);
	hd_liveness_forget(l);
}

static void test_pool_is_stuck_only_when_every_worker_is_busy(void **state)
{
	(void)state;
	hd_liveness_set_stall_ms(200);
	hd_loop *l = hd_liveness_register("t.pool", 3);
	hd_liveness_queued(l, 1);
	hd_liveness_queued(l, 1);
	int64_t t0 = unit_now_ms();
	while (unit_now_ms() - t0 < 500) { /* two of three busy: serving */
		assert_hd_ok(check());
		nap(2);
	}
	hd_liveness_queued(l, 1); /* the clock starts now, not at t0 */
	assert_hd_ok(check());
	wait_check(HD_E_UNAVAILABLE);
	assert_non_null(strstr(why, "stuck: t.pool pending=3"));
	hd_liveness_done(l, 1);
	assert_hd_ok(check());
	hd_liveness_done(l, 2);
	hd_liveness_forget(l);
}

static void test_zero_disables(void **state)
{
	(void)state;
	hd_liveness_set_stall_ms(0);
	hd_loop *l = hd_liveness_register("t.off", 1);
	hd_liveness_queued(l, 1);
	nap(20);
	assert_hd_ok(check());
	assert_string_equal(why, "");
	hd_liveness_forget(l);
}

static void test_metrics_names_unique_and_forgotten_loops_gone(void **state)
{
	(void)state;
	hd_liveness_set_stall_ms(30000);
	hd_loop *a = hd_liveness_register("t.same", 1);
	hd_loop *b = hd_liveness_register("t.same", 1);
	hd_liveness_queued(b, 2);
	hd_buf out;
	hd_buf_init(&out, 1 << 20);
	hd_liveness_collect(NULL, &out);
	assert_hd_ok(hd_buf_append(&out, "", 1));
	assert_non_null(
		strstr(out.data, "# TYPE hd_loop_stalled_seconds gauge"));
	assert_non_null(
		strstr(out.data, "hd_loop_stalled_seconds{loop=\"t.same\"} 0"));
	assert_non_null(
		strstr(out.data, "hd_loop_pending{loop=\"t.same.2\"} 2"));
	hd_buf_release(&out);
	hd_liveness_done(b, 2);
	hd_liveness_forget(a);
	hd_liveness_forget(b);
	hd_buf_init(&out, 1 << 20);
	hd_liveness_collect(NULL, &out);
	assert_hd_ok(hd_buf_append(&out, "", 1));
	assert_null(strstr(out.data, "t.same"));
	hd_buf_release(&out);
}

static void test_full_table_shares_an_unreported_slot(void **state)
{
	(void)state;
	hd_liveness_set_stall_ms(5);
	hd_loop *l[HD_LIVENESS_MAX_LOOPS + 2];
	for (size_t i = 0; i < HD_LIVENESS_MAX_LOOPS + 2; i++)
		l[i] = hd_liveness_register("t.many", 1);
	hd_loop *extra = l[HD_LIVENESS_MAX_LOOPS];
	assert_non_null(extra);
	assert_ptr_equal(extra, l[HD_LIVENESS_MAX_LOOPS + 1]);
	hd_liveness_queued(extra, 1);
	nap(20);
	assert_hd_ok(check());
	hd_liveness_done(extra, 1);
	for (size_t i = 0; i < HD_LIVENESS_MAX_LOOPS + 2; i++)
		hd_liveness_forget(l[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_loop_is_never_stuck),
		cmocka_unit_test(
			test_pending_without_progress_is_stuck_and_named),
		cmocka_unit_test(test_progress_restarts_the_clock),
		cmocka_unit_test(
			test_pool_is_stuck_only_when_every_worker_is_busy),
		cmocka_unit_test(test_zero_disables),
		cmocka_unit_test(
			test_metrics_names_unique_and_forgotten_loops_gone),
		cmocka_unit_test(test_full_table_shares_an_unreported_slot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
