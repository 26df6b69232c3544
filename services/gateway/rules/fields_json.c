/* JSON onto protobuf scalars by the message's own descriptor, and the
 * definition writes to intake shard 0 (its events reach the other shards). */
#include "gw_fields.h"
#include "gw_settle.h"

#include "field.pb-c.h"
#include "hd/err.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int set_one(json_t *v, void *msg, const ProtobufCFieldDescriptor *fd,
		   const char *key, gw_resp *out)
{
	char *at = (char *)msg + fd->offset;
	bool null = json_is_null(v);
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		if (!null && !json_is_string(v))
			return gw_invalid_must(out, key, "a string");
		*(const char **)at = null ? "" : json_string_value(v);
		return HD_OK;
	case PROTOBUF_C_TYPE_BOOL:
		if (!null && !json_is_boolean(v))
			return gw_invalid_must(out, key, "true or false");
		*(protobuf_c_boolean *)at = json_is_true(v);
		return HD_OK;
	case PROTOBUF_C_TYPE_UINT32:
		if (!null &&
		    (!json_is_integer(v) || json_integer_value(v) < 0 ||
		     json_integer_value(v) > UINT32_MAX))
			return gw_invalid_must(out, key,
					       "a non-negative integer");
		*(uint32_t *)at = null ? 0 : (uint32_t)json_integer_value(v);
		return HD_OK;
	case PROTOBUF_C_TYPE_UINT64:
		if (!null && (!json_is_integer(v) || json_integer_value(v) < 0))
			return gw_invalid_must(out, key,
					       "a non-negative integer");
		*(uint64_t *)at = null ? 0 : (uint64_t)json_integer_value(v);
		return HD_OK;
	default:
		return gw_from_err(out, HD_E_INTERNAL, "unsupported field");
	}
}

int gw_pb_overlay(json_t *obj, void *msg, const char *const *keys, gw_resp *out)
{
	const ProtobufCMessageDescriptor *d =
		((ProtobufCMessage *)msg)->descriptor;
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(obj, keys[i]);
		const ProtobufCFieldDescriptor *fd =
			protobuf_c_message_descriptor_get_field_by_name(
				d, keys[i]);
		if (!v || !fd)
			continue;
		int rc = set_one(v, msg, fd, keys[i], out);
		if (rc)
			return rc;
	}
	return HD_OK;
}

int gw_def_delete(gw *g, gw_req *r, const char *method, gw_resp *out)
{
	Hd__FieldId fi = HD__FIELD_ID__INIT;
	fi.id = r->id;
	void *reply = NULL;
	int rc = gw_call(g, g->intake[0], r, method, &fi,
			 &hd__field_id__descriptor, &reply, out);
	protobuf_c_message_free_unpacked(reply, NULL);
	if (rc == HD_OK)
		gw_settle_fields(g, r);
	if (rc == HD_OK) {
		out->status = 204;
		json_decref(out->body);
		out->body = NULL;
	}
	return rc;
}

/* The uint64 "id" of a definition message. */
static uint64_t msg_id(const ProtobufCMessage *m)
{
	const ProtobufCFieldDescriptor *fd =
		protobuf_c_message_descriptor_get_field_by_name(m->descriptor,
								"id");
	return *(const uint64_t *)((const char *)m + fd->offset);
}

int gw_def_get(gw *g, gw_req *r, const gw_def_kind *k, void **msg, gw_resp *out)
{
	Hd__FieldId fi = HD__FIELD_ID__INIT;
	fi.id = r->id;
	return gw_call(g, g->intake[0], r, k->get, &fi, k->desc, msg, out);
}

int gw_def_show(gw *g, gw_req *r, const gw_def_kind *k, gw_resp *out)
{
	void *msg = NULL;
	int rc = gw_def_get(g, r, k, &msg, out);
	if (!rc)
		gw_reply_one(out, 200, k->key, k->json(r, msg));
	protobuf_c_message_free_unpacked(msg, NULL);
	return rc;
}

int gw_def_save(gw *g, gw_req *r, const gw_def_kind *k, const void *msg,
		unsigned status, gw_resp *out)
{
	void *saved = NULL;
	int rc =
		gw_call(g, g->intake[0], r, k->save, msg, k->desc, &saved, out);
	if (!rc) {
		gw_settle_fields(g, r);
		gw_reply_one(out, status, k->key, k->json(r, saved));
		gw_reply_location(r, out, status, k->coll, msg_id(saved));
	}
	protobuf_c_message_free_unpacked(saved, NULL);
	return rc;
}

void gw_def_list_reply(gw_resp *out, const char *key, json_t *arr, size_t n)
{
	out->status = 200;
	out->body = json_pack("{s:o, s:n, s:n, s:I}", key, arr, "next_page",
			      "previous_page", "count", (json_int_t)n);
}
