/* Calling intake's own RPC handlers in-process, so the e-mail channel
 * creates users and stores attachments through the very code paths the API
 * uses (users.ensure, uploads.put) instead of copies of them. */
#include "mail.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <string.h>

static const hd_rpc_route *const tables[] = {intake_users_routes,
					     intake_tickets_routes, NULL};

static hd_rpc_fn find(const char *method)
{
	for (size_t t = 0; tables[t]; t++)
		for (const hd_rpc_route *r = tables[t]; r->method; r++)
			if (strcmp(r->method, method) == 0)
				return r->fn;
	return NULL;
}

int mail_call_local(intake *in, const char *method, const void *msg,
		    const hd_principal *who,
		    const ProtobufCMessageDescriptor *d, void **out,
		    hd_rpc_rep *rep)
{
	hd_rpc_fn fn = find(method);
	hd_buf req_buf;
	hd_buf_init(&req_buf, (size_t)32 << 20);
	*out = NULL;
	int rc = fn ? hd_pb_pack(&req_buf, msg) : HD_E_INTERNAL;
	if (rc == HD_OK) {
		hd_rpc_req req = {.method = method,
				  .payload = (const uint8_t *)req_buf.data,
				  .len = req_buf.len,
				  .trace_id = "",
				  .principal = *who};
		rc = fn(in, &req, rep);
	}
	if (rc == HD_OK) {
		*out = protobuf_c_message_unpack(
			d, NULL, rep->payload.len,
			(const uint8_t *)(rep->payload.data ? rep->payload.data
							    : ""));
		if (!*out)
			rc = HD_E_CORRUPT;
	}
	hd_buf_release(&req_buf);
	return rc;
}
