/* Protobuf wire-format appends; see hd/pbwire.h. */
#include "hd/pbwire.h"

#include <protobuf-c/protobuf-c.h>

static size_t varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;
	for (;;) {
		uint8_t byte = (uint8_t)(v & 0x7f);
		v >>= 7;
		out[n++] = byte | (v ? 0x80 : 0);
		if (!v)
			return n;
	}
}

int hd_pb_put_bytes(hd_buf *b, unsigned field, const void *p, size_t len)
{
	uint8_t hdr[20];
	size_t n = varint(hdr, ((uint64_t)field << 3) | 2);
	n += varint(hdr + n, len);
	int rc = hd_buf_append(b, hdr, n);
	return rc ? rc : hd_buf_append(b, p, len);
}

int hd_pb_put_varint(hd_buf *b, unsigned field, uint64_t v)
{
	uint8_t hdr[20];
	size_t n = varint(hdr, (uint64_t)field << 3);
	n += varint(hdr + n, v);
	return hd_buf_append(b, hdr, n);
}

typedef struct sink {
	ProtobufCBuffer base;
	hd_buf *b;
	int rc;
} sink;

static void sink_append(ProtobufCBuffer *pb, size_t len, const uint8_t *data)
{
	sink *s = (sink *)pb;
	if (!s->rc)
		s->rc = hd_buf_append(s->b, data, len);
}

int hd_pb_pack(hd_buf *b, const void *msg)
{
	sink s = {.base = {sink_append}, .b = b};
	protobuf_c_message_pack_to_buffer(msg, &s.base);
	return s.rc;
}
