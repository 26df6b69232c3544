/* Stored consumer cursors and the incarnation rule; see bus_cursor.h. */
#include "bus_cursor.h"

#include "hd/err.h"

#include <string.h>

const char *hd_bus_reason_name(int reason)
{
	static const char *const names[] = {"ok", "behind_retention",
					    "incarnation_changed",
					    "seq_backwards"};
	if (reason < 0 || (size_t)reason >= sizeof names / sizeof names[0])
		return "unknown";
	return names[reason];
}

void hd_bus_cursor_read(hd_txn *t, MDB_dbi dbi, const char *key,
			hd_bus_cursor *out)
{
	MDB_val v;
	memset(out, 0, sizeof *out);
	if (hd_txn_get(t, dbi, key, strlen(key), &v) ||
	    (v.mv_size != 8 && v.mv_size != 16 && v.mv_size != 17))
		return;
	const uint8_t *b = v.mv_data;
	out->seq = hd_key_get_u64(b);
	if (v.mv_size >= 16)
		out->incarnation = hd_key_get_u64(b + 8);
	if (v.mv_size == 17)
		out->reason = b[16];
}

int hd_bus_cursor_write(hd_txn *t, MDB_dbi dbi, const char *key,
			const hd_bus_cursor *c)
{
	uint8_t b[17];
	hd_key_u64(b, c->seq);
	hd_key_u64(b + 8, c->incarnation);
	b[16] = (uint8_t)c->reason;
	return hd_txn_put(t, dbi, key, strlen(key), b, c->reason ? 17 : 16);
}

int hd_bus_cursor_check(hd_bus_cursor *c, uint64_t inc)
{
	if (inc == 0 || c->incarnation == inc)
		return HD_BUS_OK;
	if (c->incarnation == 0) {
		c->incarnation = inc;
		return HD_BUS_OK;
	}
	return HD_BUS_INCARNATION_CHANGED;
}
