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

int hd_bus_cursor_decode(const void *p, size_t len, hd_bus_cursor *out)
{
	memset(out, 0, sizeof *out);
	if (len != 8 && len != 16 && len != 17)
		return HD_E_CORRUPT;
	const uint8_t *b = p;
	out->seq = hd_key_get_u64(b);
	if (len >= 16)
		out->incarnation = hd_key_get_u64(b + 8);
	if (len == 17)
		out->reason = b[16];
	return HD_OK;
}

size_t hd_bus_cursor_encode(const hd_bus_cursor *c, uint8_t out[17])
{
	hd_key_u64(out, c->seq);
	hd_key_u64(out + 8, c->incarnation);
	out[16] = (uint8_t)c->reason;
	return c->reason ? 17 : 16;
}

void hd_bus_cursor_read(hd_txn *t, MDB_dbi dbi, const char *key,
			hd_bus_cursor *out)
{
	MDB_val v;
	memset(out, 0, sizeof *out);
	if (hd_txn_get(t, dbi, key, strlen(key), &v) == HD_OK)
		hd_bus_cursor_decode(v.mv_data, v.mv_size, out);
}

int hd_bus_cursor_write(hd_txn *t, MDB_dbi dbi, const char *key,
			const hd_bus_cursor *c)
{
	uint8_t b[17];
	size_t n = hd_bus_cursor_encode(c, b);
	return hd_txn_put(t, dbi, key, strlen(key), b, n);
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
