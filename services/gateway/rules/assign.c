/* Assignment settings over HTTP, answered by routing (g->peers[0]):
 *   GET/PUT /api/v2/hd/groups/{id}/routing   {"group_routing":{strategy,
 *           skills_fallback_after_seconds, fallback, skill_field_id}}
 *   GET     /api/v2/hd/groups/{id}/routing/load  per-agent load and queue
 *   GET/PUT /api/v2/hd/agents/{id}/profile   {"agent_profile":{skills,
 *           languages, capacity:{channel: n, "default": n}}}
 * PUT bodies may wrap the object in its root key or send it bare; keys
 * left out keep their stored values. */
#include "gw_assign.h"
#include "gw_shared.h"

#include "hd/err.h"
#include "routing.pb-c.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LIST        100
#define MAX_SKILL_BYTES 64
#define MAX_CHANNELS    32

/* The object to read: body[key] when present, else the body itself. */
static int body_object(gw_req *r, gw_resp *out, const char *key, json_t **root,
		       json_t **obj)
{
	int rc = gw_parse_body(r, out, root);
	if (rc)
		return rc;
	json_t *inner = json_object_get(*root, key);
	*obj = inner ? inner : *root;
	if (!json_is_object(*obj))
		return gw_error(out, 400, "ParameterMissing", key);
	return HD_OK;
}

static json_t *id_or_null(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *routing_json(const Hd__GroupRouting *g)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:o, s:o}", "group_id",
			 (json_int_t)g->group_id, "strategy", g->strategy,
			 "skills_fallback_after_seconds",
			 (json_int_t)g->skills_fallback_after_seconds,
			 "fallback", g->fallback, "skill_field_id",
			 id_or_null(g->skill_field_id), "updated_at",
			 g->updated_at ? gw_time_json(g->updated_at)
				       : json_null());
}

static json_t *capacity_json(Hd__ChannelCapacity **c, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, c[i]->channel,
				    json_integer((json_int_t)c[i]->max));
	return o;
}

static json_t *profile_json(const Hd__AgentProfile *p)
{
	return json_pack(
		"{s:I, s:o, s:o, s:o, s:o}", "agent_id",
		(json_int_t)p->agent_id, "skills",
		gw_strings_json(p->skills, p->n_skills), "languages",
		gw_strings_json(p->languages, p->n_languages), "capacity",
		capacity_json(p->capacity, p->n_capacity), "updated_at",
		p->updated_at ? gw_time_json(p->updated_at) : json_null());
}

static int get_routing(gw *g, gw_req *r, Hd__GroupRouting **gr, gw_resp *out)
{
	Hd__AssignId id = HD__ASSIGN_ID__INIT;
	id.id = r->id;
	return gw_call(g, ROUTING(g), r, "assign.group_get", &id,
		       &hd__group_routing__descriptor, (void **)gr, out);
}

static int routing_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__GroupRouting *gr = NULL;
	int rc = get_routing(g, r, &gr, out);
	if (!rc)
		gw_reply_one(out, 200, "group_routing", routing_json(gr));
	hd__group_routing__free_unpacked(gr, NULL);
	return rc;
}

/* Overlay the JSON onto gr (strings borrowed from o). */
static int read_routing(json_t *o, Hd__GroupRouting *gr, gw_resp *out)
{
	json_t *v;
	if ((v = json_object_get(o, "strategy"))) {
		if (!json_is_string(v))
			return gw_invalid(out, "strategy", "must be a string");
		gr->strategy = (char *)json_string_value(v);
	}
	if ((v = json_object_get(o, "skills_fallback_after_seconds"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return gw_invalid(out, "skills_fallback_after_seconds",
					  "must be a whole number of seconds");
		gr->skills_fallback_after_seconds = json_integer_value(v);
	}
	if ((v = json_object_get(o, "fallback"))) {
		if (!json_is_string(v))
			return gw_invalid(
				out, "fallback",
				"must be any_member or group_id:<id>");
		gr->fallback = (char *)json_string_value(v);
	}
	if ((v = json_object_get(o, "skill_field_id"))) {
		if (!json_is_null(v) &&
		    (!json_is_integer(v) || json_integer_value(v) <= 0))
			return gw_invalid(out, "skill_field_id",
					  "must be a ticket field id or null");
		gr->skill_field_id =
			json_is_null(v) ? 0 : (uint64_t)json_integer_value(v);
	}
	return HD_OK;
}

static int routing_update(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *o = NULL;
	Hd__GroupRouting *old = NULL, *saved = NULL;
	int rc = body_object(r, out, "group_routing", &root, &o);
	if (!rc)
		rc = get_routing(g, r, &old, out);
	Hd__GroupRouting gr;
	if (!rc) {
		gr = *old; /* shallow: old keeps and frees its own */
		rc = read_routing(o, &gr, out);
	}
	if (!rc)
		rc = gw_call(g, ROUTING(g), r, "assign.group_put", &gr,
			     &hd__group_routing__descriptor, (void **)&saved,
			     out);
	if (!rc)
		gw_reply_one(out, 200, "group_routing", routing_json(saved));
	hd__group_routing__free_unpacked(saved, NULL);
	hd__group_routing__free_unpacked(old, NULL);
	json_decref(root);
	return rc;
}

static json_t *agent_load_json(const Hd__AgentLoad *a)
{
	json_t *load = json_object();
	for (size_t i = 0; i < a->n_load; i++)
		json_object_set_new(
			load, a->load[i]->channel,
			json_integer((json_int_t)a->load[i]->count));
	return json_pack("{s:I, s:s, s:b, s:o, s:o}", "agent_id",
			 (json_int_t)a->agent_id, "state", a->state,
			 "available", a->available, "load", load, "capacity",
			 capacity_json(a->capacity, a->n_capacity));
}

static int routing_load(gw *g, gw_req *r, gw_resp *out)
{
	Hd__AssignId id = HD__ASSIGN_ID__INIT;
	Hd__GroupLoad *gl = NULL;
	id.id = r->id;
	int rc = gw_call(g, ROUTING(g), r, "assign.group_load", &id,
			 &hd__group_load__descriptor, (void **)&gl, out);
	if (rc)
		return rc;
	json_t *agents = json_array();
	for (size_t i = 0; i < gl->n_agents; i++)
		json_array_append_new(agents, agent_load_json(gl->agents[i]));
	gw_reply_one(out, 200, "group_load",
		     json_pack("{s:I, s:I, s:o}", "group_id",
			       (json_int_t)gl->group_id, "queued",
			       (json_int_t)gl->queued, "agents", agents));
	hd__group_load__free_unpacked(gl, NULL);
	return HD_OK;
}

/* A list of short strings into *list (borrowed from v; the array is
 * malloc'd into *hold). */
static int read_strings(json_t *v, const char *field, size_t max_bytes,
			char ***list, size_t *n, void **hold, gw_resp *out)
{
	if (!json_is_array(v) || json_array_size(v) > MAX_LIST)
		return gw_invalid(out, field,
				  "must be a list of at most 100 "
				  "names");
	*n = json_array_size(v);
	*list = *hold = calloc(*n ? *n : 1, sizeof **list);
	if (!*list)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	for (size_t i = 0; i < *n; i++) {
		json_t *s = json_array_get(v, i);
		size_t len = json_is_string(s) ? json_string_length(s) : 0;
		if (!len || len > max_bytes ||
		    strlen(json_string_value(s)) != len)
			return gw_invalid(out, field,
					  "each must be non-empty text of at "
					  "most 64 bytes");
		(*list)[i] = (char *)json_string_value(s);
	}
	return HD_OK;
}

static bool channel_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

typedef struct profile_hold {
	void *skills, *langs;
	Hd__ChannelCapacity *caps;
	Hd__ChannelCapacity **cap_ptrs;
} profile_hold;

static int read_capacity(json_t *v, Hd__AgentProfile *p, profile_hold *h,
			 gw_resp *out)
{
	size_t n = json_is_object(v) ? json_object_size(v) : 0;
	if (!json_is_object(v) || n > MAX_CHANNELS)
		return gw_invalid(out, "capacity",
				  "must be an object {channel: tickets}");
	h->caps = calloc(n ? n : 1, sizeof *h->caps);
	h->cap_ptrs = calloc(n ? n : 1, sizeof *h->cap_ptrs);
	if (!h->caps || !h->cap_ptrs)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	const char *k;
	json_t *x;
	size_t i = 0;
	json_object_foreach(v, k, x)
	{
		if (!channel_name(k) || !json_is_integer(x) ||
		    json_integer_value(x) < 0 || json_integer_value(x) > 1000)
			return gw_invalid(out, "capacity",
					  "each channel (web, email, chat, "
					  "voice, api, default …) takes 0 to "
					  "1000 tickets");
		hd__channel_capacity__init(&h->caps[i]);
		h->caps[i].channel = (char *)k;
		h->caps[i].max = (uint32_t)json_integer_value(x);
		h->cap_ptrs[i] = &h->caps[i];
		i++;
	}
	p->capacity = h->cap_ptrs;
	p->n_capacity = i;
	return HD_OK;
}

static int read_profile(json_t *o, Hd__AgentProfile *p, profile_hold *h,
			gw_resp *out)
{
	json_t *v;
	int rc = HD_OK;
	if ((v = json_object_get(o, "skills")))
		rc = read_strings(v, "skills", MAX_SKILL_BYTES, &p->skills,
				  &p->n_skills, &h->skills, out);
	if (!rc && (v = json_object_get(o, "languages")))
		rc = read_strings(v, "languages", 16, &p->languages,
				  &p->n_languages, &h->langs, out);
	if (!rc && (v = json_object_get(o, "capacity")))
		rc = read_capacity(v, p, h, out);
	return rc;
}

static int get_profile(gw *g, gw_req *r, Hd__AgentProfile **p, gw_resp *out)
{
	Hd__AssignId id = HD__ASSIGN_ID__INIT;
	id.id = r->id;
	return gw_call(g, ROUTING(g), r, "assign.profile_get", &id,
		       &hd__agent_profile__descriptor, (void **)p, out);
}

static int profile_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__AgentProfile *p = NULL;
	int rc = get_profile(g, r, &p, out);
	if (!rc)
		gw_reply_one(out, 200, "agent_profile", profile_json(p));
	hd__agent_profile__free_unpacked(p, NULL);
	return rc;
}

static int profile_update(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *o = NULL;
	Hd__AgentProfile *old = NULL, *saved = NULL, p;
	profile_hold h = {0};
	int rc = body_object(r, out, "agent_profile", &root, &o);
	if (!rc)
		rc = get_profile(g, r, &old, out);
	if (!rc) {
		p = *old; /* shallow: old keeps and frees its own */
		rc = read_profile(o, &p, &h, out);
	}
	if (!rc)
		rc = gw_call(g, ROUTING(g), r, "assign.profile_put", &p,
			     &hd__agent_profile__descriptor, (void **)&saved,
			     out);
	if (!rc)
		gw_reply_one(out, 200, "agent_profile", profile_json(saved));
	hd__agent_profile__free_unpacked(saved, NULL);
	hd__agent_profile__free_unpacked(old, NULL);
	free(h.skills);
	free(h.langs);
	free(h.caps);
	free(h.cap_ptrs);
	json_decref(root);
	return rc;
}

const gw_route gw_assign_routes[] = {
	{"GET", "/api/v2/hd/groups/{id}/routing", routing_show, GW_AUTH_USER},
	{"PUT", "/api/v2/hd/groups/{id}/routing", routing_update,
	 GW_AUTH_ADMIN},
	{"GET", "/api/v2/hd/groups/{id}/routing/load", routing_load,
	 GW_AUTH_USER},
	{"GET", "/api/v2/hd/agents/{id}/profile", profile_show, GW_AUTH_USER},
	{"PUT", "/api/v2/hd/agents/{id}/profile", profile_update,
	 GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
