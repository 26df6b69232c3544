/* Protobuf values in LMDB: encode into a bounded buffer, decode borrowed
 * bytes before the transaction ends. */
#include "hd/store_pb.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

#define MAX_VALUE_BYTES ((size_t)16 << 20)

int hd_txn_put_pb_max(hd_txn *t, MDB_dbi dbi, const void *key, size_t klen,
		      const void *msg, size_t max)
{
	if (t->rc)
		return t->rc;
	hd_buf b;
	hd_buf_init(&b, max);
	int rc = hd_pb_pack(&b, msg);
	if (rc)
		hd_txn_fail(t, rc);
	else
		rc = hd_txn_put(t, dbi, key, klen, b.data ? b.data : "", b.len);
	hd_buf_release(&b);
	return rc;
}

int hd_txn_put_pb(hd_txn *t, MDB_dbi dbi, const void *key, size_t klen,
		  const void *msg)
{
	return hd_txn_put_pb_max(t, dbi, key, klen, msg, MAX_VALUE_BYTES);
}

int hd_txn_put_pb_id(hd_txn *t, MDB_dbi dbi, uint64_t id, const void *msg)
{
	uint8_t key[8];
	hd_key_u64(key, id);
	return hd_txn_put_pb(t, dbi, key, sizeof key, msg);
}

int hd_txn_get_pb_id(hd_txn *t, MDB_dbi dbi, uint64_t id,
		     const ProtobufCMessageDescriptor *desc, void **out)
{
	uint8_t key[8];
	hd_key_u64(key, id);
	return hd_txn_get_pb(t, dbi, key, sizeof key, desc, out);
}

int hd_txn_emit_pb(hd_txn *t, const char *type, const void *msg,
		   const char *trace_id)
{
	if (t->rc)
		return t->rc;
	hd_buf b;
	hd_buf_init(&b, MAX_VALUE_BYTES);
	int rc = hd_txn_fail(t, hd_pb_pack(&b, msg));
	if (!rc)
		rc = hd_txn_emit(t, type, b.data ? b.data : "", b.len,
				 trace_id);
	hd_buf_release(&b);
	return rc;
}

int hd_txn_get_pb(hd_txn *t, MDB_dbi dbi, const void *key, size_t klen,
		  const ProtobufCMessageDescriptor *desc, void **out)
{
	MDB_val v;
	*out = NULL;
	int rc = hd_txn_get(t, dbi, key, klen, &v);
	if (rc)
		return rc;
	*out = protobuf_c_message_unpack(desc, NULL, v.mv_size, v.mv_data);
	return *out ? HD_OK : HD_E_CORRUPT;
}

int hd_pb_set_string(char **field, const char *value)
{
	char *copy = strdup(value ? value : "");
	if (!copy)
		return HD_E_NOMEM;
	/* Unset proto3 strings point at protobuf-c's shared empty string. */
	if (*field && *field != protobuf_c_empty_string)
		free(*field);
	*field = copy;
	return HD_OK;
}

void *hd_pb_new(const ProtobufCMessageDescriptor *desc)
{
	/* Unpacking zero bytes gives every member its default, on the heap. */
	static const uint8_t none[1];
	return protobuf_c_message_unpack(desc, NULL, 0, none);
}

void hd_pb_free_repeated(ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->label != PROTOBUF_C_LABEL_REPEATED ||
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		size_t *n = (size_t *)((char *)msg + f->quantifier_offset);
		ProtobufCMessage ***items =
			(ProtobufCMessage ***)((char *)msg + f->offset);
		for (size_t k = 0; k < *n; k++)
			protobuf_c_message_free_unpacked((*items)[k], NULL);
		free(*items);
		*items = NULL;
		*n = 0;
	}
}
