/* Reading a whole table of routing's store into a list (scan.c). */
#ifndef ROUTING_SCAN_H
#define ROUTING_SCAN_H

#include "hd/store.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

/* Append every value of dbi, decoded as d, that keep(msg, arg) accepts to
 * the array *items of *n messages (the caller frees them and the array). A
 * value that does not decode is skipped, or ends the scan with HD_E_CORRUPT
 * when strict. */
int routing_scan(hd_txn *t, MDB_dbi dbi, const ProtobufCMessageDescriptor *d,
		 bool strict, bool (*keep)(const void *msg, const void *arg),
		 const void *arg, void ***items, size_t *n);

#endif
