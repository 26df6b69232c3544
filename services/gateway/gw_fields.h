/* The gateway's ticket field, form and view endpoints, internal interface
 * (fields.c, fields_forms.c, fields_json.c, views.c, views_json.c). Field and
 * form definitions are written to intake shard 0 (which assigns ids,
 * validates and emits them as events the other shards apply); views live in
 * routing. */
#ifndef GW_FIELDS_H
#define GW_FIELDS_H

#include "gateway.h"
#include "gw_shared.h"

/* Copy the JSON values of keys (NULL-terminated, named as the message's
 * proto fields) from obj into msg's scalar fields (string, bool, uint32,
 * uint64). Strings are borrowed from obj: pack msg before obj is freed and
 * never free_unpacked a message holding them. null → the zero value. 422
 * naming the key on a wrong type. */
int gw_pb_overlay(json_t *obj, void *msg, const char *const *keys,
		  gw_resp *out);

/* Send a FieldId delete to shard 0 (the others apply its event): 204. */
int gw_def_delete(gw *g, gw_req *r, const char *method, gw_resp *out);

/* A definition kept on intake shard 0 and copied to every other shard by
 * its events: ticket fields and ticket forms. */
typedef struct gw_def_kind {
	const char *get, *save; /* RPC methods */
	const ProtobufCMessageDescriptor *desc;
	const char *key;  /* JSON member of one: "ticket_field" */
	const char *coll; /* URL collection: "ticket_fields" */
	json_t *(*json)(const gw_req *r, const void *msg);
} gw_def_kind;

/* Fetch definition r->id from shard 0 into *msg (free it with
 * protobuf_c_message_free_unpacked). */
int gw_def_get(gw *g, gw_req *r, const gw_def_kind *k, void **msg,
	       gw_resp *out);
/* GET one: 200 {key: json}. */
int gw_def_show(gw *g, gw_req *r, const gw_def_kind *k, gw_resp *out);
/* Save on shard 0, answer status with the stored definition (201 also
 * sets Location). */
int gw_def_save(gw *g, gw_req *r, const gw_def_kind *k, const void *msg,
		unsigned status, gw_resp *out);
/* 200 {key: arr, next_page: null, previous_page: null, count: n}. */
void gw_def_list_reply(gw_resp *out, const char *key, json_t *arr, size_t n);

/* fields_forms.c */
int gw_forms_list(gw *g, gw_req *r, gw_resp *out);
int gw_forms_show(gw *g, gw_req *r, gw_resp *out);
int gw_forms_create(gw *g, gw_req *r, gw_resp *out);
int gw_forms_update(gw *g, gw_req *r, gw_resp *out);
int gw_forms_delete(gw *g, gw_req *r, gw_resp *out);

#endif
