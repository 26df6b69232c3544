/* One RPC from an HTTP handler: pack, call, map failures to HTTP, unpack. */
#include "gateway.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#define MAX_REQUEST_BYTES ((size_t)32 << 20) /* uploads, inbound e-mail */

int gw_call(gw *g, hd_rpc_client *c, gw_req *r, const char *method,
	    const void *req, const ProtobufCMessageDescriptor *reply_desc,
	    void **reply, gw_resp *out)
{
	hd_buf b;
	hd_rpc_result res = {0};
	*reply = NULL;
	hd_buf_init(&b, MAX_REQUEST_BYTES);
	int rc = req ? hd_pb_pack(&b, req) : HD_OK;
	if (rc) {
		hd_buf_release(&b);
		return gw_from_err(out, rc, "request too large");
	}
	rc = hd_rpc_call(c, method, b.data, b.len, &r->who, r->trace,
			 g->rpc_timeout_ms, &res);
	hd_buf_release(&b);
	if (rc || res.rc) {
		gw_from_rpc(out, rc, &res);
		hd_rpc_result_release(&res);
		return rc ? rc : res.rc;
	}
	*reply = protobuf_c_message_unpack(reply_desc, NULL, res.len,
					   res.payload);
	hd_rpc_result_release(&res);
	if (!*reply)
		return gw_from_err(out, HD_E_INTERNAL, "undecodable reply");
	return HD_OK;
}
