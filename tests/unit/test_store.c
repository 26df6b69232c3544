/* Unit tests for the store (common/store.c) on real LMDB files in a fresh
 * scratch directory per test: writes and reads, failing jobs, the sticky
 * error, the outbox sequence across failures and reopening, events_since,
 * group commit under concurrency, retention, and the u64 helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/store.h"
#include "unit_db.h"

#include <fcntl.h>
#include <pthread.h>
#include <string.h>

static const char *const dbs[] = {"kv", "counters", NULL};

typedef struct fixture {
	unit_db db; /* first: unit_db_teardown frees the fixture */
	MDB_dbi kv, counters;
} fixture;

static int open_opts(fixture *f, hd_store_opts o)
{
	o.dbs = dbs;
	int rc = unit_db_open(&f->db, o);
	if (rc == HD_OK)
		rc = hd_store_dbi(f->db.s, "kv", &f->kv);
	if (rc == HD_OK)
		rc = hd_store_dbi(f->db.s, "counters", &f->counters);
	return rc;
}

/* An outbox store: source "src", shard 2. */
static int open_outbox(fixture *f)
{
	return open_opts(f, (hd_store_opts){.source = "src", .shard = 2});
}

static void reopen(fixture *f)
{
	hd_store_close(f->db.s);
	f->db.s = NULL;
	assert_hd_ok(open_outbox(f));
}

static int setup(void **state)
{
	fixture *f = unit_db_new(sizeof *f, "db");
	if (!f)
		return -1;
	*state = f;
	return 0;
}

/* ---- jobs and helpers ---- */

typedef struct job_arg {
	MDB_dbi dbi;
	const char *key, *val; /* put key → val when key is set */
	const char *type;      /* emit `emits` events of type when set */
	const char *type2;     /* then one of type2 when set */
	int emits;
	int fail_with; /* returned at the end when not HD_OK */
} job_arg;

static int write_job(hd_txn *t, void *arg)
{
	job_arg *a = arg;
	const char *p = a->val ? a->val : "";
	if (a->key)
		hd_txn_put(t, a->dbi, a->key, strlen(a->key), p, strlen(p));
	for (int i = 0; a->type && i < (a->emits ? a->emits : 1); i++)
		hd_txn_emit(t, a->type, p, strlen(p), "trace-1");
	if (a->type2)
		hd_txn_emit(t, a->type2, p, strlen(p), NULL);
	return a->fail_with ? a->fail_with : t->rc;
}

static int put(fixture *f, const char *key, const char *val)
{
	job_arg a = {.dbi = f->kv, .key = key, .val = val};
	return hd_store_write(f->db.s, write_job, &a);
}

static int emit(fixture *f, const char *type, const char *payload, int n)
{
	job_arg a = {.type = type, .val = payload, .emits = n};
	return hd_store_write(f->db.s, write_job, &a);
}

/* Read key from dbi into out (NUL-terminated). */
static int get(fixture *f, MDB_dbi dbi, const char *key, char *out, size_t cap)
{
	hd_txn t;
	MDB_val v;
	int rc = hd_store_read(f->db.s, &t);
	if (rc)
		return rc;
	rc = hd_txn_get(&t, dbi, key, strlen(key), &v);
	if (rc == HD_OK) {
		size_t n = v.mv_size < cap - 1 ? v.mv_size : cap - 1;
		memcpy(out, v.mv_data, n); /* borrowed: copy before the end */
		out[n] = '\0';
	}
	hd_txn_end(&t);
	return rc;
}

/* Decoded envelopes from hd_store_events_since. */
typedef struct seen {
	uint64_t seqs[256];
	char payload[256][32];
	char type[256][32];
	char trace[256][16];
	size_t n;
	int bad;        /* envelopes that did not decode or broke the rules */
	size_t stop_at; /* return HD_E_CONFLICT on this call (1-based) */
} seen;

static int collect(void *arg, uint64_t seq, const uint8_t *env, size_t len)
{
	seen *s = arg;
	if (s->stop_at && s->n + 1 == s->stop_at)
		return HD_E_CONFLICT;
	Hd__Envelope *e = hd__envelope__unpack(NULL, len, env);
	if (!e || e->seq != seq || strcmp(e->source, "src") != 0 ||
	    e->shard != 2 || s->n >= 256) {
		s->bad++;
	} else {
		int64_t age = hd_now_ms() - e->time_ms;
		if (age < 0 || age > 60000)
			s->bad++;
		s->seqs[s->n] = seq;
		snprintf(s->payload[s->n], sizeof s->payload[0], "%.*s",
			 (int)e->payload.len, (const char *)e->payload.data);
		snprintf(s->type[s->n], sizeof s->type[0], "%s", e->type);
		snprintf(s->trace[s->n], sizeof s->trace[0], "%s", e->trace_id);
		s->n++;
	}
	hd__envelope__free_unpacked(e, NULL);
	return HD_OK;
}

static void assert_seqs(const seen *s, uint64_t first, uint64_t last)
{
	assert_int_equal(s->bad, 0);
	assert_int_equal(s->n, last >= first ? last - first + 1 : 0);
	for (size_t i = 0; i < s->n; i++)
		assert_int_equal(s->seqs[i], first + i);
}

/* ---- plain writes ---- */

static void test_put_get(void **state)
{
	fixture *f = *state;
	char out[64];
	assert_hd_ok(open_opts(f, (hd_store_opts){0}));
	assert_hd_ok(put(f, "ticket/1", "배송이 지연되고 있습니다"));
	assert_hd_ok(get(f, f->kv, "ticket/1", out, sizeof out));
	assert_string_equal(out, "배송이 지연되고 있습니다");
	assert_hd_ok(put(f, "ticket/1", "replaced"));
	assert_hd_ok(get(f, f->kv, "ticket/1", out, sizeof out));
	assert_string_equal(out, "replaced");
	assert_hd_rc(get(f, f->kv, "ticket/2", out, sizeof out), HD_E_NOTFOUND);
	/* Sub-databases are separate. */
	assert_hd_rc(get(f, f->counters, "ticket/1", out, sizeof out),
		     HD_E_NOTFOUND);
	MDB_dbi d;
	assert_hd_rc(hd_store_dbi(f->db.s, "nope", &d), HD_E_NOTFOUND);
	assert_hd_ok(hd_store_dbi(f->db.s, "__cursors", &d));
	/* No outbox: nothing is sequenced. */
	assert_int_equal(hd_store_latest_seq(f->db.s), 0);
	assert_int_equal(hd_store_oldest_seq(f->db.s), 0);
}

static void test_failing_job_undone(void **state)
{
	fixture *f = *state;
	char out[64];
	uint64_t n = 9;
	assert_hd_ok(open_outbox(f));
	job_arg a = {.dbi = f->kv,
		     .key = "k",
		     .val = "v",
		     .type = "t.failed",
		     .fail_with = HD_E_INVALID};
	assert_hd_rc(hd_store_write(f->db.s, write_job, &a), HD_E_INVALID);
	assert_hd_rc(get(f, f->kv, "k", out, sizeof out), HD_E_NOTFOUND);
	assert_hd_ok(hd_store_count(f->db.s, f->kv, &n));
	assert_int_equal(n, 0);
	assert_int_equal(hd_store_latest_seq(f->db.s), 0);
	/* The store keeps working afterwards. */
	assert_hd_ok(put(f, "k", "v2"));
	assert_hd_ok(get(f, f->kv, "k", out, sizeof out));
	assert_string_equal(out, "v2");
}

typedef struct sticky_arg {
	MDB_dbi dbi;
	int put_ok, put_bad, put_after, get_after, del_after, add_after,
		emit_after, fail_after, rc_after;
	int raw_a, raw_b; /* mdb_get of "a" and "b" after the failure */
} sticky_arg;

static int sticky_job(hd_txn *t, void *arg)
{
	sticky_arg *a = arg;
	MDB_val v;
	a->put_ok = hd_txn_put(t, a->dbi, "a", 1, "1", 1);
	a->put_bad = hd_txn_put(t, a->dbi, "", 0, "x", 1); /* empty key */
	a->put_after = hd_txn_put(t, a->dbi, "b", 1, "2", 1);
	a->get_after = hd_txn_get(t, a->dbi, "a", 1, &v);
	a->del_after = hd_txn_del(t, a->dbi, "a", 1);
	/* "Do nothing" for real: look underneath with LMDB itself. */
	MDB_val k = {1, "b"};
	a->raw_b = mdb_get(t->txn, a->dbi, &k, &v);
	k.mv_data = "a";
	a->raw_a = mdb_get(t->txn, a->dbi, &k, &v);
	a->add_after = hd_txn_add_u64(t, a->dbi, "n", 1, NULL);
	a->emit_after = hd_txn_emit(t, "t.sticky", "p", 1, NULL);
	a->fail_after = hd_txn_fail(t, HD_E_CONFLICT);
	a->rc_after = t->rc;
	return HD_OK; /* ignores every error: the store must not */
}

static void test_sticky_error(void **state)
{
	fixture *f = *state;
	char out[8];
	assert_hd_ok(open_outbox(f));
	sticky_arg a = {.dbi = f->kv};
	assert_hd_rc(hd_store_write(f->db.s, sticky_job, &a), HD_E_TOOBIG);
	assert_hd_ok(a.put_ok);
	assert_hd_rc(a.put_bad, HD_E_TOOBIG);
	assert_hd_rc(a.put_after, HD_E_TOOBIG);
	assert_hd_rc(a.get_after, HD_E_TOOBIG);
	assert_hd_rc(a.del_after, HD_E_TOOBIG);
	assert_hd_rc(a.add_after, HD_E_TOOBIG);
	assert_hd_rc(a.emit_after, HD_E_TOOBIG);
	assert_hd_rc(a.fail_after, HD_E_TOOBIG); /* the first error wins */
	assert_hd_rc(a.rc_after, HD_E_TOOBIG);
	assert_int_equal(a.raw_b, MDB_NOTFOUND); /* the later put did nothing */
	assert_int_equal(a.raw_a, MDB_SUCCESS);  /* nor did the later del */
	/* Commit became abort: even the put before the failure is gone. */
	assert_hd_rc(get(f, f->kv, "a", out, sizeof out), HD_E_NOTFOUND);
	assert_int_equal(hd_store_latest_seq(f->db.s), 0);
}

typedef struct notfound_arg {
	MDB_dbi dbi;
	int get_rc, del_rc, sticky;
} notfound_arg;

static int notfound_job(hd_txn *t, void *arg)
{
	notfound_arg *a = arg;
	MDB_val v;
	a->get_rc = hd_txn_get(t, a->dbi, "missing", 7, &v);
	a->del_rc = hd_txn_del(t, a->dbi, "missing", 7);
	a->sticky = t->rc;
	return hd_txn_put(t, a->dbi, "present", 7, "yes", 3);
}

static void test_notfound_not_sticky(void **state)
{
	fixture *f = *state;
	char out[8];
	assert_hd_ok(open_opts(f, (hd_store_opts){0}));
	notfound_arg a = {.dbi = f->kv};
	assert_hd_ok(hd_store_write(f->db.s, notfound_job, &a));
	assert_hd_rc(a.get_rc, HD_E_NOTFOUND);
	assert_hd_rc(a.del_rc, HD_E_NOTFOUND);
	assert_hd_ok(a.sticky);
	assert_hd_ok(get(f, f->kv, "present", out, sizeof out));
	assert_string_equal(out, "yes");

	/* The same holds in a read transaction. */
	hd_txn t;
	MDB_val v;
	assert_hd_ok(hd_store_read(f->db.s, &t));
	assert_hd_rc(hd_txn_get(&t, f->kv, "missing", 7, &v), HD_E_NOTFOUND);
	assert_hd_ok(hd_txn_get(&t, f->kv, "present", 7, &v));
	assert_memory_equal(v.mv_data, "yes", 3);
	/* A read transaction cannot emit, and that failure is sticky. */
	assert_hd_rc(hd_txn_emit(&t, "t.x", "", 0, NULL), HD_E_INVALID);
	assert_hd_rc(hd_txn_get(&t, f->kv, "present", 7, &v), HD_E_INVALID);
	hd_txn_end(&t);
	hd_txn_end(&t); /* ending twice is harmless */
}

/* ---- the outbox ---- */

static void test_emit_seq(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_outbox(f));
	assert_int_equal(hd_store_latest_seq(f->db.s), 0);
	for (uint64_t i = 1; i <= 3; i++) {
		assert_hd_ok(emit(f, "t.one", "p", 1));
		assert_int_equal(hd_store_latest_seq(f->db.s), i);
		assert_int_equal(hd_store_oldest_seq(f->db.s), 1);
	}
	assert_hd_ok(emit(f, "t.three", "q", 3)); /* one job, three events */
	assert_int_equal(hd_store_latest_seq(f->db.s), 6);

	seen s = {0};
	assert_hd_ok(
		hd_store_events_since(f->db.s, 0, 100, 1 << 20, collect, &s));
	assert_seqs(&s, 1, 6);
	assert_string_equal(s.payload[0], "p");
	assert_string_equal(s.payload[5], "q");
	assert_string_equal(s.type[0], "t.one");
	assert_string_equal(s.type[3], "t.three");
	assert_string_equal(s.trace[0], "trace-1");
}

static void test_failed_job_keeps_seq(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_outbox(f));
	assert_hd_ok(emit(f, "t.ok", "one", 1));
	assert_hd_ok(emit(f, "t.ok", "two", 1));
	job_arg bad = {.type = "t.bad",
		       .val = "lost",
		       .emits = 2,
		       .fail_with = HD_E_CONFLICT};
	assert_hd_rc(hd_store_write(f->db.s, write_job, &bad), HD_E_CONFLICT);
	assert_int_equal(hd_store_latest_seq(f->db.s), 2);
	/* A job that fails inside the store (sticky) does not count either. */
	sticky_arg sa = {.dbi = f->kv};
	assert_hd_rc(hd_store_write(f->db.s, sticky_job, &sa), HD_E_TOOBIG);
	assert_int_equal(hd_store_latest_seq(f->db.s), 2);
	assert_hd_ok(emit(f, "t.ok", "three", 1));
	assert_int_equal(hd_store_latest_seq(f->db.s), 3);

	seen s = {0};
	assert_hd_ok(
		hd_store_events_since(f->db.s, 0, 100, 1 << 20, collect, &s));
	assert_seqs(&s, 1, 3);
	assert_string_equal(s.payload[0], "one");
	assert_string_equal(s.payload[1], "two");
	assert_string_equal(s.payload[2], "three");
}

static void test_emit_without_outbox(void **state)
{
	fixture *f = *state;
	char out[8];
	assert_hd_ok(open_opts(f, (hd_store_opts){.source = NULL}));
	job_arg a = {.dbi = f->kv, .key = "k", .val = "v", .type = "t.x"};
	assert_hd_rc(hd_store_write(f->db.s, write_job, &a), HD_E_INVALID);
	assert_hd_rc(get(f, f->kv, "k", out, sizeof out), HD_E_NOTFOUND);
	assert_int_equal(hd_store_latest_seq(f->db.s), 0);
}

static void test_reopen_continues(void **state)
{
	fixture *f = *state;
	char out[16];
	assert_hd_ok(open_outbox(f));
	assert_hd_ok(put(f, "kept", "across"));
	for (int i = 0; i < 3; i++)
		assert_hd_ok(emit(f, "t.before", "b", 1));
	reopen(f);
	assert_int_equal(hd_store_latest_seq(f->db.s), 3);
	assert_int_equal(hd_store_oldest_seq(f->db.s), 1);
	assert_hd_ok(get(f, f->kv, "kept", out, sizeof out));
	assert_string_equal(out, "across");
	assert_hd_ok(emit(f, "t.after", "a", 1));
	assert_int_equal(hd_store_latest_seq(f->db.s), 4);
	reopen(f);
	assert_int_equal(hd_store_latest_seq(f->db.s), 4);
	assert_hd_ok(emit(f, "t.after", "a", 2));
	seen s = {0};
	assert_hd_ok(
		hd_store_events_since(f->db.s, 0, 100, 1 << 20, collect, &s));
	assert_seqs(&s, 1, 6);
	assert_string_equal(s.payload[2], "b");
	assert_string_equal(s.payload[3], "a");
}

static void test_events_since(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_outbox(f));
	for (int i = 1; i <= 10; i++) {
		char p[16];
		snprintf(p, sizeof p, "e%d", i);
		assert_hd_ok(emit(f, "t.e", p, 1));
	}
	seen a = {0};
	assert_hd_ok(
		hd_store_events_since(f->db.s, 0, 4, 1 << 20, collect, &a));
	assert_seqs(&a, 1, 4);
	assert_string_equal(a.payload[3], "e4");

	seen b = {0};
	assert_hd_ok(
		hd_store_events_since(f->db.s, 4, 100, 1 << 20, collect, &b));
	assert_seqs(&b, 5, 10);
	assert_string_equal(b.payload[0], "e5");

	seen none = {0};
	assert_hd_ok(hd_store_events_since(f->db.s, 10, 100, 1 << 20, collect,
					   &none));
	assert_hd_ok(hd_store_events_since(f->db.s, 500, 100, 1 << 20, collect,
					   &none));
	assert_hd_ok(
		hd_store_events_since(f->db.s, 0, 0, 1 << 20, collect, &none));
	assert_int_equal(none.n, 0);

	/* max_bytes bounds the answer, but at least one event comes back. */
	seen small = {0};
	assert_hd_ok(
		hd_store_events_since(f->db.s, 2, 100, 1, collect, &small));
	assert_seqs(&small, 3, 3);

	/* The callback's error stops the scan and is returned. */
	seen stop = {.stop_at = 3};
	assert_hd_rc(
		hd_store_events_since(f->db.s, 0, 100, 1 << 20, collect, &stop),
		HD_E_CONFLICT);
	assert_seqs(&stop, 1, 2);
}

/* The post-commit hook: every batch decoded, seqs checked for contiguity. */
typedef struct hook {
	pthread_mutex_t mu;
	uint64_t next; /* the seq the next batch must start with */
	uint64_t events, batches;
	int bad;
	char topic[64];
} hook;

static void on_commit(void *arg, const char *topic, const uint8_t *batch,
		      size_t len)
{
	hook *h = arg;
	pthread_mutex_lock(&h->mu);
	Hd__EventBatch *b = hd__event_batch__unpack(NULL, len, batch);
	if (!b || b->n_events == 0) {
		h->bad++;
	} else {
		for (size_t i = 0; i < b->n_events; i++)
			if (b->events[i]->seq != h->next++)
				h->bad++; /* a gap or a duplicate */
		h->events += b->n_events;
		h->batches++;
	}
	snprintf(h->topic, sizeof h->topic, "%s", topic);
	hd__event_batch__free_unpacked(b, NULL);
	pthread_mutex_unlock(&h->mu);
}

static void test_topic(void **state)
{
	fixture *f = *state;
	hook h = {.mu = PTHREAD_MUTEX_INITIALIZER, .next = 1};
	assert_hd_ok(open_outbox(f));
	hd_store_on_commit(f->db.s, on_commit, &h);
	assert_hd_ok(emit(f, "ticket.created", "x", 2));
	assert_string_equal(h.topic, "ticket.created");
	job_arg mixed = {.type = "ticket.created",
			 .type2 = "ticket.updated",
			 .val = "y"};
	assert_hd_ok(hd_store_write(f->db.s, write_job, &mixed));
	assert_string_equal(h.topic, "batch");
	assert_hd_ok(put(f, "k", "v")); /* no events: no publish */
	job_arg bad = {.type = "t.bad", .fail_with = HD_E_INVALID};
	assert_hd_rc(hd_store_write(f->db.s, write_job, &bad), HD_E_INVALID);
	assert_int_equal(h.batches, 2);
	assert_int_equal(h.events, 4);
	assert_int_equal(h.bad, 0);
	hd_store_on_commit(f->db.s, NULL, NULL);
	assert_hd_ok(emit(f, "t.quiet", "z", 1));
	assert_int_equal(h.batches, 2);
	assert_int_equal(hd_store_latest_seq(f->db.s), 5);
}

/* ---- group commit under concurrency ---- */

#define THREADS    8
#define WRITES     200
#define FAIL_EVERY 10 /* plus one failing job per this many writes */

typedef struct worker {
	fixture *f;
	int id;
	int failures; /* successful-path writes that did not succeed */
	int first_err;
	int wrong_err; /* failing jobs that returned something else */
} worker;

static void *worker_main(void *arg)
{
	worker *w = arg;
	for (int i = 0; i < WRITES; i++) {
		char key[32];
		snprintf(key, sizeof key, "t%02d-%03d", w->id, i);
		job_arg a = {.dbi = w->f->kv,
			     .key = key,
			     .val = key,
			     .type = "load.tick"};
		int rc = hd_store_write(w->f->db.s, write_job, &a);
		if (rc) {
			w->failures++;
			if (!w->first_err)
				w->first_err = rc;
		}
		if (i % FAIL_EVERY == 0) {
			/* Lands in the same group commits as the others'. */
			job_arg b = {.dbi = w->f->kv,
				     .key = "never",
				     .val = "x",
				     .type = "load.bad",
				     .fail_with = HD_E_CONFLICT};
			if (hd_store_write(w->f->db.s, write_job, &b) !=
			    HD_E_CONFLICT)
				w->wrong_err++;
		}
	}
	return NULL;
}

static void test_group_commit_concurrent(void **state)
{
	fixture *f = *state;
	hook h = {.mu = PTHREAD_MUTEX_INITIALIZER, .next = 1};
	assert_hd_ok(open_outbox(f));
	hd_store_on_commit(f->db.s, on_commit, &h);
	pthread_t th[THREADS];
	worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (worker){.f = f, .id = i};
		assert_int_equal(
			pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		if (w[i].failures)
			fail_msg("thread %d: %d writes failed, first: %s", i,
				 w[i].failures, hd_strerror(w[i].first_err));
		assert_int_equal(w[i].wrong_err, 0);
	}
	const uint64_t total = THREADS * WRITES;
	uint64_t n = 0;
	assert_hd_ok(hd_store_count(f->db.s, f->kv, &n));
	assert_int_equal(n, total);
	char out[32];
	for (int i = 0; i < THREADS; i++)
		for (int j = 0; j < WRITES; j++) {
			char key[32];
			snprintf(key, sizeof key, "t%02d-%03d", i, j);
			assert_hd_ok(get(f, f->kv, key, out, sizeof out));
			assert_string_equal(out, key);
		}
	assert_hd_rc(get(f, f->kv, "never", out, sizeof out), HD_E_NOTFOUND);

	pthread_mutex_lock(&h.mu);
	assert_int_equal(h.bad, 0);
	assert_int_equal(h.events, total);
	assert_int_equal(h.next, total + 1);
	assert_true(h.batches >= 1 && h.batches <= total);
	assert_string_equal(h.topic, "load.tick");
	pthread_mutex_unlock(&h.mu);
	assert_int_equal(hd_store_latest_seq(f->db.s), total);
	print_message("group commit: %llu events in %llu batches\n",
		      (unsigned long long)h.events,
		      (unsigned long long)h.batches);
}

/* ---- retention ---- */

static bool trimmed_past(void *arg)
{
	void **a = arg;
	return hd_store_oldest_seq(a[0]) >= *(uint64_t *)a[1];
}

static void test_retention_count(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_opts(f, (hd_store_opts){.source = "src",
						  .shard = 2,
						  .retain_max = 10}));
	for (int i = 0; i < 50; i++)
		assert_hd_ok(emit(f, "t.r", "r", 1));
	assert_int_equal(hd_store_latest_seq(f->db.s), 50);
	/* The writer trims about once a second when idle. */
	uint64_t want = 41;
	void *arg[2] = {f->db.s, &want};
	if (!unit_wait(trimmed_past, arg, 5000))
		fail_msg("outbox not trimmed: oldest=%llu",
			 (unsigned long long)hd_store_oldest_seq(f->db.s));
	assert_int_equal(hd_store_oldest_seq(f->db.s), 41);
	assert_int_equal(hd_store_latest_seq(f->db.s), 50);

	seen s = {0};
	assert_hd_rc(
		hd_store_events_since(f->db.s, 0, 100, 1 << 20, collect, &s),
		HD_E_BEHIND);
	assert_hd_rc(
		hd_store_events_since(f->db.s, 39, 100, 1 << 20, collect, &s),
		HD_E_BEHIND);
	assert_int_equal(s.n, 0);
	assert_hd_ok(
		hd_store_events_since(f->db.s, 40, 100, 1 << 20, collect, &s));
	assert_seqs(&s, 41, 50);

	/* The bounds survive a reopen, and the sequence goes on. */
	hd_store_close(f->db.s);
	f->db.s = NULL;
	assert_hd_ok(open_opts(f, (hd_store_opts){.source = "src",
						  .shard = 2,
						  .retain_max = 10}));
	assert_int_equal(hd_store_oldest_seq(f->db.s), 41);
	assert_int_equal(hd_store_latest_seq(f->db.s), 50);
	assert_hd_ok(emit(f, "t.r", "r", 1));
	assert_int_equal(hd_store_latest_seq(f->db.s), 51);
}

static void test_retention_age(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_opts(f, (hd_store_opts){.source = "src",
						  .shard = 2,
						  .retain_ms = 200}));
	for (int i = 0; i < 5; i++)
		assert_hd_ok(emit(f, "t.a", "a", 1));
	/* Everything ages out except the newest, which is never trimmed. */
	uint64_t want = 5;
	void *arg[2] = {f->db.s, &want};
	if (!unit_wait(trimmed_past, arg, 5000))
		fail_msg("outbox not trimmed by age: oldest=%llu",
			 (unsigned long long)hd_store_oldest_seq(f->db.s));
	assert_int_equal(hd_store_oldest_seq(f->db.s), 5);
	assert_int_equal(hd_store_latest_seq(f->db.s), 5);
	seen s = {0};
	assert_hd_ok(
		hd_store_events_since(f->db.s, 4, 100, 1 << 20, collect, &s));
	assert_seqs(&s, 5, 5);
	assert_hd_ok(emit(f, "t.a", "a", 1));
	assert_int_equal(hd_store_latest_seq(f->db.s), 6);
}

/* ---- integers, keys, limits ---- */

typedef struct add_arg {
	MDB_dbi dbi;
	const char *key;
	uint64_t delta, out;
} add_arg;

static int add_job(hd_txn *t, void *arg)
{
	add_arg *a = arg;
	return hd_txn_add_u64(t, a->dbi, a->key, a->delta, &a->out);
}

static void test_u64_helpers(void **state)
{
	fixture *f = *state;
	uint64_t v = 99, n = 99;
	assert_hd_ok(open_opts(f, (hd_store_opts){0}));
	assert_hd_ok(hd_store_get_u64(f->db.s, f->counters, "hits", &v));
	assert_int_equal(v, 0); /* missing = 0 */
	assert_hd_ok(hd_store_count(f->db.s, f->counters, &n));
	assert_int_equal(n, 0);

	add_arg a = {.dbi = f->counters, .key = "hits", .delta = 5};
	assert_hd_ok(hd_store_write(f->db.s, add_job, &a));
	assert_int_equal(a.out, 5);
	a.delta = 7;
	assert_hd_ok(hd_store_write(f->db.s, add_job, &a));
	assert_int_equal(a.out, 12);
	assert_hd_ok(hd_store_get_u64(f->db.s, f->counters, "hits", &v));
	assert_int_equal(v, 12);

	add_arg b = {.dbi = f->counters, .key = "misses", .delta = 1};
	assert_hd_ok(hd_store_write(f->db.s, add_job, &b));
	assert_hd_ok(hd_store_count(f->db.s, f->counters, &n));
	assert_int_equal(n, 2);

	/* Stored big-endian, so the raw bytes sort numerically. */
	hd_txn t;
	MDB_val raw;
	assert_hd_ok(hd_store_read(f->db.s, &t));
	assert_hd_ok(hd_txn_get(&t, f->counters, "hits", 4, &raw));
	assert_int_equal(raw.mv_size, 8);
	assert_memory_equal(raw.mv_data, "\0\0\0\0\0\0\0\x0c", 8);
	hd_txn_end(&t);

	/* A value that is not 8 bytes is corruption, not zero. */
	job_arg c = {.dbi = f->counters, .key = "odd", .val = "abc"};
	assert_hd_ok(hd_store_write(f->db.s, write_job, &c));
	add_arg d = {.dbi = f->counters, .key = "odd", .delta = 1};
	assert_hd_rc(hd_store_write(f->db.s, add_job, &d), HD_E_CORRUPT);
}

typedef struct id_arg {
	MDB_dbi dbi;
	const char *counter;
	uint64_t id;
	int fail_first; /* make the transaction's error sticky first */
} id_arg;

static int next_id_job(hd_txn *t, void *arg)
{
	id_arg *a = arg;
	if (a->fail_first)
		hd_txn_fail(t, HD_E_IO);
	return hd_txn_next_id(t, a->dbi, a->counter, &a->id);
}

static void test_next_id(void **state)
{
	fixture *f = *state;
	assert_hd_ok(open_opts(f, (hd_store_opts){0}));
	id_arg a = {.dbi = f->counters, .counter = "next_ticket", .id = 99};
	assert_hd_ok(hd_store_write(f->db.s, next_id_job, &a));
	assert_int_equal(a.id, 1); /* a missing counter starts at 1 */
	assert_hd_ok(hd_store_write(f->db.s, next_id_job, &a));
	assert_int_equal(a.id, 2);
	/* Counters are independent, and keep the last id given. */
	id_arg b = {.dbi = f->counters, .counter = "next_user"};
	assert_hd_ok(hd_store_write(f->db.s, next_id_job, &b));
	assert_int_equal(b.id, 1);
	uint64_t v = 0;
	assert_hd_ok(hd_store_get_u64(f->db.s, f->counters, "next_ticket", &v));
	assert_int_equal(v, 2);

	/* After a failure: the sticky error, id 0, and the counter untouched
	 * (the job is undone). */
	a.fail_first = 1;
	a.id = 99;
	assert_hd_rc(hd_store_write(f->db.s, next_id_job, &a), HD_E_IO);
	assert_int_equal(a.id, 0);
	assert_hd_ok(hd_store_get_u64(f->db.s, f->counters, "next_ticket", &v));
	assert_int_equal(v, 2);

	/* A counter that is not 8 bytes is corruption, not a fresh start. */
	job_arg c = {.dbi = f->counters, .key = "next_odd", .val = "abc"};
	assert_hd_ok(hd_store_write(f->db.s, write_job, &c));
	id_arg d = {.dbi = f->counters, .counter = "next_odd", .id = 99};
	assert_hd_rc(hd_store_write(f->db.s, next_id_job, &d), HD_E_CORRUPT);
	assert_int_equal(d.id, 0);
}

static void test_key_u64(void **state)
{
	(void)state;
	uint8_t a[8], b[8];
	hd_key_u64(a, 0x0102030405060708ull);
	assert_memory_equal(a, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_true(hd_key_get_u64(a) == 0x0102030405060708ull);
	uint64_t vals[] = {0, 1, 255, 256, 65535, 1ull << 32, UINT64_MAX};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		hd_key_u64(a, vals[i]);
		assert_true(hd_key_get_u64(a) == vals[i]);
		if (i > 0) {
			hd_key_u64(b, vals[i - 1]);
			assert_true(memcmp(b, a, 8) < 0);
		}
	}
	int64_t now = hd_now_ms();
	assert_true(now > 1600000000000ll); /* after 2020, in milliseconds */
}

static void test_open_fails(void **state)
{
	fixture *f = *state;
	char file[128], sub[160];
	snprintf(file, sizeof file, "%s/file", f->db.dir);
	int fd = open(file, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* A directory that cannot be made under a regular file. */
	snprintf(sub, sizeof sub, "%s/sub", file);
	hd_store *s = (hd_store *)&fd; /* must come back NULL */
	hd_store_opts o = {.dir = sub, .dbs = dbs, .source = "src"};
	assert_hd_rc(hd_store_open(&s, &o), HD_E_IO);
	assert_null(s);
	o.dir = "";
	s = (hd_store *)&fd;
	assert_hd_rc(hd_store_open(&s, &o), HD_E_INVALID);
	assert_null(s);
	hd_store_close(NULL);
}

typedef struct big_arg {
	MDB_dbi dbi;
	int i;
	char *val;
	size_t len;
} big_arg;

static int big_job(hd_txn *t, void *arg)
{
	big_arg *a = arg;
	char key[16];
	snprintf(key, sizeof key, "big%03d", a->i);
	hd_txn_put(t, a->dbi, key, strlen(key), a->val, a->len);
	return hd_txn_emit(t, "t.big", "b", 1, NULL);
}

static void test_storage_full(void **state)
{
	fixture *f = *state;
	assert_hd_ok(
		open_opts(f, (hd_store_opts){.source = "src",
					     .shard = 2,
					     .map_size = (size_t)1 << 20}));
	big_arg a = {.dbi = f->kv, .len = 100000};
	a.val = malloc(a.len);
	assert_non_null(a.val);
	memset(a.val, 'x', a.len);
	int rc = HD_OK, ok = 0;
	for (a.i = 0; a.i < 50 && rc == HD_OK; a.i++) {
		rc = hd_store_write(f->db.s, big_job, &a);
		ok += rc == HD_OK;
	}
	free(a.val);
	assert_hd_rc(rc, HD_E_STORAGE_FULL);
	assert_true(ok > 0);
	/* What was committed is intact and the full job consumed no seq. */
	uint64_t n = 0;
	assert_hd_ok(hd_store_count(f->db.s, f->kv, &n));
	assert_int_equal(n, ok);
	assert_int_equal(hd_store_latest_seq(f->db.s), ok);
	char out[8];
	assert_hd_ok(get(f, f->kv, "big000", out, sizeof out));
	assert_string_equal(out, "xxxxxxx");
}

static int del_job(hd_txn *t, void *arg)
{
	big_arg *a = arg;
	char key[16];
	snprintf(key, sizeof key, "big%03d", a->i);
	return hd_txn_del(t, a->dbi, key, strlen(key));
}

/* Fill until refused; returns how many big values were committed. */
static int fill(fixture *f, big_arg *a, int upto, int *last_rc)
{
	int rc = HD_OK, ok = 0;
	for (; a->i < upto && rc == HD_OK; a->i++) {
		rc = hd_store_write(f->db.s, big_job, a);
		ok += rc == HD_OK;
	}
	*last_rc = rc;
	return ok;
}

/* The map starts at 1 MiB and may double to 4 MiB: writes past 1 MiB
 * succeed by growing; past 4 MiB they are refused as storage full with
 * nothing half-written; deleting frees room again; the grown size is kept
 * on reopen and every committed value is intact. */
static void test_map_grows_then_refuses(void **state)
{
	fixture *f = *state;
	hd_store_opts o = {.source = "src",
			   .shard = 2,
			   .map_size = (size_t)1 << 20,
			   .map_max = (size_t)4 << 20};
	assert_hd_ok(open_opts(f, o));
	big_arg a = {.dbi = f->kv, .len = 100000};
	a.val = malloc(a.len);
	assert_non_null(a.val);
	memset(a.val, 'x', a.len);
	int rc;
	int ok = fill(f, &a, 200, &rc);
	assert_hd_rc(rc, HD_E_STORAGE_FULL);
	assert_true(ok > 20); /* far more than 1 MiB holds */
	assert_true(ok < 45); /* but no more than 4 MiB */
	uint64_t n = 0;
	assert_hd_ok(hd_store_count(f->db.s, f->kv, &n));
	assert_int_equal(n, ok);
	assert_int_equal(hd_store_latest_seq(f->db.s), ok);
	/* Free room: delete half, then writes succeed again. */
	for (int i = 0; i < ok / 2; i++) {
		big_arg d = {.dbi = f->kv, .i = i};
		assert_hd_ok(hd_store_write(f->db.s, del_job, &d));
	}
	a.i = 100;
	int again = fill(f, &a, 105, &rc);
	assert_hd_ok(rc);
	assert_int_equal(again, 5);
	free(a.val);
	hd_store_close(f->db.s);
	f->db.s = NULL;
	o.map_max = 0; /* reopen without growth: the grown map is kept */
	assert_hd_ok(open_opts(f, o));
	assert_hd_ok(hd_store_count(f->db.s, f->kv, &n));
	assert_int_equal(n, ok - ok / 2 + 5);
	char out[8];
	assert_hd_ok(get(f, f->kv, "big104", out, sizeof out));
	assert_string_equal(out, "xxxxxxx");
}

int main(void)
{
	unit_log_quiet();
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, unit_db_teardown)
	const struct CMUnitTest tests[] = {
		T(test_put_get),
		T(test_failing_job_undone),
		T(test_sticky_error),
		T(test_notfound_not_sticky),
		T(test_emit_seq),
		T(test_failed_job_keeps_seq),
		T(test_emit_without_outbox),
		T(test_reopen_continues),
		T(test_events_since),
		T(test_topic),
		T(test_group_commit_concurrent),
		T(test_retention_count),
		T(test_retention_age),
		T(test_u64_helpers),
		T(test_next_id),
		cmocka_unit_test(test_key_u64),
		T(test_open_fails),
		T(test_storage_full),
		T(test_map_grows_then_refuses),
	};
#undef T
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
