/* Reading a whole table of routing's store into a list. */
#include "scan.h"

#include "hd/err.h"

#include <stdlib.h>

int routing_scan(hd_txn *t, MDB_dbi dbi, const ProtobufCMessageDescriptor *d,
		 bool strict, bool (*keep)(const void *msg, const void *arg),
		 const void *arg, void ***items, size_t *n)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, dbi, &cur));
	for (int op = MDB_FIRST;
	     rc == HD_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
	     op = MDB_NEXT) {
		ProtobufCMessage *m = protobuf_c_message_unpack(
			d, NULL, v.mv_size, v.mv_data);
		if (!m && strict) {
			rc = HD_E_CORRUPT;
			break;
		}
		if (!m || !keep(m, arg)) {
			protobuf_c_message_free_unpacked(m, NULL);
			continue;
		}
		void **grown = realloc(*items, (*n + 1) * sizeof *grown);
		if (!grown) {
			protobuf_c_message_free_unpacked(m, NULL);
			rc = HD_E_NOMEM;
			break;
		}
		*items = grown;
		(*items)[(*n)++] = m;
	}
	if (cur)
		mdb_cursor_close(cur);
	return rc;
}
