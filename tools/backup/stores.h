/* What hd-backup and hd-restore share: the stores of a data directory (or
 * a backup), their identity, whether their service is running, and LMDB
 * opened the way the services open it. Single-threaded tools. */
#ifndef BK_STORES_H
#define BK_STORES_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#define BK_MAX_STORES 64
#define BK_NAME_MAX   64

typedef struct bk_list {
	char names[BK_MAX_STORES][BK_NAME_MAX]; /* "intake-0" */
	size_t n;
} bk_list;

/* Every "<service>-<shard>" directory under dir holding a data.mdb,
 * consumers before their sources (metrics and notifications, then routing
 * and knowledge, then intake): copied in that order, no consumer's cursor
 * is ahead of its source's copy. HD_E_IO / HD_E_TOOBIG. */
int bk_list_stores(const char *dir, bk_list *out);
/* Keep only the names in want (n of them); HD_E_NOTFOUND naming the first
 * that is missing. */
int bk_list_filter(bk_list *l, char *const *want, size_t n);

/* Take the store's instance.lock (creating the directory and the file if
 * missing) and keep it until the process exits, so its service cannot start
 * while the store is being rewritten. 0 when held, 1 when a running service
 * holds it, -1 on an I/O error. */
int bk_hold(const char *store_dir);

/* Open an environment as the services do (maxdbs, map size from the
 * file). flags: MDB_RDONLY or 0. Message on stderr and an HD_E_* on
 * failure. */
int bk_env_open(MDB_env **env, const char *store_dir, unsigned flags);

typedef struct bk_meta {
	uint64_t incarnation; /* 0: the store predates incarnations */
	uint64_t version;     /* schema version, 0 = none recorded */
	uint64_t head;        /* newest outbox sequence, 0 = none */
	uint64_t restored_seq;
} bk_meta;
/* Read the identity in txn. */
int bk_meta_read(MDB_txn *txn, bk_meta *out);
/* The identity of the store in store_dir, read in a read-only transaction
 * of its own (as bk_env_open fails). */
int bk_meta_of(const char *store_dir, bk_meta *out);

/* Stamp every event in the store's outbox with incarnation inc, in
 * transactions of a few thousand events: the restored copy's history is
 * the new incarnation's, so a consumer that continues from inside it (a
 * restored set, a re-sync) sees one incarnation. *n counts the events
 * rewritten. HD_E_DECODE names an event that is not an hd.Envelope. */
int bk_restamp_outbox(MDB_env *env, uint64_t inc, uint64_t *n);

/* "<a>/<b>" into out; HD_E_TOOBIG when it does not fit. */
int bk_path(char *out, size_t cap, const char *a, const char *b);

#endif
