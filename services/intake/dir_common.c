/* Shared steps of the directory RPC handlers; see dir_common.h. */
#include "dir_common.h"

#include "hd/err.h"

static int enter(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep,
		 const intake_dir_rpc *how)
{
	int rc = intake_on_directory(in, rep);
	if (rc)
		return rc;
	bool ok =
		how->gate == INTAKE_ANYONE ||
		(how->gate == INTAKE_STAFF ? intake_is_staff(&req->principal)
					   : intake_is_admin(&req->principal));
	return ok ? HD_OK
		  : hd_rpc_fail(rep, HD_E_FORBIDDEN, how->denied_field, "%s",
				how->denied);
}

/* True when the sub-message field name of m is set. */
static bool has_sub(const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(m->descriptor,
								name);
	return f && *(void *const *)((const char *)m + f->offset) != NULL;
}

int intake_dir_open(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep,
		    const intake_dir_rpc *how, void **msg)
{
	*msg = NULL;
	int rc = enter(in, req, rep, how);
	if (rc)
		return rc;
	ProtobufCMessage *m = protobuf_c_message_unpack(how->msg, NULL,
							req->len, req->payload);
	if (m && how->required && !has_sub(m, how->required)) {
		protobuf_c_message_free_unpacked(m, NULL);
		m = NULL;
	}
	if (!m)
		return hd_rpc_fail(rep, HD_E_DECODE, NULL, "%s",
				   how->undecodable);
	*msg = m;
	return HD_OK;
}

static const intake_dir_rpc session_rpc = {
	.gate = INTAKE_ANYONE,
	.msg = &hd__session_request__descriptor,
	.undecodable = "payload is not an hd.SessionRequest",
};

int intake_session_rpc(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		       intake_session_fn fn)
{
	intake *in = ctx;
	Hd__SessionRequest *q = NULL;
	int rc = intake_dir_open(in, req, rep, &session_rpc, (void **)&q);
	if (rc)
		return rc;
	rc = fn(in, req, q, rep);
	hd__session_request__free_unpacked(q, NULL);
	return rc;
}

int intake_dir_read(intake *in, MDB_dbi dbi,
		    const ProtobufCMessageDescriptor *d, uint64_t id,
		    void **out)
{
	hd_txn t;
	int rc = hd_store_read(in->store, &t);
	if (!rc)
		rc = hd_txn_get_pb_id(&t, dbi, id, d, out);
	hd_txn_end(&t);
	return rc;
}

int intake_dir_list(intake *in, MDB_dbi dbi,
		    const ProtobufCMessageDescriptor *d,
		    const Hd__DirListRequest *q, intake_dir_keep keep,
		    void *arg, intake_dir_page *out)
{
	hd_txn t;
	int rc = hd_store_read(in->store, &t);
	if (!rc)
		rc = intake_dir_scan(&t, dbi, d, q, keep, arg, out);
	hd_txn_end(&t);
	return rc;
}

int intake_dir_run(intake *in, hd_rpc_rep *rep, hd_write_fn fn, void *job,
		   hd_buf *result)
{
	hd_buf_init(result, (size_t)1 << 20);
	int rc = hd_store_write(in->store, fn, job);
	if (!rc)
		rc = hd_buf_append(&rep->payload,
				   result->data ? result->data : "",
				   result->len);
	hd_buf_release(result);
	return rc;
}
