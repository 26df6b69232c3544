/* Unit tests for the store's operational figures (common/store.c,
 * common/obs_collect.c): map size, used bytes and bytes on disk from a real
 * LMDB file, and the group-commit histograms after real commits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/prom.h"
#include "hd/store.h"
#include "unit_db.h"

#include <pthread.h>
#include <string.h>

static const char *const dbs[] = {"kv", NULL};

typedef struct fixture {
	unit_db db; /* first: unit_db_teardown frees the fixture */
	MDB_dbi kv;
} fixture;

static int setup(void **state)
{
	fixture *f = unit_db_new(sizeof *f, "obs-0");
	if (!f)
		return -1;
	hd_store_opts o = {.dbs = dbs,
			   .map_size = (size_t)8 << 20,
			   .map_max = (size_t)64 << 20,
			   .source = "obs"};
	if (unit_db_open(&f->db, o) || hd_store_dbi(f->db.s, "kv", &f->kv))
		return -1;
	*state = f;
	return 0;
}

typedef struct put_arg {
	fixture *f;
	uint64_t key;
	size_t size;
} put_arg;

static int put_blob(hd_txn *t, void *arg)
{
	put_arg *a = arg;
	uint8_t k[8];
	hd_key_u64(k, a->key);
	char *v = calloc(1, a->size);
	if (!v)
		return HD_E_NOMEM;
	memset(v, 'x', a->size);
	hd_txn_put(t, a->f->kv, k, 8, v, a->size);
	free(v);
	hd_txn_emit(t, "obs.put", k, 8, NULL);
	return t->rc;
}

static void test_stats_follow_the_data(void **state)
{
	fixture *f = *state;
	hd_store_stats before, after;
	assert_hd_ok(hd_store_stats_get(f->db.s, &before));
	assert_int_equal(before.map_bytes, (uint64_t)8 << 20);
	assert_true(before.used_bytes > 0);
	assert_true(before.used_bytes <= before.map_bytes);
	for (uint64_t i = 0; i < 64; i++) {
		put_arg a = {f, i, 16 * 1024};
		assert_hd_ok(hd_store_write(f->db.s, put_blob, &a));
	}
	assert_hd_ok(hd_store_stats_get(f->db.s, &after));
	/* 1 MiB of values: the high-water mark and the file grew by it. */
	assert_true(after.used_bytes >=
		    before.used_bytes + ((uint64_t)1 << 20));
	assert_true(after.disk_bytes >= ((uint64_t)1 << 20));
	assert_int_equal(after.map_bytes, (uint64_t)8 << 20);
}

static void test_map_growth_shows_in_map_bytes(void **state)
{
	fixture *f = *state;
	/* Past three quarters of the 8 MiB map the writer doubles it. */
	for (uint64_t i = 0; i < 8; i++) {
		put_arg a = {f, 1000 + i, 1024 * 1024};
		assert_hd_ok(hd_store_write(f->db.s, put_blob, &a));
	}
	hd_store_stats st;
	assert_hd_ok(hd_store_stats_get(f->db.s, &st));
	assert_true(st.map_bytes >= (uint64_t)16 << 20);
	assert_true(st.used_bytes <= st.map_bytes);
}

static void *writer(void *arg)
{
	fixture *f = arg;
	for (uint64_t i = 0; i < 50; i++) {
		put_arg a = {f, (uint64_t)pthread_self() ^ i, 64};
		if (hd_store_write(f->db.s, put_blob, &a))
			return (void *)1;
	}
	return NULL;
}

/* The histogram counts whole commits; its jobs sum counts every write. */
static void test_commit_histograms_count_every_job(void **state)
{
	fixture *f = *state;
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, writer, f), 0);
	for (int i = 0; i < 4; i++) {
		void *rc = NULL;
		pthread_join(th[i], &rc);
		assert_null(rc);
	}
	hd_buf b;
	hd_buf_init(&b, (size_t)4 << 20);
	assert_hd_ok(hd_prom_render(&b));
	const char *jobs = strstr(b.data, "\nhd_store_commit_batch_jobs_sum{"
					  "store=\"obs\"} ");
	const char *commits = strstr(b.data, "\nhd_store_commit_duration_"
					     "seconds_count{store=\"obs\"} ");
	assert_non_null(jobs);
	assert_non_null(commits);
	double njobs = strtod(strchr(jobs, '}') + 2, NULL);
	double ncommits = strtod(strchr(commits, '}') + 2, NULL);
	/* Earlier tests in this binary ran in their own stores under the same
	 * label, so at least these 200 writes; commits never exceed jobs. */
	assert_true(njobs >= 200);
	assert_true(ncommits >= 1 && ncommits <= njobs);
	hd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stats_follow_the_data,
						setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_map_growth_shows_in_map_bytes, setup,
			unit_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_commit_histograms_count_every_job, setup,
			unit_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
