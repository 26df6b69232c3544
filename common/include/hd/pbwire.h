/* Appending protobuf wire-format fields to a buffer, for building a message
 * out of parts that are already encoded (an EventBatch from stored
 * Envelopes) without decoding and re-encoding them. */
#ifndef HD_PBWIRE_H
#define HD_PBWIRE_H

#include "hd/buf.h"

#include <stddef.h>
#include <stdint.h>

/* Field `field` of wire type 2 (bytes / embedded message). */
int hd_pb_put_bytes(hd_buf *b, unsigned field, const void *p, size_t len);
/* Field `field` of wire type 0 (varint). */
int hd_pb_put_varint(hd_buf *b, unsigned field, uint64_t v);

/* Append the encoding of a protobuf-c message (any generated type). */
int hd_pb_pack(hd_buf *b, const void *msg);
#endif
