/* The other shards' copy of the ticket field and form definitions: shard 0
 * emits each stored definition (and each delete) in its write; every other
 * shard consumes intake shard 0 and applies the event here, in the same
 * transaction as its cursor, so a shard that was down catches up by itself
 * and applying twice is a no-op. Shard 0 consumes nothing. */
#include "fields.h"

#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/store_pb.h"

#include <string.h>

static int put_def(hd_txn *t, MDB_dbi dbi, const Hd__Envelope *ev,
		   const ProtobufCMessageDescriptor *d)
{
	ProtobufCMessage *m = protobuf_c_message_unpack(
		d, NULL, ev->payload.len, ev->payload.data);
	if (!m)
		return HD_E_DECODE;
	const ProtobufCFieldDescriptor *fd =
		protobuf_c_message_descriptor_get_field_by_name(d, "id");
	uint64_t id = *(const uint64_t *)((const char *)m + fd->offset);
	int rc = intake_put_pb(t, dbi, id, m);
	protobuf_c_message_free_unpacked(m, NULL);
	return rc ? rc : t->rc;
}

static int del_def(hd_txn *t, MDB_dbi dbi, const Hd__Envelope *ev)
{
	Hd__FieldId *fi =
		hd__field_id__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!fi)
		return HD_E_DECODE;
	uint8_t key[8];
	hd_key_u64(key, fi->id);
	hd__field_id__free_unpacked(fi, NULL);
	hd_txn_del(t, dbi, key, 8); /* missing is fine: not sticky */
	return t->rc;
}

int intake_defs_apply(void *arg, hd_txn *t, const Hd__Envelope *ev)
{
	const intake *in = arg;
	if (ev->shard != 0)
		return HD_OK;
	if (!strcmp(ev->type, "ticket_field.saved"))
		return put_def(t, in->fields.fields, ev,
			       &hd__ticket_field__descriptor);
	if (!strcmp(ev->type, "ticket_form.saved"))
		return put_def(t, in->fields.forms, ev,
			       &hd__ticket_form__descriptor);
	if (!strcmp(ev->type, "ticket_field.deleted"))
		return del_def(t, in->fields.fields, ev);
	if (!strcmp(ev->type, "ticket_form.deleted"))
		return del_def(t, in->fields.forms, ev);
	return HD_OK; /* tickets, users, …: shard 0's own */
}
