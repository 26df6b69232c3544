/* Bringing a table's protobuf records to the current format at store open:
 * each record is decoded, handed to the service's fix function and, when
 * that changed it, written back in the same transaction. Runs inside a
 * caller's write transaction; no state of its own, any thread. */
#ifndef HD_STORE_UPGRADE_H
#define HD_STORE_UPGRADE_H

#include "hd/store.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

/* One record of a rewrite: set *out to a message to store under the same
 * key instead of val (the walk packs and frees it), or leave it NULL to
 * keep the record. key and val are valid only during the call. Returns
 * HD_OK or an error that aborts the walk. */
typedef int (*hd_rewrite_fn)(void *arg, const MDB_val *key, const MDB_val *val,
			     ProtobufCMessage **out);

/* Walk every record of dbi in key order, writing back what fn returns —
 * the one walk that puts into the table it walks, which hd_txn_foreach
 * does not allow. *rewritten (may be NULL) counts the records written.
 * fn's errors, or the store's (sticky on t). */
int hd_txn_rewrite_pb(hd_txn *t, MDB_dbi dbi, hd_rewrite_fn fn, void *arg,
		      uint64_t *rewritten);

/* Change msg in place to the current format; set *changed when it did.
 * Returns HD_OK or an error that aborts the upgrade. */
typedef int (*hd_pb_fix_fn)(ProtobufCMessage *msg, bool *changed);

/* Run fix over every record of dbi (decoded as desc); *rewritten (may be
 * NULL) counts the records written back. HD_E_CORRUPT when a record does
 * not decode, fix's errors, or the store's (sticky on t). */
int hd_txn_upgrade_pb(hd_txn *t, MDB_dbi dbi,
		      const ProtobufCMessageDescriptor *desc, hd_pb_fix_fn fix,
		      uint64_t *rewritten);

#endif
