/* A consumer's cursor for one source as stored in __cursors, and the rule
 * that decides whether an event may continue it. Internal to common/
 * (bus_consumer.c, and hd-restore through hd/bus.h's hd_bus_cursor_*).
 *
 * Value layout: u64 seq ‖ u64 incarnation ‖ [u8 reason]. An 8-byte value
 * (written before incarnations existed) is seq alone, incarnation 0; the
 * reason byte is present only once the consumer stopped applying from the
 * source because it diverged. */
#ifndef HD_BUS_CURSOR_H
#define HD_BUS_CURSOR_H

#include "hd/bus.h"

/* Read key's cursor in t; a missing or malformed one reads as all zero. */
void hd_bus_cursor_read(hd_txn *t, MDB_dbi dbi, const char *key,
			hd_bus_cursor *out);
/* Write it (sticky, as hd_txn_put). */
int hd_bus_cursor_write(hd_txn *t, MDB_dbi dbi, const char *key,
			const hd_bus_cursor *c);

#endif
