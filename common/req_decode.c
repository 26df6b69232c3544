/* A handler's request payload, decoded or refused. See hd/req_decode.h. */
#include "hd/req_decode.h"

#include "hd/err.h"

int hd_req_decode(const hd_rpc_req *req, hd_rpc_rep *rep,
		  const ProtobufCMessageDescriptor *desc, void **out)
{
	*out = protobuf_c_message_unpack(desc, NULL, req->len, req->payload);
	if (*out)
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_DECODE, NULL, "payload is not an %s",
			   desc->name);
}
