/* See hd/pb_unknown.h. */
#include "hd/pb_unknown.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

/* The index of length-delimited unknown field `field` of m and its bytes
 * after the length varint (protobuf-c keeps the varint in data). HD_OK,
 * HD_E_NOTFOUND, HD_E_CORRUPT when the varint is cut short or does not
 * give the rest's length. */
static int find(const ProtobufCMessage *m, uint32_t field, unsigned *at,
		const uint8_t **data, size_t *len)
{
	for (unsigned i = 0; m && i < m->n_unknown_fields; i++) {
		const ProtobufCMessageUnknownField *f = &m->unknown_fields[i];
		if (f->tag != field ||
		    f->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED)
			continue;
		size_t skip = 0, n = 0;
		bool end = false;
		for (unsigned shift = 0; !end && skip < f->len && shift < 64;
		     shift += 7) {
			n |= (size_t)(f->data[skip] & 0x7f) << shift;
			end = !(f->data[skip++] & 0x80);
		}
		if (!end || n != f->len - skip)
			return HD_E_CORRUPT;
		*at = i;
		*data = f->data + skip;
		*len = n;
		return HD_OK;
	}
	return HD_E_NOTFOUND;
}

int hd_pb_unknown_bytes(const ProtobufCMessage *m, uint32_t field,
			const uint8_t **data, size_t *len)
{
	unsigned at;
	return find(m, field, &at, data, len);
}

char *hd_pb_take_unknown_text(ProtobufCMessage *m, uint32_t tag, bool *nomem)
{
	unsigned at;
	const uint8_t *data;
	size_t len;
	if (nomem)
		*nomem = false;
	if (find(m, tag, &at, &data, &len))
		return NULL;
	char *s = malloc(len + 1);
	if (!s) {
		if (nomem)
			*nomem = true;
		return NULL;
	}
	memcpy(s, data, len);
	s[len] = '\0';
	ProtobufCMessageUnknownField *u = &m->unknown_fields[at];
	free(u->data);
	memmove(u, u + 1, (m->n_unknown_fields - at - 1) * sizeof *u);
	m->n_unknown_fields--;
	return s;
}
