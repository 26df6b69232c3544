/* Input checks and the reply shared by the chat and voice channels. */
#include "gw_channels.h"

#include "hd/err.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int gw_channel_staff(const gw_req *r, gw_resp *out)
{
	if (hd_role_is_agent(r->who.role))
		return HD_OK;
	return gw_error(out, 403, "Forbidden",
			"Only agents and admins submit channel records");
}

int gw_channel_str(json_t *obj, const char *key, const char *field, size_t max,
		   bool required, const char **s, gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	char msg[96];
	*s = NULL;
	if ((!v || json_is_null(v)) && !required)
		return HD_OK;
	if (!json_is_string(v) || (required && !json_string_length(v)) ||
	    json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(msg, sizeof msg, "%s: must be a string of %s%zu bytes",
			 field, required ? "1 to " : "at most ", max);
		return gw_invalid(out, field, msg);
	}
	*s = json_string_value(v);
	return HD_OK;
}

int gw_channel_id(json_t *obj, const char *key, const char **s, gw_resp *out)
{
	int rc = gw_channel_str(obj, key, key, GW_CHANNEL_ID_MAX, true, s, out);
	for (const char *p = rc ? "" : *s; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return gw_invalid(out, key,
					  "must be printable ASCII without "
					  "spaces");
	return rc;
}

/* "2024-05-01T09:30:00[.123](Z|±HH:MM)" → ms since the epoch. */
static bool parse_iso(const char *s, int64_t *ms)
{
	struct tm tm = {0};
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	int64_t frac = 0, scale = 1000;
	if (!p)
		return false;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
	int64_t off = 0;
	if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':') {
		int h = (p[1] - '0') * 10 + (p[2] - '0');
		int m = (p[4] - '0') * 10 + (p[5] - '0');
		if (h > 23 || m > 59)
			return false;
		off = (int64_t)(h * 60 + m) * 60000 * (p[0] == '+' ? 1 : -1);
	} else if (strcmp(p, "Z") != 0) {
		return false;
	}
	*ms = (int64_t)timegm(&tm) * 1000 + frac - off;
	return *ms > 0;
}

int gw_channel_time(json_t *obj, const char *key, const char *field,
		    bool required, int64_t *ms, gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	*ms = 0;
	if ((!v || json_is_null(v)) && !required)
		return HD_OK;
	if (!json_is_string(v) || json_string_length(v) > 40 ||
	    !parse_iso(json_string_value(v), ms))
		return gw_invalid(out, field,
				  "must be an ISO 8601 time such as "
				  "2024-05-01T09:30:00Z");
	return HD_OK;
}

int gw_channel_uint(json_t *obj, const char *key, const char *field,
		    uint64_t *v, gw_resp *out)
{
	json_t *x = json_object_get(obj, key);
	*v = 0;
	if (!x || json_is_null(x))
		return HD_OK;
	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return gw_invalid(out, field, "must be a positive integer");
	*v = (uint64_t)json_integer_value(x);
	return HD_OK;
}

int gw_channel_agent(gw *g, gw_req *r, uint64_t id, const char *field,
		     gw_resp *out)
{
	Hd__IdRequest ir = HD__ID_REQUEST__INIT;
	Hd__User *u = NULL;
	ir.id = id;
	int rc = gw_call(g, g->intake[0], r, "users.get", &ir,
			 &hd__user__descriptor, (void **)&u, out);
	if (rc == HD_OK && !u->deleted && hd_role_is_agent_str(u->role))
		rc = HD_OK;
	else if (rc == HD_OK || out->status == 404)
		rc = gw_invalid(out, field, "is not an agent");
	hd__user__free_unpacked(u, NULL);
	return rc;
}

void gw_channel_reply(gw_req *r, gw_resp *out, const Hd__ChannelReply *cr,
		      const char *result)
{
	gw_reply_one(out, cr->duplicate ? 200 : 201, "ticket",
		     gw_ticket_json(r, cr->ticket));
	json_object_set_new(out->body, "result", json_string(result));
}
