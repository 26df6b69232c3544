/* Helpers every intake module shares. Key layout of what this file owns:
 *   meta  counter name ("next_ticket", "next_user", …) → u64 next value
 * Ids are INTAKE_ID(counter, shard). Each module's own sub-databases are
 * described at the top of that module's store file. */
#include "intake.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <string.h>

int intake_next_id(hd_txn *t, intake *in, const char *counter, uint64_t *id)
{
	MDB_val v;
	uint64_t n = 1;
	int rc = hd_txn_get(t, in->meta, counter, strlen(counter), &v);
	if (rc == HD_OK && v.mv_size == 8)
		n = hd_key_get_u64(v.mv_data);
	else if (rc != HD_E_NOTFOUND)
		return hd_txn_fail(t, rc ? rc : HD_E_CORRUPT);
	uint8_t next[8];
	hd_key_u64(next, n + 1);
	*id = INTAKE_ID(n, in->shard);
	return hd_txn_put(t, in->meta, counter, strlen(counter), next, 8);
}

int intake_put_pb(hd_txn *t, MDB_dbi dbi, uint64_t id, const void *msg)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)64 << 20);
	uint8_t key[8];
	hd_key_u64(key, id);
	int rc = hd_pb_pack(&b, msg);
	if (rc)
		hd_txn_fail(t, rc);
	else
		rc = hd_txn_put(t, dbi, key, 8, b.data ? b.data : "", b.len);
	hd_buf_release(&b);
	return rc;
}

int intake_get_pb(hd_txn *t, MDB_dbi dbi, uint64_t id,
		  const ProtobufCMessageDescriptor *d, void **out)
{
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, id);
	*out = NULL;
	int rc = hd_txn_get(t, dbi, key, 8, &v);
	if (rc)
		return rc;
	/* Decode now: LMDB's bytes are borrowed only until the txn ends. */
	*out = protobuf_c_message_unpack(d, NULL, v.mv_size, v.mv_data);
	return *out ? HD_OK : HD_E_CORRUPT;
}

bool intake_is_staff(const hd_principal *p)
{
	return strcmp(p->role, "agent") == 0 || intake_is_admin(p);
}

bool intake_is_admin(const hd_principal *p)
{
	return strcmp(p->role, "admin") == 0 || strcmp(p->role, "system") == 0;
}
