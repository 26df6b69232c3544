/* Rewriting a table's records in one walk; see hd/store_upgrade.h. */
#include "hd/store_upgrade.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <string.h>

int hd_txn_rewrite_pb(hd_txn *t, MDB_dbi dbi, hd_rewrite_fn fn, void *arg,
		      uint64_t *rewritten)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t key[512]; /* LMDB keys are at most 511 bytes */
	if (rewritten)
		*rewritten = 0;
	if (t->rc)
		return t->rc;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, dbi, &cur));
	/* raw cursor: puts into dbi while walking it (hd_txn_foreach may not) */
	for (int op = MDB_FIRST; rc == HD_OK; op = MDB_NEXT) {
		int mrc = mdb_cursor_get(cur, &k, &v, op);
		if (mrc) { /* the end, or a read that failed: not a success */
			rc = mrc == MDB_NOTFOUND ? HD_OK : hd_err_from_mdb(mrc);
			break;
		}
		ProtobufCMessage *m = NULL;
		rc = fn(arg, &k, &v, &m);
		if (!rc && m) {
			/* the key points into the page the put may move */
			size_t klen = k.mv_size;
			memcpy(key, k.mv_data, klen);
			rc = hd_txn_put_pb(t, dbi, key, klen, m);
			if (!rc && rewritten)
				(*rewritten)++;
		}
		if (m)
			protobuf_c_message_free_unpacked(m, NULL);
	}
	if (cur)
		mdb_cursor_close(cur);
	return rc ? hd_txn_fail(t, rc) : HD_OK;
}

typedef struct pb_fix {
	const ProtobufCMessageDescriptor *desc;
	hd_pb_fix_fn fix;
} pb_fix;

static int fix_one(void *arg, const MDB_val *k, const MDB_val *v,
		   ProtobufCMessage **out)
{
	const pb_fix *f = arg;
	bool changed = false;
	(void)k;
	ProtobufCMessage *m = protobuf_c_message_unpack(f->desc, NULL,
							v->mv_size, v->mv_data);
	int rc = m ? f->fix(m, &changed) : HD_E_CORRUPT;
	if (!rc && changed)
		*out = m;
	else if (m)
		protobuf_c_message_free_unpacked(m, NULL);
	return rc;
}

int hd_txn_upgrade_pb(hd_txn *t, MDB_dbi dbi,
		      const ProtobufCMessageDescriptor *desc, hd_pb_fix_fn fix,
		      uint64_t *rewritten)
{
	pb_fix f = {desc, fix};
	return hd_txn_rewrite_pb(t, dbi, fix_one, &f, rewritten);
}
