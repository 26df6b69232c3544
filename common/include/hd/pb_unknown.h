/* Reading a field this build no longer declares. When a field was retired
 * (a JSON-text field replaced by typed ones), records written by an older
 * build still carry it; protobuf-c keeps such fields in the message's
 * unknown_fields, and the reader falls back to them: either borrowing the
 * bytes (the field is written back unchanged) or taking them out (the
 * upgraded record no longer carries it). No state; any thread. */
#ifndef HD_PB_UNKNOWN_H
#define HD_PB_UNKNOWN_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bytes of length-delimited field number field in m's unknown fields
 * (without their length prefix): HD_OK, HD_E_NOTFOUND, HD_E_CORRUPT when
 * the length prefix does not match the bytes. *data points into m and
 * lives as long as it. m NULL: HD_E_NOTFOUND. */
int hd_pb_unknown_bytes(const ProtobufCMessage *m, uint32_t field,
			const uint8_t **data, size_t *len);

/* Remove unknown field `tag` (length-delimited) from m and return its bytes
 * as a NUL-terminated heap string the caller frees; NULL when m has no
 * such field, its length prefix is corrupt (m is left as it was) or memory
 * ran out (*nomem says which; may be NULL). */
char *hd_pb_take_unknown_text(ProtobufCMessage *m, uint32_t tag, bool *nomem);

#endif
