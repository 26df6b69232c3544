/* Admins see and end a person's browser sessions (issue 18):
 *   GET    /api/v2/hd/users/{id}/sessions      {"sessions":[{"id",
 *          "created_at","last_seen_at"}],"count"}, the live ones
 *   DELETE /api/v2/hd/users/{id}/sessions      end them all (204)
 *   DELETE /api/v2/hd/users/{id}/sessions/{s}  end one (204; 404 unknown)
 * A session's id here is its handle (sessions_admin.c in intake), never
 * the cookie's value. An ended session is also dropped from this
 * gateway's auth cache at once; other gateways forget it within
 * HD_AUTH_CACHE_TTL_MS, as after a password change. */
#include "gateway.h"
#include "gw_users.h"
#include "user.pb-c.h"

#include "hd/err.h"
#include "hd/text.h"

#include <string.h>

static json_t *sessions_json(const Hd__SessionList *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_sessions; i++) {
		const Hd__SessionInfo *s = l->sessions[i];
		json_array_append_new(
			arr,
			json_pack("{s:I, s:o, s:o}", "id",
				  (json_int_t)s->handle, "created_at",
				  gw_time_json(s->created_at), "last_seen_at",
				  gw_time_json(s->last_seen_at)));
	}
	return json_pack("{s:o, s:I}", "sessions", arr, "count",
			 (json_int_t)l->n_sessions);
}

/* The {s} of /sessions/{s}: 0 when the path ends at /sessions. */
static int handle_of(const gw_req *r, uint64_t *handle, gw_resp *out)
{
	const char *s = strrchr(r->path, '/');
	*handle = 0;
	if (!s || !strcmp(s, "/sessions"))
		return HD_OK;
	if (hd_parse_u64(s + 1, handle) || !*handle)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	return HD_OK;
}

static int call(gw *g, gw_req *r, gw_resp *out, const char *method,
		uint64_t handle, Hd__SessionList **l)
{
	Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
	q.user_id = r->id;
	q.handle = handle;
	return gw_call(g, g->intake[0], r, method, &q,
		       &hd__session_list__descriptor, (void **)l, out);
}

static int sessions_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__SessionList *l = NULL;
	int rc = call(g, r, out, "sessions.list", 0, &l);
	if (!rc) {
		out->status = 200;
		out->body = sessions_json(l);
	}
	hd__session_list__free_unpacked(l, NULL);
	return rc;
}

static int sessions_end(gw *g, gw_req *r, gw_resp *out)
{
	Hd__SessionList *l = NULL;
	uint64_t handle = 0;
	int rc = handle_of(r, &handle, out);
	if (!rc)
		rc = call(g, r, out, "sessions.revoke", handle, &l);
	hd__session_list__free_unpacked(l, NULL);
	if (rc)
		return rc;
	/* The cache is keyed by session id, which only the cookie holds. */
	gw_auth_flush(g);
	out->status = 204;
	return HD_OK;
}

const gw_route gw_session_admin_routes[] = {
	{"GET", "/api/v2/hd/users/{id}/sessions", sessions_list, GW_AUTH_ADMIN},
	{"DELETE", "/api/v2/hd/users/{id}/sessions", sessions_end,
	 GW_AUTH_ADMIN},
	{"DELETE", "/api/v2/hd/users/{id}/sessions/{s}", sessions_end,
	 GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
