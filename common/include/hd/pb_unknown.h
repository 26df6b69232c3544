/* Reading a field this build no longer declares. When a JSON-text field
 * was replaced by typed ones, records written by an older build still
 * carry it; protobuf-c keeps such fields in the message's unknown_fields,
 * and the reader falls back to them. */
#ifndef HD_PB_UNKNOWN_H
#define HD_PB_UNKNOWN_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

/* The bytes of length-delimited field number field in m's unknown fields
 * (without their length prefix): HD_OK, HD_E_NOTFOUND. *data points into
 * m and lives as long as it. */
int hd_pb_unknown_bytes(const ProtobufCMessage *m, uint32_t field,
			const uint8_t **data, size_t *len);

#endif
