/* Unit tests for the range walks (common/store_iter.c) on a real LMDB store
 * in a fresh scratch directory: prefix bounds (including 0xff bytes and the
 * table's end), the empty prefix, starting keys both ways, early stop,
 * error propagation, deleting while walking, and hd_txn_scan_pb's single
 * ownership rule — also with the N-th allocation failing, swept over every
 * N (the Makefile wraps malloc & co. and links protobuf-c statically so its
 * allocations fail too). HD_ASSERT stops API misuse in this debug build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/store.h"
#include "hd/store_iter.h"
#include "hd/store_pb.h"
#include "macros.pb-c.h"
#include "unit_db.h"

#include <stdatomic.h>

/* ---- the failing allocator ---- */

#include "unit_alloc_fail.h"

/* ---- fixture: one store, table "t" ---- */

static const char *const dbs[] = {"t", NULL};

typedef struct fixture {
	unit_db db; /* first: unit_db_teardown frees the fixture */
	MDB_dbi t;
} fixture;

static int setup(void **state)
{
	fixture *f = unit_db_new(sizeof *f, "db");
	if (!f)
		return -1;
	if (unit_db_open(&f->db, (hd_store_opts){.dbs = dbs}) ||
	    hd_store_dbi(f->db.s, "t", &f->t))
		return -1;
	*state = f;
	return 0;
}

/* Keys are written as strings with \xNN escapes; values are the key. */
typedef struct kv {
	const char *k;
	size_t len;
} kv;
#define KV(s)                                                                  \
	{                                                                      \
		s, sizeof s - 1                                                \
	}

/* Key order: "" < "a" < "ab" < "ab\0" < "ab\x01" … < "ab\xff" < "ab\xff\xff"
 * < "ac" < "b" < "\xff" < "\xff\xff". */
static const kv keys[] = {
	KV("a"),          KV("ab"), KV("ab\x00"), KV("ab\x02"), KV("ab\xff"),
	KV("ab\xff\xff"), KV("ac"), KV("b"),      KV("\xff"),   KV("\xff\xff"),
};
#define NKEYS (sizeof keys / sizeof keys[0])

static int put_keys(hd_txn *t, void *arg)
{
	fixture *f = arg;
	for (size_t i = 0; i < NKEYS; i++)
		hd_txn_put(t, f->t, keys[i].k, keys[i].len, keys[i].k,
			   keys[i].len);
	return t->rc;
}

/* What a walk saw: the index in keys[] of each key, in visiting order. */
typedef struct seen {
	size_t idx[64];
	size_t n;
	size_t stop_after; /* 0: never */
	int fail_with;     /* returned at stop_after instead of HD_STOP */
} seen;

static int record(void *arg, const MDB_val *k, const MDB_val *v)
{
	seen *s = arg;
	size_t i = 0;
	while (i < NKEYS && (keys[i].len != k->mv_size ||
			     memcmp(keys[i].k, k->mv_data, k->mv_size)))
		i++;
	assert_true(i < NKEYS);
	assert_memory_equal(v->mv_data, keys[i].k, keys[i].len);
	s->idx[s->n++] = i;
	if (s->stop_after && s->n == s->stop_after)
		return s->fail_with ? s->fail_with : HD_STOP;
	return HD_OK;
}

/* Walk and compare with the expected keys[] indexes (-1 ends the list). */
static void walk(fixture *f, const char *p, size_t plen, const char *from,
		 size_t flen, bool rev, const int *want)
{
	hd_txn t;
	seen s = {0};
	assert_hd_ok(hd_store_read(f->db.s, &t));
	assert_hd_ok(hd_txn_foreach_from(&t, f->t, p, plen, from, flen, rev,
					 record, &s));
	hd_txn_end(&t);
	size_t n = 0;
	while (want[n] >= 0)
		n++;
	if (s.n != n)
		fail_msg("prefix of %zu bytes%s: saw %zu keys, want %zu", plen,
			 rev ? " (reverse)" : "", s.n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s.idx[i], want[i]);
}

static void test_prefix_bounds(void **state)
{
	fixture *f = *state;
	assert_hd_ok(hd_store_write(f->db.s, put_keys, f));
	/* "ab" holds ab, ab\0, ab\x02, ab\xff, ab\xff\xff — not "a", "ac". */
	walk(f, "ab", 2, NULL, 0, false, (const int[]){1, 2, 3, 4, 5, -1});
	walk(f, "ab", 2, NULL, 0, true, (const int[]){5, 4, 3, 2, 1, -1});
	/* A prefix ending in 0xff: its end is "ac", found by carrying. */
	walk(f, "ab\xff", 3, NULL, 0, true, (const int[]){5, 4, -1});
	walk(f, "ab\xff", 3, NULL, 0, false, (const int[]){4, 5, -1});
	/* All 0xff: the prefix runs to the table's end. */
	walk(f, "\xff", 1, NULL, 0, true, (const int[]){9, 8, -1});
	walk(f, "\xff", 1, NULL, 0, false, (const int[]){8, 9, -1});
	/* A prefix that is itself a whole key, and one nothing has. */
	walk(f, "b", 1, NULL, 0, false, (const int[]){7, -1});
	walk(f, "b", 1, NULL, 0, true, (const int[]){7, -1});
	walk(f, "aa", 2, NULL, 0, false, (const int[]){-1});
	walk(f, "aa", 2, NULL, 0, true, (const int[]){-1});
	walk(f, "zz", 2, NULL, 0, true, (const int[]){-1});
}

static void test_empty_prefix(void **state)
{
	fixture *f = *state;
	/* An empty table: nothing, HD_OK. */
	walk(f, NULL, 0, NULL, 0, false, (const int[]){-1});
	walk(f, NULL, 0, NULL, 0, true, (const int[]){-1});
	assert_hd_ok(hd_store_write(f->db.s, put_keys, f));
	walk(f, NULL, 0, NULL, 0, false,
	     (const int[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1});
	walk(f, NULL, 0, NULL, 0, true,
	     (const int[]){9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1});
	walk(f, "", 0, NULL, 0, false,
	     (const int[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1});
}

static void test_from(void **state)
{
	fixture *f = *state;
	assert_hd_ok(hd_store_write(f->db.s, put_keys, f));
	/* Between keys: forward from the next, reverse from the previous. */
	walk(f, "ab", 2, "ab\x01", 3, false, (const int[]){3, 4, 5, -1});
	walk(f, "ab", 2, "ab\x01", 3, true, (const int[]){2, 1, -1});
	/* On a key: included both ways. */
	walk(f, "ab", 2, "ab\x02", 3, false, (const int[]){3, 4, 5, -1});
	walk(f, "ab", 2, "ab\x02", 3, true, (const int[]){3, 2, 1, -1});
	/* Before the prefix's range: forward starts at its first key,
	 * reverse finds nothing. */
	walk(f, "ab", 2, "a", 1, false, (const int[]){1, 2, 3, 4, 5, -1});
	walk(f, "ab", 2, "a", 1, true, (const int[]){-1});
	/* After it: reverse starts at its last key, forward finds nothing. */
	walk(f, "ab", 2, "b", 1, true, (const int[]){5, 4, 3, 2, 1, -1});
	walk(f, "ab", 2, "b", 1, false, (const int[]){-1});
	/* Past the table's last key. */
	walk(f, NULL, 0, "\xff\xff\xff", 3, true,
	     (const int[]){9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1});
	walk(f, NULL, 0, "\xff\xff\xff", 3, false, (const int[]){-1});
}

static void test_stop_and_errors(void **state)
{
	fixture *f = *state;
	assert_hd_ok(hd_store_write(f->db.s, put_keys, f));
	hd_txn t;
	assert_hd_ok(hd_store_read(f->db.s, &t));
	seen s = {.stop_after = 2};
	assert_hd_ok(hd_txn_foreach(&t, f->t, "ab", 2, record, &s));
	assert_int_equal(s.n, 2);
	/* fn's error comes back unchanged and is not made sticky. */
	s = (seen){.stop_after = 3, .fail_with = HD_E_CONFLICT};
	assert_hd_rc(hd_txn_foreach_rev(&t, f->t, NULL, 0, record, &s),
		     HD_E_CONFLICT);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.idx[2], 7);
	assert_hd_ok(t.rc);
	/* A transaction that already failed calls nothing. */
	hd_txn_fail(&t, HD_E_IO);
	s = (seen){0};
	assert_hd_rc(hd_txn_foreach(&t, f->t, NULL, 0, record, &s), HD_E_IO);
	assert_int_equal(s.n, 0);
	hd_txn_end(&t);
}

static void test_first(void **state)
{
	fixture *f = *state;
	hd_txn t;
	MDB_val k, v;
	assert_hd_ok(hd_store_read(f->db.s, &t));
	assert_hd_rc(hd_txn_first(&t, f->t, NULL, 0, NULL, 0, false, &k, &v),
		     HD_E_NOTFOUND);
	assert_hd_ok(t.rc); /* not sticky */
	hd_txn_end(&t);
	assert_hd_ok(hd_store_write(f->db.s, put_keys, f));
	assert_hd_ok(hd_store_read(f->db.s, &t));
	assert_hd_ok(hd_txn_first(&t, f->t, "ab", 2, NULL, 0, true, &k, &v));
	assert_int_equal(k.mv_size, 4);
	assert_memory_equal(k.mv_data, "ab\xff\xff", 4);
	assert_memory_equal(v.mv_data, "ab\xff\xff", 4);
	assert_hd_ok(
		hd_txn_first(&t, f->t, "ab", 2, "ab\x01", 3, false, &k, NULL));
	assert_memory_equal(k.mv_data, "ab\x02", 3);
	assert_hd_rc(
		hd_txn_first(&t, f->t, "aa", 2, NULL, 0, false, NULL, NULL),
		HD_E_NOTFOUND);
	hd_txn_end(&t);
}

/* ---- deleting the visited key while walking ---- */

#define MANY 3000

static int put_many(hd_txn *t, void *arg)
{
	fixture *f = arg;
	uint8_t k[9];
	for (uint64_t i = 0; i < MANY; i++) {
		k[0] = i % 3 ? 'x' : 'y';
		hd_key_u64(k + 1, i);
		hd_txn_put(t, f->t, k, sizeof k, "v", 1);
	}
	return t->rc;
}

typedef struct sweep {
	fixture *f;
	hd_txn *t;
	uint64_t seen, last;
} sweep;

static int del_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	sweep *s = arg;
	uint64_t id = hd_key_get_u64((const uint8_t *)k->mv_data + 1);
	if (s->seen)
		assert_true(id > s->last);
	s->last = id;
	s->seen++;
	return hd_txn_del(s->t, s->f->t, k->mv_data, k->mv_size);
}

static int sweep_x(hd_txn *t, void *arg)
{
	sweep *s = arg;
	s->t = t;
	return hd_txn_foreach(t, s->f->t, "x", 1, del_one, s);
}

static int count_key(void *arg, const MDB_val *k, const MDB_val *v)
{
	(*(uint64_t *)arg)++;
	return HD_OK;
}

static void test_delete_while_walking(void **state)
{
	fixture *f = *state;
	assert_hd_ok(hd_store_write(f->db.s, put_many, f));
	sweep s = {.f = f};
	assert_hd_ok(hd_store_write(f->db.s, sweep_x, &s));
	assert_int_equal(s.seen, MANY - (MANY + 2) / 3);
	hd_txn t;
	uint64_t x = 0, y = 0;
	assert_hd_ok(hd_store_read(f->db.s, &t));
	assert_hd_ok(hd_txn_foreach(&t, f->t, "x", 1, count_key, &x));
	assert_hd_ok(hd_txn_foreach(&t, f->t, "y", 1, count_key, &y));
	hd_txn_end(&t);
	assert_int_equal(x, 0);
	assert_int_equal(y, (MANY + 2) / 3);
}

/* ---- hd_txn_scan_pb ---- */

#define RECORDS 40

typedef struct pb_put {
	fixture *f;
	int corrupt_at; /* -1: none */
} pb_put;

static int put_macros(hd_txn *t, void *arg)
{
	pb_put *p = arg;
	uint8_t k[9] = {'m'};
	for (int i = 0; i < RECORDS; i++) {
		Hd__Macro m = HD__MACRO__INIT;
		char title[32];
		snprintf(title, sizeof title, "매크로 %d", i);
		m.id = (uint64_t)i;
		m.title = title;
		m.active = i % 2 == 0;
		hd_key_u64(k + 1, (uint64_t)i);
		if (i == p->corrupt_at)
			hd_txn_put(t, p->f->t, k, sizeof k, "\xff\xff\xff", 3);
		else
			hd_txn_put_pb(t, p->f->t, k, sizeof k, &m);
	}
	/* Neighbours outside the prefix, one of them undecodable. */
	hd_txn_put(t, p->f->t, "l", 1, "\xff\xff\xff", 3);
	hd_txn_put(t, p->f->t, "n", 1, "\xff\xff\xff", 3);
	return t->rc;
}

static bool active(const void *msg, const void *arg)
{
	(void)arg;
	return ((const Hd__Macro *)msg)->active;
}

static int scan(fixture *f, hd_pb_keep_fn keep, void ***items, size_t *n)
{
	hd_txn t;
	assert_hd_ok(hd_store_read(f->db.s, &t));
	*items = (void **)&t; /* must be overwritten */
	*n = 99;
	int rc = hd_txn_scan_pb(&t, f->t, "m", 1, &hd__macro__descriptor, keep,
				NULL, items, n);
	hd_txn_end(&t);
	return rc;
}

static void test_scan_pb(void **state)
{
	fixture *f = *state;
	void **items;
	size_t n;
	assert_hd_ok(scan(f, NULL, &items, &n));
	assert_null(items);
	assert_int_equal(n, 0);

	pb_put p = {f, -1};
	assert_hd_ok(hd_store_write(f->db.s, put_macros, &p));
	assert_hd_ok(scan(f, NULL, &items, &n));
	assert_int_equal(n, RECORDS);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(((Hd__Macro *)items[i])->id, i);
	assert_string_equal(((Hd__Macro *)items[7])->title, "매크로 7");
	hd_pb_free_array(items, n);

	assert_hd_ok(scan(f, active, &items, &n));
	assert_int_equal(n, RECORDS / 2);
	assert_int_equal(((Hd__Macro *)items[1])->id, 2);
	hd_pb_free_array(items, n);
	hd_pb_free_array(NULL, 0);
}

static void test_scan_pb_corrupt(void **state)
{
	fixture *f = *state;
	/* Late enough that the array has grown and holds decoded messages:
	 * the helper must free them all (LeakSanitizer checks). */
	pb_put p = {f, RECORDS - 3};
	assert_hd_ok(hd_store_write(f->db.s, put_macros, &p));
	void **items;
	size_t n;
	assert_hd_rc(scan(f, NULL, &items, &n), HD_E_CORRUPT);
	assert_null(items);
	assert_int_equal(n, 0);
	assert_hd_rc(scan(f, active, &items, &n), HD_E_CORRUPT);
	assert_null(items);
}

/* Every allocation of a scan fails in turn: each run ends in HD_OK with
 * every record, or in an error with nothing handed out — never a leak or a
 * crash. With a corrupt record last, the only errors are NOMEM and
 * CORRUPT. */
static void sweep_scan(fixture *f, int want_rc)
{
	long runs = 0, failed = 0;
	for (long at = 1;; at++) {
		hd_txn t;
		void **items = NULL;
		size_t n = 0;
		assert_hd_ok(hd_store_read(f->db.s, &t));
		atomic_store(&made, 0);
		atomic_store(&fail_at, at);
		int rc =
			hd_txn_scan_pb(&t, f->t, "m", 1, &hd__macro__descriptor,
				       NULL, NULL, &items, &n);
		long used = atomic_load(&made);
		atomic_store(&fail_at, 0);
		hd_txn_end(&t);
		runs++;
		if (used < at) { /* nothing failed: the full result */
			assert_hd_rc(rc, want_rc);
			hd_pb_free_array(items, n);
			break;
		}
		if (rc != HD_E_NOMEM)
			fail_msg("allocation %ld failed: got %s", at,
				 hd_errname(rc));
		assert_null(items);
		assert_int_equal(n, 0);
		failed++;
	}
	assert_true(failed > RECORDS); /* the sweep reached the decoding */
	assert_int_equal(runs, failed + 1);
}

static void test_scan_pb_alloc_sweep(void **state)
{
	fixture *f = *state;
	pb_put p = {f, -1};
	assert_hd_ok(hd_store_write(f->db.s, put_macros, &p));
	sweep_scan(f, HD_OK);
	p.corrupt_at = RECORDS - 1;
	assert_hd_ok(hd_store_write(f->db.s, put_macros, &p));
	sweep_scan(f, HD_E_CORRUPT);
}

/* ---- API misuse is a bug: HD_ASSERT stops a debug build ---- */

static void walk_without_fn(void *arg)
{
	fixture *f = arg;
	hd_txn t;
	if (hd_store_read(f->db.s, &t) == HD_OK)
		hd_txn_foreach(&t, f->t, NULL, 0, NULL, NULL);
}

static void test_misuse_asserts(void **state)
{
	assert_true(unit_aborts(walk_without_fn, *state));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prefix_bounds, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_empty_prefix, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_from, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_errors, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_first, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_delete_while_walking,
						setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_scan_pb, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_scan_pb_corrupt, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_scan_pb_alloc_sweep, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_misuse_asserts, setup,
						unit_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
