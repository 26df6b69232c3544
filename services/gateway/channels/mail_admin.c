/* What admins set about outgoing mail, answered by notifications
 * (proto/mail_admin.proto), admins only:
 *   GET  /api/v2/hd/email_templates                 current version of each
 *   GET  /api/v2/hd/email_templates/{name.locale}   one (?version=N: that one)
 *   PUT  /api/v2/hd/email_templates/{name.locale}   a new version
 *   GET  /api/v2/hd/email_templates/{id}/versions   the history, newest first
 *   POST /api/v2/hd/email_templates/{id}/preview    render a draft or the
 *        stored version for {"ticket_id"} or a sample ticket
 *   GET/PUT /api/v2/hd/csat_settings, /api/v2/hd/mail_settings
 * A template's id is "{name}.{locale}" (csat_survey.ko). PUT takes
 * {"email_template": {"subject","text","html","note"}}; a field left out
 * keeps its current text. */
#include "gw_mail_admin.h"
#include "gw_webhooks.h"

#include "hd/cfg.h"
#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "{name}.{locale}" of /api/v2/hd/email_templates/{id}… */
static int tmpl_id(const gw_req *r, char name[64], char locale[8], gw_resp *out)
{
	char id[80];
	if (!gw_path_segment(r, 4, id, sizeof id))
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	char *dot = strrchr(id, '.');
	if (!dot || dot == id || (size_t)(dot - id) >= 64 ||
	    strlen(dot + 1) >= 8)
		return gw_error(out, 404, "RecordNotFound",
				"No such e-mail template (ids look like "
				"csat_survey.ko)");
	snprintf(name, 64, "%.*s", (int)(dot - id), id);
	snprintf(locale, 8, "%s", dot + 1);
	return HD_OK;
}

json_t *gw_email_template_json(const gw_req *r, const Hd__MailTemplate *m)
{
	char id[96], url[512];
	snprintf(id, sizeof id, "%s.%s", m->name, m->locale);
	snprintf(url, sizeof url, "%s/api/v2/hd/email_templates/%s.json",
		 r->base_url, id);
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, "
			 "s:o}",
			 "id", id, "url", url, "name", m->name, "locale",
			 m->locale, "version", (json_int_t)m->version,
			 "subject", m->subject, "text", m->text, "html",
			 m->html, "note", m->note, "updated_at",
			 gw_time_json(m->updated_at), "updated_by_id",
			 m->updated_by ? json_integer((json_int_t)m->updated_by)
				       : json_null());
}

/* templates.list's and templates.versions' answer: {key: [...], count}. */
static void reply_list(gw_req *r, gw_resp *out, const char *key,
		       const Hd__MailTemplateList *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n_templates; i++)
		json_array_append_new(
			a, gw_email_template_json(r, l->templates[i]));
	out->status = 200;
	out->body = json_pack("{s:o, s:I}", key, a, "count",
			      (json_int_t)l->n_templates);
}

static int tmpl_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MailTemplateList *l = NULL;
	int rc = gw_call(g, NOTIFY(g), r, "templates.list", NULL,
			 &hd__mail_template_list__descriptor, (void **)&l, out);
	if (!rc)
		reply_list(r, out, "email_templates", l);
	hd__mail_template_list__free_unpacked(l, NULL);
	return rc;
}

static int get(gw *g, gw_req *r, uint32_t version, Hd__MailTemplate **m,
	       gw_resp *out)
{
	char name[64], locale[8];
	Hd__MailTemplateQuery q = HD__MAIL_TEMPLATE_QUERY__INIT;
	int rc = tmpl_id(r, name, locale, out);
	q.name = name;
	q.locale = locale;
	q.version = version;
	return rc ? rc
		  : gw_call(g, NOTIFY(g), r, "templates.get", &q,
			    &hd__mail_template__descriptor, (void **)m, out);
}

static int tmpl_show(gw *g, gw_req *r, gw_resp *out)
{
	const char *v = gw_query(r, "version");
	uint64_t version = 0;
	Hd__MailTemplate *m = NULL;
	if (v && (hd_parse_u64(v, &version) || version > UINT32_MAX))
		return gw_error(out, 400, "InvalidValue",
				"version must be a version number");
	int rc = get(g, r, (uint32_t)version, &m, out);
	if (!rc)
		gw_reply_one(out, 200, "email_template",
			     gw_email_template_json(r, m));
	hd__mail_template__free_unpacked(m, NULL);
	return rc;
}

/* A string member of obj, or NULL when absent; 422 when not a string. */
static int text_field(json_t *obj, const char *k, const char **s, gw_resp *out)
{
	json_t *v = json_object_get(obj, k);
	*s = NULL;
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_string(v))
		return gw_invalid_must(out, k, "a string");
	*s = json_string_value(v);
	return HD_OK;
}

/* A draft from {"email_template": {…}} over base (whose texts stay where
 * the body is silent). Strings point into obj and base. */
static int read_draft(json_t *obj, const Hd__MailTemplate *base,
		      Hd__MailTemplate *d, gw_resp *out)
{
	static const char *const keys[] = {"subject", "text", "html", "note"};
	const char *v[4];
	char *const *from[4] = {&base->subject, &base->text, &base->html, NULL};
	char **to[4] = {&d->subject, &d->text, &d->html, &d->note};
	for (int i = 0; i < 4; i++) {
		int rc = text_field(obj, keys[i], &v[i], out);
		if (rc)
			return rc;
		*to[i] = (char *)(v[i] ? v[i] : from[i] ? *from[i] : "");
	}
	d->name = base->name;
	d->locale = base->locale;
	return HD_OK;
}

static int tmpl_update(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MailTemplate *cur = NULL, *saved = NULL;
	Hd__MailTemplate d = HD__MAIL_TEMPLATE__INIT;
	json_t *root = NULL, *obj = NULL;
	int rc = gw_req_object(r, out, "email_template", &root, &obj);
	if (!rc)
		rc = get(g, r, 0, &cur, out);
	if (!rc)
		rc = read_draft(obj, cur, &d, out);
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "templates.update", &d,
			     &hd__mail_template__descriptor, (void **)&saved,
			     out);
	if (!rc)
		gw_reply_one(out, 200, "email_template",
			     gw_email_template_json(r, saved));
	hd__mail_template__free_unpacked(saved, NULL);
	hd__mail_template__free_unpacked(cur, NULL);
	json_decref(root);
	return rc;
}

static int tmpl_versions(gw *g, gw_req *r, gw_resp *out)
{
	char name[64], locale[8];
	Hd__MailTemplateQuery q = HD__MAIL_TEMPLATE_QUERY__INIT;
	Hd__MailTemplateList *l = NULL;
	int rc = tmpl_id(r, name, locale, out);
	q.name = name;
	q.locale = locale;
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "templates.versions", &q,
			     &hd__mail_template_list__descriptor, (void **)&l,
			     out);
	if (!rc)
		reply_list(r, out, "versions", l);
	hd__mail_template_list__free_unpacked(l, NULL);
	return rc;
}

/* {"email_template": {…}} (optional: the stored version when absent)
 * and {"ticket_id": N} (optional: a sample ticket). */
static int tmpl_preview(gw *g, gw_req *r, gw_resp *out)
{
	char name[64], locale[8];
	Hd__MailTemplateQuery q = HD__MAIL_TEMPLATE_QUERY__INIT;
	Hd__MailTemplate d = HD__MAIL_TEMPLATE__INIT, *cur = NULL, *res = NULL;
	json_t *root = NULL;
	int rc = tmpl_id(r, name, locale, out);
	if (!rc && r->body.len)
		rc = gw_parse_body(r, out, &root);
	json_t *tid = json_object_get(root, "ticket_id");
	json_t *obj = json_object_get(root, "email_template");
	if (!rc && root && !json_is_object(root))
		rc = gw_error(out, 400, "InvalidValue",
			      "the body must be a JSON object");
	if (!rc && tid && !json_is_null(tid) &&
	    (!json_is_integer(tid) || json_integer_value(tid) <= 0))
		rc = gw_invalid_must(out, "ticket_id", "a ticket's id");
	if (!rc && obj && !json_is_object(obj))
		rc = gw_invalid_must(out, "email_template", "an object");
	if (!rc && obj && !(rc = get(g, r, 0, &cur, out)))
		rc = read_draft(obj, cur, &d, out);
	q.name = name;
	q.locale = locale;
	q.ticket_id =
		json_is_integer(tid) ? (uint64_t)json_integer_value(tid) : 0;
	q.draft = obj ? &d : NULL;
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "templates.preview", &q,
			     &hd__mail_template__descriptor, (void **)&res,
			     out);
	if (!rc)
		gw_reply_one(out, 200, "preview",
			     json_pack("{s:s, s:s, s:s, s:s, s:s}", "subject",
				       res->subject, "text", res->text, "html",
				       res->html, "name", name, "locale",
				       locale));
	hd__mail_template__free_unpacked(res, NULL);
	hd__mail_template__free_unpacked(cur, NULL);
	json_decref(root);
	return rc;
}

/* ---- settings documents ---- */

static int settings(gw *g, gw_req *r, gw_resp *out, const char *name,
		    const char *key, int put)
{
	Hd__NotifySettings get = HD__NOTIFY_SETTINGS__INIT, *q = &get;
	Hd__NotifySettings *s = NULL;
	json_t *root = NULL, *obj = NULL;
	int rc = put ? gw_req_object(r, out, key, &root, &obj) : HD_OK;
	get.name = (char *)name;
	if (!rc && put && !(q = gw_settings_from_json(name, obj, out)))
		rc = HD_E_INVALID;
	if (!rc)
		rc = gw_call(
			g, NOTIFY(g), r, put ? "settings.put" : "settings.get",
			q, &hd__notify_settings__descriptor, (void **)&s, out);
	json_t *doc = rc ? NULL : gw_settings_json(s);
	if (!rc && !doc)
		rc = gw_from_err(out, HD_E_INTERNAL, "undecodable settings");
	if (!rc)
		gw_reply_one(out, 200, key, doc);
	if (q != &get)
		hd__notify_settings__free_unpacked(q, NULL);
	hd__notify_settings__free_unpacked(s, NULL);
	json_decref(root);
	return rc;
}

static int csat_show(gw *g, gw_req *r, gw_resp *out)
{
	return settings(g, r, out, "csat", "csat_settings", 0);
}

static int csat_update(gw *g, gw_req *r, gw_resp *out)
{
	return settings(g, r, out, "csat", "csat_settings", 1);
}

static int mail_show(gw *g, gw_req *r, gw_resp *out)
{
	return settings(g, r, out, "mail", "mail_settings", 0);
}

static int mail_update(gw *g, gw_req *r, gw_resp *out)
{
	return settings(g, r, out, "mail", "mail_settings", 1);
}

/* clang-format off */
const gw_route gw_mail_admin_routes[] = {
	{"GET", "/api/v2/hd/email_templates", tmpl_list, GW_AUTH_ADMIN},
	{"GET", "/api/v2/hd/email_templates/{s}", tmpl_show, GW_AUTH_ADMIN},
	{"PUT", "/api/v2/hd/email_templates/{s}", tmpl_update, GW_AUTH_ADMIN},
	{"GET", "/api/v2/hd/email_templates/{s}/versions", tmpl_versions, GW_AUTH_ADMIN},
	{"POST", "/api/v2/hd/email_templates/{s}/preview", tmpl_preview, GW_AUTH_ADMIN},
	{"GET", "/api/v2/hd/csat_settings", csat_show, GW_AUTH_ADMIN},
	{"PUT", "/api/v2/hd/csat_settings", csat_update, GW_AUTH_ADMIN},
	{"GET", "/api/v2/hd/mail_settings", mail_show, GW_AUTH_ADMIN},
	{"PUT", "/api/v2/hd/mail_settings", mail_update, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
/* clang-format on */
