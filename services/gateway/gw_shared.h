/* Small request/answer helpers shared by the gateway's ticket, field, form
 * and view endpoints (gw_shared.c). */
#ifndef GW_SHARED_H
#define GW_SHARED_H

#include "gateway.h"

/* Parse the JSON body and find its object member key (e.g. "ticket"):
 * 400 ParameterMissing naming key when it is absent or not an object. *root
 * is the parsed body (the caller frees it), *obj borrowed from it. */
int gw_req_object(gw_req *r, gw_resp *out, const char *key, json_t **root,
		  json_t **obj);

/* Answer status with the body {key: obj} (obj stolen). */
void gw_reply_one(gw_resp *out, unsigned status, const char *key, json_t *obj);

/* Location: <base>/api/v2/<coll>/<id>.json, set when status is 201. */
void gw_reply_location(const gw_req *r, gw_resp *out, unsigned status,
		       const char *coll, uint64_t id);

/* 400 TooManyValues: "Parameter <param> cannot specify more than <max>
 * values", with max_count in the body. Returns HD_E_INVALID. */
int gw_too_many(gw_resp *out, const char *param, unsigned max);

#endif
