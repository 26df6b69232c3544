/* Decoding an RPC request's payload for a handler, with the one error every
 * service answers for bytes that are not the expected message. No state,
 * any thread. */
#ifndef HD_REQ_DECODE_H
#define HD_REQ_DECODE_H

#include "hd/rpc.h"

#include <protobuf-c/protobuf-c.h>

/* Decode req's payload as desc into *out; the caller frees it with
 * protobuf_c_message_free_unpacked (or the type's __free_unpacked). When it
 * does not decode, *out is NULL, rep says "payload is not an <desc->name>"
 * (e.g. "hd.ViewId") and HD_E_DECODE is returned. */
int hd_req_decode(const hd_rpc_req *req, hd_rpc_rep *rep,
		  const ProtobufCMessageDescriptor *desc, void **out);

/* As hd_req_decode, for a handler only admins (hd_role_is_admin) or only
 * staff (hd_role_is_staff) may call: anyone else gets HD_E_FORBIDDEN with
 * "admins only" / "agents only", the payload not looked at and *out NULL. */
int hd_req_decode_admin(const hd_rpc_req *req, hd_rpc_rep *rep,
			const ProtobufCMessageDescriptor *desc, void **out);
int hd_req_decode_staff(const hd_rpc_req *req, hd_rpc_rep *rep,
			const ProtobufCMessageDescriptor *desc, void **out);

#endif
