/* People in browsers (session.c, auth.c, http_gate.c): the hd_session
 * cookie, its CSRF token, and signing in with a password under the login
 * limits. */
#ifndef GW_SESSION_H
#define GW_SESSION_H

#include "gateway.h"
#include "user.pb-c.h"

#define GW_SESSION_COOKIE "hd_session"

/* The hd_session cookie's value when it has a session id's shape (64
 * lowercase hex digits), else NULL. */
const char *gw_session_cookie(gw_req *r);
/* The CSRF token of a session id: 32 hex digits of a keyed hash under the
 * cluster key, so every gateway computes the same one. HD_OK or
 * HD_E_INVALID (no cluster key). */
int gw_csrf_token(const char *session, char out[33]);
/* 32 hex digits of a keyed hash of text under the cluster key derived for
 * purpose (8 characters): the CSRF and visitor tokens. HD_OK or
 * HD_E_INVALID (no cluster key). */
int gw_keyed_token(const char *purpose, const char *text, char out[33]);
/* 1 when r (signed in by cookie) carries the right X-CSRF-Token. */
int gw_csrf_ok(gw_req *r);
/* 1 when r came with credentials: an Authorization header, or a live
 * session cookie (the edge checked it). */
int gw_has_credentials(gw_req *r);
/* auth.c: check email and password with intake (auth.password) under the
 * failed-login limits; HD_OK fills r->who. HD_E_TOOBIG with
 * r->login_retry when over the limit, HD_E_UNAUTHORIZED when wrong. */
int gw_auth_password(gw *g, gw_req *r, const char *email, const char *password);
/* Start a browser session for r->who.user_id (signed in a moment ago):
 * a fresh id that intake remembers (sessions.create), its cookie in
 * out->set_cookie, and r->by_cookie/r->session set to it so the answer can
 * carry its CSRF token. *user (when user is not NULL) gets the user; the
 * caller frees it. HD_OK, or the failure written to out. */
int gw_session_begin(gw *g, gw_req *r, gw_resp *out, Hd__User **user);
/* Sign out: intake forgets r's session (when signed in by cookie) and
 * out->set_cookie clears the cookie. HD_OK, or the failure in out. */
int gw_session_end(gw *g, gw_req *r, gw_resp *out);
/* auth.c: forget a session id's cached verification (sign-out). */
void gw_auth_forget_session(gw *g, const char *session);

#endif
