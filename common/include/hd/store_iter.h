/* Walking a sub-database in key order: every key under a prefix, forward or
 * backward, from a start key, with early stop; and decoding the protobuf
 * values of a prefix into an array. The one way services read ranges, so
 * the cursor handling (open, position, prefix bound, close, error
 * translation) exists once. Same thread rule as the transaction (store.h);
 * keys and values handed out are borrowed until the transaction ends. */
#ifndef HD_STORE_ITER_H
#define HD_STORE_ITER_H

#include "hd/store.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

/* Returned by an hd_kv_fn to end a walk early without an error; never
 * returned by the walk itself (it returns HD_OK then). Outside the HD_E_*
 * range on purpose. */
#define HD_STOP (-1)

/* Called once per key: HD_OK to go on, HD_STOP to end the walk, or an
 * HD_E_* error, which ends the walk and is returned from it unchanged (not
 * made sticky: the caller decides). fn may delete the key it was handed
 * (hd_txn_del, in a write transaction) and must not use k or v afterwards;
 * it must not otherwise write to dbi during the walk. */
typedef int (*hd_kv_fn)(void *arg, const MDB_val *k, const MDB_val *v);

/* fn over every key of dbi that starts with prefix (plen 0: every key), in
 * key order. HD_OK when the keys ran out or fn said HD_STOP; fn's error;
 * or an LMDB failure, translated and made sticky. A transaction that
 * already failed returns its error and calls nothing. */
int hd_txn_foreach(hd_txn *t, MDB_dbi dbi, const void *prefix, size_t plen,
		   hd_kv_fn fn, void *arg);

/* As hd_txn_foreach, positioned and in either direction, still bounded by
 * prefix: forward starts at the first key >= from, reverse (descending key
 * order) at the last key <= from. from NULL (flen 0) starts at the
 * prefix's first key, or its last key in reverse; a from beyond the
 * prefix's range on the side the walk starts from is the same as NULL, on
 * the other side the walk finds nothing. Same returns. */
int hd_txn_foreach_from(hd_txn *t, MDB_dbi dbi, const void *prefix, size_t plen,
			const void *from, size_t flen, bool reverse,
			hd_kv_fn fn, void *arg);
#define hd_txn_foreach_rev(t, dbi, prefix, plen, fn, arg)                      \
	hd_txn_foreach_from(t, dbi, prefix, plen, NULL, 0, true, fn, arg)

/* The key and value the same walk would hand out first, into *k and *v
 * (either may be NULL; borrowed until the transaction ends). HD_OK;
 * HD_E_NOTFOUND, not sticky, when the walk is empty; LMDB failures as
 * hd_txn_foreach. */
int hd_txn_first(hd_txn *t, MDB_dbi dbi, const void *prefix, size_t plen,
		 const void *from, size_t flen, bool reverse, MDB_val *k,
		 MDB_val *v);

/* Decided about a decoded record: true to keep it, false to drop it. */
typedef bool (*hd_pb_keep_fn)(const void *msg, const void *arg);

/* Decode every value of dbi under prefix as desc, in key order, and collect
 * those keep(msg, arg) accepts (keep NULL: all) into a new array.
 * Ownership, one rule: on HD_OK the caller owns *items and every message
 * in it (free both with hd_pb_free_array; *items is NULL when *n is 0); on
 * any error the helper has already freed everything it decoded and leaves
 * *items NULL and *n 0. A value that does not decode ends the scan with
 * HD_E_CORRUPT (a corrupt record is never skipped silently). HD_E_NOMEM;
 * LMDB errors as hd_txn_foreach. */
int hd_txn_scan_pb(hd_txn *t, MDB_dbi dbi, const void *prefix, size_t plen,
		   const ProtobufCMessageDescriptor *desc, hd_pb_keep_fn keep,
		   const void *arg, void ***items, size_t *n);
/* Free n unpacked messages and their array; NULL is fine. */
void hd_pb_free_array(void **items, size_t n);

#endif
