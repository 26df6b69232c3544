/* hd_txn_rewrite_pb (common/store_upgrade.c), the one walk that writes
 * into the table it walks: what the callback returns is stored under the
 * same key and counted, NULL keeps the record, and an error aborts the
 * walk, fails the transaction and leaves the table as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/store_pb.h"
#include "hd/store_upgrade.h"
#include "unit_db.h"
#include "user.pb-c.h"

#include <stdlib.h>

typedef struct fx {
	unit_db db; /* first: unit_db_teardown frees the fixture */
	MDB_dbi dbi;
	uint64_t fail_at; /* the record whose callback fails; 0: none */
	uint64_t rewritten;
} fx;

static int setup(void **state)
{
	static const char *const dbs[] = {"recs", NULL};
	fx *f = unit_db_new(sizeof *f, "db");
	assert_non_null(f);
	assert_hd_ok(unit_db_open(&f->db, (hd_store_opts){.dbs = dbs}));
	assert_hd_ok(hd_store_dbi(f->db.s, "recs", &f->dbi));
	*state = f;
	return 0;
}

static int put_three(hd_txn *t, void *arg)
{
	fx *f = arg;
	for (uint64_t id = 1; id <= 3; id++) {
		Hd__IdRequest m = HD__ID_REQUEST__INIT;
		m.id = id;
		hd_txn_put_pb_id(t, f->dbi, id, &m);
	}
	return t->rc;
}

/* Even ids become id * 10; odd ones are kept; fail_at fails. */
static int tenfold_evens(void *arg, const MDB_val *k, const MDB_val *v,
			 ProtobufCMessage **out)
{
	const fx *f = arg;
	(void)k;
	Hd__IdRequest *m = hd__id_request__unpack(NULL, v->mv_size, v->mv_data);
	if (!m)
		return HD_E_CORRUPT;
	if (m->id == f->fail_at) {
		hd__id_request__free_unpacked(m, NULL);
		return HD_E_INVALID;
	}
	if (m->id % 2) {
		hd__id_request__free_unpacked(m, NULL);
		return HD_OK;
	}
	m->id *= 10;
	*out = &m->base;
	return HD_OK;
}

static int rewrite(hd_txn *t, void *arg)
{
	fx *f = arg;
	return hd_txn_rewrite_pb(t, f->dbi, tenfold_evens, f, &f->rewritten);
}

static uint64_t stored(fx *f, uint64_t key)
{
	hd_txn t;
	Hd__IdRequest *m = NULL;
	assert_hd_ok(hd_store_read(f->db.s, &t));
	assert_hd_ok(hd_txn_get_pb_id(
		&t, f->dbi, key, &hd__id_request__descriptor, (void **)&m));
	hd_txn_end(&t);
	uint64_t id = m->id;
	hd__id_request__free_unpacked(m, NULL);
	return id;
}

static void test_rewrites_what_the_callback_returns(void **state)
{
	fx *f = *state;
	assert_hd_ok(hd_store_write(f->db.s, put_three, f));
	assert_hd_ok(hd_store_write(f->db.s, rewrite, f));
	assert_int_equal(f->rewritten, 1);
	assert_int_equal(stored(f, 1), 1);
	assert_int_equal(stored(f, 2), 20);
	assert_int_equal(stored(f, 3), 3);
}

static void test_an_error_aborts_and_keeps_the_table(void **state)
{
	fx *f = *state;
	assert_hd_ok(hd_store_write(f->db.s, put_three, f));
	f->fail_at = 3; /* after record 2 was rewritten in the same walk */
	assert_int_equal(hd_store_write(f->db.s, rewrite, f), HD_E_INVALID);
	assert_int_equal(stored(f, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_rewrites_what_the_callback_returns, setup,
			unit_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_an_error_aborts_and_keeps_the_table, setup,
			unit_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
