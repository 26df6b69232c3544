/* Unit tests for a store's identity and format (common/store_meta.c), the
 * stored consumer cursor (common/bus_cursor.c) and held events of unknown
 * types (common/bus_held.c), on real LMDB files in a scratch directory:
 * versions and migrations at open, a newer store refused, incarnations in
 * envelopes and across reopen and restore, the cursor's incarnation rule,
 * and held events replayed once their type is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common.pb-c.h"
#include "hd/bus.h"
#include "hd/bus_held.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/store.h"
#include "hd/store_meta.h"
#include "unit.h"

#include <string.h>
#include <sys/stat.h>

static const char *const dbs[] = {"kv", NULL};

typedef struct fixture {
	char dir[64];
	hd_store *s;
} fixture;

static int open_store(fixture *f)
{
	hd_store_opts o = {.dir = f->dir,
			   .dbs = dbs,
			   .map_size = (size_t)16 << 20,
			   .source = "src",
			   .shard = 1};
	return hd_store_open(&f->s, &o);
}

static void close_store(fixture *f)
{
	hd_store_close(f->s);
	f->s = NULL;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_mkdtemp(f->dir, sizeof f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	close_store(f);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

/* Run fn on the raw environment (no store open), as an older or newer
 * release, or hd-restore, would have left it. */
static void raw(fixture *f, void (*fn)(MDB_txn *txn, void *arg), void *arg)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	assert_int_equal(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 16);
	mdb_env_set_mapsize(env, (size_t)16 << 20);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	fn(txn, arg);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void put_meta(MDB_txn *txn, const char *key, uint64_t v)
{
	MDB_dbi dbi;
	uint8_t b[8];
	hd_key_u64(b, v);
	assert_int_equal(mdb_dbi_open(txn, "__meta", MDB_CREATE, &dbi), 0);
	MDB_val k = {strlen(key), (void *)key}, val = {8, b};
	assert_int_equal(mdb_put(txn, dbi, &k, &val, 0), 0);
}

static void read_version(MDB_txn *txn, void *arg)
{
	assert_hd_ok(hd_store_meta_version(txn, arg));
}

static void test_new_store_gets_version_and_incarnation(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_store(f));
	uint64_t inc = hd_store_incarnation(f->s);
	assert_true(inc != 0);
	close_store(f);
	uint64_t v = 0;
	raw(f, read_version, &v);
	assert_int_equal(v, HD_STORE_SCHEMA_VERSION);
	assert_hd_ok(open_store(f));
	assert_true(hd_store_incarnation(f->s) == inc); /* kept across opens */
}

static void older_store(MDB_txn *txn, void *arg)
{
	(void)arg;
	MDB_dbi dbi;
	assert_int_equal(mdb_dbi_open(txn, "kv", MDB_CREATE, &dbi), 0);
	MDB_val k = {3, "old"}, v = {4, "data"};
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
}

static void test_store_without_version_is_migrated(void **state)
{
	fixture *f = *state;
	raw(f, older_store, NULL); /* as a release before versions left it */
	uint64_t v = 99;
	raw(f, read_version, &v);
	assert_int_equal(v, 0);
	assert_hd_ok(open_store(f));
	assert_true(hd_store_incarnation(f->s) != 0);
	MDB_dbi kv;
	hd_txn t;
	MDB_val got;
	assert_hd_ok(hd_store_dbi(f->s, "kv", &kv));
	assert_hd_ok(hd_store_read(f->s, &t));
	assert_hd_ok(hd_txn_get(&t, kv, "old", 3, &got)); /* data kept */
	assert_memory_equal(got.mv_data, "data", 4);
	hd_txn_end(&t);
	close_store(f);
	raw(f, read_version, &v);
	assert_int_equal(v, HD_STORE_SCHEMA_VERSION);
}

static void newer_store(MDB_txn *txn, void *arg)
{
	(void)arg;
	put_meta(txn, "schema_version", HD_STORE_SCHEMA_VERSION + 1);
	put_meta(txn, "incarnation", 42);
}

static void test_newer_store_is_refused(void **state)
{
	fixture *f = *state;
	raw(f, newer_store, NULL);
	assert_hd_rc(open_store(f), HD_E_INVALID);
	assert_null(f->s);
	uint64_t v = 0; /* and left as it was */
	raw(f, read_version, &v);
	assert_int_equal(v, HD_STORE_SCHEMA_VERSION + 1);
}

static int emit_one(hd_txn *t, void *arg)
{
	return hd_txn_emit(t, arg, "p", 1, "trace");
}

static int grab(void *arg, uint64_t seq, const uint8_t *env, size_t len)
{
	(void)seq;
	Hd__Envelope **out = arg;
	*out = hd__envelope__unpack(NULL, len, env);
	return *out ? HD_OK : HD_E_DECODE;
}

static void reincarnate(MDB_txn *txn, void *arg)
{
	assert_hd_ok(hd_store_meta_reincarnate(txn, 1, arg));
}

static void
test_envelopes_carry_the_incarnation_and_restore_changes_it(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_store(f));
	uint64_t inc = hd_store_incarnation(f->s);
	assert_hd_ok(hd_store_write(f->s, emit_one, "ticket.created"));
	Hd__Envelope *ev = NULL;
	assert_hd_ok(hd_store_events_since(f->s, 0, 10, 1 << 20, grab, &ev));
	assert_non_null(ev);
	assert_true(ev->incarnation == inc);
	hd__envelope__free_unpacked(ev, NULL);
	close_store(f);
	uint64_t fresh = 0;
	raw(f, reincarnate, &fresh); /* what hd-restore does */
	assert_hd_ok(open_store(f));
	assert_true(fresh != 0 && fresh != inc);
	assert_true(hd_store_incarnation(f->s) == fresh);
}

static void test_cursor_bytes_and_incarnation_rule(void **state)
{
	(void)state;
	hd_bus_cursor c;
	uint8_t old[8], b[17];
	hd_key_u64(old, 7); /* a cursor from before incarnations */
	assert_hd_ok(hd_bus_cursor_decode(old, 8, &c));
	assert_true(c.seq == 7 && c.incarnation == 0 && c.reason == 0);
	hd_bus_cursor bad;
	assert_hd_rc(hd_bus_cursor_decode(old, 5, &bad), HD_E_CORRUPT);
	assert_int_equal(hd_bus_cursor_check(&c, 0), HD_BUS_OK);
	assert_int_equal(hd_bus_cursor_check(&c, 5), HD_BUS_OK); /* adopted */
	assert_true(c.incarnation == 5);
	assert_int_equal(hd_bus_cursor_check(&c, 5), HD_BUS_OK);
	assert_int_equal(hd_bus_cursor_check(&c, 0), HD_BUS_OK); /* old ev */
	assert_int_equal(hd_bus_cursor_check(&c, 6),
			 HD_BUS_INCARNATION_CHANGED);
	c.reason = HD_BUS_INCARNATION_CHANGED;
	assert_int_equal(hd_bus_cursor_encode(&c, b), 17);
	hd_bus_cursor back;
	assert_hd_ok(hd_bus_cursor_decode(b, 17, &back));
	assert_true(back.seq == 7 && back.incarnation == 5 &&
		    back.reason == HD_BUS_INCARNATION_CHANGED);
	assert_string_equal(hd_bus_reason_name(back.reason),
			    "incarnation_changed");
	assert_string_equal(hd_bus_reason_name(99), "unknown");
}

typedef struct hold_arg {
	Hd__Envelope *evs[2];
} hold_arg;

static int hold_both(hd_txn *t, void *arg)
{
	hold_arg *h = arg;
	for (int i = 0; i < 2; i++)
		hd_bus_hold(t, h->evs[i]);
	return t->rc;
}

static int count_apply(void *arg, hd_txn *t, const Hd__Envelope *ev)
{
	(void)t;
	int *n = arg;
	assert_true(hd_event_type_known(ev->type));
	(*n)++;
	return HD_OK;
}

static void test_held_events_wait_for_a_build_that_knows_them(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_store(f));
	Hd__Envelope a = HD__ENVELOPE__INIT, b = HD__ENVELOPE__INIT;
	a.type = "ticket.merged_in_v9"; /* unknown to this build */
	a.source = "intake";
	a.seq = 3;
	b.type = "ticket.created"; /* held by an older build, known now */
	b.source = "intake";
	b.seq = 4;
	hold_arg h = {{&a, &b}};
	assert_false(hd_event_type_known(a.type));
	assert_hd_ok(hd_store_write(f->s, hold_both, &h));
	MDB_dbi held;
	uint64_t n = 0, applied = 0, left = 0;
	assert_hd_ok(hd_store_dbi(f->s, "__held_events", &held));
	assert_hd_ok(hd_store_count(f->s, held, &n));
	assert_int_equal(n, 2);
	int calls = 0;
	assert_hd_ok(
		hd_bus_held_replay(f->s, count_apply, &calls, &applied, &left));
	assert_int_equal(calls, 1);
	assert_int_equal(applied, 1);
	assert_int_equal(left, 1);
	assert_hd_ok(hd_store_count(f->s, held, &n));
	assert_int_equal(n, 1); /* the unknown one stays, not dropped */
}

int main(void)
{
	hd_log_init("test", "error");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_new_store_gets_version_and_incarnation, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_store_without_version_is_migrated, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_newer_store_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_envelopes_carry_the_incarnation_and_restore_changes_it,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_cursor_bytes_and_incarnation_rule, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_held_events_wait_for_a_build_that_knows_them,
			setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
