/* The request form (portal.h):
 *   GET  /hc/{locale}/requests/new[?ticket_form_id=]  the form
 *   POST /hc/{locale}/requests/new   step=check: the articles that may
 *        answer it (a deflection, shown above the form kept as typed);
 *        otherwise file it through POST /api/v2/requests (gw_request_create)
 *        and show the API's validation messages next to their fields
 *   POST /hc/{locale}/requests/deflection/{id}   "this solved my problem":
 *        the deflection is resolved and nothing is filed
 * portal.js does the deflection as the subject is typed (POST
 * /api/v2/hd/deflection) and resolves it through the API; without script
 * the "check articles" button does the same on the server. Signed-in
 * customers file as themselves; visitors only when HD_ANONYMOUS_REQUESTS
 * is 1, and then they are mailed a sign-in link (intake's signin_link)
 * whose use proves the address: only then do they see the request. */
#include "gw_help_center.h"
#include "portal.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "knowledge.pb-c.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <string.h>

#define CHECK_RATE 0x6863636865636b31ULL /* "hccheck1" */

/* The knowledge base's name of a page locale (articles are "en-us"). */
static const char *kb_locale(const char *loc)
{
	return strcmp(loc, "en") == 0 ? "en-us" : loc;
}

/* What the page shows besides the form. */
typedef struct form_view {
	const char *loc;
	gw_pt_form_def def;
	const gw_pt_form *posted; /* NULL on the first GET */
	gw_pt_errors errors;
	Hd__HcDeflectionReply *deflection; /* the check step's, or NULL */
} form_view;

static void text_field(gw_req *r, hd_buf *b, const form_view *v, const char *id,
		       const char *name, const char *label_key,
		       const char *err_key, int area)
{
	const char *val = v->posted ? gw_pt_get(r, v->posted, name) : NULL;
	const char *err = gw_pt_error_of(&v->errors, err_key);
	hd_buf_printf(b, "<div class=\"pt-field%s\"><label for=\"%s\">",
		      err ? " pt-invalid" : "", id);
	hc_esc(b, hc_str(v->loc, label_key));
	hd_buf_puts(b, " <span class=\"pt-req\">");
	hc_esc(b, hc_str(v->loc, "pt.form.required"));
	hd_buf_puts(b, "</span></label>");
	if (area)
		hd_buf_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"7\"",
			      id, name);
	else
		hd_buf_printf(b, "<input id=\"%s\" name=\"%s\" type=\"%s\"", id,
			      name, strcmp(name, "email") ? "text" : "email");
	hd_buf_puts(b, " aria-required=\"true\"");
	if (err)
		hd_buf_printf(b,
			      " aria-invalid=\"true\" "
			      "aria-describedby=\"%s-error\"",
			      id);
	if (!strcmp(name, "subject"))
		hd_buf_puts(b, " autocomplete=\"off\" maxlength=\"255\"");
	if (area) {
		hd_buf_puts(b, ">");
		hc_esc(b, val);
		hd_buf_puts(b, "</textarea>");
	} else {
		hd_buf_puts(b, " value=\"");
		hc_esc(b, val);
		hd_buf_puts(b, "\">");
	}
	if (err) {
		hd_buf_printf(b, "<p class=\"pt-error\" id=\"%s-error\">", id);
		hc_esc(b, err);
		hd_buf_puts(b, "</p>");
	}
	hd_buf_puts(b, "</div>\n");
}

static const char *article_locale(const Hd__HcArticle *a)
{
	return a->n_translations &&
			       strncmp(a->translations[0]->locale, "en", 2) == 0
		       ? "en"
		       : "ko";
}

/* The check step's articles, each with its "this solved my problem". */
static void suggestions(gw_req *r, gw_resp *out, hd_buf *b, const form_view *v)
{
	const Hd__HcDeflectionReply *d = v->deflection;
	char action[96];
	hd_buf_puts(b, "<section class=\"pt-suggest\" "
		       "aria-labelledby=\"pt-checked-h\">\n"
		       "<h2 id=\"pt-checked-h\">");
	hc_esc(b, hc_str(v->loc, "pt.form.suggest_h"));
	hd_buf_puts(b, "</h2>\n");
	if (!d->n_articles) {
		hd_buf_puts(b, "<p>");
		hc_esc(b, hc_str(v->loc, "pt.form.suggest_none"));
		hd_buf_puts(b, "</p>\n");
	} else {
		hd_buf_puts(b, "<ul class=\"pt-articles\">\n");
	}
	snprintf(action, sizeof action, "/hc/%s/requests/deflection/%llu",
		 v->loc, (unsigned long long)d->deflection->id);
	for (size_t i = 0; i < d->n_articles; i++) {
		const Hd__HcArticle *a = d->articles[i]->article;
		hd_buf_printf(b, "<li><a href=\"/hc/%s/articles/%llu\">",
			      article_locale(a), (unsigned long long)a->id);
		hc_esc(b, a->n_translations ? a->translations[0]->title : "");
		hd_buf_puts(b, "</a>");
		gw_pt_form_open(r, out, b, action, 0, "pt-inline");
		hd_buf_printf(b,
			      "<input type=\"hidden\" name=\"article_id\" "
			      "value=\"%llu\"><button type=\"submit\" "
			      "class=\"hc-secondary\">",
			      (unsigned long long)a->id);
		hc_esc(b, hc_str(v->loc, "pt.form.solved"));
		hd_buf_puts(b, "</button></form></li>\n");
	}
	if (d->n_articles)
		hd_buf_puts(b, "</ul>\n");
	hd_buf_puts(b, "</section>\n");
}

/* The choice of form, when there is more than one (a GET form). */
static void form_choice(hd_buf *b, const form_view *v)
{
	const Hd__TicketFormList *fl = v->def.forms;
	if (!fl || fl->n_forms < 2)
		return;
	hd_buf_printf(b,
		      "<form method=\"get\" action=\"/hc/%s/requests/new\" "
		      "class=\"pt-inline\"><label for=\"pt-form-id\">",
		      v->loc);
	hc_esc(b, hc_str(v->loc, "pt.form.which"));
	hd_buf_puts(b, "</label> <select id=\"pt-form-id\" "
		       "name=\"ticket_form_id\">");
	for (size_t i = 0; i < fl->n_forms; i++) {
		const Hd__TicketForm *f = fl->forms[i];
		hd_buf_printf(b, "<option value=\"%llu\"%s>",
			      (unsigned long long)f->id,
			      f == v->def.form ? " selected" : "");
		hc_esc(b, f->display_name[0] ? f->display_name : f->name);
		hd_buf_puts(b, "</option>");
	}
	hd_buf_puts(b, "</select> <button type=\"submit\" "
		       "class=\"hc-secondary\">");
	hc_esc(b, hc_str(v->loc, "pt.form.change"));
	hd_buf_puts(b, "</button></form>\n");
}

static void error_summary(hd_buf *b, const form_view *v)
{
	if (!v->errors.n)
		return;
	hd_buf_puts(b, "<div class=\"hc-notice hc-error\" role=\"alert\">"
		       "<p>");
	hc_esc(b, hc_str(v->loc, "pt.form.errors"));
	hd_buf_puts(b, "</p>");
	const char *base = gw_pt_error_of(&v->errors, "base");
	if (base) {
		hd_buf_puts(b, "<p>");
		hc_esc(b, base);
		hd_buf_puts(b, "</p>");
	}
	hd_buf_puts(b, "</div>\n");
}

static void anonymous_fields(gw_req *r, hd_buf *b, const form_view *v)
{
	text_field(r, b, v, "pt-name", "name", "pt.form.name", "requester", 0);
	text_field(r, b, v, "pt-email", "email", "pt.form.email", "email", 0);
	/* people never see it; bots fill it (requests.c refuses those) */
	hd_buf_puts(b, "<div class=\"pt-hp\" aria-hidden=\"true\"><label "
		       "for=\"pt-hp\">");
	hc_esc(b, hc_str(v->loc, "pt.form.honeypot"));
	hd_buf_puts(b, "</label><input id=\"pt-hp\" name=\"honeypot\" "
		       "type=\"text\" tabindex=\"-1\" autocomplete=\"off\" "
		       "value=\"\"></div>\n");
}

static int form_page(gw_req *r, gw_resp *out, form_view *v, unsigned status)
{
	hc_page p = {.locale = v->loc,
		     .title = hc_str(v->loc, "pt.form.title"),
		     .path = "/requests/new",
		     .noindex = 1,
		     .css = "portal.css"};
	hd_buf b;
	char action[64];
	hc_page_init(&b);
	hc_page_open(r, &p, &b);
	hd_buf_puts(&b, "<h1>");
	hc_esc(&b, p.title);
	hd_buf_puts(&b, "</h1>\n<p class=\"hc-muted\">");
	hc_esc(&b, hc_str(v->loc, "pt.form.intro"));
	hd_buf_puts(&b, "</p>\n");
	form_choice(&b, v);
	if (v->deflection)
		suggestions(r, out, &b, v);
	error_summary(&b, v);
	snprintf(action, sizeof action, "/hc/%s/requests/new", v->loc);
	gw_pt_form_open(r, out, &b, action, 1, "pt-request");
	if (v->def.form)
		hd_buf_printf(&b,
			      "<input type=\"hidden\" name=\"ticket_form_id\" "
			      "value=\"%llu\">\n",
			      (unsigned long long)v->def.form->id);
	if (!r->who.user_id)
		anonymous_fields(r, &b, v);
	text_field(r, &b, v, "pt-subject", "subject", "pt.form.subject",
		   "subject", 0);
	/* portal.js fills this as the subject is typed */
	hd_buf_printf(&b,
		      "<div id=\"pt-live\" class=\"pt-suggest\" hidden "
		      "aria-live=\"polite\" data-locale=\"%s\" "
		      "data-heading=\"",
		      kb_locale(v->loc));
	hc_esc(&b, hc_str(v->loc, "pt.form.suggest_h"));
	hd_buf_puts(&b, "\" data-solved=\"");
	hc_esc(&b, hc_str(v->loc, "pt.form.solved"));
	hd_buf_puts(&b, "\" data-done-title=\"");
	hc_esc(&b, hc_str(v->loc, "pt.form.resolved_title"));
	hd_buf_puts(&b, "\" data-done-text=\"");
	hc_esc(&b, hc_str(v->loc, "pt.form.resolved_text"));
	hd_buf_puts(&b, "\"></div>\n");
	text_field(r, &b, v, "pt-description", "description",
		   "pt.form.description", "comment", 1);
	gw_pt_fields_html(v->loc, &v->def, r, v->posted, &v->errors, &b);
	if (r->who.user_id) {
		hd_buf_puts(&b, "<div class=\"pt-field\"><label "
				"for=\"pt-files\">");
		hc_esc(&b, hc_str(v->loc, "pt.form.attachments"));
		hd_buf_puts(&b, "</label><input id=\"pt-files\" "
				"name=\"attachments\" type=\"file\" "
				"multiple></div>\n");
	}
	hd_buf_puts(&b,
		    "<p class=\"pt-actions\"><button type=\"submit\" "
		    "name=\"step\" value=\"check\" class=\"hc-secondary\">");
	hc_esc(&b, hc_str(v->loc, "pt.form.check"));
	hd_buf_puts(&b, "</button> <button type=\"submit\" name=\"step\" "
			"value=\"submit\">");
	hc_esc(&b, hc_str(v->loc, "pt.form.submit"));
	hd_buf_puts(&b, "</button></p>\n</form>\n<script "
			"src=\"/hc/static/portal.js\" defer></script>\n");
	hc_page_close(r, &p, &b);
	return hc_reply(out, status, &b);
}

/* A visitor not signed in where anonymous requests are off. */
static int sign_in_first(gw_req *r, gw_resp *out, const char *loc,
			 unsigned status)
{
	hc_page p = {.locale = loc,
		     .title = hc_str(loc, "pt.form.title"),
		     .path = "/requests/new",
		     .noindex = 1,
		     .css = "portal.css"};
	hc_notice n = {.text = hc_str(loc, "pt.form.anon_off"),
		       .link = "/signin",
		       .link_label = hc_str(loc, "pt.signin.title")};
	return hc_notice_page(r, out, &p, &n, status);
}

static uint64_t form_id_of(gw_req *r, const gw_pt_form *f)
{
	const char *s = f ? gw_pt_get(r, f, "ticket_form_id")
			  : gw_query(r, "ticket_form_id");
	uint64_t id = 0;
	if (s && hd_parse_u64(s, &id))
		id = 0;
	return id;
}

static int form_show(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc = hc_route_locale(r);
	if (!loc)
		return hc_error_page(r, out, NULL, 404);
	if (!r->who.user_id && !g->anonymous_requests)
		return sign_in_first(r, out, loc, 200);
	form_view v = {.loc = loc};
	int rc = gw_pt_form_def_load(g, r, form_id_of(r, NULL), &v.def, out);
	if (rc) {
		json_decref(out->body);
		out->body = NULL;
		return hc_error_page(r, out, loc, 503);
	}
	rc = form_page(r, out, &v, 200);
	gw_pt_form_def_free(&v.def);
	return rc;
}

/* The check step: knowledge's deflection (recorded as shown). */
static int check(gw *g, gw_req *r, gw_resp *out, form_view *v)
{
	Hd__HcDeflectionRequest q = HD__HC_DEFLECTION_REQUEST__INIT;
	const char *s = gw_pt_get(r, v->posted, "subject");
	const char *d = gw_pt_get(r, v->posted, "description");
	q.subject = (char *)(s ? s : "");
	q.description = (char *)(d ? d : "");
	q.locale = (char *)kb_locale(v->loc);
	if (!q.subject[0] && !q.description[0]) {
		gw_pt_error_add(&v->errors, "subject",
				hc_str(v->loc, "pt.err.required"));
		return form_page(r, out, v, 422);
	}
	gw_resp api = {0};
	int rc = r->who.user_id ? HD_OK : gw_anon_rate(g, r, CHECK_RATE, &api);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.deflection.create", &q,
			     &hd__hc_deflection_reply__descriptor,
			     (void **)&v->deflection, &api);
	if (rc)
		gw_pt_errors_from(v->loc, &api, &v->errors);
	json_decref(api.body);
	rc = form_page(r, out, v, rc ? (api.status == 422 ? 422 : 503) : 200);
	hd__hc_deflection_reply__free_unpacked(v->deflection, NULL);
	v->deflection = NULL;
	return rc;
}

int gw_pt_uploads(gw *g, gw_req *r, const gw_pt_form *f, const char **token,
		  gw_resp *out)
{
	*token = "";
	for (size_t i = 0; f->multipart && i < f->n; i++) {
		const gw_pt_part *p = &f->parts[i];
		if (!p->filename || !p->filename[0])
			continue; /* a file input left empty */
		Hd__UploadPutRequest q = HD__UPLOAD_PUT_REQUEST__INIT;
		Hd__Upload *up = NULL;
		q.file_name = (char *)p->filename;
		q.token = (char *)*token;
		q.content_type = (char *)(strlen(p->type) < 128 ? p->type : "");
		q.data.data = (uint8_t *)p->data;
		q.data.len = p->len;
		int rc = gw_call(g, g->intake[0], r, "uploads.put", &q,
				 &hd__upload__descriptor, (void **)&up, out);
		if (rc)
			return rc;
		char *kept = strdup(up->token);
		hd__upload__free_unpacked(up, NULL);
		if (!kept ||
		    r->nowned == (int)(sizeof r->owned / sizeof r->owned[0])) {
			free(kept);
			return gw_from_err(out, HD_E_NOMEM, "out of memory");
		}
		r->owned[r->nowned++] = kept;
		*token = kept;
	}
	return HD_OK;
}

/* {"request":{…}} of the posted form. */
static json_t *request_json(gw_req *r, const form_view *v, const char *upload)
{
	const gw_pt_form *f = v->posted;
	const char *s = gw_pt_get(r, f, "subject");
	const char *d = gw_pt_get(r, f, "description");
	json_t *req = json_pack("{s:s, s:{s:s}, s:o}", "subject", s ? s : "",
				"comment", "body", d ? d : "", "custom_fields",
				gw_pt_fields_json(&v->def, r, f));
	if (v->def.form)
		json_object_set_new(req, "ticket_form_id",
				    json_integer((json_int_t)v->def.form->id));
	if (upload[0])
		json_object_set_new(json_object_get(req, "comment"), "uploads",
				    json_pack("[s]", upload));
	if (!r->who.user_id) {
		const char *n = gw_pt_get(r, f, "name");
		const char *e = gw_pt_get(r, f, "email");
		const char *hp = gw_pt_get(r, f, "honeypot");
		json_object_set_new(req, "requester",
				    json_pack("{s:s, s:s}", "name", n ? n : "",
					      "email", e ? e : ""));
		json_object_set_new(req, "honeypot", json_string(hp ? hp : ""));
	}
	return json_pack("{s:o}", "request", req);
}

/* The anonymous requester's link: their address, proven by using it. */
static void mail_link(gw *g, gw_req *r, const form_view *v)
{
	const char *email = gw_pt_get(r, v->posted, "email");
	Hd__SessionRequest q = HD__SESSION_REQUEST__INIT;
	Hd__User *none = NULL;
	gw_resp ignored = {0};
	memset(&r->who, 0, sizeof r->who);
	q.email = (char *)(email ? email : "");
	q.token = (char *)v->loc;
	if (gw_call(g, g->intake[0], r, "signin_link.request", &q,
		    &hd__user__descriptor, (void **)&none, &ignored))
		hd_warn("portal.link_failed", "trace=%s", r->trace);
	hd__user__free_unpacked(none, NULL);
	json_decref(ignored.body);
}

static int filed(gw *g, gw_req *r, gw_resp *out, form_view *v, uint64_t id)
{
	char path[64];
	if (r->who.user_id) {
		snprintf(path, sizeof path, "/hc/%s/requests/%llu", v->loc,
			 (unsigned long long)id);
		return hc_redirect(r, out, 303, path);
	}
	mail_link(g, r, v);
	hc_page p = {.locale = v->loc,
		     .title = hc_str(v->loc, "pt.form.sent_title"),
		     .path = "/requests/new",
		     .noindex = 1,
		     .css = "portal.css"};
	hc_notice n = {.text = hc_str(v->loc, "pt.form.sent_verify"),
		       .status_role = 1};
	return hc_notice_page(r, out, &p, &n, 200);
}

static int submit(gw *g, gw_req *r, gw_resp *out, form_view *v)
{
	const char *s = gw_pt_get(r, v->posted, "subject");
	const char *upload = "";
	gw_resp api = {0};
	hd_principal who = r->who;
	if (!s || !s[0]) /* the help center asks for one; the API not */
		gw_pt_error_add(&v->errors, "subject",
				hc_str(v->loc, "pt.err.required"));
	if (!v->errors.n && r->who.user_id &&
	    gw_pt_uploads(g, r, v->posted, &upload, &api) != HD_OK)
		gw_pt_error_add(&v->errors, "base",
				hc_str(v->loc, "pt.err.upload"));
	json_decref(api.body);
	if (v->errors.n)
		return form_page(r, out, v, 422);
	json_t *body = request_json(r, v, upload);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	int rc = HD_E_NOMEM;
	memset(&api, 0, sizeof api);
	hd_buf_reset(&r->body);
	if (text && hd_buf_append(&r->body, text, strlen(text)) == HD_OK)
		rc = gw_request_create(g, r, &api);
	free(text);
	uint64_t id = 0;
	if (!rc && api.status == 201)
		id = (uint64_t)json_integer_value(json_object_get(
			json_object_get(api.body, "request"), "id"));
	if (!id)
		gw_pt_errors_from(v->loc, &api, &v->errors);
	json_decref(api.body);
	if (!id && gw_pt_error_of(&v->errors, "requester") &&
	    !gw_pt_error_of(&v->errors, "email"))
		gw_pt_error_add(&v->errors, "email",
				gw_pt_error_of(&v->errors, "requester"));
	if (!id) {
		r->who = who; /* the anonymous path made it the requester */
		return form_page(r, out, v,
				 api.status >= 400 && api.status < 500
					 ? api.status
					 : 503);
	}
	r->who = who;
	return filed(g, r, out, v, id);
}

static int form_post(gw *g, gw_req *r, gw_resp *out)
{
	gw_pt_form f;
	const char *loc = gw_pt_posted(r, &f, out);
	if (!loc)
		return HD_OK;
	if (!r->who.user_id && !g->anonymous_requests)
		return sign_in_first(r, out, loc, 403);
	form_view v = {.loc = loc, .posted = &f};
	int rc = gw_pt_form_def_load(g, r, form_id_of(r, &f), &v.def, out);
	if (rc) {
		json_decref(out->body);
		out->body = NULL;
		return hc_error_page(r, out, loc, 503);
	}
	const char *step = gw_pt_get(r, &f, "step");
	if (step && strcmp(step, "check") == 0)
		rc = check(g, r, out, &v);
	else
		rc = submit(g, r, out, &v);
	gw_pt_form_def_free(&v.def);
	return rc;
}

static int resolved(gw *g, gw_req *r, gw_resp *out)
{
	gw_pt_form f;
	const char *loc = gw_pt_posted(r, &f, out);
	if (!loc)
		return HD_OK;
	Hd__HcDeflectionResolve q = HD__HC_DEFLECTION_RESOLVE__INIT;
	Hd__HcDeflection *d = NULL;
	const char *a = gw_pt_get(r, &f, "article_id");
	q.id = r->id;
	if (a && hd_parse_u64(a, &q.article_id))
		q.article_id = 0;
	gw_resp api = {0};
	int rc = gw_call(g, KNOWLEDGE(g), r, "hc.deflection.resolve", &q,
			 &hd__hc_deflection__descriptor, (void **)&d, &api);
	hd__hc_deflection__free_unpacked(d, NULL);
	unsigned status = api.status;
	json_decref(api.body);
	if (rc)
		return hc_error_page(r, out, loc,
				     status == 404 || status == 422 ? 404
								    : 503);
	hc_page p = {.locale = loc,
		     .title = hc_str(loc, "pt.form.resolved_title"),
		     .path = "/requests/new",
		     .noindex = 1,
		     .css = "portal.css"};
	hc_notice n = {.text = hc_str(loc, "pt.form.resolved_text"),
		       .status_role = 1,
		       .link = "/",
		       .link_label = hc_str(loc, "error.home")};
	return hc_notice_page(r, out, &p, &n, 200);
}

const gw_route gw_pt_form_routes[] = {
	{"GET", "/hc/{s}/requests/new", form_show, GW_AUTH_ANON},
	{"POST", "/hc/{s}/requests/new", form_post, GW_AUTH_ANON},
	{"POST", "/hc/{s}/requests/deflection/{id}", resolved, GW_AUTH_ANON},
	{NULL, NULL, NULL, 0},
};
