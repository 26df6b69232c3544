/* A store's identity and format, kept in its __meta sub-database: the
 * schema version (checked at every open, migrated forward by a table of
 * steps, refused when newer than this build) and the incarnation (random,
 * made with the store, replaced by hd-restore) that every envelope and
 * consumer cursor carries, so a restored source cannot be mistaken for the
 * one consumers followed. Functions run inside a caller's LMDB write
 * transaction; no state of their own, any thread. */
#ifndef HD_STORE_META_H
#define HD_STORE_META_H

#include <lmdb.h>
#include <stdint.h>

/* The format this build writes. Bump it with a row in store_meta.c's
 * migrations[] that brings a store of the previous version forward. */
#define HD_STORE_SCHEMA_VERSION 1
#define HD_STORE_META_DB        "__meta"

/* Open (creating) __meta in txn, migrate the store forward to
 * HD_STORE_SCHEMA_VERSION and read its incarnation into *incarnation.
 * HD_E_INVALID (logged as store.too_new with both versions) when the store
 * was written by a newer schema; a failing migration's error otherwise.
 * dir is only for log lines. */
int hd_store_meta_open(MDB_txn *txn, const char *dir, uint64_t *incarnation);

/* Replace the incarnation with a new random one (hd-restore), recording
 * the outbox head the restored copy holds and when. HD_OK or the LMDB
 * error translated. */
int hd_store_meta_reincarnate(MDB_txn *txn, uint64_t restored_seq,
			      uint64_t *incarnation);

/* The schema version recorded in txn's store (0 = none yet). */
int hd_store_meta_version(MDB_txn *txn, uint64_t *version);

/* A fresh random non-zero incarnation. */
uint64_t hd_store_new_incarnation(void);

#endif
