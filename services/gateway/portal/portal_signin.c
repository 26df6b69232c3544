/* Customers' sign-in (portal.h):
 *   GET  /hc/{locale}/signin          e-mail link and password forms
 *   POST /hc/{locale}/signin          password → session → my requests
 *   POST /hc/{locale}/signin/link     mail a one-time link (intake's
 *                                     signin_link.request): the same answer
 *                                     whether or not the address has one
 *   GET  /hc/{locale}/signin/{token}  the link: a button that signs in, so
 *                                     mail scanners that fetch links do
 *                                     not spend it
 *   POST /hc/{locale}/signin/{token}  spend it (signin_link.apply) → a
 *                                     session; used, tampered or expired →
 *                                     one 404 page
 *   POST /hc/{locale}/signout
 * Sessions are the workspace's (session.c): the hd_session cookie with its
 * CSRF token; a customer's session is an end-user's, so the API's role and
 * scope rules bound it. */
#include "gw_session.h"
#include "gw_users.h"
#include "portal.h"

#include "hd/err.h"

#include <stdio.h>
#include <string.h>

#define LINK_RATE 0x68637369676e6c6bULL /* "hcsignlk" */

static void page_start(gw_req *r, hc_page *p, hd_buf *b, const char *loc,
		       const char *title_key)
{
	memset(p, 0, sizeof *p);
	p->locale = loc;
	p->title = hc_str(loc, title_key);
	p->path = "/signin";
	p->noindex = 1;
	p->css = "portal.css";
	hc_page_init(b);
	hc_page_open(r, p, b);
	hd_buf_puts(b, "<h1>");
	hc_esc(b, p->title);
	hd_buf_puts(b, "</h1>\n");
}

static void notice(hd_buf *b, const char *cls, const char *role,
		   const char *text)
{
	hd_buf_printf(b, "<p class=\"%s\" role=\"%s\">", cls, role);
	hc_esc(b, text);
	hd_buf_puts(b, "</p>\n");
}

static void input(hd_buf *b, const char *loc, const char *id,
		  const char *label_key, const char *type,
		  const char *autocomplete)
{
	hd_buf_printf(b, "<p class=\"pt-field\"><label for=\"%s\">", id);
	hc_esc(b, hc_str(loc, label_key));
	hd_buf_printf(b,
		      "</label><input id=\"%s\" name=\"%s\" type=\"%s\" "
		      "autocomplete=\"%s\" required></p>\n",
		      id, strchr(id, '-') + 1, type, autocomplete);
}

/* A page of ours to come back to after signing in ("/hc/…", no scheme, no
 * host, no backslash or control byte), or NULL. The help center's vote
 * sends visitors here with ?return_to=. */
static const char *return_to(const char *v)
{
	if (!v || strncmp(v, "/hc/", 4) != 0 || strlen(v) > 400 ||
	    strstr(v, "//") || strchr(v, '\\'))
		return NULL;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return NULL;
	return v;
}

/* The sign-in page; message (a string key, or NULL) above the forms. */
static int signin_page(gw_req *r, gw_resp *out, const char *loc,
		       unsigned status, const char *message, int is_error)
{
	hc_page p;
	hd_buf b;
	char action[64];
	page_start(r, &p, &b, loc, "pt.signin.title");
	if (message)
		notice(&b, is_error ? "hc-notice hc-error" : "hc-notice",
		       is_error ? "alert" : "status", hc_str(loc, message));
	hd_buf_puts(&b,
		    "<section class=\"pt-card\" "
		    "aria-labelledby=\"pt-link-h\">\n<h2 id=\"pt-link-h\">");
	hc_esc(&b, hc_str(loc, "pt.signin.link_h"));
	hd_buf_puts(&b, "</h2>\n<p class=\"hc-muted\">");
	hc_esc(&b, hc_str(loc, "pt.signin.link_help"));
	hd_buf_puts(&b, "</p>\n");
	snprintf(action, sizeof action, "/hc/%s/signin/link", loc);
	gw_pt_form_open(r, out, &b, action, 0, NULL);
	input(&b, loc, "link-email", "pt.signin.email", "email", "email");
	hd_buf_puts(&b, "<p><button type=\"submit\">");
	hc_esc(&b, hc_str(loc, "pt.signin.send"));
	hd_buf_puts(&b, "</button></p>\n</form>\n</section>\n");
	hd_buf_puts(&b, "<section class=\"pt-card\" "
			"aria-labelledby=\"pt-pw-h\">\n<h2 id=\"pt-pw-h\">");
	hc_esc(&b, hc_str(loc, "pt.signin.pw_h"));
	hd_buf_puts(&b, "</h2>\n");
	snprintf(action, sizeof action, "/hc/%s/signin", loc);
	gw_pt_form_open(r, out, &b, action, 0, NULL);
	input(&b, loc, "pw-email", "pt.signin.email", "email", "username");
	input(&b, loc, "pw-password", "pt.signin.password", "password",
	      "current-password");
	const char *back = return_to(gw_query(r, "return_to"));
	if (!back && strcmp(r->method, "POST") == 0)
		back = return_to(hc_form(r, "return_to"));
	if (back) {
		hd_buf_puts(&b, "<input type=\"hidden\" name=\"return_to\" "
				"value=\"");
		hc_esc(&b, back);
		hd_buf_puts(&b, "\">\n");
	}
	hd_buf_puts(&b, "<p><button type=\"submit\">");
	hc_esc(&b, hc_str(loc, "pt.signin.submit"));
	hd_buf_puts(&b, "</button></p>\n</form>\n</section>\n");
	hc_page_close(r, &p, &b);
	return hc_reply(out, status, &b);
}

static int signin_show(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	const char *loc = hc_route_locale(r);
	if (!loc)
		return hc_error_page(r, out, NULL, 404);
	const char *sent = gw_query(r, "sent");
	return signin_page(
		r, out, loc, 200,
		sent && strcmp(sent, "1") == 0 ? "pt.signin.sent" : NULL, 0);
}

static int after_signin(gw_req *r, gw_resp *out, const char *loc,
			const char *back)
{
	char path[64];
	snprintf(path, sizeof path, HC_PATH_MY_REQUESTS, loc);
	return hc_redirect(r, out, 303, back ? back : path);
}

static int signin_password(gw *g, gw_req *r, gw_resp *out)
{
	gw_pt_form f;
	const char *loc = gw_pt_posted(r, &f, out);
	if (!loc)
		return HD_OK;
	const char *email = gw_pt_get(r, &f, "email");
	const char *password = gw_pt_get(r, &f, "password");
	if (!email || !email[0] || !password || !password[0])
		return signin_page(r, out, loc, 422, "pt.signin.missing", 1);
	memset(&r->who, 0, sizeof r->who);
	int rc = gw_auth_password(g, r, email, password);
	if (rc == HD_E_TOOBIG) {
		out->retry_after = r->login_retry;
		return signin_page(r, out, loc, 429, "pt.signin.limited", 1);
	}
	if (rc == HD_E_UNAUTHORIZED)
		return signin_page(r, out, loc, 401, "pt.signin.wrong", 1);
	if (rc || gw_session_begin(g, r, out, NULL) != HD_OK) {
		json_decref(out->body);
		out->body = NULL;
		out->set_cookie[0] = '\0';
		return hc_error_page(r, out, loc, 503);
	}
	return after_signin(r, out, loc,
			    return_to(gw_pt_get(r, &f, "return_to")));
}

static int link_request(gw *g, gw_req *r, gw_resp *out)
{
	gw_pt_form f;
	const char *loc = gw_pt_posted(r, &f, out);
	if (!loc)
		return HD_OK;
	if (gw_anon_rate(g, r, LINK_RATE, out) != HD_OK) {
		json_decref(out->body);
		out->body = NULL;
		return signin_page(r, out, loc, 429, "pt.signin.limited", 1);
	}
	const char *email = gw_pt_get(r, &f, "email");
	if (email && email[0] && strlen(email) < 255) {
		Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
		Hd__User *none = NULL;
		hd_principal saved = r->who;
		memset(&r->who, 0, sizeof r->who);
		q.email = (char *)email;
		q.token = (char *)loc;
		int rc = gw_call(g, g->intake[0], r, "signin_link.request", &q,
				 &hd__user__descriptor, (void **)&none, out);
		hd__user__free_unpacked(none, NULL);
		r->who = saved;
		if (rc) {
			json_decref(out->body);
			out->body = NULL;
			return hc_error_page(r, out, loc, 503);
		}
	}
	char path[64];
	snprintf(path, sizeof path, "/hc/%s/signin?sent=1", loc);
	return hc_redirect(r, out, 303, path);
}

static const char *link_token(gw_req *r)
{
	const char *slash = strrchr(r->path, '/');
	return slash ? slash + 1 : "";
}

static int bad_link(gw_req *r, gw_resp *out, const char *loc)
{
	hc_page p;
	hd_buf b;
	char path[64];
	page_start(r, &p, &b, loc, "pt.signin.title");
	notice(&b, "hc-notice hc-error", "alert",
	       hc_str(loc, "pt.signin.bad_link"));
	snprintf(path, sizeof path, HC_PATH_SIGNIN, loc);
	hd_buf_puts(&b, "<p><a href=\"");
	hc_esc(&b, path);
	hd_buf_puts(&b, "\">");
	hc_esc(&b, hc_str(loc, "pt.signin.again"));
	hd_buf_puts(&b, "</a></p>\n");
	hc_page_close(r, &p, &b);
	return hc_reply(out, 404, &b);
}

static int link_show(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	const char *loc = hc_route_locale(r);
	if (!loc)
		return hc_error_page(r, out, NULL, 404);
	const char *token = link_token(r);
	if (strlen(token) > 180 ||
	    strspn(token, "0123456789abcdef-") != strlen(token))
		return bad_link(r, out, loc);
	hc_page p;
	hd_buf b;
	char action[256];
	page_start(r, &p, &b, loc, "pt.signin.confirm_title");
	hd_buf_puts(&b, "<p>");
	hc_esc(&b, hc_str(loc, "pt.signin.confirm_text"));
	hd_buf_puts(&b, "</p>\n");
	snprintf(action, sizeof action, "/hc/%s/signin/%s", loc, token);
	gw_pt_form_open(r, out, &b, action, 0, NULL);
	hd_buf_puts(&b, "<p><button type=\"submit\">");
	hc_esc(&b, hc_str(loc, "pt.signin.submit"));
	hd_buf_puts(&b, "</button></p>\n</form>\n");
	hc_page_close(r, &p, &b);
	return hc_reply(out, 200, &b);
}

static int link_apply(gw *g, gw_req *r, gw_resp *out)
{
	gw_pt_form f;
	const char *loc = gw_pt_posted(r, &f, out);
	if (!loc)
		return HD_OK;
	Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
	Hd__User *u = NULL;
	q.token = (char *)link_token(r);
	memset(&r->who, 0, sizeof r->who);
	int rc = gw_call(g, g->intake[0], r, "signin_link.apply", &q,
			 &hd__user__descriptor, (void **)&u, out);
	if (rc) {
		unsigned status = out->status;
		json_decref(out->body);
		out->body = NULL;
		return status == 404 || status == 422
			       ? bad_link(r, out, loc)
			       : hc_error_page(r, out, loc, 503);
	}
	r->who.user_id = u->id;
	r->who.organization_id = u->organization_id;
	r->who.role = hd_role_of(u->role);
	snprintf(r->who.email, sizeof r->who.email, "%s", u->email);
	hd__user__free_unpacked(u, NULL);
	gw_auth_flush(g); /* "verified" may have changed */
	if (gw_session_begin(g, r, out, NULL) != HD_OK) {
		json_decref(out->body);
		out->body = NULL;
		out->set_cookie[0] = '\0';
		return hc_error_page(r, out, loc, 503);
	}
	return after_signin(r, out, loc, NULL);
}

static int signout(gw *g, gw_req *r, gw_resp *out)
{
	gw_pt_form f;
	const char *loc = gw_pt_posted(r, &f, out);
	if (!loc)
		return HD_OK;
	if (gw_session_end(g, r, out) != HD_OK) {
		json_decref(out->body);
		out->body = NULL;
		return hc_error_page(r, out, loc, 503);
	}
	char path[16];
	snprintf(path, sizeof path, "/hc/%s/", loc);
	return hc_redirect(r, out, 303, path);
}

const gw_route gw_pt_signin_routes[] = {
	{"GET", "/hc/{s}/signin", signin_show, GW_AUTH_ANON},
	{"POST", "/hc/{s}/signin", signin_password, GW_AUTH_ANON},
	{"POST", "/hc/{s}/signin/link", link_request, GW_AUTH_ANON},
	{"GET", "/hc/{s}/signin/{s}", link_show, GW_AUTH_ANON},
	{"POST", "/hc/{s}/signin/{s}", link_apply, GW_AUTH_ANON},
	{"POST", "/hc/{s}/signout", signout, GW_AUTH_ANON},
	{NULL, NULL, NULL, 0},
};
