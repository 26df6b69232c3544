/* intake's posting-list sets (services/intake/search_sets.c) on a real LMDB
 * store: reading a list, leapfrogging one to keep or drop ids (runs, gaps,
 * the list's ends, a neighbouring list with a longer prefix), and the set
 * algebra, each against a brute-force answer for random sets (seeded,
 * printed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "search_sets.h"
#include "hd/err.h"
#include "unit_svc.h"

#define MAXID 4000

static const char *const dbs[] = {"post", NULL};

typedef struct fixture {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	MDB_dbi dbi;
	unsigned char in_a[MAXID], in_b[MAXID]; /* list "a" and "ab" */
} fixture;

static size_t key(uint8_t *out, const char *list, uint64_t id, int tail)
{
	size_t n = strlen(list);
	memcpy(out, list, n);
	out[n] = 0;
	hd_key_u64(out + n + 1, id);
	for (int i = 0; i < tail; i++)
		out[n + 9 + i] = (uint8_t)i;
	return n + 9 + (size_t)tail;
}

static int put_lists(hd_txn *t, void *arg)
{
	fixture *f = arg;
	uint8_t k[64];
	for (uint64_t id = 0; id < MAXID; id++) {
		if (f->in_a[id])
			hd_txn_put(t, f->dbi, k, key(k, "a", id, 0), "", 0);
		if (f->in_b[id]) /* a longer token right after "a" */
			hd_txn_put(t, f->dbi, k, key(k, "ab", id, 0), "", 0);
	}
	return t->rc;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_srand();
	unit_store_open(&f->u, (const char *const *const[]){dbs, NULL}, NULL);
	assert_hd_ok(hd_store_dbi(f->u.store, "post", &f->dbi));
	for (int id = 0; id < MAXID; id++) {
		/* dense runs and long gaps */
		int band = (id / 200) % 3;
		f->in_a[id] = band == 0   ? rand() % 10 < 9
			      : band == 1 ? rand() % 50 == 0
					  : 0;
		f->in_b[id] = rand() % 3 == 0;
	}
	assert_hd_ok(hd_store_write(f->u.store, put_lists, f));
	*state = f;
	return 0;
}

static void random_set(idset *s, int pct)
{
	for (uint64_t id = 0; id < MAXID + 50; id++)
		if (rand() % 100 < pct)
			assert_hd_ok(idset_push(s, id, (double)(rand() % 3)));
}

static void test_read_is_the_list_in_order(void **state)
{
	fixture *f = *state;
	hd_txn t;
	idset s = {0};
	uint8_t pre[2] = {'a', 0};
	assert_hd_ok(hd_store_read(f->u.store, &t));
	assert_hd_ok(idset_read(&t, f->dbi, pre, 2, 0, &s));
	hd_txn_end(&t);
	size_t j = 0;
	for (uint64_t id = 0; id < MAXID; id++)
		if (f->in_a[id]) {
			assert_true(j < s.n);
			assert_int_equal(s.v[j++].id, id);
		}
	assert_int_equal(j, s.n);
	idset_release(&s);
}

static void test_filter_equals_brute_force(void **state)
{
	fixture *f = *state;
	uint8_t pre[2] = {'a', 0};
	for (int round = 0; round < 40; round++) {
		for (int keep = 0; keep < 2; keep++) {
			idset s = {0};
			hd_txn t;
			random_set(&s, 1 + rand() % 60);
			size_t n0 = s.n;
			uint64_t *before = malloc((n0 + 1) * sizeof *before);
			for (size_t i = 0; i < n0; i++)
				before[i] = s.v[i].id;
			assert_hd_ok(hd_store_read(f->u.store, &t));
			assert_hd_ok(
				idset_filter(&t, f->dbi, pre, 2, 0, keep, &s));
			hd_txn_end(&t);
			size_t j = 0;
			for (size_t i = 0; i < n0; i++) {
				uint64_t id = before[i];
				int in = id < MAXID && f->in_a[id];
				if (in == keep) {
					assert_true(j < s.n);
					assert_int_equal(s.v[j++].id, id);
				}
			}
			assert_int_equal(j, s.n);
			free(before);
			idset_release(&s);
		}
	}
}

static void test_algebra_equals_brute_force(void **state)
{
	(void)state;
	for (int round = 0; round < 50; round++) {
		idset a = {0}, b = {0}, x = {0}, y = {0}, z = {0};
		random_set(&a, rand() % 80);
		random_set(&b, rand() % 80);
		/* duplicates and disorder: normalize keeps the best score */
		random_set(&a, 5);
		idset_normalize(&a);
		idset_normalize(&b);
		for (size_t i = 1; i < a.n; i++)
			assert_true(a.v[i - 1].id < a.v[i].id);
		double sa[MAXID + 50] = {0}, sb[MAXID + 50] = {0};
		unsigned char ia[MAXID + 50] = {0}, ib[MAXID + 50] = {0};
		for (size_t i = 0; i < a.n; i++)
			ia[a.v[i].id] = 1, sa[a.v[i].id] = a.v[i].score;
		for (size_t i = 0; i < b.n; i++)
			ib[b.v[i].id] = 1, sb[b.v[i].id] = b.v[i].score;
		for (size_t i = 0; i < a.n; i++) {
			assert_hd_ok(idset_push(&x, a.v[i].id, a.v[i].score));
			assert_hd_ok(idset_push(&y, a.v[i].id, a.v[i].score));
			assert_hd_ok(idset_push(&z, a.v[i].id, a.v[i].score));
		}
		idset_and(&x, &b);
		idset_not(&y, &b);
		assert_hd_ok(idset_or(&z, &b));
		size_t nx = 0, ny = 0, nz = 0;
		for (uint64_t id = 0; id < MAXID + 50; id++) {
			if (ia[id] && ib[id]) {
				assert_int_equal(x.v[nx].id, id);
				assert_true(x.v[nx++].score == sa[id] + sb[id]);
			}
			if (ia[id] && !ib[id])
				assert_int_equal(y.v[ny++].id, id);
			if (ia[id] || ib[id]) {
				double best = !ib[id]           ? sa[id]
					      : !ia[id]         ? sb[id]
					      : sa[id] > sb[id] ? sa[id]
								: sb[id];
				assert_int_equal(z.v[nz].id, id);
				assert_true(z.v[nz++].score == best);
			}
		}
		assert_int_equal(nx, x.n);
		assert_int_equal(ny, y.n);
		assert_int_equal(nz, z.n);
		idset_release(&a);
		idset_release(&b);
		idset_release(&x);
		idset_release(&y);
		idset_release(&z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_is_the_list_in_order,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_filter_equals_brute_force,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_algebra_equals_brute_force,
						setup, unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
