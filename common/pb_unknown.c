/* See hd/pb_unknown.h. */
#include "hd/pb_unknown.h"

#include "hd/err.h"

int hd_pb_unknown_bytes(const ProtobufCMessage *m, uint32_t field,
			const uint8_t **data, size_t *len)
{
	for (unsigned i = 0; m && i < m->n_unknown_fields; i++) {
		const ProtobufCMessageUnknownField *f = &m->unknown_fields[i];
		if (f->tag != field ||
		    f->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED)
			continue;
		/* protobuf-c keeps the length varint in data */
		size_t at = 0;
		while (at < f->len && (f->data[at] & 0x80))
			at++;
		if (++at > f->len)
			return HD_E_CORRUPT;
		*data = f->data + at;
		*len = f->len - at;
		return HD_OK;
	}
	return HD_E_NOTFOUND;
}
