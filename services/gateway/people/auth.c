/* Authentication: HTTP Basic "email/token:TOKEN" (API token), Basic
 * "email:password" (argon2id, checked by intake) and "Bearer TOKEN" (OAuth),
 * all resolved by intake's directory shard (shard 0) and cached, so a busy
 * client costs one RPC per HD_AUTH_CACHE_TTL_MS, not one per request. The
 * short TTL bounds how long another gateway lets a revoked token or a
 * suspended user through; this gateway flushes on its own writes
 * (gw_auth_flush), and a 401 from the directory evicts at once.
 *
 * When the directory shard is unreachable (known down, or the call fails
 * in transport), a credential verified within HD_AUTH_STALE_MS is still
 * served from the cache: signed-in users keep working on the other
 * services; only new sign-ins wait for shard 0. Revocation needs shard 0
 * to be up, which is when it can be checked at all.
 *
 * The cache is bounded (gw_auth_cache.h: set-associative, a new entry
 * replaces the oldest of its set) and keyed by a BLAKE2b hash of the header
 * under a random per-process key, so no credential is kept in the clear nor
 * can a memory dump be matched against guessed ones.
 *
 * Browsers sign in with the hd_session cookie (session.c) when they send
 * no Authorization header: its id is checked by auth.session like any
 * other credential ("Session ID" in the cache's key), but it does not
 * count against the failed-login limits — a 256-bit id is not guessed,
 * and an expired cookie is an ordinary event, not an attack. */
#include "gw_auth_cache.h"
#include "gw_edge.h"
#include "gw_health.h"
#include "gw_scopes.h"
#include "gw_session.h"
#include "gw_users.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/store.h"
#include "ticket.pb-c.h"
#include "user.pb-c.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADER 1024

struct gw_auth_cache {
	gw_cred_cache *creds;
	uint8_t hash_key[crypto_generichash_KEYBYTES];
	int64_t ttl_ms, stale_ms;
};

int gw_auth_init(gw *g)
{
	uint64_t ttl = 0, stale = 0;
	if (sodium_init() < 0)
		return HD_E_INTERNAL;
	int rc = hd_cfg_u64(&g->svc->cfg, "HD_AUTH_CACHE_TTL_MS", 0, 3600000,
			    &ttl);
	if (!rc)
		rc = hd_cfg_u64(&g->svc->cfg, "HD_AUTH_STALE_MS", 0,
				(uint64_t)7 * 24 * 3600000, &stale);
	if (rc)
		return rc;
	g->auth = calloc(1, sizeof *g->auth);
	if (!g->auth)
		return HD_E_NOMEM;
	if (gw_cred_cache_new(&g->auth->creds)) {
		free(g->auth);
		g->auth = NULL;
		return HD_E_NOMEM;
	}
	randombytes_buf(g->auth->hash_key, sizeof g->auth->hash_key);
	g->auth->ttl_ms = (int64_t)ttl;
	g->auth->stale_ms = (int64_t)stale;
	return HD_OK;
}

void gw_auth_release(gw *g)
{
	if (!g->auth)
		return;
	gw_cred_cache_free(g->auth->creds);
	sodium_memzero(g->auth, sizeof *g->auth);
	free(g->auth);
	g->auth = NULL;
}

int64_t gw_auth_stale_ms(const gw *g)
{
	return g->auth ? g->auth->stale_ms : 0;
}

void gw_auth_flush(gw *g)
{
	gw_cred_cache_flush(g->auth->creds);
}

/* The cached principal for key verified less than max_age_ms ago. */
static int cache_get(gw_auth_cache *c, const uint8_t key[16],
		     int64_t max_age_ms, gw_req *r)
{
	gw_cred cred;
	if (!gw_cred_cache_get(c->creds, key, max_age_ms, hd_wall_ms(), &cred))
		return 0;
	r->who = cred.who;
	r->scoped = cred.scoped;
	r->scopes = cred.scopes;
	return 1;
}

static void cache_put(gw_auth_cache *c, const uint8_t key[16], const gw_req *r)
{
	gw_cred cred = {r->who, r->scoped, r->scopes};
	gw_cred_cache_put(c->creds, key, &cred, hd_wall_ms());
}

/* The directory refused the credential: forget it now. */
static void cache_drop(gw_auth_cache *c, const uint8_t key[16])
{
	gw_cred_cache_drop(c->creds, key);
}

static void principal_from_user(hd_principal *who, const Hd__User *u);
static void org_sharing(gw *g, gw_req *r);

/* Split "Basic base64(email/token:TOKEN)" or "Basic base64(email:password)"
 * into email and secret; *method is the RPC that checks them. */
static int parse_basic(const char *header, char *email, size_t ecap,
		       char *secret, size_t scap, const char **method)
{
	unsigned char raw[MAX_HEADER];
	size_t len = 0;
	const char *b64 = header + 6;
	if (sodium_base642bin(raw, sizeof raw - 1, b64, strlen(b64), NULL, &len,
			      NULL, sodium_base64_VARIANT_ORIGINAL))
		return HD_E_UNAUTHORIZED;
	raw[len] = '\0';
	char *colon = memchr(raw, ':', len);
	int rc = HD_E_UNAUTHORIZED;
	if (!colon || strlen((char *)raw) != len)
		goto out;
	*colon = '\0';
	size_t ulen = (size_t)(colon - (char *)raw);
	*method = "auth.password";
	if (ulen > 6 && strcmp((char *)raw + ulen - 6, "/token") == 0) {
		ulen -= 6;
		raw[ulen] = '\0';
		*method = "auth.token";
	}
	if (ulen == 0 || ulen >= ecap || strlen(colon + 1) >= scap || !colon[1])
		goto out;
	memcpy(email, raw, ulen + 1);
	memcpy(secret, colon + 1, strlen(colon + 1) + 1);
	rc = HD_OK;
out:
	sodium_memzero(raw, sizeof raw);
	return rc;
}

/* Which RPC checks the header, with its parts in ar's buffers. */
static int parse_header(const char *header, char *email, size_t ecap,
			char *secret, size_t scap, const char **method)
{
	email[0] = secret[0] = '\0';
	if (strncmp(header, "Basic ", 6) == 0)
		return parse_basic(header, email, ecap, secret, scap, method);
	if (strncmp(header, "Bearer ", 7) != 0 || !header[7] ||
	    strlen(header + 7) >= scap)
		return HD_E_UNAUTHORIZED;
	memcpy(secret, header + 7, strlen(header + 7) + 1);
	*method = "auth.bearer";
	return HD_OK;
}

/* Ask the directory who the caller is (method with its packed request):
 * HD_OK fills r->who (with token, the OAuth token's scopes too); its
 * refusal or a transport failure comes back as it is. */
static int ask_directory(gw *g, gw_req *r, const char *method,
			 const uint8_t *req, size_t len, bool token)
{
	hd_rpc_result res;
	int rc = gw_rpc(g, g->intake[0], r, method, req, len, NULL, &res, NULL);
	if (rc == HD_OK && res.rc == HD_OK) {
		Hd__User *u = hd__user__unpack(NULL, res.len, res.payload);
		if (u) {
			principal_from_user(&r->who, u);
			if (token) {
				r->scoped = u->oauth_token;
				r->scopes = gw_scope_bits(u->oauth_scopes,
							  u->n_oauth_scopes);
			}
			org_sharing(g, r);
		}
		rc = u ? HD_OK : HD_E_INTERNAL;
		hd__user__free_unpacked(u, NULL);
	} else if (rc == HD_OK) {
		rc = res.rc;
	}
	hd_rpc_result_release(&res);
	return rc;
}

/* The directory's answer about a session id (the cookie). */
static int verify_session(gw *g, gw_req *r, const char *sid)
{
	Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
	q.token = (char *)sid;
	uint8_t buf[128];
	size_t len = hd__session_request__pack(&q, buf);
	return ask_directory(g, r, "auth.session", buf, len, false);
}

static void principal_from_user(hd_principal *who, const Hd__User *u)
{
	memset(who, 0, sizeof *who);
	who->user_id = u->id;
	who->organization_id = u->organization_id;
	who->role = hd_role_of(u->role);
	snprintf(who->email, sizeof who->email, "%s", u->email);
}

/* An end-user of an organization with shared_tickets sees its tickets;
 * the flag travels in the principal so each intake shard can decide. */
static void org_sharing(gw *g, gw_req *r)
{
	if (!r->who.organization_id ||
	    r->who.role != HD__USER_ROLE__ROLE_END_USER)
		return;
	Hd__IdRequest ir = HD__ID_REQUEST__INIT;
	ir.id = r->who.organization_id;
	uint8_t buf[16];
	size_t len = hd__id_request__pack(&ir, buf);
	hd_rpc_result res;
	if (gw_rpc(g, g->intake[0], r, "orgs.get", buf, len, &r->who, &res,
		   NULL) == HD_OK &&
	    res.rc == HD_OK) {
		Hd__Organization *o =
			hd__organization__unpack(NULL, res.len, res.payload);
		r->who.org_shared_tickets = o && o->shared_tickets;
		hd__organization__free_unpacked(o, NULL);
	}
	hd_rpc_result_release(&res);
}

/* Ask the directory about the header; HD_OK fills r->who. Transport
 * failures come back as they are (the caller may serve a stale entry). */
static int verify(gw *g, gw_req *r, const char *header)
{
	char email[256], token[256], account[256];
	const char *method = NULL;
	int rc = parse_header(header, email, sizeof email, token, sizeof token,
			      &method);
	if (rc)
		return rc;
	/* A failure is charged to the client's address and the account
	 * (login_limit.c): HD_E_TOOBIG with r->login_retry when over. */
	gw_login_account(header, account, sizeof account);
	if (gw_login_limit_take(g->logins, r->client, account,
				&r->login_retry)) {
		sodium_memzero(token, sizeof token);
		return HD_E_TOOBIG;
	}
	Hd__AuthTokenRequest ar = HD__AUTH_TOKEN_REQUEST__INIT;
	ar.email = email;
	ar.token = token;
	uint8_t buf[600];
	size_t len = hd__auth_token_request__pack(&ar, buf);
	sodium_memzero(token, sizeof token);
	rc = ask_directory(g, r, method, buf, len, true);
	sodium_memzero(buf, sizeof buf);
	if (rc == HD_OK || rc == HD_E_UNAUTHORIZED) /* not: directory down */
		gw_login_limit_done(g->logins, r->client, account, rc == HD_OK);
	return rc;
}

static int authenticate(gw *g, gw_req *r)
{
	const char *header = MHD_lookup_connection_value(
		r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	char cookie[80];
	const char *sid = header ? NULL : gw_session_cookie(r);
	if (sid) {
		snprintf(cookie, sizeof cookie, "Session %s", sid);
		snprintf(r->session, sizeof r->session, "%s", sid);
		r->by_cookie = 1;
		header = cookie;
	}
	if (!header || strlen(header) >= MAX_HEADER)
		return HD_E_UNAUTHORIZED;
	gw_auth_cache *c = g->auth;
	uint8_t key[16];
	crypto_generichash(key, sizeof key, (const unsigned char *)header,
			   strlen(header), c->hash_key, sizeof c->hash_key);
	if (cache_get(c, key, c->ttl_ms, r))
		return HD_OK;
	/* The directory is known down: do not wait for it. */
	if (gw_peer_known_down(g, g->intake[0]) &&
	    cache_get(c, key, c->stale_ms, r))
		return HD_OK;
	int rc = sid ? verify_session(g, r, sid) : verify(g, r, header);
	if (rc == HD_OK)
		cache_put(c, key, r);
	else if (rc == HD_E_UNAUTHORIZED)
		cache_drop(c, key);
	else if (gw_unreachable(rc) && cache_get(c, key, c->stale_ms, r))
		rc = HD_OK;
	return rc;
}

int gw_authenticate(gw *g, gw_req *r)
{
	/* The edge authenticates before the body; handlers asking again get
	 * the same answer without a second directory call. */
	if (!r->auth_done) {
		r->auth_rc = authenticate(g, r);
		r->auth_done = 1;
	}
	return r->auth_rc;
}

int gw_scope_check(const gw_req *r, const char *pattern, gw_resp *out)
{
	if (!r->scoped || gw_scope_allows(r->scopes, r->method, pattern))
		return HD_OK;
	return gw_error(out, 403, "Forbidden",
			"The OAuth token's scopes do not allow this request");
}

int gw_authenticate_scoped(gw *g, gw_req *r, const char *pattern, gw_resp *out)
{
	int rc = gw_authenticate(g, r);
	if (rc)
		return gw_from_err(
			out, rc == HD_E_UNAUTHORIZED ? rc : HD_E_UNAVAILABLE,
			"The user directory is unavailable");
	return gw_scope_check(r, pattern, out) ? HD_E_FORBIDDEN : HD_OK;
}

int gw_auth_password(gw *g, gw_req *r, const char *email, const char *password)
{
	char plain[600], header[MAX_HEADER];
	int n = snprintf(plain, sizeof plain, "%s:%s", email, password);
	int rc = HD_E_UNAUTHORIZED;
	if (n > 0 && (size_t)n < sizeof plain && !strchr(email, ':') &&
	    sodium_base64_ENCODED_LEN((size_t)n,
				      sodium_base64_VARIANT_ORIGINAL) +
			    6 <=
		    sizeof header) {
		memcpy(header, "Basic ", 6);
		sodium_bin2base64(header + 6, sizeof header - 6,
				  (const unsigned char *)plain, (size_t)n,
				  sodium_base64_VARIANT_ORIGINAL);
		rc = verify(g, r, header);
	}
	sodium_memzero(plain, sizeof plain);
	sodium_memzero(header, sizeof header);
	return rc;
}

void gw_auth_forget_session(gw *g, const char *session)
{
	char header[80];
	uint8_t key[16];
	gw_auth_cache *c = g->auth;
	snprintf(header, sizeof header, "Session %s", session);
	crypto_generichash(key, sizeof key, (const unsigned char *)header,
			   strlen(header), c->hash_key, sizeof c->hash_key);
	cache_drop(c, key);
}
