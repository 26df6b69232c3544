/* Rewriting records a fix function changed; see hd/store_upgrade.h. */
#include "hd/store_upgrade.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <string.h>

int hd_txn_upgrade_pb(hd_txn *t, MDB_dbi dbi,
		      const ProtobufCMessageDescriptor *desc, hd_pb_fix_fn fix,
		      uint64_t *rewritten)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t key[512];
	if (rewritten)
		*rewritten = 0;
	if (t->rc)
		return t->rc;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, dbi, &cur));
	/* raw cursor: puts into dbi while walking it (hd_txn_foreach may not) */
	for (int op = MDB_FIRST;
	     rc == HD_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
	     op = MDB_NEXT) {
		bool changed = false;
		ProtobufCMessage *m = protobuf_c_message_unpack(
			desc, NULL, v.mv_size, v.mv_data);
		rc = m ? fix(m, &changed) : HD_E_CORRUPT;
		if (!rc && changed && k.mv_size <= sizeof key) {
			/* the key points into the page the put may move */
			size_t klen = k.mv_size;
			memcpy(key, k.mv_data, klen);
			rc = hd_txn_put_pb(t, dbi, key, klen, m);
			if (!rc && rewritten)
				(*rewritten)++;
		}
		protobuf_c_message_free_unpacked(m, NULL);
	}
	if (cur)
		mdb_cursor_close(cur);
	return rc ? hd_txn_fail(t, rc) : HD_OK;
}
