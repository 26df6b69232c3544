/* Protobuf messages as LMDB values: put one encoded, get one decoded, under
 * any key. Sticky like the hd_txn_* calls they wrap (store.h); same thread
 * rule as the transaction. */
#ifndef HD_STORE_PB_H
#define HD_STORE_PB_H

#include "hd/store.h"

#include <protobuf-c/protobuf-c.h>

/* Encode msg (any protobuf-c message) and put it under key. HD_E_TOOBIG
 * beyond 16 MiB, else hd_txn_put's errors. */
int hd_txn_put_pb(hd_txn *t, MDB_dbi dbi, const void *key, size_t klen,
		  const void *msg);
/* Decode the value under key as desc into *out (the caller frees it with
 * protobuf_c_message_free_unpacked). HD_E_NOTFOUND (not sticky), or
 * HD_E_CORRUPT when it does not decode; *out is NULL on failure. */
int hd_txn_get_pb(hd_txn *t, MDB_dbi dbi, const void *key, size_t klen,
		  const ProtobufCMessageDescriptor *desc, void **out);
/* hd_txn_put_pb with the caller's size cap instead of 16 MiB, for stores
 * that keep larger values (raw e-mail, uploads). */
int hd_txn_put_pb_max(hd_txn *t, MDB_dbi dbi, const void *key, size_t klen,
		      const void *msg, size_t max);

/* The same under the 8-byte big-endian key of id (hd_key_u64), the layout
 * of every "record by numeric id" table. */
int hd_txn_put_pb_id(hd_txn *t, MDB_dbi dbi, uint64_t id, const void *msg);
int hd_txn_get_pb_id(hd_txn *t, MDB_dbi dbi, uint64_t id,
		     const ProtobufCMessageDescriptor *desc, void **out);

/* Encode msg and append it to the outbox as an event of this type
 * (hd_txn_emit); sticky, HD_E_TOOBIG beyond 16 MiB. */
int hd_txn_emit_pb(hd_txn *t, const char *type, const void *msg,
		   const char *trace_id);

/* Replace the string member *field of a heap (unpacked) message with a copy
 * of value, freeing the old one, so protobuf_c_message_free_unpacked stays
 * right. HD_E_NOMEM leaves *field as it was. */
int hd_pb_set_string(char **field, const char *value);
/* A heap message of type desc with every member at its default, for
 * building a new record that is freed like an unpacked one; NULL when out
 * of memory. */
void *hd_pb_new(const ProtobufCMessageDescriptor *desc);
/* For a list message built on the stack from unpacked records: free every
 * element of its repeated message fields and their arrays, and leave
 * those fields empty. Other members are left alone. */
void hd_pb_free_repeated(ProtobufCMessage *msg);

#endif
