/* A handler's request payload, decoded or refused. See hd/req_decode.h. */
#include "hd/req_decode.h"

#include "hd/err.h"
#include "hd/vocab.h"

int hd_req_decode(const hd_rpc_req *req, hd_rpc_rep *rep,
		  const ProtobufCMessageDescriptor *desc, void **out)
{
	*out = protobuf_c_message_unpack(desc, NULL, req->len, req->payload);
	if (*out)
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_DECODE, NULL, "payload is not an %s",
			   desc->name);
}

static int decode_if(bool allowed, const char *refusal, const hd_rpc_req *req,
		     hd_rpc_rep *rep, const ProtobufCMessageDescriptor *desc,
		     void **out)
{
	*out = NULL;
	if (!allowed)
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL, "%s", refusal);
	return hd_req_decode(req, rep, desc, out);
}

int hd_req_decode_admin(const hd_rpc_req *req, hd_rpc_rep *rep,
			const ProtobufCMessageDescriptor *desc, void **out)
{
	return decode_if(hd_role_is_admin(req->principal.role), "admins only",
			 req, rep, desc, out);
}

int hd_req_decode_staff(const hd_rpc_req *req, hd_rpc_rep *rep,
			const ProtobufCMessageDescriptor *desc, void **out)
{
	return decode_if(hd_role_is_staff(req->principal.role), "agents only",
			 req, rep, desc, out);
}
