/* Agent presence over HTTP, answered by routing (g->peers[0]):
 *   GET/PUT /api/v2/hd/agents/{id}/presence   {"presence":{"state":…}}
 *   GET     /api/v2/hd/agents/{id}/presence/history?since=  (ms or ISO 8601)
 *   GET/POST /api/v2/hd/presence_states       {"presence_state":{name,
 *            available}}
 * Agents set their own presence, admins anyone's (routing enforces it). */
#include "gw_assign.h"
#include "gw_shared.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "routing.pb-c.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static json_t *presence_json(const Hd__Presence *p)
{
	return json_pack("{s:I, s:s, s:b, s:o}", "agent_id",
			 (json_int_t)p->agent_id, "state", p->state,
			 "available", p->available, "since",
			 p->since ? gw_time_json(p->since) : json_null());
}

static json_t *change_json(const Hd__PresenceChanged *c)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:b, s:I}", "agent_id",
			 (json_int_t)c->agent_id, "state", c->state,
			 "previous_state", c->previous_state, "at",
			 gw_time_json(c->at), "at_ms", (json_int_t)c->at,
			 "available", c->available, "changed_by",
			 (json_int_t)c->changed_by);
}

static int presence_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__AssignId id = HD__ASSIGN_ID__INIT;
	Hd__Presence *p = NULL;
	id.id = r->id;
	int rc = gw_call(g, ROUTING(g), r, "presence.get", &id,
			 &hd__presence__descriptor, (void **)&p, out);
	if (!rc)
		gw_reply_one(out, 200, "presence", presence_json(p));
	hd__presence__free_unpacked(p, NULL);
	return rc;
}

static int presence_update(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	Hd__Presence in = HD__PRESENCE__INIT, *p = NULL;
	int rc = gw_req_object(r, out, "presence", &root, &obj);
	json_t *state = rc ? NULL : json_object_get(obj, "state");
	if (!rc &&
	    (!json_is_string(state) || !json_string_length(state) ||
	     json_string_length(state) > 64 ||
	     strlen(json_string_value(state)) != json_string_length(state)))
		rc = gw_invalid(out, "state",
				"must be online, away, offline or a "
				"configured presence state");
	if (!rc) {
		in.agent_id = r->id;
		in.state = (char *)json_string_value(state);
		rc = gw_call(g, ROUTING(g), r, "presence.put", &in,
			     &hd__presence__descriptor, (void **)&p, out);
	}
	if (!rc)
		gw_reply_one(out, 200, "presence", presence_json(p));
	hd__presence__free_unpacked(p, NULL);
	json_decref(root);
	return rc;
}

/* since: milliseconds since the epoch, or "YYYY-MM-DDTHH:MM:SSZ". */
static int parse_since(const char *s, int64_t *ms)
{
	uint64_t n = 0;
	struct tm tm = {0};
	char z = 0;
	*ms = 0;
	if (!s || !*s)
		return HD_OK;
	if (hd_parse_u64(s, &n) == HD_OK && n < (uint64_t)INT64_MAX) {
		*ms = (int64_t)n;
		return HD_OK;
	}
	if (strlen(s) != 20 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
	    z != 'Z' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || tm.tm_year < 1970)
		return HD_E_INVALID;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ms = (int64_t)timegm(&tm) * 1000;
	return HD_OK;
}

static int presence_history(gw *g, gw_req *r, gw_resp *out)
{
	Hd__PresenceHistoryRequest q = HD__PRESENCE_HISTORY_REQUEST__INIT;
	Hd__PresenceHistory *h = NULL;
	q.agent_id = r->id;
	if (parse_since(gw_query(r, "since"), &q.since))
		return gw_error(out, 400, "InvalidParameter",
				"since must be milliseconds or an ISO 8601 "
				"UTC time");
	int rc = gw_call(g, ROUTING(g), r, "presence.history", &q,
			 &hd__presence_history__descriptor, (void **)&h, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < h->n_changes; i++)
		json_array_append_new(arr, change_json(h->changes[i]));
	out->status = 200;
	out->body = json_pack("{s:o, s:I}", "presence_history", arr, "count",
			      (json_int_t)h->n_changes);
	hd__presence_history__free_unpacked(h, NULL);
	return HD_OK;
}

static json_t *state_json(const Hd__PresenceState *s)
{
	return json_pack("{s:s, s:b, s:b}", "name", s->name, "available",
			 s->available, "builtin", s->builtin);
}

static int states_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__PresenceStateList *l = NULL;
	int rc =
		gw_call(g, ROUTING(g), r, "presence.states", NULL,
			&hd__presence_state_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_states; i++)
		json_array_append_new(arr, state_json(l->states[i]));
	out->status = 200;
	out->body = json_pack("{s:o}", "presence_states", arr);
	hd__presence_state_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int states_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	Hd__PresenceState in = HD__PRESENCE_STATE__INIT, *saved = NULL;
	int rc = gw_req_object(r, out, "presence_state", &root, &obj);
	json_t *name = rc ? NULL : json_object_get(obj, "name");
	json_t *avail = rc ? NULL : json_object_get(obj, "available");
	if (!rc && (!json_is_string(name) || strlen(json_string_value(name)) !=
						     json_string_length(name)))
		rc = gw_invalid(out, "name", "must be text");
	if (!rc && avail && !json_is_boolean(avail))
		rc = gw_invalid(out, "available", "must be true or false");
	if (!rc) {
		in.name = (char *)json_string_value(name);
		in.available = json_is_true(avail);
		rc = gw_call(g, ROUTING(g), r, "presence.state_put", &in,
			     &hd__presence_state__descriptor, (void **)&saved,
			     out);
	}
	if (!rc)
		gw_reply_one(out, 201, "presence_state", state_json(saved));
	hd__presence_state__free_unpacked(saved, NULL);
	json_decref(root);
	return rc;
}

const gw_route gw_presence_routes[] = {
	{"GET", "/api/v2/hd/agents/{id}/presence", presence_show, GW_AUTH_USER},
	{"PUT", "/api/v2/hd/agents/{id}/presence", presence_update,
	 GW_AUTH_USER},
	{"GET", "/api/v2/hd/agents/{id}/presence/history", presence_history,
	 GW_AUTH_USER},
	{"GET", "/api/v2/hd/presence_states", states_list, GW_AUTH_USER},
	{"POST", "/api/v2/hd/presence_states", states_create, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
