/* Uploads and attachment blobs, on the directory shard (0). Key layout:
 *   tk_uploads  token (32 hex) → hd.Upload (its attachments' metadata)
 *   tk_blobs    u64 attachment id → the raw bytes
 *   tk_attach   u64 attachment id → hd.Attachment
 * Tokens live 60 minutes for attaching; attachments stay for good. */
#include "tickets.h"

#include "hd/err.h"
#include "hd/obj_mac.h"
#include "hd/pbwire.h"

#include <sodium.h>
#include <string.h>

#define TOKEN_LIFE_MS       (60 * 60 * 1000)
#define MAX_FILES_PER_TOKEN 20
#define MAX_NAME_BYTES      255

typedef struct put_job {
	intake *in;
	const hd_rpc_req *req;
	Hd__UploadPutRequest *q;
	Hd__Upload *up;
	Hd__Attachment att;
	hd_rpc_rep *rep;
} put_job;

static int load_upload(const intake *in, hd_txn *t, const char *token,
		       Hd__Upload **up)
{
	return hd_txn_get_pb(t, in->tk.uploads, token, strlen(token),
			     &hd__upload__descriptor, (void **)up);
}

static int put_run(hd_txn *t, void *arg)
{
	put_job *j = arg;
	const intake *in = j->in;
	char token[33];
	if (j->q->token[0]) {
		int rc = load_upload(in, t, j->q->token, &j->up);
		if (rc == HD_OK &&
		    (j->up->owner_id != j->req->principal.user_id ||
		     j->up->expires_at < hd_now_ms()))
			rc = HD_E_NOTFOUND;
		if (rc == HD_OK && j->up->n_attachments >= MAX_FILES_PER_TOKEN)
			rc = hd_rpc_fail(j->rep, HD_E_INVALID, "token",
					 "token: at most %d files per upload",
					 MAX_FILES_PER_TOKEN);
		if (rc)
			return rc;
	} else {
		uint8_t raw[16];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(token, sizeof token, raw, sizeof raw);
		j->up = calloc(1, sizeof *j->up);
		if (!j->up)
			return HD_E_NOMEM;
		hd__upload__init(j->up);
		if (hd_pb_set_string(&j->up->token, token))
			return HD_E_NOMEM;
		j->up->owner_id = j->req->principal.user_id;
		j->up->expires_at = hd_now_ms() + TOKEN_LIFE_MS;
	}
	Hd__Attachment *a = &j->att;
	int rc = intake_next_id(t, j->in, "next_attachment", &a->id);
	if (rc)
		return rc;
	a->file_name = j->q->file_name;
	a->content_type = j->q->content_type;
	a->size = j->q->data.len;
	a->token = j->up->token;
	a->owner_id = j->req->principal.user_id;
	uint8_t key[8];
	hd_key_u64(key, a->id);
	hd_txn_put(t, in->tk.blobs, key, 8,
		   j->q->data.len ? j->q->data.data : (uint8_t *)"",
		   j->q->data.len);
	intake_put_pb(t, in->tk.attach, a->id, a);
	Hd__Attachment **grown = realloc(
		j->up->attachments, (j->up->n_attachments + 1) * sizeof *grown);
	if (!grown)
		return hd_txn_fail(t, HD_E_NOMEM);
	j->up->attachments = grown;
	grown[j->up->n_attachments++] = a; /* borrowed: removed before free */
	hd_txn_put_pb(t, in->tk.uploads, j->up->token, strlen(j->up->token),
		      j->up);
	return t->rc;
}

static int check_put(const Hd__UploadPutRequest *q, hd_rpc_rep *rep)
{
	size_t n = strlen(q->file_name);
	if (n == 0 || n > MAX_NAME_BYTES || strpbrk(q->file_name, "/\\\r\n"))
		return hd_rpc_fail(rep, HD_E_INVALID, "filename",
				   "filename: 1-255 bytes, no slashes");
	if (strlen(q->content_type) > 127 || strlen(q->token) > 64)
		return hd_rpc_fail(rep, HD_E_INVALID, "token",
				   "token or content type too long");
	return HD_OK;
}

int tk_rpc_uploads_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	put_job j = {.in = ctx, .req = req, .rep = rep};
	hd__attachment__init(&j.att);
	if (req->principal.user_id == 0)
		return hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL, "who?");
	if (hd_req_decode(req, rep, &hd__upload_put_request__descriptor,
			  (void **)&j.q))
		return HD_E_DECODE;
	int rc = check_put(j.q, rep);
	if (!rc)
		rc = hd_store_write(j.in->store, put_run, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, j.up);
	if (j.up && j.up->n_attachments &&
	    j.up->attachments[j.up->n_attachments - 1] == &j.att)
		j.up->n_attachments--; /* ours, on the stack */
	hd__upload__free_unpacked(j.up, NULL);
	hd__upload_put_request__free_unpacked(j.q, NULL);
	return rc;
}

int tk_rpc_uploads_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__UploadGetRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__upload_get_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	hd_txn t;
	Hd__Upload *up = NULL;
	int rc = strlen(q->token) == 32 ? hd_store_read(in->store, &t)
					: HD_E_NOTFOUND;
	if (!rc) {
		rc = load_upload(in, &t, q->token, &up);
		hd_txn_end(&t);
	}
	if (!rc && up->owner_id != req->principal.user_id &&
	    !intake_is_staff(&req->principal))
		rc = HD_E_NOTFOUND;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, up);
	hd__upload__free_unpacked(up, NULL);
	hd__upload_get_request__free_unpacked(q, NULL);
	return rc;
}

/* May the caller have attachment a? On a comment: when a ticket shard
 * said that comment is visible to them. Unattached: its uploader only.
 * The bytes also need content_url's token. Anything else is "not found",
 * so ids reveal nothing. */
static bool may_read(const Hd__AttachmentGetRequest *q, const hd_rpc_req *req,
		     const Hd__Attachment *a, int with_data)
{
	if (a->deleted)
		return false;
	if (!q->on_visible_comment &&
	    (!req->principal.user_id || a->owner_id != req->principal.user_id))
		return false;
	return !with_data || tk_attachment_token_ok(a->id, q->token);
}

/* attachments.get (with_data 0) and attachments.content (1). */
static int attachment(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep,
		      int with_data)
{
	Hd__AttachmentGetRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__attachment_get_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	Hd__AttachmentContent out = HD__ATTACHMENT_CONTENT__INIT;
	hd_txn t;
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, q->id);
	int rc = hd_store_read(in->store, &t);
	if (!rc) {
		rc = hd_txn_get_pb_id(&t, in->tk.attach, q->id,
				      &hd__attachment__descriptor,
				      (void **)&out.attachment);
		if (!rc && !may_read(q, req, out.attachment, with_data))
			rc = HD_E_NOTFOUND;
		if (!rc && with_data &&
		    !(rc = hd_txn_get(&t, in->tk.blobs, key, 8, &v))) {
			out.data.data = v.mv_data;
			out.data.len = v.mv_size;
		}
		/* pack before the txn ends: the blob is borrowed from LMDB */
		if (!rc)
			rc = hd_pb_pack(&rep->payload, &out);
		hd_txn_end(&t);
	}
	hd__attachment__free_unpacked(out.attachment, NULL);
	hd__attachment_get_request__free_unpacked(q, NULL);
	return rc;
}

bool tk_attachment_token_ok(uint64_t id, const char *token)
{
	uint8_t key[8];
	hd_key_u64(key, id);
	return hd_obj_mac_ok(HD_ATT_URL_MAC, key, sizeof key,
			     HD_ATT_URL_MAC_BYTES, token);
}

int tk_rpc_attachments_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return attachment(ctx, req, rep, 0);
}

int tk_rpc_attachments_content(void *ctx, const hd_rpc_req *req,
			       hd_rpc_rep *rep)
{
	return attachment(ctx, req, rep, 1);
}
