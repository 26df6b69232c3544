/* The durable store with group commit and an event outbox; see hd/store.h.
 *
 * Key layout of the sub-databases the store itself owns:
 *   __events   u64 seq (big-endian)      → encoded hd.Envelope
 *   __cursors  "<source>/<shard>"        → u64 last applied seq (big-endian)
 *   __dead_events "<source>/<shard>" ‖ u64 seq → reason ‖ NUL ‖ hd.Envelope
 *              (events a consumer could not apply; see bus_consumer.c)
 *   __held_events "<source>/<shard>" ‖ u64 seq → hd.Envelope
 *              (events of a type this build does not know; see bus_held.c)
 *   __meta     schema version and incarnation (see store_meta.c)
 * Sequences are contiguous from the oldest retained to the newest; retention
 * never removes the newest event, so the next sequence is always last + 1.
 * Every other sub-database is the service's own (see its store.c). */
#include "hd/store.h"
#include "hd/store_meta.h"

#include "common.pb-c.h"
#include "hd/buf.h"
#include "hd/err.h"
#include "hd/liveness.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/prom.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#define MAX_DBS           128
#define MAX_BATCH_JOBS    4096
#define TRIM_EVERY_MS     1000
#define TRIM_MAX_PER_PASS 20000
#define DISK_LOW_BYTES    ((uint64_t)4 << 20)

HD_HISTOGRAM(batch_jobs, "hd_store_commit_batch_jobs",
	     "Write jobs gathered into one group commit.", hd_prom_pow2,
	     "store")
HD_HISTOGRAM(commit_seconds, "hd_store_commit_duration_seconds",
	     "Time to run and durably commit one group commit.",
	     hd_prom_latency_us, "store")

typedef struct job {
	hd_write_fn fn;
	void *arg;
	int rc;
	int done;
	pthread_cond_t cond;
	struct job *next;
} job;

struct hd_store {
	MDB_env *env;
	char names[MAX_DBS][48];
	MDB_dbi dbis[MAX_DBS];
	size_t ndbs;
	MDB_dbi events;
	uint64_t incarnation; /* see hd/store_meta.h */
	int has_outbox;
	char source[32];
	unsigned shard;
	uint64_t retain_ms, retain_max;

	pthread_mutex_t mu;
	pthread_cond_t work;
	job *head, *tail;
	int stopping;
	pthread_t writer;
	int writer_started;
	hd_loop *live; /* "store.writer": jobs queued and not yet done */

	/* writer-thread state */
	uint64_t next_seq;
	hd_buf batch; /* encoded EventBatch of the open group commit */
	char topic[64];
	int64_t last_trim_ms;

	_Atomic uint64_t committed_seq;
	_Atomic uint64_t oldest_seq;

	hd_publish_fn publish;
	void *publish_arg;

	/* Growing the map (see grow_map) needs every read transaction ended:
	 * readers count themselves in `readers` and step back while
	 * `resizing` is set. */
	size_t map_size, map_max;
	char dir[512];
	_Atomic int readers;
	atomic_bool resizing;
	pthread_mutex_t resize_mu;
	pthread_cond_t resize_done;
};

void hd_key_u64(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}

uint64_t hd_key_get_u64(const void *p)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	return v;
}

/* ---- sticky transaction operations ---- */

int hd_txn_fail(hd_txn *t, int rc)
{
	if (t->rc == HD_OK)
		t->rc = rc;
	return t->rc;
}

int hd_txn_put(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen,
	       const void *v, size_t vlen)
{
	if (t->rc)
		return t->rc;
	MDB_val key = {klen, (void *)k}, val = {vlen, (void *)v};
	return hd_txn_fail(
		t, hd_err_from_mdb(mdb_put(t->txn, dbi, &key, &val, 0)));
}

/* An LMDB answer for a keyed read or delete: a missing key is an answer
 * (HD_E_NOTFOUND) and leaves t usable; any other error is sticky. */
static int keyed(hd_txn *t, int mdb_rc)
{
	int rc = hd_err_from_mdb(mdb_rc);
	if (rc && rc != HD_E_NOTFOUND)
		hd_txn_fail(t, rc);
	return rc;
}

int hd_txn_get(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen, MDB_val *v)
{
	if (t->rc)
		return t->rc;
	MDB_val key = {klen, (void *)k};
	return keyed(t, mdb_get(t->txn, dbi, &key, v));
}

int hd_txn_del(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen)
{
	if (t->rc)
		return t->rc;
	MDB_val key = {klen, (void *)k};
	return keyed(t, mdb_del(t->txn, dbi, &key, NULL));
}

int hd_txn_emit(hd_txn *t, const char *type, const void *payload, size_t len,
		const char *trace_id)
{
	if (t->rc)
		return t->rc;
	hd_store *s = t->store;
	if (!s->has_outbox || t->readonly)
		return hd_txn_fail(t, HD_E_INVALID);
	Hd__Envelope env = HD__ENVELOPE__INIT;
	env.type = (char *)type;
	env.source = s->source;
	env.shard = s->shard;
	env.seq = s->next_seq;
	env.incarnation = s->incarnation;
	env.time_ms = hd_now_ms();
	env.trace_id = (char *)(trace_id ? trace_id : "");
	env.payload.data = (uint8_t *)payload;
	env.payload.len = len;
	size_t size = hd__envelope__get_packed_size(&env);
	uint8_t *bytes = malloc(size ? size : 1);
	if (!bytes)
		return hd_txn_fail(t, HD_E_NOMEM);
	hd__envelope__pack(&env, bytes);
	uint8_t key[8];
	hd_key_u64(key, env.seq);
	int rc = hd_txn_put(t, s->events, key, 8, bytes, size);
	if (rc == HD_OK)
		rc = hd_txn_fail(t, hd_pb_put_bytes(&s->batch, 1, bytes, size));
	free(bytes);
	if (rc)
		return rc;
	if (s->topic[0] == '\0')
		snprintf(s->topic, sizeof s->topic, "%s", type);
	else if (strcmp(s->topic, type) != 0)
		snprintf(s->topic, sizeof s->topic, "batch");
	s->next_seq++;
	return HD_OK;
}

int hd_txn_add_u64(hd_txn *t, MDB_dbi dbi, const char *key, uint64_t delta,
		   uint64_t *out)
{
	MDB_val v;
	uint64_t n = 0;
	int rc = hd_txn_get(t, dbi, key, strlen(key), &v);
	if (rc == HD_OK && v.mv_size == 8)
		n = hd_key_get_u64(v.mv_data);
	else if (rc != HD_E_NOTFOUND)
		return hd_txn_fail(t, rc ? rc : HD_E_CORRUPT);
	uint8_t b[8];
	hd_key_u64(b, n + delta);
	if (out)
		*out = n + delta;
	return hd_txn_put(t, dbi, key, strlen(key), b, 8);
}

int hd_txn_next_id(hd_txn *t, MDB_dbi dbi, const char *counter, uint64_t *id)
{
	uint64_t next = 0;
	int rc = hd_txn_add_u64(t, dbi, counter, 1, &next);
	*id = rc ? 0 : next;
	return rc;
}

int hd_store_get_u64(hd_store *s, MDB_dbi dbi, const char *key, uint64_t *out)
{
	hd_txn t;
	MDB_val v;
	*out = 0;
	int rc = hd_store_read(s, &t);
	if (rc)
		return rc;
	rc = hd_txn_get(&t, dbi, key, strlen(key), &v);
	if (rc == HD_OK && v.mv_size == 8)
		*out = hd_key_get_u64(v.mv_data);
	hd_txn_end(&t);
	return rc == HD_E_NOTFOUND ? HD_OK : rc;
}

int hd_store_count(hd_store *s, MDB_dbi dbi, uint64_t *out)
{
	hd_txn t;
	MDB_stat st;
	*out = 0;
	int rc = hd_store_read(s, &t);
	if (rc)
		return rc;
	rc = hd_err_from_mdb(mdb_stat(t.txn, dbi, &st));
	if (rc == HD_OK)
		*out = st.ms_entries;
	hd_txn_end(&t);
	return rc;
}

/* ---- opening ---- */

int hd_store_make_dir(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof path)
		return HD_E_INVALID;
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return HD_E_IO;
		*p = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return HD_E_IO;
	return HD_OK;
}

static int open_dbs(hd_store *s, const char *const *dbs)
{
	MDB_txn *txn = NULL;
	int rc = hd_err_from_mdb(mdb_txn_begin(s->env, NULL, 0, &txn));
	if (rc)
		return rc;
	for (size_t i = 0; dbs && dbs[i] && rc == HD_OK; i++) {
		if (s->ndbs >= MAX_DBS - 4) {
			rc = HD_E_TOOBIG;
			break;
		}
		snprintf(s->names[s->ndbs], sizeof s->names[0], "%s", dbs[i]);
		rc = hd_err_from_mdb(mdb_dbi_open(txn, dbs[i], MDB_CREATE,
						  &s->dbis[s->ndbs]));
		s->ndbs++;
	}
	/* consumer cursors, dead and held events, see bus_consumer.c */
	static const char *const internal[] = {"__cursors", "__dead_events",
					       "__held_events"};
	for (size_t i = 0; i < 3 && rc == HD_OK; i++) {
		snprintf(s->names[s->ndbs], sizeof s->names[0], "%s",
			 internal[i]);
		rc = hd_err_from_mdb(mdb_dbi_open(txn, internal[i], MDB_CREATE,
						  &s->dbis[s->ndbs++]));
	}
	if (rc == HD_OK)
		rc = hd_err_from_mdb(
			mdb_dbi_open(txn, "__events", MDB_CREATE, &s->events));
	if (rc == HD_OK)
		rc = hd_store_meta_open(txn, s->dir, &s->incarnation);
	if (rc) {
		mdb_txn_abort(txn);
		return rc;
	}
	return hd_err_from_mdb(mdb_txn_commit(txn));
}

/* Restore next_seq and the oldest retained sequence from the outbox. */
static int load_outbox_bounds(hd_store *s)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	int rc = hd_err_from_mdb(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn));
	if (rc)
		return rc;
	rc = hd_err_from_mdb(mdb_cursor_open(txn, s->events, &cur));
	if (rc)
		goto out;
	MDB_val k, v;
	uint64_t first = 0, last = 0;
	if (mdb_cursor_get(cur, &k, &v, MDB_FIRST) == 0 && k.mv_size == 8)
		first = hd_key_get_u64(k.mv_data);
	if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0 && k.mv_size == 8)
		last = hd_key_get_u64(k.mv_data);
	s->next_seq = last + 1;
	atomic_store(&s->committed_seq, last);
	atomic_store(&s->oldest_seq, first);
out:
	if (cur)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

static void *writer_main(void *arg);

int hd_store_open(hd_store **out, const hd_store_opts *o)
{
	*out = NULL;
	hd_store *s = calloc(1, sizeof *s);
	if (!s)
		return HD_E_NOMEM;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_mutex_init(&s->resize_mu, NULL);
	pthread_cond_init(&s->resize_done, NULL);
	s->map_size = o->map_size ? o->map_size : (size_t)1 << 30;
	snprintf(s->dir, sizeof s->dir, "%s", o->dir);
	s->map_max = o->map_max > s->map_size ? o->map_max : s->map_size;
	hd_buf_init(&s->batch, (size_t)1 << 30);
	s->shard = o->shard;
	s->retain_ms = o->retain_ms;
	s->retain_max = o->retain_max;
	s->has_outbox = o->source != NULL;
	snprintf(s->source, sizeof s->source, "%s", o->source ? o->source : "");
	int rc = hd_store_make_dir(o->dir);
	if (rc)
		goto fail;
	rc = hd_err_from_mdb(mdb_env_create(&s->env));
	if (rc)
		goto fail;
	mdb_env_set_maxdbs(s->env, MAX_DBS + 2); /* + __events, __meta */
	mdb_env_set_maxreaders(s->env, 512);
	mdb_env_set_mapsize(s->env, s->map_size);
	/* MDB_NOTLS: read transactions are not tied to threads, so RPC workers
	 * can share them freely. Sync stays on: a commit is durable. */
	rc = hd_err_from_mdb(mdb_env_open(s->env, o->dir, MDB_NOTLS, 0600));
	if (rc)
		goto fail;
	int dead = 0;
	mdb_reader_check(s->env, &dead);
	MDB_envinfo info;
	if (mdb_env_info(s->env, &info) == 0 && info.me_mapsize > s->map_size)
		s->map_size = info.me_mapsize; /* an earlier run grew it */
	if (s->map_max < s->map_size)
		s->map_max = s->map_size;
	if ((rc = open_dbs(s, o->dbs)) || (rc = load_outbox_bounds(s)))
		goto fail;
	s->last_trim_ms = hd_wall_ms();
	s->live = hd_liveness_register("store.writer", 1);
	if (pthread_create(&s->writer, NULL, writer_main, s)) {
		rc = HD_E_NOMEM;
		goto fail;
	}
	s->writer_started = 1;
	*out = s;
	return HD_OK;
fail:
	hd_error("store.open_failed", "dir=%s err=%s", o->dir, hd_strerror(rc));
	hd_store_close(s);
	return rc;
}

void hd_store_close(hd_store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
	if (s->writer_started)
		pthread_join(s->writer, NULL);
	hd_liveness_forget(s->live);
	if (s->env)
		mdb_env_close(s->env);
	hd_buf_release(&s->batch);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int hd_store_dbi(hd_store *s, const char *name, MDB_dbi *out)
{
	for (size_t i = 0; i < s->ndbs; i++)
		if (strcmp(s->names[i], name) == 0) {
			*out = s->dbis[i];
			return HD_OK;
		}
	return HD_E_NOTFOUND;
}

void hd_store_on_commit(hd_store *s, hd_publish_fn fn, void *arg)
{
	/* Under the lock the writer takes to read it (see commit_batch). */
	pthread_mutex_lock(&s->mu);
	s->publish = fn;
	s->publish_arg = arg;
	pthread_mutex_unlock(&s->mu);
}

uint64_t hd_store_incarnation(hd_store *s)
{
	return s->incarnation;
}

uint64_t hd_store_latest_seq(hd_store *s)
{
	return atomic_load(&s->committed_seq);
}
uint64_t hd_store_oldest_seq(hd_store *s)
{
	return atomic_load(&s->oldest_seq);
}

/* ---- reads ---- */

static void reader_enter(hd_store *s)
{
	for (;;) {
		atomic_fetch_add(&s->readers, 1);
		if (!atomic_load(&s->resizing))
			return;
		atomic_fetch_sub(&s->readers, 1);
		pthread_mutex_lock(&s->resize_mu);
		while (atomic_load(&s->resizing))
			pthread_cond_wait(&s->resize_done, &s->resize_mu);
		pthread_mutex_unlock(&s->resize_mu);
	}
}

int hd_store_read(hd_store *s, hd_txn *t)
{
	t->store = s;
	t->rc = HD_OK;
	t->readonly = 1;
	t->txn = NULL;
	reader_enter(s);
	int rc = hd_err_from_mdb(
		mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t->txn));
	if (rc)
		atomic_fetch_sub(&s->readers, 1);
	return rc;
}

void hd_txn_end(hd_txn *t)
{
	if (t->txn) {
		mdb_txn_abort(t->txn);
		if (t->readonly)
			atomic_fetch_sub(&t->store->readers, 1);
	}
	t->txn = NULL;
}

/* Double the map (up to map_max) once every read transaction has ended.
 * Called by the writer thread with no write transaction open. Gives up
 * after a few seconds if readers do not drain (a caller holding a read
 * across a write): the write then fails as "storage full", retryable. */
static int grow_map(hd_store *s)
{
	if (s->map_size >= s->map_max)
		return HD_E_STORAGE_FULL;
	size_t next =
		s->map_size * 2 < s->map_max ? s->map_size * 2 : s->map_max;
	atomic_store(&s->resizing, true);
	int64_t until = hd_wall_ms() + 5000;
	while (atomic_load(&s->readers) > 0 && hd_wall_ms() < until) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	int rc = HD_E_STORAGE_FULL;
	if (atomic_load(&s->readers) == 0 &&
	    mdb_env_set_mapsize(s->env, next) == 0) {
		hd_info("store.map_grown", "from_mb=%zu to_mb=%zu",
			s->map_size >> 20, next >> 20);
		s->map_size = next;
		rc = HD_OK;
	}
	pthread_mutex_lock(&s->resize_mu);
	atomic_store(&s->resizing, false);
	pthread_cond_broadcast(&s->resize_done);
	pthread_mutex_unlock(&s->resize_mu);
	return rc;
}

int hd_store_events_since(hd_store *s, uint64_t after, unsigned max,
			  size_t max_bytes, hd_event_fn fn, void *arg)
{
	uint64_t oldest = atomic_load(&s->oldest_seq);
	if (oldest > 0 && after + 1 < oldest)
		return HD_E_BEHIND;
	hd_txn t;
	MDB_cursor *cur = NULL;
	int rc = hd_store_read(s, &t);
	if (rc)
		return rc;
	rc = hd_err_from_mdb(mdb_cursor_open(t.txn, s->events, &cur));
	if (rc)
		goto out;
	uint8_t key[8];
	hd_key_u64(key, after + 1);
	MDB_val k = {8, key}, v;
	size_t bytes = 0;
	int op = MDB_SET_RANGE;
	for (unsigned n = 0; n < max && bytes < max_bytes; n++, op = MDB_NEXT) {
		int mrc = mdb_cursor_get(cur, &k, &v, op);
		if (mrc == MDB_NOTFOUND)
			break;
		if ((rc = hd_err_from_mdb(mrc)))
			goto out;
		uint64_t seq = hd_key_get_u64(k.mv_data);
		if (n == 0 && seq != after + 1 && after + 1 >= oldest) {
			rc = HD_E_BEHIND; /* trimmed under us */
			goto out;
		}
		if ((rc = fn(arg, seq, v.mv_data, v.mv_size)))
			goto out;
		bytes += v.mv_size;
	}
out:
	if (cur)
		mdb_cursor_close(cur);
	hd_txn_end(&t);
	return rc;
}

/* ---- the writer ---- */

int hd_store_write(hd_store *s, hd_write_fn fn, void *arg)
{
	job j = {.fn = fn, .arg = arg};
	pthread_cond_init(&j.cond, NULL);
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		pthread_cond_destroy(&j.cond);
		return HD_E_CLOSED;
	}
	if (s->tail)
		s->tail->next = &j;
	else
		s->head = &j;
	s->tail = &j;
	hd_liveness_queued(s->live, 1);
	pthread_cond_signal(&s->work);
	while (!j.done)
		pthread_cond_wait(&j.cond, &s->mu);
	pthread_mutex_unlock(&s->mu);
	pthread_cond_destroy(&j.cond);
	return j.rc;
}

/* fn in t, begun under the job's parent or the caller's transaction:
 * committed when fn and t succeeded, else aborted and what fn emitted taken
 * back out of the outbox batch. */
static int run_in(hd_store *s, hd_txn *t, hd_write_fn fn, void *arg)
{
	uint64_t seq_mark = s->next_seq;
	size_t batch_mark = s->batch.len;
	char topic_mark[sizeof s->topic];
	memcpy(topic_mark, s->topic, sizeof topic_mark);
	int rc = fn(t, arg);
	if (rc == HD_OK)
		rc = t->rc;
	if (rc == HD_OK)
		rc = hd_err_from_mdb(mdb_txn_commit(t->txn));
	else
		mdb_txn_abort(t->txn);
	if (rc) { /* undo what fn emitted */
		s->next_seq = seq_mark;
		s->batch.len = batch_mark;
		/* an append that failed was fn's: the batch up to the mark is
		 * whole, and a sticky error would fail every later job's
		 * events until restart */
		s->batch.err = HD_OK;
		memcpy(s->topic, topic_mark, sizeof topic_mark);
	}
	return rc;
}

static int run_job(hd_store *s, MDB_txn *parent, job *j)
{
	hd_txn t = {.store = s};
	int rc = hd_err_from_mdb(mdb_txn_begin(s->env, parent, 0, &t.txn));
	return rc ? rc : run_in(s, &t, j->fn, j->arg);
}

int hd_txn_nested(hd_txn *parent, hd_write_fn fn, void *arg)
{
	if (parent->rc)
		return parent->rc;
	hd_store *s = parent->store;
	hd_txn t = {.store = s};
	int rc = hd_err_from_mdb(mdb_txn_begin(s->env, parent->txn, 0, &t.txn));
	if (rc)
		return hd_txn_fail(parent, rc);
	return run_in(s, &t, fn, arg); /* on failure the parent goes on */
}

/* Drop events past the retention limits, never the newest one. */
static void trim_outbox(hd_store *s)
{
	uint64_t latest = atomic_load(&s->committed_seq);
	uint64_t oldest = atomic_load(&s->oldest_seq);
	if (!s->has_outbox || latest == 0 || oldest == 0 ||
	    (!s->retain_ms && !s->retain_max))
		return;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	if (mdb_txn_begin(s->env, NULL, 0, &txn))
		return;
	/* Envelopes are stamped with business time (hd_now_ms), so age is
	 * measured on that clock too: a test clock set in the past must not
	 * make every event look expired. */
	int64_t horizon =
		s->retain_ms ? hd_now_ms() - (int64_t)s->retain_ms : 0;
	uint64_t seq = oldest, removed = 0;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, s->events, &cur);
	while (rc == 0 && seq < latest && removed < TRIM_MAX_PER_PASS) {
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
		if (rc)
			break;
		seq = hd_key_get_u64(k.mv_data);
		int over_count =
			s->retain_max && latest - seq + 1 > s->retain_max;
		int too_old = 0;
		if (!over_count && horizon > 0) {
			Hd__Envelope *e = hd__envelope__unpack(NULL, v.mv_size,
							       v.mv_data);
			too_old = !e || e->time_ms < horizon;
			hd__envelope__free_unpacked(e, NULL);
		}
		if (seq >= latest || (!over_count && !too_old))
			break;
		rc = mdb_cursor_del(cur, 0);
		removed++;
		seq++;
	}
	if (cur)
		mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		hd_warn("outbox.trim_failed", "err=%s", mdb_strerror(rc));
		return;
	}
	if (removed && mdb_txn_commit(txn) == 0) {
		atomic_store(&s->oldest_seq, seq);
		hd_info("outbox.trimmed", "removed=%llu oldest=%llu",
			(unsigned long long)removed, (unsigned long long)seq);
	} else if (!removed) {
		mdb_txn_abort(txn);
	}
}

/* Run every job in one parent transaction and commit it. */
static int run_batch(hd_store *s, job *jobs, uint64_t first_seq)
{
	MDB_txn *parent = NULL;
	s->next_seq = first_seq;
	hd_buf_reset(&s->batch);
	s->topic[0] = '\0';
	int rc = hd_err_from_mdb(mdb_txn_begin(s->env, NULL, 0, &parent));
	int kept = 0;
	for (job *j = jobs; j; j = j->next) {
		j->rc = rc ? rc : run_job(s, parent, j);
		kept += j->rc == HD_OK;
	}
	if (rc == HD_OK && kept)
		rc = hd_err_from_mdb(mdb_txn_commit(parent));
	else if (parent)
		mdb_txn_abort(parent);
	return rc;
}

/* Jobs are not re-runnable (they may allocate into their arguments), so
 * the map grows before a batch, once the high-water mark passes three
 * quarters of it, rather than after a job found it full. */
static void grow_if_needed(hd_store *s)
{
	MDB_envinfo info;
	MDB_stat st;
	if (s->map_size >= s->map_max || mdb_env_info(s->env, &info) ||
	    mdb_env_stat(s->env, &st))
		return;
	size_t used = (info.me_last_pgno + 1) * (size_t)st.ms_psize;
	if (used > s->map_size / 4 * 3)
		grow_map(s);
}

/* LMDB reports a write cut short by a full disk as EIO (a short pwrite),
 * not ENOSPC: call it "storage full" when the disk is indeed nearly out. */
static int classify_io(hd_store *s, int rc)
{
	struct statvfs v;
	if (rc == HD_E_IO && statvfs(s->dir, &v) == 0 &&
	    (uint64_t)v.f_bavail * v.f_frsize < DISK_LOW_BYTES)
		return HD_E_STORAGE_FULL;
	return rc;
}

/* The store label is the outbox source ("intake") or "local" for a store
 * without one: one process has one of each at most. */
static void observe_commit(hd_store *s, job *jobs, int64_t elapsed_us, int rc)
{
	uint64_t n = 0, full = 0;
	for (job *j = jobs; j; j = j->next) {
		n++;
		full += j->rc == HD_E_STORAGE_FULL;
	}
	const char *label = s->has_outbox ? s->source : "local";
	hd_prom_observe(&batch_jobs, &label, n);
	hd_prom_observe(&commit_seconds, &label, (uint64_t)elapsed_us);
	if (rc)
		hd_prom_error("store_commit");
	if (rc == HD_E_STORAGE_FULL || full)
		hd_prom_error("store_full");
}

static void commit_batch(hd_store *s, job *jobs)
{
	uint64_t first_seq = s->next_seq;
	grow_if_needed(s);
	int64_t started_us = hd_prom_now_us();
	int rc = classify_io(s, run_batch(s, jobs, first_seq));
	observe_commit(s, jobs, hd_prom_now_us() - started_us, rc);
	for (job *j = jobs; j && rc; j = j->next)
		if (j->rc == HD_OK)
			j->rc = rc;
	if (rc) {
		s->next_seq = first_seq;
		hd_error("store.commit_failed", "err=%s why=\"%s\"",
			 hd_errname(rc), hd_strerror(rc));
		return;
	}
	int full = 0;
	for (job *j = jobs; j; j = j->next)
		full += j->rc == HD_E_STORAGE_FULL;
	if (full) {
		hd_error("store.full", "jobs_refused=%d map_mb=%zu max_mb=%zu",
			 full, s->map_size >> 20, s->map_max >> 20);
		if (s->map_size < s->map_max)
			grow_map(s); /* so the client's retry fits */
	}
	if (s->next_seq == first_seq)
		return;
	atomic_store(&s->committed_seq, s->next_seq - 1);
	if (atomic_load(&s->oldest_seq) == 0)
		atomic_store(&s->oldest_seq, first_seq);
	pthread_mutex_lock(&s->mu);
	hd_publish_fn publish = s->publish;
	void *publish_arg = s->publish_arg;
	pthread_mutex_unlock(&s->mu);
	if (publish)
		publish(publish_arg, s->topic, (uint8_t *)s->batch.data,
			s->batch.len);
}

static void *writer_main(void *arg)
{
	hd_store *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->stopping) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&s->work, &s->mu, &until);
			if (!s->head &&
			    hd_wall_ms() - s->last_trim_ms >= TRIM_EVERY_MS)
				break;
		}
		if (!s->head && s->stopping)
			break;
		job *jobs = s->head;
		job *last = jobs;
		for (int n = 1; last && last->next && n < MAX_BATCH_JOBS; n++)
			last = last->next;
		if (jobs) {
			s->head = last->next;
			if (!s->head)
				s->tail = NULL;
			last->next = NULL;
		}
		pthread_mutex_unlock(&s->mu);
		if (jobs)
			commit_batch(s, jobs);
		if (hd_wall_ms() - s->last_trim_ms >= TRIM_EVERY_MS) {
			s->last_trim_ms = hd_wall_ms();
			trim_outbox(s);
		}
		pthread_mutex_lock(&s->mu);
		int64_t n = 0;
		for (job *j = jobs; j; n++) {
			job *next = j->next; /* j lives on its caller's stack */
			j->done = 1;
			pthread_cond_signal(&j->cond);
			j = next;
		}
		if (n)
			hd_liveness_done(s->live, n);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int hd_store_stats_get(hd_store *s, hd_store_stats *out)
{
	memset(out, 0, sizeof *out);
	MDB_envinfo info;
	MDB_stat st;
	reader_enter(s); /* the map must not be resized under mdb_env_info */
	int rc = hd_err_from_mdb(mdb_env_info(s->env, &info));
	if (!rc)
		rc = hd_err_from_mdb(mdb_env_stat(s->env, &st));
	atomic_fetch_sub(&s->readers, 1);
	if (rc)
		return rc;
	out->map_bytes = info.me_mapsize;
	out->map_max_bytes = s->map_max;
	out->used_bytes = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
	char path[600];
	struct stat fst;
	snprintf(path, sizeof path, "%s/data.mdb", s->dir);
	if (stat(path, &fst) != 0)
		return HD_E_IO;
	out->disk_bytes = (uint64_t)fst.st_blocks * 512;
	return HD_OK;
}
