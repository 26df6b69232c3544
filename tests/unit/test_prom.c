/* Unit tests for labelled Prometheus families (common/prom_vec.c):
 * histogram buckets are inclusive upper bounds rendered cumulatively with a
 * _count equal to +Inf, label values are escaped and cut on UTF-8
 * boundaries, a full table folds new label sets into one "other" series,
 * and concurrent observers lose no counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/prom.h"
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HD_HISTOGRAM(lat, "hd_test_latency_seconds", "Test latency.",
	     hd_prom_latency_us, "method", "outcome")
HD_HISTOGRAM(sizes, "hd_test_batch_jobs", "Test batch sizes.", hd_prom_pow2,
	     "store")
HD_COUNTER_VEC(hits, "hd_test_hits_total", "Test hits.", "kind")
HD_COUNTER_VEC(wide, "hd_test_wide_total", "Test table overflow.", "id")
HD_COUNTER_VEC(texts, "hd_test_texts_total", "Test label values.", "text")
HD_COUNTER_VEC(busy, "hd_test_busy_total", "Test concurrency.", "worker")
HD_HISTOGRAM(unused, "hd_test_unused_seconds", "Never observed.",
	     hd_prom_latency_us, "x")

/* n copies of s into out (room for them and a NUL). */
static void repeat(char *out, const char *s, int n)
{
	size_t len = strlen(s);
	for (int i = 0; i < n; i++)
		memcpy(out + (size_t)i * len, s, len);
	out[(size_t)n * len] = '\0';
}

static char *render(void)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)16 << 20);
	assert_hd_ok(hd_prom_render(&b));
	size_t len;
	return hd_buf_detach(&b, &len);
}

/* The value of the sample whose text before the space is exactly series;
 * fails the test when it is missing. */
static double sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; (p = strstr(p, series)); p += n) {
		int line_start = p == text || p[-1] == '\n';
		if (line_start && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	}
	fail_msg("no sample %s in:\n%s", series, text);
	return -1;
}

static void test_histogram_buckets_are_inclusive_and_cumulative(void **state)
{
	(void)state;
	const char *get_ok[] = {"tickets.get", "OK"};
	/* 100 µs lands in le=0.0001 (inclusive), 101 µs in le=0.00025. */
	hd_prom_observe(&lat, get_ok, 100);
	hd_prom_observe(&lat, get_ok, 101);
	hd_prom_observe(&lat, get_ok, 3000000);  /* 3 s → le=5 */
	hd_prom_observe(&lat, get_ok, 60000000); /* 60 s → +Inf only */
	const char *write_err[] = {"tickets.write", "INVALID"};
	hd_prom_observe(&lat, write_err, 700);
	char *t = render();
	assert_non_null(
		strstr(t, "# TYPE hd_test_latency_seconds histogram\n"));
	const char *pre =
		"hd_test_latency_seconds_bucket{method=\"tickets.get\","
		"outcome=\"OK\",le=";
	char s[256];
	struct {
		const char *le;
		double want;
	} rows[] = {{"0.0001", 1}, {"0.00025", 2}, {"2.5", 2},
		    {"5", 3},      {"10", 3},      {"+Inf", 4}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(s, sizeof s, "%s\"%s\"}", pre, rows[i].le);
		assert_true(sample(t, s) == rows[i].want);
	}
	assert_true(sample(t, "hd_test_latency_seconds_count{method=\"tickets."
			      "get\",outcome=\"OK\"}") == 4);
	double sum = sample(t, "hd_test_latency_seconds_sum{method=\"tickets."
			       "get\",outcome=\"OK\"}");
	assert_true(sum > 63.0001 && sum < 63.0003); /* 63000201 µs */
	assert_true(sample(t, "hd_test_latency_seconds_count{method=\"tickets."
			      "write\",outcome=\"INVALID\"}") == 1);
	/* A family nobody observed is left out rather than rendered empty. */
	assert_null(strstr(t, "hd_test_unused_seconds"));
	free(t);
}

static void test_pow2_buckets_count_batch_sizes(void **state)
{
	(void)state;
	const char *st[] = {"intake"};
	hd_prom_observe(&sizes, st, 1);
	hd_prom_observe(&sizes, st, 3);
	hd_prom_observe(&sizes, st, 4096);
	hd_prom_observe(&sizes, st, 5000);
	char *t = render();
	assert_true(sample(t, "hd_test_batch_jobs_bucket{store=\"intake\","
			      "le=\"1\"}") == 1);
	assert_true(sample(t, "hd_test_batch_jobs_bucket{store=\"intake\","
			      "le=\"4\"}") == 2);
	assert_true(sample(t, "hd_test_batch_jobs_bucket{store=\"intake\","
			      "le=\"4096\"}") == 3);
	assert_true(sample(t, "hd_test_batch_jobs_sum{store=\"intake\"}") ==
		    9100);
	free(t);
}

static void test_counter_vec_keeps_label_sets_apart(void **state)
{
	(void)state;
	const char *a[] = {"store_commit"}, *b[] = {"bus_apply"};
	hd_prom_observe(&hits, a, 2);
	hd_prom_observe(&hits, b, 1);
	hd_prom_observe(&hits, a, 5);
	const char *none[] = {NULL};
	hd_prom_observe(&hits, none, 1); /* NULL reads as "" */
	char *t = render();
	assert_non_null(strstr(t, "# TYPE hd_test_hits_total counter\n"));
	assert_true(sample(t, "hd_test_hits_total{kind=\"store_commit\"}") ==
		    7);
	assert_true(sample(t, "hd_test_hits_total{kind=\"bus_apply\"}") == 1);
	assert_true(sample(t, "hd_test_hits_total{kind=\"\"}") == 1);
	free(t);
}

static void test_label_values_are_escaped_and_cut_on_utf8(void **state)
{
	(void)state;
	const char *quoted[] = {"a\"b\\c\nd"};
	hd_prom_observe(&texts, quoted, 1);
	/* 60 three-byte Hangul syllables (180 bytes): longer than the key. */
	char korean[200];
	repeat(korean, "한", 60);
	const char *long_ko[] = {korean};
	hd_prom_observe(&texts, long_ko, 1);
	hd_prom_observe(&texts, long_ko, 1); /* the same (cut) series */
	char *t = render();
	assert_true(
		sample(t, "hd_test_texts_total{text=\"a\\\"b\\\\c\\nd\"}") ==
		1);
	/* Cut to whole syllables: 159 bytes of room → 53 syllables. */
	char ko[200], want[256];
	repeat(ko, "한", 53);
	snprintf(want, sizeof want, "hd_test_texts_total{text=\"%s\"}", ko);
	assert_true(sample(t, want) == 2);
	free(t);
}

static void test_full_table_folds_into_other(void **state)
{
	(void)state;
	char id[32];
	const char *v[] = {id};
	for (int i = 0; i < HD_PROM_MAX_SERIES + 50; i++) {
		snprintf(id, sizeof id, "route-%d", i);
		hd_prom_observe(&wide, v, 1);
	}
	char *t = render();
	int series = 0;
	double total = 0;
	for (const char *p = t; (p = strstr(p, "\nhd_test_wide_total{")); p++) {
		series++;
		total += strtod(strchr(p, '}') + 2, NULL);
	}
	/* Every slot used, none lost: the last one holds the 51 extra. */
	assert_int_equal(series, HD_PROM_MAX_SERIES);
	assert_true(total == HD_PROM_MAX_SERIES + 50);
	assert_true(sample(t, "hd_test_wide_total{id=\"other\"}") == 51);
	free(t);
}

#define THREADS 4
#define ROUNDS  20000

static void *observer(void *arg)
{
	char name[16];
	const char *v[] = {name};
	for (int i = 0; i < ROUNDS; i++) {
		/* Every thread races to claim the same eight slots. */
		snprintf(name, sizeof name, "w%d",
			 (i + (int)(intptr_t)arg) % 8);
		hd_prom_observe(&busy, v, 1);
	}
	return NULL;
}

static void test_concurrent_observers_lose_nothing(void **state)
{
	(void)state;
	pthread_t th[THREADS];
	for (intptr_t i = 0; i < THREADS; i++)
		assert_int_equal(
			pthread_create(&th[i], NULL, observer, (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	char *t = render();
	char s[64];
	for (int w = 0; w < 8; w++) {
		snprintf(s, sizeof s, "hd_test_busy_total{worker=\"w%d\"}", w);
		assert_true(sample(t, s) == THREADS * ROUNDS / 8);
	}
	free(t);
}

static void test_errors_family_counts_by_kind(void **state)
{
	(void)state;
	hd_prom_error("store_full");
	hd_prom_error("store_full");
	char *t = render();
	assert_true(sample(t, "hd_errors_total{kind=\"store_full\"}") == 2);
	free(t);
}

/* A collector appends unchecked; a failure in its middle is not lost: the
 * render returns the buffer's sticky error, and no later sample is written
 * after the missing one. */
static void big_collector(void *arg, hd_buf *out)
{
	(void)arg;
	hd_buf_puts(out, "# a collector's family\n");
	for (int i = 0; i < 64; i++)
		hd_buf_puts(out, "hd_big_sample_with_a_long_name 1\n");
	hd_buf_puts(out, "hd_after 1\n");
}

static void test_collector_failure_is_reported(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 1 << 20);
	assert_hd_ok(hd_prom_render(&b));
	size_t base = b.len;
	hd_buf_release(&b);
	hd_buf_init(&b, base + 200);
	assert_hd_ok(hd_prom_add_collector(big_collector, NULL));
	assert_hd_rc(hd_prom_render(&b), HD_E_TOOBIG);
	assert_null(strstr(b.data, "hd_after"));
	hd_prom_clear_collectors();
	hd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_histogram_buckets_are_inclusive_and_cumulative),
		cmocka_unit_test(test_pow2_buckets_count_batch_sizes),
		cmocka_unit_test(test_counter_vec_keeps_label_sets_apart),
		cmocka_unit_test(test_label_values_are_escaped_and_cut_on_utf8),
		cmocka_unit_test(test_full_table_folds_into_other),
		cmocka_unit_test(test_concurrent_observers_lose_nothing),
		cmocka_unit_test(test_errors_family_counts_by_kind),
		cmocka_unit_test(test_collector_failure_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
