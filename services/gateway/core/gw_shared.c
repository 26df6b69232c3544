/* Small request/answer helpers shared by the gateway's ticket, field, form
 * and view endpoints. */
#include "gw_shared.h"

#include "hd/err.h"

#include <stdio.h>

int gw_req_object(gw_req *r, gw_resp *out, const char *key, json_t **root,
		  json_t **obj)
{
	int rc = gw_parse_body(r, out, root);
	if (rc)
		return rc;
	*obj = json_object_get(*root, key);
	if (json_is_object(*obj))
		return HD_OK;
	char msg[128];
	snprintf(msg, sizeof msg, "param is missing or the value is empty: %s",
		 key);
	return gw_error(out, 400, "ParameterMissing", msg);
}

void gw_reply_one(gw_resp *out, unsigned status, const char *key, json_t *obj)
{
	out->status = status;
	json_decref(out->body);
	out->body = json_pack("{s:o}", key, obj);
}

void gw_reply_location(const gw_req *r, gw_resp *out, unsigned status,
		       const char *coll, uint64_t id)
{
	if (status == 201)
		snprintf(out->location, sizeof out->location,
			 "%s/api/v2/%s/%llu.json", r->base_url, coll,
			 (unsigned long long)id);
}

int gw_too_many(gw_resp *out, const char *param, unsigned max)
{
	char msg[128];
	snprintf(msg, sizeof msg,
		 "Parameter %s cannot specify more than %u values", param, max);
	gw_error(out, 400, "TooManyValues", msg);
	json_object_set_new(out->body, "max_count", json_integer(max));
	return HD_E_INVALID;
}
