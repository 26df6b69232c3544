/* The steps every directory RPC handler (users, tokens, orgs, groups)
 * repeats, described by a table instead of spelled out per handler: be on
 * the directory shard, let only the right principals in, decode the
 * request; read one record or one page in a read transaction; run a write
 * job whose packed result becomes the reply. */
#ifndef INTAKE_DIR_COMMON_H
#define INTAKE_DIR_COMMON_H

#include "users.h"

typedef enum { INTAKE_ANYONE, INTAKE_STAFF, INTAKE_ADMIN } intake_gate;

typedef struct intake_dir_rpc {
	intake_gate gate;
	const char *denied; /* the 403 message when the gate is shut */
	const ProtobufCMessageDescriptor *msg; /* the request */
	const char *undecodable;               /* the decode error message */
	const char
		*required; /* a sub-message field that must be set, or NULL */
	const char *denied_field; /* the 403's field, or NULL */
} intake_dir_rpc;

/* On the directory shard, through the gate, and the payload decoded into
 * *msg (the caller's: free with protobuf_c_message_free_unpacked): HD_OK,
 * else the failure already written to rep. */
int intake_dir_open(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep,
		    const intake_dir_rpc *how, void **msg);
/* The RPCs that take an hd.SessionRequest from anyone, the session id, the
 * mailbox or the link being the credential (sessions.c, pw_reset.c,
 * signin_link.c): intake_dir_open through INTAKE_ANYONE, then fn(in, req,
 * q, rep), then q freed. Returns the open's failure or fn's result. */
typedef int (*intake_session_fn)(intake *in, const hd_rpc_req *req,
				 Hd__SessionRequest *q, hd_rpc_rep *rep);
int intake_session_rpc(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		       intake_session_fn fn);
/* A route handler name(ctx, req, rep) that is intake_session_rpc with fn. */
#define INTAKE_SESSION_ROUTE(name, fn)                                         \
	static int name(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)     \
	{                                                                      \
		return intake_session_rpc(ctx, req, rep, fn);                  \
	}
/* Record id of dbi, in its own read transaction; *out is the caller's. */
int intake_dir_read(intake *in, MDB_dbi dbi,
		    const ProtobufCMessageDescriptor *d, uint64_t id,
		    void **out);
/* intake_dir_scan in its own read transaction. */
int intake_dir_list(intake *in, MDB_dbi dbi,
		    const ProtobufCMessageDescriptor *d,
		    const Hd__DirListRequest *q, intake_dir_keep keep,
		    void *arg, intake_dir_page *out);
/* Run fn(job) as a write job; what it packed into *result (which this
 * initialises and releases) becomes rep's payload on success. */
int intake_dir_run(intake *in, hd_rpc_rep *rep, hd_write_fn fn, void *job,
		   hd_buf *result);

#endif
