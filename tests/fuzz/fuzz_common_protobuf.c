/* Untrusted bytes from the bus and RPC: every message type a service
 * decodes off the wire must decode or refuse cleanly, and whatever decodes
 * must re-encode (services forward what they decoded) to exactly the
 * predicted size. A second decode may legitimately differ: protobuf-c
 * keeps strings as C strings, so a string with an embedded NUL is cut
 * there when re-encoded; that costs a hostile peer its own bytes only. */
#include "fuzz.h"

#include "common.pb-c.h"
#include "reports.pb-c.h"
#include "rpc.pb-c.h"
#include "ticket.pb-c.h"
#include "ticket_metrics.pb-c.h"
#include "user.pb-c.h"

#include <stdlib.h>

static const ProtobufCMessageDescriptor *const kinds[] = {
	&hd__envelope__descriptor,
	&hd__event_batch__descriptor,
	&hd__rpc_request__descriptor,
	&hd__rpc_reply__descriptor,
	&hd__ticket__descriptor,
	&hd__ticket_write_request__descriptor,
	&hd__ticket_list_request__descriptor,
	&hd__user__descriptor,
	&hd__events_since_reply__descriptor,
	&hd__mc_answer__descriptor, /* the gateway decodes metrics' rows */
	&hd__report_reply__descriptor,
};

static void roundtrip(const ProtobufCMessageDescriptor *d, const uint8_t *p,
		      size_t n)
{
	ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, n, p);
	if (!m)
		return;
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(len ? len : 1);
	if (buf && protobuf_c_message_pack(m, buf) != len)
		abort();
	ProtobufCMessage *again =
		buf ? protobuf_c_message_unpack(d, NULL, len, buf) : NULL;
	protobuf_c_message_free_unpacked(again, NULL);
	protobuf_c_message_free_unpacked(m, NULL);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		roundtrip(kinds[i], data, size);
	return 0;
}
