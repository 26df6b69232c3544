/* The customers' own pages (issue 17): sign-in by e-mail link or password
 * (portal_signin.c), the request form with deflection before submit
 * (portal_form.c, portal_fields.c), and my requests (portal_requests.c).
 * Built on the help center's page shell (hc_page.h): server-rendered,
 * every page and form works without JavaScript; /hc/static/portal.js only
 * adds live article suggestions. Everything runs through the same RPCs as
 * the API, as an end-user, so intake decides who sees what. No state; any
 * MHD thread. */
#ifndef GW_PORTAL_H
#define GW_PORTAL_H

#include "gw_requests.h"
#include "hc_page.h"

#include <stdbool.h>

/* ---- portal_form_io.c: forms in and out ---- */

/* One part of a multipart/form-data body. name and filename are
 * NUL-terminated; data is too (for text fields), len its length. */
typedef struct gw_pt_part {
	const char *name;
	const char *filename; /* NULL: a plain field */
	const char *type;     /* the part's Content-Type, "" when none */
	const char *data;
	size_t len;
} gw_pt_part;

#define GW_PT_MAX_PARTS 64

/* A POSTed form: multipart (parts) or urlencoded (read by hc_form). */
typedef struct gw_pt_form {
	int multipart;
	gw_pt_part parts[GW_PT_MAX_PARTS];
	size_t n;
} gw_pt_form;

/* Read r's form. HD_OK; HD_E_INVALID for a multipart body that does not
 * parse (no boundary, a part without a name, more than GW_PT_MAX_PARTS, a
 * text field that is not UTF-8): answer it with gw_pt_bad_form.
 * Parts point into a copy that lives as long as the request. */
int gw_pt_form_read(gw_req *r, gw_pt_form *f);
/* portal_multipart.c: parse body (len bytes, NUL after them; changed in
 * place: parts point into it) of Content-Type ct into f. HD_OK with
 * f->multipart 0 when ct is not multipart/form-data; HD_E_INVALID as for
 * gw_pt_form_read. */
int gw_pt_multipart(const char *ct, char *body, size_t len, gw_pt_form *f);
/* The first field called name, or NULL ("" for an empty one; NULL too for
 * an urlencoded value that is not UTF-8). */
const char *gw_pt_get(gw_req *r, const gw_pt_form *f, const char *name);

/* 400: a page saying the form could not be read. Returns HD_OK. */
int gw_pt_bad_form(gw_req *r, gw_resp *out, const char *locale);
/* The start of every customer form POST: the route's locale, the form read
 * into f and the visitor's token checked (gw_pt_visitor_ok). The locale,
 * or NULL when out already holds the answer (a 404, 400 or 403 page). */
const char *gw_pt_posted(gw_req *r, gw_pt_form *f, gw_resp *out);

/* "<form method="post" action="…">" with the form's CSRF token: the
 * session's (hc_csrf_field; in the query for multipart forms, which the
 * edge reads there) or, for a visitor not signed in, the visitor token
 * (below), whose cookie goes into out when the visitor has none. */
void gw_pt_form_open(gw_req *r, gw_resp *out, hd_buf *b, const char *action,
		     int multipart, const char *cls);

/* Forms of visitors who are not signed in carry a token bound to their
 * hc_visitor cookie (a keyed hash of it under the cluster key): a
 * double-submit check, so another site cannot post our forms in a
 * visitor's browser (login CSRF, anonymous requests in their name). The
 * edge checks the signed-in visitors' session token (hc_form_csrf_ok).
 * 1 when r may go on: signed in by cookie or header, or the token (form
 * field csrf_token, or the query's for multipart) matches the cookie. */
int gw_pt_visitor_ok(gw_req *r, const gw_pt_form *f);

/* ---- portal_strings.c ---- */

extern const hc_string gw_pt_strings[];
/* An API validation message (intake's "<field>: <why>") in locale: the
 * known "why"s are translated, anything else comes back as it is. */
const char *gw_pt_why(const char *locale, const char *description, char *buf,
		      size_t cap);

/* ---- portal_fields.c: the ticket form's fields ---- */

/* A form's answer to show next to its fields: field → message. */
typedef struct gw_pt_errors {
	struct {
		char field[48]; /* "subject", "comment", "custom_fields_7" */
		char message[300];
	} e[16];
	size_t n;
} gw_pt_errors;

void gw_pt_error_add(gw_pt_errors *es, const char *field, const char *msg);
const char *gw_pt_error_of(const gw_pt_errors *es, const char *field);
/* The validation errors of an API answer (a 422 body) in locale; other
 * failures as a "base" error. */
void gw_pt_errors_from(const char *locale, const gw_resp *api,
		       gw_pt_errors *es);

/* The end-user form to show: the form ticket_form_id (0: the default,
 * else the first end-user visible one), its fields as end-users see them.
 * Owned; gw_pt_form_def_free. */
typedef struct gw_pt_form_def {
	Hd__TicketFormList *forms;  /* every end-user visible form */
	const Hd__TicketForm *form; /* the chosen one, or NULL (none) */
	gw_portal_fields pf;        /* the portal-visible fields */
} gw_pt_form_def;

int gw_pt_form_def_load(gw *g, gw_req *r, uint64_t form_id, gw_pt_form_def *d,
			gw_resp *out);
void gw_pt_form_def_free(gw_pt_form_def *d);
/* The form's fields, in the form's order, as labelled controls with the
 * values f holds (NULL: defaults) and each field's error. */
void gw_pt_fields_html(const char *locale, const gw_pt_form_def *d, gw_req *r,
		       const gw_pt_form *f, const gw_pt_errors *es, hd_buf *b);
/* custom_fields of the request from the submitted form: the editable
 * fields' values, typed as the API takes them. New reference. */
json_t *gw_pt_fields_json(const gw_pt_form_def *d, gw_req *r,
			  const gw_pt_form *f);

/* ---- portal_requests.c / portal_signin.c helpers ---- */

/* The ticket's status in locale ("열림", "Open"…). */
const char *gw_pt_status(const char *locale, const char *status);
/* Attach every file part of f to one upload (uploads.put, as the API's
 * POST /uploads does): *token ("" when there were none) lives as long as
 * the request. HD_OK or the failure in out. */
int gw_pt_uploads(gw *g, gw_req *r, const gw_pt_form *f, const char **token,
		  gw_resp *out);

/* portal_*.c route tables, listed in routes.c before the shell's
 * fallback */
extern const gw_route gw_pt_signin_routes[];
extern const gw_route gw_pt_form_routes[];
extern const gw_route gw_pt_request_routes[];

#endif
