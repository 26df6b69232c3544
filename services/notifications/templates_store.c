/* Stored e-mail templates, versioned (key layout in templates.h), and their
 * RPCs: templates.list / get / versions (agents and admins may read them),
 * templates.update (admins: a new version, never an overwrite) and
 * templates.preview (admins: a draft or a stored version rendered for a
 * ticket or for a sample one). */
#include "templates.h"

#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/placeholder.h"
#include "hd/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PART    (64 * 1024)
#define MAX_SUBJECT 998 /* one RFC 5322 line */
#define MAX_NOTE    500
#define KEY_MAX     96

static size_t prefix(char *k, const char *name, const char *lang)
{
	int n = snprintf(k, KEY_MAX, "%s/%s/", name, lang);
	return n > 0 && n < KEY_MAX - 4 ? (size_t)n : 0;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

typedef struct versions {
	MDB_val last;
	size_t count;
	Hd__MailTemplateList *all; /* when collecting */
	int rc;
} versions;

static int one_version(void *arg, const MDB_val *k, const MDB_val *v)
{
	versions *vs = arg;
	(void)k;
	vs->last = *v;
	vs->count++;
	if (!vs->all)
		return 0;
	Hd__MailTemplate *m =
		hd__mail_template__unpack(NULL, v->mv_size, v->mv_data);
	Hd__MailTemplate **grown =
		m ? realloc(vs->all->templates,
			    (vs->all->n_templates + 1) * sizeof *grown)
		  : NULL;
	if (!grown) {
		hd__mail_template__free_unpacked(m, NULL);
		return vs->rc = m ? HD_E_NOMEM : HD_E_DECODE;
	}
	vs->all->templates = grown;
	grown[vs->all->n_templates++] = m;
	return 0;
}

static void release(Hd__MailTemplateList *l)
{
	for (size_t i = 0; i < l->n_templates; i++)
		hd__mail_template__free_unpacked(l->templates[i], NULL);
	free(l->templates);
	l->templates = NULL;
	l->n_templates = 0;
}

static int scan_versions(notify *n, hd_txn *t, const char *name,
			 const char *lang, versions *vs)
{
	char k[KEY_MAX];
	size_t plen = prefix(k, name, lang);
	if (!plen)
		return HD_E_INVALID;
	int rc = hd_txn_foreach(t, n->templates, k, plen, one_version, vs);
	return rc ? rc : vs->rc;
}

int notify_tmpl_current(notify *n, hd_txn *t, const char *name,
			const char *lang, Hd__MailTemplate **out)
{
	versions vs = {0};
	*out = NULL;
	int rc = scan_versions(n, t, name, lang, &vs);
	if (!rc && !vs.count)
		rc = HD_E_NOTFOUND;
	if (!rc)
		*out = hd__mail_template__unpack(NULL, vs.last.mv_size,
						 vs.last.mv_data);
	return rc ? rc : *out ? HD_OK : HD_E_DECODE;
}

static int put_version(notify *n, hd_txn *t, const Hd__MailTemplate *m)
{
	char k[KEY_MAX];
	size_t plen = prefix(k, m->name, m->locale);
	if (!plen)
		return hd_txn_fail(t, HD_E_INVALID);
	put_u32((uint8_t *)k + plen, m->version);
	return notify_put_pb(t, n->templates, k, plen + 4, m);
}

static int seed_fn(hd_txn *t, void *arg)
{
	notify *n = arg;
	const notify_builtin *b;
	for (size_t i = 0; (b = notify_builtin_at(i)) && !t->rc; i++) {
		versions vs = {0};
		if (scan_versions(n, t, b->name, b->lang, &vs) || vs.count)
			continue;
		Hd__MailTemplate m = HD__MAIL_TEMPLATE__INIT;
		m.name = (char *)b->name;
		m.locale = (char *)b->lang;
		m.version = 1;
		m.subject = (char *)b->subject;
		m.text = (char *)b->text;
		m.html = (char *)b->html;
		m.updated_at = hd_now_ms();
		m.note = "Hana Desk";
		put_version(n, t, &m);
	}
	return t->rc;
}

int notify_tmpl_seed(notify *n)
{
	return hd_store_write(n->store, seed_fn, n);
}

/* ---- RPCs ---- */

static int staff_only(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (hd_role_is_staff(req->principal.role))
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_FORBIDDEN, "", "agents and admins only");
}

static int admin_only(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (hd_role_is_admin(req->principal.role))
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_FORBIDDEN, "", "admins only");
}

static int known(const char *name, const char *lang, hd_rpc_rep *rep)
{
	if (strcmp(lang, "ko") && strcmp(lang, "en"))
		return hd_rpc_fail(rep, HD_E_INVALID, "locale",
				   "locale must be ko or en");
	if (!notify_builtin_find(name, lang))
		return hd_rpc_fail(rep, HD_E_NOTFOUND, "name",
				   "no such e-mail template: %s", name);
	return HD_OK;
}

static Hd__MailTemplateQuery *query(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__MailTemplateQuery *q =
		hd__mail_template_query__unpack(NULL, req->len, req->payload);
	if (!q)
		hd_rpc_fail(rep, HD_E_DECODE, "",
			    "payload is not an hd.MailTemplateQuery");
	return q;
}

static int tmpl_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	Hd__MailTemplateList out = HD__MAIL_TEMPLATE_LIST__INIT;
	Hd__MailTemplate *items[64];
	const notify_builtin *b;
	hd_txn t;
	int rc = staff_only(req, rep);
	if (!rc)
		rc = hd_store_read(n->store, &t);
	if (rc)
		return rc;
	out.templates = items;
	for (size_t i = 0; (b = notify_builtin_at(i)) && i < 64 && !rc; i++) {
		rc = notify_tmpl_current(n, &t, b->name, b->lang, &items[i]);
		if (!rc)
			out.n_templates++;
		else if (rc == HD_E_NOTFOUND)
			rc = HD_OK; /* seeded at start: only in a race */
	}
	hd_txn_end(&t);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &out);
	for (size_t i = 0; i < out.n_templates; i++)
		hd__mail_template__free_unpacked(items[i], NULL);
	return rc;
}

/* The staff's query (*q, the caller's to free, even on failure) of one
 * known template and all its versions into *all (release()), oldest
 * first. */
static int queried_versions(notify *n, const hd_rpc_req *req, hd_rpc_rep *rep,
			    Hd__MailTemplateQuery **q,
			    Hd__MailTemplateList *all)
{
	versions vs = {.all = all};
	hd_txn t;
	*q = query(req, rep);
	int rc = *q ? staff_only(req, rep) : HD_E_DECODE;
	if (!rc)
		rc = known((*q)->name, (*q)->locale, rep);
	if (!rc && !(rc = hd_store_read(n->store, &t))) {
		rc = scan_versions(n, &t, (*q)->name, (*q)->locale, &vs);
		hd_txn_end(&t);
	}
	return rc;
}

static int tmpl_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__MailTemplateQuery *q = NULL;
	Hd__MailTemplateList all = HD__MAIL_TEMPLATE_LIST__INIT;
	int rc = queried_versions(ctx, req, rep, &q, &all);
	Hd__MailTemplate *pick = NULL;
	for (size_t i = 0; !rc && i < all.n_templates; i++)
		if (!q->version || all.templates[i]->version == q->version)
			pick = all.templates[i];
	if (!rc && !pick)
		rc = hd_rpc_fail(rep, HD_E_NOTFOUND, "version",
				 "no such version");
	if (!rc)
		rc = hd_pb_pack(&rep->payload, pick);
	release(&all);
	hd__mail_template_query__free_unpacked(q, NULL);
	return rc;
}

/* Every version, newest first. */
static int tmpl_versions(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__MailTemplateQuery *q = NULL;
	Hd__MailTemplateList all = HD__MAIL_TEMPLATE_LIST__INIT;
	int rc = queried_versions(ctx, req, rep, &q, &all);
	for (size_t i = 0, j = all.n_templates; !rc && i < j / 2; i++) {
		Hd__MailTemplate *x = all.templates[i];
		all.templates[i] = all.templates[j - 1 - i];
		all.templates[j - 1 - i] = x;
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &all);
	release(&all);
	hd__mail_template_query__free_unpacked(q, NULL);
	return rc;
}

static int check_part(const char *field, const char *s, size_t max,
		      int required, hd_rpc_rep *rep)
{
	size_t len = strlen(s);
	char bad[80];
	if (required && !len)
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: cannot be blank", field);
	if (len > max)
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: at most %zu bytes", field, max);
	if (!hd_utf8_valid(s, len))
		return hd_rpc_fail(rep, HD_E_INVALID, field, "%s: is not UTF-8",
				   field);
	if (hd_placeholder_check(s, len, bad, sizeof bad))
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: %s names no particle (use |이가, "
				   "|은는, |을를, |과와 or |으로)",
				   field, bad);
	return HD_OK;
}

static int check_draft(const Hd__MailTemplate *m, hd_rpc_rep *rep)
{
	int rc = check_part("subject", m->subject, MAX_SUBJECT, 1, rep);
	if (!rc && strpbrk(m->subject, "\r\n"))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "subject",
				 "subject: must be one line");
	if (!rc)
		rc = check_part("text", m->text, MAX_PART, 1, rep);
	if (!rc)
		rc = check_part("html", m->html, MAX_PART, 0, rep);
	if (!rc && strlen(m->note) > MAX_NOTE)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "note",
				 "note: at most %d bytes", MAX_NOTE);
	return rc;
}

typedef struct update_job {
	notify *n;
	Hd__MailTemplate *m;
} update_job;

static int update_fn(hd_txn *t, void *arg)
{
	update_job *j = arg;
	versions vs = {0};
	int rc = scan_versions(j->n, t, j->m->name, j->m->locale, &vs);
	if (rc)
		return hd_txn_fail(t, rc);
	Hd__MailTemplate *last =
		vs.count ? hd__mail_template__unpack(NULL, vs.last.mv_size,
						     vs.last.mv_data)
			 : NULL;
	j->m->version = last ? last->version + 1 : 2;
	hd__mail_template__free_unpacked(last, NULL);
	return put_version(j->n, t, j->m);
}

static int tmpl_update(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	Hd__MailTemplate *m =
		hd__mail_template__unpack(NULL, req->len, req->payload);
	int rc = m ? admin_only(req, rep)
		   : hd_rpc_fail(rep, HD_E_DECODE, "",
				 "payload is not an hd.MailTemplate");
	if (!rc)
		rc = known(m->name, m->locale, rep);
	if (!rc)
		rc = check_draft(m, rep);
	if (!rc) {
		m->updated_at = hd_now_ms();
		m->updated_by = req->principal.user_id;
		update_job j = {n, m};
		rc = hd_store_write(n->store, update_fn, &j);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, m);
	hd__mail_template__free_unpacked(m, NULL);
	return rc;
}

/* base + path into out (the sample's links, under HD_PUBLIC_URL). */
static const char *link(const notify *n, const char *path, char *out,
			size_t cap)
{
	size_t b = strlen(n->cfg.public_url);
	while (b && n->cfg.public_url[b - 1] == '/')
		b--;
	snprintf(out, cap, "%.*s%s", (int)b, n->cfg.public_url, path);
	return out;
}

/* What a preview without a ticket is rendered against. */
static json_t *sample(const notify *n, int korean)
{
	char u[5][400];
	const char *lang = korean ? "ko" : "en";
	char p[3][80];
	snprintf(p[0], sizeof p[0], "/hc/%s/satisfaction/sample", lang);
	snprintf(p[1], sizeof p[1], "/hc/%s/satisfaction/sample?score=good",
		 lang);
	snprintf(p[2], sizeof p[2], "/hc/%s/satisfaction/sample?score=bad",
		 lang);
	return json_pack(
		"{s:{s:I, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s}}, "
		"s:{s:s, s:s}, s:{s:s, s:s, s:{s:s}}, s:{s:s, s:s, s:s}, "
		"s:{s:s, s:s, s:s, s:s}, s:{s:I, s:s}, s:{s:s}, s:{s:s}, "
		"s:s}",
		"ticket", "id", (json_int_t)1234, "title",
		korean ? "배송이 늦어요" : "My parcel is late", "subject",
		korean ? "배송이 늦어요" : "My parcel is late", "status",
		"solved", "priority", "normal", "via", "email", "requester",
		"name", korean ? "김민준" : "Minjun Kim", "email",
		"minjun@example.kr", "assignee", "name",
		korean ? "이수진" : "Sujin Lee", "recipient", "name",
		korean ? "김민준" : "Minjun Kim", "email", "minjun@example.kr",
		"comment", "body",
		korean ? "내일 도착 예정입니다." : "It arrives tomorrow.",
		"html_body", "", "author", "name",
		korean ? "이수진" : "Sujin Lee", "csat", "url",
		link(n, p[0], u[0], sizeof u[0]), "good_url",
		link(n, p[1], u[1], sizeof u[1]), "bad_url",
		link(n, p[2], u[2], sizeof u[2]), "sla", "metric",
		"first_reply_time", "policy_title",
		korean ? "기본 SLA" : "Default SLA", "breach_at",
		"2026-12-06T09:00:00Z", "priority", "high", "card", "id",
		(json_int_t)7, "title", korean ? "환불 규정" : "Refund policy",
		"verify", "url",
		link(n, "/api/v2/hd/email_verifications/sample", u[3],
		     sizeof u[3]),
		"reset", "url",
		link(n, "/agent/#/password_reset/sample", u[4], sizeof u[4]),
		"suggestions_text", "");
}

static json_t *preview_ctx(notify *n, hd_txn *t, uint64_t ticket_id, int korean)
{
	json_t *ctx = sample(n, korean);
	if (!ticket_id || !ctx)
		return ctx;
	json_t *real = notify_ticket_context(n, t, ticket_id);
	json_t *tk = json_object_get(real, "ticket");
	json_object_set(ctx, "ticket", tk);
	json_t *req = json_object_get(tk, "requester");
	if (json_object_get(req, "name"))
		json_object_set_new(ctx, "recipient",
				    json_pack("{s:O, s:O}", "name",
					      json_object_get(req, "name"),
					      "email",
					      json_object_get(req, "email")));
	json_decref(real);
	return ctx;
}

static int tmpl_preview(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	Hd__MailTemplateQuery *q = query(req, rep);
	Hd__MailTemplate *stored = NULL, out = HD__MAIL_TEMPLATE__INIT;
	json_t *c = NULL;
	hd_txn t;
	int rc = q ? admin_only(req, rep) : HD_E_DECODE;
	if (!rc)
		rc = known(q->name, q->locale, rep);
	if (!rc && q->draft)
		rc = check_draft(q->draft, rep);
	if (rc || (rc = hd_store_read(n->store, &t)))
		goto out;
	if (!q->draft) {
		rc = notify_tmpl_current(n, &t, q->name, q->locale, &stored);
		if (rc)
			hd_rpc_fail(rep, rc, "", "template not stored");
	}
	if (!rc && q->ticket_id && !notify_ticket_known(n, &t, q->ticket_id))
		rc = hd_rpc_fail(rep, HD_E_NOTFOUND, "ticket_id",
				 "no such ticket: %llu",
				 (unsigned long long)q->ticket_id);
	if (!rc && !(c = preview_ctx(n, &t, q->ticket_id,
				     strcmp(q->locale, "ko") == 0)))
		rc = HD_E_NOMEM;
	hd_txn_end(&t);
	const Hd__MailTemplate *src = q->draft ? q->draft : stored;
	out.name = q->name;
	out.locale = q->locale;
	out.version = src && !rc ? src->version : 0;
	if (!rc)
		rc = notify_tmpl_render(src->subject, src->text, src->html, c,
					&out.subject, &out.text, &out.html);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &out);
	out.name = out.locale = NULL;
	if (out.subject && out.subject != protobuf_c_empty_string)
		free(out.subject);
	if (out.text && out.text != protobuf_c_empty_string)
		free(out.text);
	if (out.html && out.html != protobuf_c_empty_string)
		free(out.html);
out:
	json_decref(c);
	hd__mail_template__free_unpacked(stored, NULL);
	hd__mail_template_query__free_unpacked(q, NULL);
	return rc;
}

const hd_rpc_route notify_tmpl_routes[] = {
	{"templates.list", tmpl_list},
	{"templates.get", tmpl_get},
	{"templates.versions", tmpl_versions},
	{"templates.update", tmpl_update},
	{"templates.preview", tmpl_preview},
	{NULL, NULL},
};
