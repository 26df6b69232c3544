/* People sign in from a browser (issue 16):
 *   POST   /api/v2/hd/session  {"session":{"email","password"}} → the
 *          hd_session cookie and {"session":{"csrf_token","user":{…}}}
 *   GET    /api/v2/hd/session  the same body, for a page reload
 *   DELETE /api/v2/hd/session  sign out (the session is forgotten)
 *   POST   /api/v2/hd/password_reset          {"email"}: mail a link
 *   POST   /api/v2/hd/password_reset/{token}  {"password"}: set it
 * The session id (256 random bits) lives only in the cookie; intake keeps
 * its hash (sessions.c there) and ends it when idle, when the password
 * changes or the user is suspended. The CSRF token is a keyed hash of the
 * id under the cluster key, so any gateway can check it. */
#include "gw_session.h"
#include "gw_users.h"

#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/err.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

const char *gw_session_cookie(gw_req *r)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
						    GW_SESSION_COOKIE);
	if (!v || strlen(v) != 64 || strspn(v, "0123456789abcdef") != 64)
		return NULL;
	return v;
}

int gw_has_credentials(gw_req *r)
{
	return r->by_cookie ||
	       MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_AUTHORIZATION);
}

int gw_keyed_token(const char *purpose, const char *text, char out[33])
{
	uint8_t key[32], mac[16];
	int rc = hd_cluster_key_derive(purpose, 0, key, sizeof key);
	if (rc)
		return rc;
	crypto_generichash(mac, sizeof mac, (const unsigned char *)text,
			   strlen(text), key, sizeof key);
	sodium_bin2hex(out, 33, mac, sizeof mac);
	sodium_memzero(key, sizeof key);
	return HD_OK;
}

int gw_csrf_token(const char *session, char out[33])
{
	return gw_keyed_token("hd_csrf_", session, out);
}

int gw_csrf_ok(gw_req *r)
{
	const char *given = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	char want[33];
	return given && strlen(given) == 32 &&
	       gw_csrf_token(r->session, want) == HD_OK &&
	       sodium_memcmp(want, given, 32) == 0;
}

/* "hd_session=ID; Path=/; HttpOnly; SameSite=Lax[; Secure]"; an empty id
 * clears the cookie. Secure whenever the request's base URL (HD_PUBLIC_URL,
 * or a trusted proxy's X-Forwarded-Proto) is https. */
static void set_cookie(const gw_req *r, gw_resp *out, const char *sid)
{
	int secure = strncasecmp(r->base_url, "https://", 8) == 0;
	snprintf(out->set_cookie, sizeof out->set_cookie,
		 "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", GW_SESSION_COOKIE,
		 sid, sid[0] ? "" : "; Max-Age=0", secure ? "; Secure" : "");
}

static json_t *user_json(const Hd__User *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
			 (json_int_t)u->id, "name", u->name, "email", u->email,
			 "role", u->role, "locale", u->locale, "time_zone",
			 u->time_zone);
}

static void session_body(gw_resp *out, const char *sid, const Hd__User *u)
{
	char csrf[33];
	json_t *token = sid && gw_csrf_token(sid, csrf) == HD_OK
				? json_string(csrf)
				: json_null();
	out->status = 200;
	out->body = json_pack("{s:{s:o, s:o}}", "session", "csrf_token", token,
			      "user", user_json(u));
}

/* A string member of obj: 400 naming it when missing or not a string. */
static int take(json_t *obj, const char *key, const char *what,
		const char **dst, gw_resp *out)
{
	*dst = json_string_value(json_object_get(obj, key));
	if (*dst && (*dst)[0])
		return HD_OK;
	return gw_invalid_must(out, what, "a non-empty string");
}

static int sign_in_failed(gw_req *r, int rc, gw_resp *out)
{
	if (rc == HD_E_TOOBIG) {
		out->retry_after = r->login_retry;
		return gw_error(out, 429, "TooManyRequests",
				"Too many failed sign-in attempts; try again "
				"later");
	}
	if (rc == HD_E_UNAUTHORIZED)
		return gw_error(out, 401, "Unauthorized",
				"The e-mail address or password is wrong");
	out->retry_after = 1;
	return gw_from_err(out, HD_E_UNAVAILABLE,
			   "The user directory is unavailable");
}

int gw_session_begin(gw *g, gw_req *r, gw_resp *out, Hd__User **user)
{
	uint8_t raw[32];
	char sid[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(sid, sizeof sid, raw, sizeof raw);
	Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
	Hd__User *u = NULL;
	q.token = sid;
	int rc = gw_call(g, g->intake[0], r, "sessions.create", &q,
			 &hd__user__descriptor, (void **)&u, out);
	if (!rc) {
		set_cookie(r, out, sid);
		r->by_cookie = 1;
		memcpy(r->session, sid, sizeof r->session);
	}
	if (!rc && user)
		*user = u;
	else
		hd__user__free_unpacked(u, NULL);
	sodium_memzero(sid, sizeof sid);
	return rc;
}

static int session_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	const char *email = NULL, *password = NULL;
	int rc = gw_parse_body(r, out, &root);
	if (rc)
		return rc;
	json_t *s = json_object_get(root, "session");
	if (!json_is_object(s))
		rc = gw_invalid_must(out, "session", "an object");
	if (!rc)
		rc = take(s, "email", "session.email", &email, out);
	if (!rc)
		rc = take(s, "password", "session.password", &password, out);
	if (!rc && (rc = gw_auth_password(g, r, email, password)) != HD_OK)
		sign_in_failed(r, rc, out);
	json_decref(root);
	if (rc)
		return rc;
	Hd__User *u = NULL;
	rc = gw_session_begin(g, r, out, &u);
	if (!rc)
		session_body(out, r->session, u);
	hd__user__free_unpacked(u, NULL);
	return rc;
}

static int session_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__IdRequest q = HD__ID_REQUEST__INIT;
	Hd__User *u = NULL;
	q.id = r->who.user_id;
	int rc = gw_call(g, g->intake[0], r, "users.get", &q,
			 &hd__user__descriptor, (void **)&u, out);
	if (!rc)
		session_body(out, r->by_cookie ? r->session : NULL, u);
	hd__user__free_unpacked(u, NULL);
	return rc;
}

int gw_session_end(gw *g, gw_req *r, gw_resp *out)
{
	if (r->by_cookie) {
		Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
		Hd__User *none = NULL;
		q.token = r->session;
		int rc = gw_call(g, g->intake[0], r, "sessions.delete", &q,
				 &hd__user__descriptor, (void **)&none, out);
		hd__user__free_unpacked(none, NULL);
		if (rc)
			return rc;
		gw_auth_forget_session(g, r->session);
	}
	set_cookie(r, out, "");
	return HD_OK;
}

static int session_delete(gw *g, gw_req *r, gw_resp *out)
{
	int rc = gw_session_end(g, r, out);
	if (!rc)
		out->status = 204;
	return rc;
}

static int reset_request(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	const char *email = NULL;
	int rc = gw_parse_body(r, out, &root);
	if (rc)
		return rc;
	rc = take(root, "email", "email", &email, out);
	if (!rc) {
		Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
		Hd__User *none = NULL;
		q.email = (char *)email;
		rc = gw_call(g, g->intake[0], r, "password_reset.request", &q,
			     &hd__user__descriptor, (void **)&none, out);
		hd__user__free_unpacked(none, NULL);
	}
	json_decref(root);
	if (rc)
		return rc;
	/* The same answer whether or not the address has an account. */
	out->status = 202;
	out->body = json_pack("{s:{s:s}}", "password_reset", "status",
			      "If the address has an account, a link is on "
			      "its way");
	return HD_OK;
}

static int reset_apply(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	const char *password = NULL;
	const char *slash = strrchr(r->path, '/');
	int rc = gw_parse_body(r, out, &root);
	if (rc)
		return rc;
	rc = take(root, "password", "password", &password, out);
	Hd__User *u = NULL;
	if (!rc) {
		Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
		q.token = (char *)(slash ? slash + 1 : "");
		q.password = (char *)password;
		rc = gw_call(g, g->intake[0], r, "password_reset.apply", &q,
			     &hd__user__descriptor, (void **)&u, out);
	}
	json_decref(root);
	if (rc)
		return rc;
	gw_auth_flush(g); /* the old password and its sessions end now */
	out->status = 200;
	out->body = json_pack("{s:{s:s, s:I}}", "password_reset", "status",
			      "done", "user_id", (json_int_t)u->id);
	hd__user__free_unpacked(u, NULL);
	return HD_OK;
}

const gw_route gw_session_routes[] = {
	{"POST", "/api/v2/hd/session", session_create, GW_AUTH_NONE},
	{"GET", "/api/v2/hd/session", session_show, GW_AUTH_USER},
	{"DELETE", "/api/v2/hd/session", session_delete, GW_AUTH_USER},
	{"POST", "/api/v2/hd/password_reset", reset_request, GW_AUTH_NONE},
	{"POST", "/api/v2/hd/password_reset/{s}", reset_apply, GW_AUTH_NONE},
	{NULL, NULL, NULL, 0},
};
