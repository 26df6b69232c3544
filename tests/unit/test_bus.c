/* Unit tests for the bus (common/bus_pub.c, bus_consumer.c): a publisher
 * store with its pub socket and events.since server, a consumer store whose
 * apply records every seq it sees, all on ipc:// in a fresh scratch
 * directory per test. Exactly once, catch-up, restart, bad payloads, garbage
 * frames, gap repair, retention, and a source replaced under the consumer
 * (another incarnation, or fewer events). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common.pb-c.h"
#include "hd/bus.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/rpc.h"
#include "hd/store.h"
#include "unit.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <string.h>

#define DEADLINE_MS 10000

static const char *const pub_dbs[] = {"data", NULL};
static const char *const con_dbs[] = {"applied", "seen", NULL};

static const hd_rpc_route bus_routes[] = {
	{"events.since", hd_bus_events_since},
	{NULL, NULL},
};

typedef struct fixture {
	char dir[64];
	char pub_path[96], con_path[96];
	char pub_url[128], rpc_url[128];
	hd_store *ps; /* the publisher's store: source "src", shard 0 */
	hd_pub *pub;
	hd_rpc_server *srv;
	hd_store *cs; /* the consumer's store */
	MDB_dbi applied, seen;
	hd_consumer *con;
	hd_source src;
} fixture;

/* ---- the consumer's apply: record each seq, count duplicates ---- */

static int apply(void *arg, hd_txn *t, const Hd__Envelope *ev)
{
	fixture *f = arg;
	if (ev->payload.len == 3 && memcmp(ev->payload.data, "bad", 3) == 0)
		return HD_E_DECODE; /* validated before writing anything */
	if (ev->payload.len == 6 &&
	    memcmp(ev->payload.data, "poison", 6) == 0) {
		/* writes, then finds it cannot go on: the write must vanish */
		hd_txn_add_u64(t, f->applied, "count", 1, NULL);
		return HD_E_INVALID;
	}
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, ev->seq);
	int rc = hd_txn_get(t, f->seen, key, 8, &v);
	if (rc == HD_OK)
		return hd_txn_add_u64(t, f->applied, "dups", 1, NULL);
	if (rc != HD_E_NOTFOUND)
		return rc;
	if (strcmp(ev->source, "src") != 0 || ev->shard != 0)
		hd_txn_add_u64(t, f->applied, "foreign", 1, NULL);
	hd_txn_put(t, f->seen, key, 8, ev->type, strlen(ev->type));
	return hd_txn_add_u64(t, f->applied, "count", 1, NULL);
}

static uint64_t stored(fixture *f, const char *key)
{
	uint64_t v = 0;
	assert_hd_ok(hd_store_get_u64(f->cs, f->applied, key, &v));
	return v;
}

static uint64_t seen_count(fixture *f)
{
	uint64_t n = 0;
	assert_hd_ok(hd_store_count(f->cs, f->seen, &n));
	return n;
}

/* ---- publisher side ---- */

typedef struct emit_arg {
	const char *payload;
	int n;
} emit_arg;

static int emit_job(hd_txn *t, void *arg)
{
	emit_arg *a = arg;
	for (int i = 0; i < a->n; i++)
		hd_txn_emit(t, "t.ev", a->payload, strlen(a->payload), NULL);
	return t->rc;
}

/* `writes` group commits of `per` events each. */
static void emit(fixture *f, int writes, int per, const char *payload)
{
	emit_arg a = {.payload = payload, .n = per};
	for (int i = 0; i < writes; i++)
		assert_hd_ok(hd_store_write(f->ps, emit_job, &a));
}

static void open_pub_store(fixture *f, uint64_t retain_max)
{
	hd_store_opts o = {.dir = f->pub_path,
			   .dbs = pub_dbs,
			   .map_size = (size_t)64 << 20,
			   .source = "src",
			   .shard = 0,
			   .retain_max = retain_max};
	assert_hd_ok(hd_store_open(&f->ps, &o));
}

static void start_publisher(fixture *f)
{
	assert_hd_ok(hd_pub_open(&f->pub, f->pub_url, f->ps, "src", 0));
	assert_hd_ok(hd_rpc_server_new(&f->srv));
	assert_hd_ok(hd_rpc_server_add(f->srv, bus_routes, f->ps));
	assert_hd_ok(hd_rpc_server_start(f->srv, f->rpc_url, 2));
}

static void open_con_store(fixture *f)
{
	hd_store_opts o = {.dir = f->con_path,
			   .dbs = con_dbs,
			   .map_size = (size_t)64 << 20};
	assert_hd_ok(hd_store_open(&f->cs, &o));
	assert_hd_ok(hd_store_dbi(f->cs, "applied", &f->applied));
	assert_hd_ok(hd_store_dbi(f->cs, "seen", &f->seen));
}

static hd_consumer *start_consumer(fixture *f, const hd_source *srcs, size_t n)
{
	hd_consumer *c = NULL;
	assert_hd_ok(hd_consumer_start(&c, f->cs, srcs, n, apply, f));
	assert_non_null(c);
	return c;
}

/* Stop f->con, which the teardown then no longer touches. */
static void stop_consumer(fixture *f)
{
	int rc = hd_consumer_stop(f->con);
	f->con = NULL;
	assert_hd_ok(rc);
}

/* ---- waiting ---- */

typedef struct applied_cond {
	hd_consumer *c;
	size_t idx;
	uint64_t want;
	int want_failed;
} applied_cond;

static bool reached(void *arg)
{
	applied_cond *a = arg;
	hd_cursor_status st[4];
	size_t n = hd_consumer_status(a->c, st, 4);
	if (a->idx >= n)
		return false;
	if (a->want_failed)
		return st[a->idx].failed != 0;
	return st[a->idx].applied >= a->want;
}

static uint64_t applied_of(hd_consumer *c, size_t idx)
{
	hd_cursor_status st[4];
	size_t n = hd_consumer_status(c, st, 4);
	return idx < n ? st[idx].applied : 0;
}

/* Wait until source idx has applied the publisher's latest seq, then check
 * every event was applied exactly once (skipped ones aside). */
static void wait_all(fixture *f, hd_consumer *c, uint64_t skipped)
{
	uint64_t latest = hd_store_latest_seq(f->ps);
	applied_cond a = {.c = c, .idx = 0, .want = latest};
	if (!unit_wait(reached, &a, DEADLINE_MS))
		fail_msg("applied %llu of %llu in %d ms",
			 (unsigned long long)applied_of(c, 0),
			 (unsigned long long)latest, DEADLINE_MS);
	assert_int_equal(applied_of(c, 0), latest); /* never past it */
	assert_int_equal(stored(f, "count"), latest - skipped);
	assert_int_equal(seen_count(f), latest - skipped);
	assert_int_equal(stored(f, "dups"), 0);
	assert_int_equal(stored(f, "foreign"), 0);
}

/* ---- fixture ---- */

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	unit_mkdtemp(f->dir, sizeof f->dir);
	snprintf(f->pub_path, sizeof f->pub_path, "%s/pub", f->dir);
	snprintf(f->con_path, sizeof f->con_path, "%s/con", f->dir);
	unit_ipc_url(f->pub_url, sizeof f->pub_url, f->dir, "pub");
	unit_ipc_url(f->rpc_url, sizeof f->rpc_url, f->dir, "rpc");
	snprintf(f->src.name, sizeof f->src.name, "src");
	f->src.shard = 0;
	snprintf(f->src.pub_url, sizeof f->src.pub_url, "%s", f->pub_url);
	snprintf(f->src.rpc_url, sizeof f->src.rpc_url, "%s", f->rpc_url);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	/* An abandoned consumer thread may still use its store: leave it. */
	int rc = hd_consumer_stop(f->con);
	hd_rpc_server_stop(f->srv);
	hd_pub_close(f->pub);
	if (rc == HD_OK)
		hd_store_close(f->cs);
	hd_store_close(f->ps);
	unit_rmtree(f->dir);
	free(f);
	return rc == HD_OK ? 0 : -1;
}

/* Publisher and consumer store open, publisher serving. */
static void standard(fixture *f)
{
	open_pub_store(f, 0);
	start_publisher(f);
	open_con_store(f);
}

/* ---- tests ---- */

static void test_live_events(void **state)
{
	fixture *f = *state;
	standard(f);
	f->con = start_consumer(f, &f->src, 1);
	emit(f, 20, 1, "ok");
	emit(f, 5, 4, "ok"); /* batches of several events */
	wait_all(f, f->con, 0);
	assert_int_equal(hd_store_latest_seq(f->ps), 40);
	emit(f, 1, 1, "ok");
	wait_all(f, f->con, 0);
	assert_int_equal(hd_consumer_bad_frames(f->con), 0);

	hd_cursor_status st[2];
	memset(st, 0, sizeof st);
	assert_int_equal(hd_consumer_status(f->con, st, 2), 1);
	assert_string_equal(st[0].name, "src");
	assert_int_equal(st[0].shard, 0);
	assert_int_equal(st[0].applied, hd_store_latest_seq(f->ps));
	assert_int_equal(st[0].failed, 0);
	assert_int_equal(hd_consumer_status(f->con, NULL, 0), 1);
}

static void test_catch_up_on_start(void **state)
{
	fixture *f = *state;
	standard(f);
	emit(f, 30, 1, "ok");
	emit(f, 2, 10, "ok");
	f->con = start_consumer(f, &f->src, 1);
	wait_all(f, f->con, 0);
	assert_int_equal(applied_of(f->con, 0), 50);
	emit(f, 3, 1, "ok"); /* and live after the catch-up */
	wait_all(f, f->con, 0);
}

static void test_restart_no_double(void **state)
{
	fixture *f = *state;
	standard(f);
	emit(f, 10, 1, "ok");
	f->con = start_consumer(f, &f->src, 1);
	wait_all(f, f->con, 0);
	stop_consumer(f);

	/* While stopped: these are pulled at the restart; the first ten are
	 * offered again and must not count twice. */
	emit(f, 10, 1, "ok");
	f->con = start_consumer(f, &f->src, 1);
	assert_true(applied_of(f->con, 0) >= 10); /* the stored cursor */
	wait_all(f, f->con, 0);
	assert_int_equal(stored(f, "count"), 20);

	/* Two consumers on one store: every event arrives twice (two
	 * subscriptions, two pullers), the stored cursor applies it once. */
	hd_consumer *second = start_consumer(f, &f->src, 1);
	emit(f, 15, 1, "ok");
	emit(f, 1, 5, "ok");
	wait_all(f, f->con, 0);
	wait_all(f, second, 0);
	assert_int_equal(stored(f, "count"), 40);
	assert_hd_ok(hd_consumer_stop(second));

	/* Restarted over a cursor from the future of its memory, too. */
	stop_consumer(f);
	f->con = start_consumer(f, &f->src, 1);
	assert_int_equal(applied_of(f->con, 0), 40);
	emit(f, 2, 1, "ok");
	wait_all(f, f->con, 0);
	assert_int_equal(stored(f, "count"), 42);
}

static void test_decode_skipped(void **state)
{
	fixture *f = *state;
	standard(f);
	f->con = start_consumer(f, &f->src, 1);
	uint64_t bad = 0;
	for (int i = 0; i < 12; i++) {
		int is_bad = i % 4 == 1;
		emit(f, 1, 1, is_bad ? "bad" : "ok");
		bad += is_bad;
	}
	emit(f, 1, 3, "bad"); /* a whole batch of bad payloads */
	bad += 3;
	emit(f, 1, 1, "ok");
	wait_all(f, f->con, bad);
	assert_int_equal(stored(f, "count"), 16 - bad);
	/* Skipped, not stuck: the cursor is past them and later ones apply. */
	emit(f, 2, 1, "ok");
	wait_all(f, f->con, bad);
}

/* An event the service can never apply (here: it writes, then fails with
 * "invalid") is kept in __dead_events with its reason, its partial write
 * is undone, and the events after it still apply. */
static void test_poison_event_kept_and_skipped(void **state)
{
	fixture *f = *state;
	standard(f);
	f->con = start_consumer(f, &f->src, 1);
	emit(f, 3, 1, "ok");
	emit(f, 1, 1, "poison");
	emit(f, 1, 2, "ok"); /* the same commit as nothing bad */
	emit(f, 1, 1, "poison");
	emit(f, 2, 1, "ok");
	wait_all(f, f->con, 2);
	MDB_dbi dead;
	assert_hd_ok(hd_store_dbi(f->cs, "__dead_events", &dead));
	uint64_t n = 0;
	assert_hd_ok(hd_store_count(f->cs, dead, &n));
	assert_int_equal(n, 2);
	hd_txn t;
	MDB_val v;
	uint8_t key[3 + 8 + 2] = "src/0";
	hd_key_u64(key + 5, 4); /* the first poison event's seq */
	assert_hd_ok(hd_store_read(f->cs, &t));
	assert_hd_ok(hd_txn_get(&t, dead, key, 13, &v));
	assert_string_equal((const char *)v.mv_data, "INVALID");
	size_t rl = strlen("INVALID") + 1;
	Hd__Envelope *ev = hd__envelope__unpack(
		NULL, v.mv_size - rl, (const uint8_t *)v.mv_data + rl);
	assert_non_null(ev);
	assert_int_equal(ev->seq, 4);
	assert_memory_equal(ev->payload.data, "poison", 6);
	hd__envelope__free_unpacked(ev, NULL);
	hd_txn_end(&t);
}

/* Send raw bytes on the hostile pub socket until the consumer counted one
 * more bad frame (a pub drops frames until the subscriber is connected). */
static void send_until_counted(nng_socket junk, hd_consumer *c, const void *p,
			       size_t n, const char *what)
{
	uint64_t before = hd_consumer_bad_frames(c);
	int64_t until = unit_now_ms() + DEADLINE_MS;
	while (hd_consumer_bad_frames(c) == before) {
		if (unit_now_ms() > until)
			fail_msg("%s was never counted as a bad frame", what);
		nng_msg *m = NULL;
		assert_int_equal(nng_msg_alloc(&m, n), 0);
		if (n)
			memcpy(nng_msg_body(m), p, n);
		/* A keyed but buggy publisher: decoding is what is tested. */
		assert_hd_ok(hd_auth_bus_seal(m));
		if (nng_sendmsg(junk, m, 0) != 0)
			nng_msg_free(m);
		unit_sleep_ms(20);
	}
}

/* "topic\0" + an encoded EventBatch of events from source, seqs given. */
static size_t forged_batch(uint8_t *out, size_t cap, const char *source,
			   const uint64_t *seqs, size_t n)
{
	hd_buf b;
	hd_buf_init(&b, cap);
	assert_hd_ok(hd_buf_append(&b, "t.ev", 5));
	for (size_t i = 0; i < n; i++) {
		Hd__Envelope e = HD__ENVELOPE__INIT;
		e.type = "t.ev";
		e.source = (char *)source;
		e.seq = seqs[i];
		uint8_t env[128];
		size_t len = hd__envelope__pack(&e, env);
		hd_pb_put_bytes(&b, 1, env, len);
	}
	size_t len = b.len;
	memcpy(out, b.data, len);
	hd_buf_release(&b);
	return len;
}

static void test_garbage_frames(void **state)
{
	fixture *f = *state;
	standard(f);
	nng_socket junk;
	char junk_url[128], dead_url[128];
	unit_ipc_url(junk_url, sizeof junk_url, f->dir, "junk");
	unit_ipc_url(dead_url, sizeof dead_url, f->dir, "dead"); /* nobody */
	assert_int_equal(nng_pub0_open(&junk), 0);
	assert_int_equal(nng_listen(junk, junk_url, NULL, 0), 0);

	hd_source srcs[2] = {f->src};
	snprintf(srcs[1].name, sizeof srcs[1].name, "junk");
	snprintf(srcs[1].pub_url, sizeof srcs[1].pub_url, "%s", junk_url);
	snprintf(srcs[1].rpc_url, sizeof srcs[1].rpc_url, "%s", dead_url);
	f->con = start_consumer(f, srcs, 2);
	emit(f, 5, 1, "ok");
	wait_all(f, f->con, 0);

	send_until_counted(junk, f->con, "zzz", 3, "a frame without a NUL");
	emit(f, 3, 1, "ok");
	const char notpb[] = "x\0\x0a\xff\xff\xff\xff\x0f";
	send_until_counted(junk, f->con, notpb, sizeof notpb - 1,
			   "a batch that is not protobuf");
	send_until_counted(junk, f->con, "x", 2, "an empty batch");
	send_until_counted(junk, f->con, "hb\0\x0a\xff", 5,
			   "a heartbeat that does not decode");
	send_until_counted(junk, f->con, "", 0, "an empty frame");
	uint8_t forged[1024];
	uint64_t ghost_seqs[] = {1, 2};
	size_t n = forged_batch(forged, sizeof forged, "ghost", ghost_seqs, 2);
	send_until_counted(junk, f->con, forged, n,
			   "a batch from an unknown source");
	uint64_t shuffled[] = {9, 7};
	n = forged_batch(forged, sizeof forged, "src", shuffled, 2);
	send_until_counted(junk, f->con, forged, n, "a batch out of order");
	uint8_t noise[4096];
	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (uint8_t)(i * 2654435761u >> 13);
	noise[0] = 'n';
	noise[1] = '\0';
	/* Random bytes may or may not decode; either way nothing breaks. */
	for (int i = 0; i < 20; i++) {
		nng_msg *m = NULL;
		assert_int_equal(nng_msg_alloc(&m, sizeof noise - i * 100), 0);
		memcpy(nng_msg_body(m), noise + i * 100,
		       sizeof noise - i * 100);
		if (nng_sendmsg(junk, m, 0) != 0)
			nng_msg_free(m);
	}
	assert_true(hd_consumer_bad_frames(f->con) >= 7);

	/* The consumer thread is alive and still applies the real source. */
	emit(f, 10, 1, "ok");
	emit(f, 2, 3, "ok");
	wait_all(f, f->con, 0);
	hd_cursor_status st[2];
	assert_int_equal(hd_consumer_status(f->con, st, 2), 2);
	assert_int_equal(st[0].applied, hd_store_latest_seq(f->ps));
	assert_string_equal(st[1].name, "junk");
	assert_int_equal(st[1].applied, 0);
	assert_int_equal(st[1].failed, 0);

	/* A puller may be waiting on the dead URL: stop aborts that pull. */
	int64_t t0 = unit_now_ms();
	stop_consumer(f);
	int64_t took = unit_now_ms() - t0;
	if (took > 2000)
		fail_msg("stop with a dead source took %lld ms",
			 (long long)took);
	nng_close(junk);
}

static void test_gap_repair(void **state)
{
	fixture *f = *state;
	standard(f);
	f->con = start_consumer(f, &f->src, 1);
	emit(f, 5, 1, "ok");
	wait_all(f, f->con, 0);
	/* Publisher down: these commits send no frames at all. */
	hd_pub_close(f->pub);
	f->pub = NULL;
	emit(f, 6, 1, "ok");
	assert_hd_ok(hd_pub_open(&f->pub, f->pub_url, f->ps, "src", 0));
	emit(f, 1, 1, "ok"); /* seq 12 arrives after a gap of six */
	wait_all(f, f->con, 0);
	assert_int_equal(applied_of(f->con, 0), 12);
}

static bool trimmed(void *arg)
{
	return hd_store_oldest_seq(arg) > 1;
}

static void test_behind_retention(void **state)
{
	fixture *f = *state;
	open_pub_store(f, 5);
	start_publisher(f);
	open_con_store(f);
	emit(f, 20, 1, "ok");
	if (!unit_wait(trimmed, f->ps, 5000))
		fail_msg("publisher outbox never trimmed");
	f->con = start_consumer(f, &f->src, 1);
	applied_cond a = {.c = f->con, .idx = 0, .want_failed = 1};
	if (!unit_wait(reached, &a, DEADLINE_MS))
		fail_msg("source not marked failed; applied=%llu",
			 (unsigned long long)applied_of(f->con, 0));
	/* Never skipped silently: nothing applied, not even new events. */
	emit(f, 2, 1, "ok");
	unit_sleep_ms(300);
	assert_int_equal(applied_of(f->con, 0), 0);
	assert_int_equal(stored(f, "count"), 0);
	assert_int_equal(seen_count(f), 0);
}

/* ---- a source that is not the one the cursor followed ---- */

static void stop_publisher(fixture *f)
{
	hd_rpc_server_stop(f->srv);
	f->srv = NULL;
	hd_pub_close(f->pub);
	f->pub = NULL;
	hd_store_close(f->ps);
	f->ps = NULL;
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[1 << 14];
	for (size_t n; (n = fread(buf, 1, sizeof buf, in)) > 0;)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void wait_stopped(fixture *f, int reason, uint64_t applied)
{
	applied_cond a = {.c = f->con, .idx = 0, .want_failed = 1};
	if (!unit_wait(reached, &a, DEADLINE_MS))
		fail_msg("consumer did not stop; applied=%llu",
			 (unsigned long long)applied_of(f->con, 0));
	hd_cursor_status st[1];
	assert_int_equal(hd_consumer_status(f->con, st, 1), 1);
	assert_int_equal(st[0].reason, reason);
	assert_int_equal(st[0].applied, applied);
	assert_int_equal(stored(f, "count"), applied);
	/* The stop is in the stored cursor, so a restart does not resume
	 * the source (the integration test restarts a service to see it). */
	MDB_dbi cursors;
	hd_txn t;
	MDB_val v;
	hd_bus_cursor bc;
	assert_hd_ok(hd_store_dbi(f->cs, "__cursors", &cursors));
	assert_hd_ok(hd_store_read(f->cs, &t));
	assert_hd_ok(hd_txn_get(&t, cursors, "src/0", 5, &v));
	assert_hd_ok(hd_bus_cursor_decode(v.mv_data, v.mv_size, &bc));
	hd_txn_end(&t);
	assert_int_equal(bc.reason, reason);
	assert_int_equal(bc.seq, applied);
}

static void test_replaced_source_stops_the_consumer(void **state)
{
	fixture *f = *state;
	standard(f);
	f->con = start_consumer(f, &f->src, 1);
	emit(f, 6, 1, "ok");
	wait_all(f, f->con, 0);
	/* The source comes back as another store (restored, or rebuilt):
	 * sequences 1… again, with other events and another incarnation. */
	stop_publisher(f);
	unit_rmtree(f->pub_path);
	open_pub_store(f, 0);
	start_publisher(f);
	emit(f, 9, 1, "ok"); /* past the cursor: must not look like news */
	wait_stopped(f, HD_BUS_INCARNATION_CHANGED, 6);
}

static void test_source_that_lost_events_stops_the_consumer(void **state)
{
	fixture *f = *state;
	char data[160], saved[160];
	snprintf(data, sizeof data, "%s/data.mdb", f->pub_path);
	snprintf(saved, sizeof saved, "%s/saved.mdb", f->dir);
	open_pub_store(f, 0);
	emit(f, 3, 1, "ok");
	hd_store_close(f->ps);
	copy_file(data, saved); /* a plain file copy: same incarnation */
	open_pub_store(f, 0);
	start_publisher(f);
	open_con_store(f);
	f->con = start_consumer(f, &f->src, 1);
	emit(f, 4, 1, "ok");
	wait_all(f, f->con, 0);
	stop_publisher(f);
	copy_file(saved, data); /* put back without hd-restore */
	open_pub_store(f, 0);
	start_publisher(f);
	wait_stopped(f, HD_BUS_SEQ_BACKWARDS, 7);
}

static void test_start_errors(void **state)
{
	fixture *f = *state;
	open_con_store(f);
	hd_consumer *c = (hd_consumer *)f;
	assert_hd_rc(hd_consumer_start(&c, f->cs, &f->src, 0, apply, f),
		     HD_E_INVALID);
	assert_null(c);
	hd_source bad = f->src;
	snprintf(bad.pub_url, sizeof bad.pub_url, "nonsense://x");
	c = (hd_consumer *)f;
	assert_true(hd_consumer_start(&c, f->cs, &bad, 1, apply, f) != HD_OK);
	assert_null(c);
	assert_hd_ok(hd_consumer_stop(NULL));
}

int main(void)
{
	unit_log_quiet();
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_live_events),
		T(test_catch_up_on_start),
		T(test_restart_no_double),
		T(test_decode_skipped),
		T(test_garbage_frames),
		T(test_gap_repair),
		T(test_behind_retention),
		T(test_start_errors),
		T(test_poison_event_kept_and_skipped),
		T(test_replaced_source_stops_the_consumer),
		T(test_source_that_lost_events_stops_the_consumer),
	};
#undef T
	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
