/* Unit tests for the reports' rollups (services/metrics/mr_keys.c and
 * mr_samples.c) on a real LMDB store in a scratch directory: Seoul day buckets,
 * New York day buckets (another zone, across DST), a late event landing in its
 * own hour, deltas that sum to zero leaving no row, one dimension per scan,
 * nearest-rank percentiles over filtered samples, and the stopword list. The
 * modules are compiled in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mr.h"
#include "hd/err.h"
#include "hd/stopwords.h"
#include "hd/time_iso.h"
#include "unit.h"

/* 2026-03-02 00:00 in Seoul = 2026-03-01T15:00:00Z */
#define D0   ((int64_t)1772377200000)
#define HOUR ((int64_t)3600000)

typedef struct fx {
	char dir[256];
	hd_store *s;
	metrics m;
	mr_state st;
} fx;

static int setup(void **state)
{
	static const char *const dbs[] = {"mr_roll", "mr_samples", NULL};
	fx *f = calloc(1, sizeof *f);
	unit_mkdtemp(f->dir, sizeof f->dir);
	hd_store_opts o = {.dir = f->dir, .dbs = dbs};
	assert_hd_ok(hd_store_open(&f->s, &o));
	f->m.store = f->s;
	f->m.mr = &f->st;
	assert_hd_ok(hd_store_dbi(f->s, "mr_roll", &f->st.roll));
	assert_hd_ok(hd_store_dbi(f->s, "mr_samples", &f->st.samples));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	hd_store_close(f->s);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static void test_buckets(void **state)
{
	(void)state;
	/* 08:59 on Monday in Seoul is still Monday; 2026-03-01T14:59Z is
	 * Sunday 23:59 in Seoul. */
	assert_int_equal(mr_bucket(D0 + 9 * HOUR - 60000, MR_G_DAY), D0);
	assert_int_equal(mr_bucket(D0 - 60000, MR_G_DAY), D0 - 24 * HOUR);
	assert_int_equal(mr_bucket(D0 + 90 * 60000 + 5, MR_G_HOUR), D0 + HOUR);
	assert_int_equal(mr_bucket(D0 + 61001, MR_G_MINUTE), D0 + 60000);
	assert_int_equal(mr_bucket(-1, MR_G_MINUTE), -60000);
	char iso[HD_TIME_ISO_LEN];
	hd_time_iso(D0, iso);
	assert_string_equal(iso, "2026-03-01T15:00:00Z");
}

typedef struct job {
	metrics *m;
	const mr_dims *d;
	int64_t at, delta;
	uint64_t a;
} job;

static int add_job(hd_txn *t, void *arg)
{
	job *j = arg;
	mr_roll_add(j->m, t, MR_CREATED, MR_ALL_GRANS, j->d, j->at, j->a, 0, 0,
		    j->delta);
	return t->rc;
}

typedef struct seen {
	int64_t bucket[8], v[8];
	uint64_t a[8];
	int n;
} seen;

static void collect(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		    uint64_t c, int64_t v)
{
	seen *s = arg;
	if (s->n < 8) {
		s->bucket[s->n] = bucket;
		s->a[s->n] = a;
		s->v[s->n++] = v;
	}
}

static seen scan(fx *f, int gran, const mr_filter *flt)
{
	seen s = {0};
	hd_txn t;
	assert_hd_ok(hd_store_read(f->s, &t));
	assert_hd_ok(mr_roll_scan(&f->m, &t, MR_CREATED, gran, flt,
				  D0 - 48 * HOUR, D0 + 48 * HOUR, collect, &s));
	hd_txn_end(&t);
	return s;
}

/* In America/New_York (HD_ACCOUNT_TIME_ZONE) a day starts at New York's
 * midnight, and 2026-03-08 (DST begins) lasts 23 hours; the rollups' day
 * buckets follow. */
#define NY_MAR7 ((int64_t)1772859600000) /* 2026-03-07T05:00Z, 00:00 EST */
#define NY_MAR8 ((int64_t)1772946000000) /* 2026-03-08T05:00Z, 00:00 EST */
#define NY_MAR9 ((int64_t)1773028800000) /* 2026-03-09T04:00Z, 00:00 EDT */

static void test_day_buckets_follow_the_zone(void **state)
{
	fx *f = *state;
	assert_int_equal(mr_zone_set("Mars/Olympus_Mons"), HD_E_INVALID);
	assert_hd_ok(mr_zone_set("America/New_York"));
	assert_string_equal(mr_zone_name(), "America/New_York");
	/* 2026-03-08T03:00Z is 22:00 on the 7th in New York (07:00 on the
	 * 8th in Seoul, whose day began 2026-03-07T15:00Z). */
	assert_int_equal(mr_bucket(NY_MAR8 - 2 * HOUR, MR_G_DAY), NY_MAR7);
	assert_int_equal(mr_bucket(NY_MAR8 + 7 * HOUR, MR_G_DAY), NY_MAR8);
	assert_int_equal(mr_next_day(NY_MAR8), NY_MAR9);
	assert_int_equal(mr_bucket(NY_MAR9 + HOUR / 2, MR_G_DAY), NY_MAR9);
	assert_int_equal(mr_bucket(NY_MAR9 - 1, MR_G_DAY), NY_MAR8);
	/* Two tickets an hour apart on either side of New York's midnight:
	 * two day rows, at New York midnights. */
	mr_dims d = {.channel = 1};
	job j = {&f->m, &d, NY_MAR8 - HOUR / 2, 1, 1};
	assert_hd_ok(hd_store_write(f->s, add_job, &j));
	j.at = NY_MAR8 + HOUR / 2;
	assert_hd_ok(hd_store_write(f->s, add_job, &j));
	mr_filter all = {.dim = MR_D_ALL};
	seen s = {0};
	hd_txn t;
	assert_hd_ok(hd_store_read(f->s, &t));
	assert_hd_ok(mr_roll_scan(&f->m, &t, MR_CREATED, MR_G_DAY, &all,
				  NY_MAR7, NY_MAR9, collect, &s));
	hd_txn_end(&t);
	assert_hd_ok(mr_zone_set("Asia/Seoul"));
	assert_int_equal(s.n, 2);
	assert_int_equal(s.bucket[0], NY_MAR7);
	assert_int_equal(s.bucket[1], NY_MAR8);
	assert_int_equal(s.v[0], 1);
	assert_int_equal(s.v[1], 1);
}

static void test_rollup_late_and_zero(void **state)
{
	fx *f = *state;
	mr_dims d = {.group = 7,
		     .channel = 3,
		     .ntags = 1,
		     .tags = {mr_hash("배송", strlen("배송"))}};
	job j = {&f->m, &d, D0 + 10 * HOUR + 5, 1, 3};
	assert_hd_ok(hd_store_write(f->s, add_job, &j));
	/* A late event of an earlier hour lands in that hour. */
	j.at = D0 + 2 * HOUR + 59 * 60000;
	assert_hd_ok(hd_store_write(f->s, add_job, &j));
	mr_filter all = {.dim = MR_D_ALL};
	seen s = scan(f, MR_G_HOUR, &all);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.bucket[0], D0 + 2 * HOUR);
	assert_int_equal(s.bucket[1], D0 + 10 * HOUR);
	assert_int_equal(s.a[1], 3);
	s = scan(f, MR_G_DAY, &all);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0], 2);
	/* By tag: the same two; by another group: nothing. */
	mr_filter tag = {.dim = MR_D_TAG, .dval = d.tags[0]};
	assert_int_equal(scan(f, MR_G_MINUTE, &tag).n, 2);
	mr_filter other = {.dim = MR_D_GROUP, .dval = 8};
	assert_int_equal(scan(f, MR_G_DAY, &other).n, 0);
	/* Undoing both leaves no rows at all. */
	j.delta = -1;
	assert_hd_ok(hd_store_write(f->s, add_job, &j));
	j.at = D0 + 10 * HOUR + 5;
	assert_hd_ok(hd_store_write(f->s, add_job, &j));
	assert_int_equal(scan(f, MR_G_DAY, &all).n, 0);
	uint64_t rows = 1;
	assert_hd_ok(hd_store_count(f->s, f->st.roll, &rows));
	assert_int_equal(rows, 0);
}

typedef struct sjob {
	metrics *m;
} sjob;

static int samples_job(hd_txn *t, void *arg)
{
	sjob *j = arg;
	static const uint64_t secs[] = {50, 10, 40, 20, 30};
	for (uint64_t i = 0; i < 5; i++) {
		mr_dims d = {.group = i % 2 ? 1 : 2, .agent = 9, .channel = 1};
		mr_sample_put(j->m, t, MR_S_FIRST_REPLY,
			      D0 + (int64_t)i * 24 * HOUR, 100 + i, secs[i],
			      &d);
	}
	return t->rc;
}

static void test_samples_percentiles(void **state)
{
	fx *f = *state;
	sjob j = {&f->m};
	assert_hd_ok(hd_store_write(f->s, samples_job, &j));
	hd_txn t;
	uint64_t *v = NULL;
	size_t n = 0;
	mr_filter flt = {.start = D0, .end = D0 + 5 * 24 * HOUR};
	assert_hd_ok(hd_store_read(f->s, &t));
	assert_hd_ok(mr_sample_collect(&f->m, &t, MR_S_FIRST_REPLY, &flt, 0, &v,
				       &n));
	assert_int_equal(n, 5);
	assert_int_equal(mr_percentile(v, n, 50), 30);
	assert_int_equal(mr_percentile(v, n, 90), 50);
	free(v);
	/* Group 1 (days 1 and 3: 10 and 20 s) within the first four days. */
	flt.group = 1;
	flt.end = D0 + 4 * 24 * HOUR - 1;
	assert_hd_ok(mr_sample_collect(&f->m, &t, MR_S_FIRST_REPLY, &flt, 0, &v,
				       &n));
	assert_int_equal(n, 2);
	assert_int_equal(v[0], 10);
	assert_int_equal(mr_percentile(v, n, 50), 10);
	assert_int_equal(mr_percentile(v, n, 90), 20);
	free(v);
	hd_txn_end(&t);
	assert_int_equal(mr_percentile(NULL, 0, 50), 0);
}

static void test_stopwords_and_codes(void **state)
{
	(void)state;
	assert_true(hd_is_stopword("세요", strlen("세요")));
	assert_true(hd_is_stopword("the", 3));
	assert_false(hd_is_stopword("배송", strlen("배송")));
	assert_false(hd_is_stopword("th", 2));
	assert_false(hd_is_stopword("these_", 6));
	assert_int_equal(mr_channel_code("voice"), 4);
	assert_string_equal(mr_channel_name(mr_channel_code("팩스")), "other");
	assert_string_equal(mr_status_name(mr_status_code("pending")),
			    "pending");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test_setup_teardown(
			test_day_buckets_follow_the_zone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollup_late_and_zero,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples_percentiles, setup,
						teardown),
		cmocka_unit_test(test_stopwords_and_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
