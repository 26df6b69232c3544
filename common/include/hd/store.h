/* The durable store: one LMDB environment per service instance, named
 * sub-databases, an event outbox, and group commit.
 *
 * All writes go through hd_store_write(): a single writer thread gathers the
 * jobs that arrived while the previous transaction was committing, runs each
 * in its own nested transaction (so one failing job undoes only itself),
 * commits them together with one fsync, publishes the events they emitted as
 * one batch, and only then wakes their callers. Reads run in their own
 * read-only transactions from any thread.
 *
 * Transactions carry a sticky error (Knot DNS style): after the first failed
 * call every later call does nothing and returns that error, so a job checks
 * once at its end. */
#ifndef HD_STORE_H
#define HD_STORE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#include "hd/clock.h"

typedef struct hd_store hd_store;

typedef struct hd_txn {
	MDB_txn *txn;
	hd_store *store;
	int rc; /* sticky error: first failure wins */
	int readonly;
} hd_txn;

typedef struct hd_store_opts {
	const char *dir;        /* created (0700) when missing */
	const char *const *dbs; /* named sub-databases, NULL-terminated */
	size_t map_size;        /* bytes; 0 = 1 GiB */
	size_t map_max;         /* the map doubles up to this when full */
	const char *source;     /* name in envelopes; NULL = no outbox */
	unsigned shard;
	uint64_t retain_ms;  /* outbox retention by age; 0 = forever */
	uint64_t retain_max; /* outbox retention by count; 0 = no cap */
} hd_store_opts;

/* Called by the writer thread after each durable commit that emitted events:
 * topic (the events' common type, or "batch"), and the encoded hd.EventBatch.
 * The bytes are borrowed for the duration of the call. */
typedef void (*hd_publish_fn)(void *arg, const char *topic,
			      const uint8_t *batch, size_t len);

/* A write job: runs on the writer thread inside a nested transaction. Return
 * HD_OK to keep its changes, any error to undo them (the error is returned
 * from hd_store_write). Must not block on other jobs. */
typedef int (*hd_write_fn)(hd_txn *txn, void *arg);

/* Open (creating) the environment and start the writer. HD_E_CORRUPT,
 * HD_E_IO, HD_E_NOMEM, HD_E_INVALID. *out is NULL on failure. */
int hd_store_open(hd_store **out, const hd_store_opts *o);
/* mkdir -p dir (mode 0700). HD_E_INVALID / HD_E_IO. */
int hd_store_make_dir(const char *dir);
/* Finish queued jobs, stop the writer, close the environment. NULL is fine. */
void hd_store_close(hd_store *s);
/* Handle of a named sub-database given at open. HD_E_NOTFOUND otherwise. */
int hd_store_dbi(hd_store *s, const char *name, MDB_dbi *out);
/* hd_store_dbi for each row of a table ending in {NULL, NULL}: a module
 * binds all its sub-databases at once. The first error is returned. */
typedef struct hd_dbi_ref {
	const char *name;
	MDB_dbi *dbi;
} hd_dbi_ref;
int hd_store_dbis(hd_store *s, const hd_dbi_ref *refs);
/* Set the post-commit hook (before any write is submitted). */
void hd_store_on_commit(hd_store *s, hd_publish_fn fn, void *arg);

/* Run fn in the next group commit and wait until it is durable. Returns fn's
 * error, or the commit's (HD_E_STORAGE_FULL, HD_E_IO, HD_E_CLOSED …). */
int hd_store_write(hd_store *s, hd_write_fn fn, void *arg);

/* Begin a read-only transaction into *t; end it with hd_txn_end(). Values
 * read are borrowed until then. */
int hd_store_read(hd_store *s, hd_txn *t);
void hd_txn_end(hd_txn *t);

/* Sticky operations. get returns HD_E_NOTFOUND without making it sticky. */
int hd_txn_put(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen,
	       const void *v, size_t vlen);
int hd_txn_get(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen, MDB_val *v);
int hd_txn_del(hd_txn *t, MDB_dbi dbi, const void *k, size_t klen);
/* Add delta to the big-endian u64 stored under key (missing = 0); the new
 * value goes to *out when out is not NULL. */
int hd_txn_add_u64(hd_txn *t, MDB_dbi dbi, const char *key, uint64_t delta,
		   uint64_t *out);
/* Take the next id from the counter named counter in dbi: 1 from a missing
 * counter, then 2, 3 …; the counter keeps the last id given, as a
 * big-endian u64. *id is 0 on failure. Sticky, as hd_txn_add_u64. */
int hd_txn_next_id(hd_txn *t, MDB_dbi dbi, const char *counter, uint64_t *id);
/* Read such a value in its own read transaction (missing = 0). */
int hd_store_get_u64(hd_store *s, MDB_dbi dbi, const char *key, uint64_t *out);
/* Number of entries in a sub-database. */
int hd_store_count(hd_store *s, MDB_dbi dbi, uint64_t *out);
/* Record rc as the transaction's error unless one is already set. */
int hd_txn_fail(hd_txn *t, int rc);
/* Run fn inside a child of the write transaction parent: on success its
 * changes (and events) join parent; on failure they are undone and parent
 * carries on unharmed. Returns fn's error. */
int hd_txn_nested(hd_txn *parent, hd_write_fn fn, void *arg);

/* Append an event to the outbox in this transaction; it is published after
 * the commit. The payload is copied. HD_E_INVALID when the store has no
 * outbox. */
int hd_txn_emit(hd_txn *t, const char *type, const void *payload, size_t len,
		const char *trace_id);

/* The store's incarnation (never 0; see hd/store_meta.h), fixed while
 * it is open. */
uint64_t hd_store_incarnation(hd_store *s);

/* Highest committed outbox sequence (0 = none) and oldest retained one. */
uint64_t hd_store_latest_seq(hd_store *s);
uint64_t hd_store_oldest_seq(hd_store *s);
/* Events with seq > after, in order, at most max of them and about max_bytes:
 * each is handed to fn (borrowed bytes of one encoded hd.Envelope). Returns
 * HD_E_BEHIND when after+1 was already trimmed. */
typedef int (*hd_event_fn)(void *arg, uint64_t seq, const uint8_t *env,
			   size_t len);
int hd_store_events_since(hd_store *s, uint64_t after, unsigned max,
			  size_t max_bytes, hd_event_fn fn, void *arg);

/* Operational figures for /metrics, read from any thread. */
typedef struct hd_store_stats {
	uint64_t map_bytes;     /* the map's current size */
	uint64_t map_max_bytes; /* the most it may grow to (HD_MAP_MAX_MB) */
	uint64_t used_bytes;    /* pages up to LMDB's high-water mark */
	uint64_t disk_bytes;    /* blocks data.mdb occupies on disk */
} hd_store_stats;
/* HD_OK, or the LMDB/stat error translated. */
int hd_store_stats_get(hd_store *s, hd_store_stats *out);

/* Keys hold integers big-endian so cursor order is numeric order. */
void hd_key_u64(uint8_t out[8], uint64_t v);
uint64_t hd_key_get_u64(const void *p);

#endif
