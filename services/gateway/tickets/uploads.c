/* Uploads and attachments: POST /uploads?filename= takes the raw body (any
 * content type) into intake shard 0; comment.uploads tokens are resolved
 * here into the attachments intake records on the comment. */
#include "gw_tickets.h"

#include "hd/err.h"
#include "hd/obj_mac.h"
#include "hd/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 20

json_t *gw_attachment_json(const gw_req *r, const Hd__Attachment *a)
{
	char url[400], content[480], token[2 * HD_ATT_URL_MAC_BYTES + 1] = "";
	uint8_t key[8];
	hd_key_u64(key, a->id);
	/* without a cluster key the URL carries no token and is refused */
	hd_obj_mac_hex(HD_ATT_URL_MAC, key, sizeof key, HD_ATT_URL_MAC_BYTES,
		       token, sizeof token);
	snprintf(url, sizeof url, "%s/api/v2/attachments/%llu.json",
		 r->base_url, (unsigned long long)a->id);
	snprintf(content, sizeof content,
		 "%s/api/v2/attachments/%llu/content?token=%s", r->base_url,
		 (unsigned long long)a->id, token);
	return json_pack(
		"{s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:n, s:n, "
		"s:b, s:b, s:b, s:s, s:[]}",
		"url", url, "id", (json_int_t)a->id, "file_name", a->file_name,
		"content_url", content, "mapped_content_url", content,
		"content_type",
		a->content_type[0] ? a->content_type : "application/binary",
		"size", (json_int_t)a->size, "width", "height", "inline",
		a->inline_, "deleted", a->deleted, "malware_access_override", 0,
		"malware_scan_result", "not_scanned", "thumbnails");
}

int gw_uploads_create(gw *g, gw_req *r, gw_resp *out)
{
	const char *name = gw_query(r, "filename");
	const char *token = gw_query(r, "token");
	const char *type = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!name || !name[0])
		return gw_error(out, 400, "ParameterMissing",
				"param is missing or the value is empty: "
				"filename");
	Hd__UploadPutRequest q = HD__UPLOAD_PUT_REQUEST__INIT;
	q.file_name = (char *)name;
	q.token = (char *)(token ? token : "");
	q.content_type = (char *)(type && strlen(type) < 128 ? type : "");
	q.data.data = (uint8_t *)r->body.data;
	q.data.len = r->body.len;
	Hd__Upload *up = NULL;
	int rc = gw_call(g, g->intake[0], r, "uploads.put", &q,
			 &hd__upload__descriptor, (void **)&up, out);
	if (rc)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < up->n_attachments; i++)
		json_array_append_new(
			list, gw_attachment_json(r, up->attachments[i]));
	json_t *last =
		up->n_attachments
			? gw_attachment_json(
				  r, up->attachments[up->n_attachments - 1])
			: json_null();
	out->status = 201;
	out->body =
		json_pack("{s:{s:s, s:o, s:o, s:o}}", "upload", "token",
			  up->token, "expires_at", gw_time_json(up->expires_at),
			  "attachments", list, "attachment", last);
	hd__upload__free_unpacked(up, NULL);
	return HD_OK;
}

/* A Content-Type we repeat back only when it is a plain token/subtype. */
static const char *safe_type(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n >= 100 || !strchr(t, '/') ||
	    strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789!#$&^_.+-/") != n)
		return "application/octet-stream";
	return t;
}

/* Is attachment id on a comment, and may the caller see that comment? Each
 * ticket shard answers for its own comments (the rule lives in intake). */
static int comment_ref(gw *g, gw_req *r, uint64_t id, Hd__AttachmentRef *ref,
		       gw_resp *out)
{
	Hd__TicketGetRequest q = HD__TICKET_GET_REQUEST__INIT;
	q.id = id;
	for (unsigned s = 0; s < g->shards; s++) {
		Hd__AttachmentRef *got = NULL;
		int rc = gw_call(g, g->intake[s], r, "attachments.ref", &q,
				 &hd__attachment_ref__descriptor, (void **)&got,
				 out);
		if (rc)
			return rc;
		if (got->found) {
			ref->found = true;
			ref->visible = got->visible;
			hd__attachment_ref__free_unpacked(got, NULL);
			return HD_OK;
		}
		hd__attachment_ref__free_unpacked(got, NULL);
	}
	return HD_OK;
}

/* attachments.get/.content on shard 0 once the ticket shards have spoken;
 * a hidden one is 404, exactly like one that does not exist. */
static int fetch(gw *g, gw_req *r, const char *method, const char *token,
		 Hd__AttachmentContent **a, gw_resp *out)
{
	Hd__AttachmentRef ref = HD__ATTACHMENT_REF__INIT;
	Hd__AttachmentGetRequest q = HD__ATTACHMENT_GET_REQUEST__INIT;
	int rc = comment_ref(g, r, r->id, &ref, out);
	if (rc)
		return rc;
	if (ref.found && !ref.visible)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	q.id = r->id;
	q.token = (char *)(token ? token : "");
	q.on_visible_comment = ref.found;
	rc = gw_call(g, g->intake[0], r, method, &q,
		     &hd__attachment_content__descriptor, (void **)a, out);
	if (!rc && (!(*a)->attachment || (*a)->attachment->deleted))
		rc = gw_from_err(out, HD_E_NOTFOUND, "Not found");
	return rc;
}

/* GET /attachments/{id}/content?token=: the bytes, as a download. */
int gw_attachments_content(gw *g, gw_req *r, gw_resp *out)
{
	Hd__AttachmentContent *a = NULL;
	const char *token = gw_query(r, "token");
	int rc = token && token[0]
			 ? fetch(g, r, "attachments.content", token, &a, out)
			 : gw_from_err(out, HD_E_NOTFOUND, "Not found");
	if (!rc) {
		out->raw = malloc(a->data.len ? a->data.len : 1);
		if (!out->raw) {
			rc = gw_from_err(out, HD_E_NOMEM, "out of memory");
		} else {
			memcpy(out->raw, a->data.data, a->data.len);
			out->raw_len = a->data.len;
			out->status = 200;
			snprintf(out->raw_type, sizeof out->raw_type, "%s",
				 safe_type(a->attachment->content_type));
			/* The name goes inside a quoted header value. */
			snprintf(out->raw_name, sizeof out->raw_name, "%s",
				 a->attachment->file_name);
			for (char *p = out->raw_name; *p; p++)
				if (*p == '"' || *p == '\\' ||
				    (unsigned char)*p < 0x20)
					*p = '_';
		}
	}
	hd__attachment_content__free_unpacked(a, NULL);
	return rc;
}

int gw_attachments_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__AttachmentContent *a = NULL;
	int rc = fetch(g, r, "attachments.get", NULL, &a, out);
	if (!rc)
		gw_reply_one(out, 200, "attachment",
			     gw_attachment_json(r, a->attachment));
	hd__attachment_content__free_unpacked(a, NULL);
	return rc;
}

static int resolve_token(gw *g, gw_req *r, const char *token, json_t *into,
			 gw_resp *out)
{
	Hd__UploadGetRequest q = HD__UPLOAD_GET_REQUEST__INIT;
	Hd__Upload *up = NULL;
	q.token = (char *)token;
	int rc = gw_call(g, g->intake[0], r, "uploads.get", &q,
			 &hd__upload__descriptor, (void **)&up, out);
	if (rc)
		return rc == HD_E_NOTFOUND
			       ? gw_invalid(out, "uploads",
					    "uploads: unknown or expired token")
			       : rc;
	for (size_t i = 0; i < up->n_attachments; i++) {
		const Hd__Attachment *a = up->attachments[i];
		json_array_append_new(into,
				      json_pack("{s:I, s:s, s:s, s:I}", "id",
						(json_int_t)a->id, "file_name",
						a->file_name, "content_type",
						a->content_type, "size",
						(json_int_t)a->size));
	}
	hd__upload__free_unpacked(up, NULL);
	return HD_OK;
}

int gw_ticket_uploads(gw *g, gw_req *r, json_t *ticket, gw_resp *out)
{
	json_t *c = json_object_get(ticket, "comment");
	if (!json_is_object(c))
		return HD_OK;
	json_object_del(c, "hd_attachments"); /* only we may set it */
	json_t *tokens = json_object_get(c, "uploads");
	if (!tokens || json_is_null(tokens))
		return HD_OK;
	if (!json_is_array(tokens) || json_array_size(tokens) > MAX_TOKENS)
		return gw_invalid(out, "uploads",
				  "uploads: must be an array of tokens");
	json_t *list = json_array();
	size_t i;
	json_t *t;
	int rc = HD_OK;
	json_array_foreach(tokens, i, t)
	{
		if (!json_is_string(t))
			rc = gw_invalid(out, "uploads",
					"uploads: must be an array of tokens");
		else
			rc = resolve_token(g, r, json_string_value(t), list,
					   out);
		if (rc)
			break;
	}
	if (!rc)
		json_object_set(c, "hd_attachments", list);
	json_decref(list);
	return rc;
}
