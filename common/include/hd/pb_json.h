/* Any protobuf-c message as JSON, driven only by its descriptor: fields by
 * name, repeated fields as arrays, nested messages as objects, bytes as
 * base64, enums by name. For tools and tests that show encoded payloads; no
 * state, any thread. */
#ifndef HD_PB_JSON_H
#define HD_PB_JSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* A new JSON object for msg (the caller owns it, json_decref). Every field
 * without presence is shown, defaults too; a field with presence (proto2
 * optional, oneof, an unset message) only when set, an unset message member
 * as null. A uint64 above INT64_MAX is shown as a decimal string, an enum
 * value without a name as its number. NULL when out of memory. */
json_t *hd_pb_to_json(const ProtobufCMessage *msg);

/* Decode len bytes as desc and convert them as above; NULL when they do not
 * decode or when out of memory. */
json_t *hd_pb_decode_json(const ProtobufCMessageDescriptor *desc,
			  const uint8_t *data, size_t len);

#endif
