/* hc.articles.*: create (with its first translation), update metadata,
 * show, list, delete, vote and bulk import. Agents and admins write;
 * readers see only the translations hc_visible allows. Every write
 * re-indexes the article in the same transaction, so it is searchable as
 * soon as it is saved. */
#include "hc.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LABELS      50
#define MAX_LABEL_CHARS 100
#define MAX_TITLE_CHARS 255
#define MAX_IMPORT      5000
#define ADMINS_GROUP    1 /* permission group: editable by admins */

static int need_staff(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return hc_staff(&req->principal)
		       ? HD_OK
		       : hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				     "only agents and admins edit articles");
}

int hc_check_translation(Hd__HcTranslation *tr, bool need_title,
			 hd_rpc_rep *rep)
{
	size_t n = strlen(tr->title);
	if ((need_title && !n) || hd_utf8_chars(tr->title, n) > MAX_TITLE_CHARS)
		return hd_rpc_fail(rep, HD_E_INVALID, "title",
				   "Title: is required (at most 255 "
				   "characters)");
	if (!hc_locale_ok(tr->locale))
		return hd_rpc_fail(
			rep, HD_E_INVALID, "locale",
			"Locale: is not a locale such as ko or en-us");
	char *clean = NULL;
	int rc = hc_sanitize(tr->body, &clean);
	if (rc)
		return hd_rpc_fail(rep, rc, "body", "Body: is too long");
	if (tr->body != protobuf_c_empty_string)
		free(tr->body);
	tr->body = clean;
	return HD_OK;
}

static int check_labels(const Hd__HcArticle *a, hd_rpc_rep *rep)
{
	if (a->n_label_names > MAX_LABELS)
		return hd_rpc_fail(rep, HD_E_INVALID, "label_names",
				   "Label names: at most 50");
	for (size_t i = 0; i < a->n_label_names; i++) {
		size_t n = strlen(a->label_names[i]);
		if (!n || hd_utf8_chars(a->label_names[i], n) > MAX_LABEL_CHARS)
			return hd_rpc_fail(rep, HD_E_INVALID, "label_names",
					   "Label names: each 1 to 100 "
					   "characters");
	}
	return HD_OK;
}

/* ---- write jobs ---- */

typedef struct write_job {
	const hc *h;
	Hd__HcArticleWrite *w;
	Hd__HcArticle **many; /* import */
	size_t nmany;
	uint64_t user_id;
	Hd__HcArticle *saved; /* update: the stored article after */
	bool del;
} write_job;

static int section_exists(hd_txn *t, const hc *h, uint64_t id)
{
	void *s = NULL;
	int rc = hd_txn_get_pb_id(t, h->sections, id,
				  &hd__hc_section__descriptor, &s);
	protobuf_c_message_free_unpacked(s, NULL);
	return rc == HD_E_NOTFOUND ? HD_E_INVALID : rc;
}

static int insert(hd_txn *t, const hc *h, Hd__HcArticle *a, uint64_t user)
{
	int rc = section_exists(t, h, a->section_id);
	if (!rc)
		rc = hc_next_id(t, h, "article", &a->id);
	int64_t now = hd_now_ms();
	a->created_at = a->updated_at = a->edited_at = now;
	if (!a->author_id)
		a->author_id = user;
	if (!a->permission_group_id)
		a->permission_group_id = ADMINS_GROUP;
	a->vote_sum = 0;
	a->vote_count = 0;
	for (size_t i = 0; i < a->n_translations; i++) {
		a->translations[i]->created_at = now;
		a->translations[i]->updated_at = now;
		a->translations[i]->updated_by_id = user;
	}
	if (!rc)
		rc = hc_article_put(t, h, NULL, a);
	return rc ? rc : t->rc;
}

static int create_write(hd_txn *t, void *arg)
{
	write_job *j = arg;
	int rc = HD_OK;
	if (j->w)
		return insert(t, j->h, j->w->article, j->user_id);
	for (size_t i = 0; !rc && i < j->nmany; i++)
		rc = insert(t, j->h, j->many[i], j->user_id);
	return rc;
}

static void overlay(Hd__HcArticle *a, Hd__HcArticleWrite *w)
{
	Hd__HcArticle *in = w->article;
	if (w->set_section)
		a->section_id = in->section_id;
	if (w->set_labels) {
		/* Swap the arrays so each message frees its own. */
		char **l = a->label_names;
		size_t n = a->n_label_names;
		a->label_names = in->label_names;
		a->n_label_names = in->n_label_names;
		in->label_names = l;
		in->n_label_names = n;
	}
	if (w->set_promoted)
		a->promoted = in->promoted;
	if (w->set_position)
		a->position = in->position;
	if (w->set_comments_disabled)
		a->comments_disabled = in->comments_disabled;
	if (w->set_permission_group && in->permission_group_id)
		a->permission_group_id = in->permission_group_id;
	if (w->set_user_segment)
		a->user_segment_id = in->user_segment_id;
	if (w->set_author && in->author_id)
		a->author_id = in->author_id;
}

typedef struct vote_del {
	hd_txn *t;
	MDB_dbi votes;
} vote_del;

static int del_vote(void *arg, const MDB_val *k, const MDB_val *v)
{
	vote_del *d = arg;
	return hd_txn_del(d->t, d->votes, k->mv_data, k->mv_size);
}

static int delete_votes(hd_txn *t, const hc *h, uint64_t article)
{
	uint8_t prefix[8];
	hd_key_u64(prefix, article);
	vote_del d = {t, h->votes};
	return hd_txn_foreach(t, h->votes, prefix, 8, del_vote, &d);
}

static int update_write(hd_txn *t, void *arg)
{
	write_job *j = arg;
	Hd__HcArticle *a, *old;
	uint64_t id = j->w->article->id;
	int rc = hc_article_load(t, j->h, id, &a, &old);
	if (!rc && j->del) {
		uint8_t key[8];
		hd_key_u64(key, id);
		rc = hc_index_article(t, j->h, old, NULL);
		if (!rc)
			rc = delete_votes(t, j->h, id);
		if (!rc)
			rc = hd_txn_del(t, j->h->articles, key, 8);
		goto out;
	}
	if (!rc)
		overlay(a, j->w);
	if (!rc && j->w->set_section)
		rc = section_exists(t, j->h, a->section_id);
	if (a)
		a->updated_at = hd_now_ms();
	if (!rc)
		rc = hc_article_put(t, j->h, old, a);
out:
	hd__hc_article__free_unpacked(old, NULL);
	if (!rc && !j->del)
		j->saved = a;
	else
		hd__hc_article__free_unpacked(a, NULL);
	return rc ? rc : t->rc;
}

/* ---- RPCs ---- */

static int articles_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	int rc = need_staff(req, rep);
	if (rc)
		return rc;
	Hd__HcArticleWrite *w =
		hd__hc_article_write__unpack(NULL, req->len, req->payload);
	if (!w || !w->article || w->article->n_translations != 1) {
		hd__hc_article_write__free_unpacked(w, NULL);
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.HcArticleWrite with "
				   "one translation");
	}
	Hd__HcArticle *a = w->article;
	rc = hc_check_translation(a->translations[0], true, rep);
	if (!rc)
		rc = check_labels(a, rep);
	if (!rc) {
		free(a->source_locale == protobuf_c_empty_string
			     ? NULL
			     : a->source_locale);
		a->source_locale = strdup(a->translations[0]->locale);
		rc = a->source_locale ? HD_OK : HD_E_NOMEM;
	}
	write_job j = {hc_of(ctx), w,    NULL, 0, req->principal.user_id,
		       NULL,       false};
	if (!rc)
		rc = hd_store_write(hc_of(ctx)->store, create_write, &j);
	if (rc == HD_E_INVALID && !rep->message[0])
		hd_rpc_fail(rep, rc, "section_id", "Section: does not exist");
	if (!rc)
		rc = hd_pb_pack(&rep->payload, a);
	hd__hc_article_write__free_unpacked(w, NULL);
	return rc;
}

static int write_existing(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
			  bool del)
{
	int rc = need_staff(req, rep);
	if (rc)
		return rc;
	Hd__HcArticleWrite *w =
		hd__hc_article_write__unpack(NULL, req->len, req->payload);
	if (!w || !w->article) {
		hd__hc_article_write__free_unpacked(w, NULL);
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.HcArticleWrite");
	}
	rc = check_labels(w->article, rep);
	write_job j = {hc_of(ctx), w,  NULL, 0, req->principal.user_id,
		       NULL,       del};
	if (!rc)
		rc = hd_store_write(hc_of(ctx)->store, update_write, &j);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no such article");
	else if (rc == HD_E_INVALID && !rep->message[0])
		hd_rpc_fail(rep, rc, "section_id", "Section: does not exist");
	if (!rc && j.saved)
		rc = hd_pb_pack(&rep->payload, j.saved);
	hd__hc_article__free_unpacked(j.saved, NULL);
	hd__hc_article_write__free_unpacked(w, NULL);
	return rc;
}

static int articles_update(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return write_existing(ctx, req, rep, false);
}

static int articles_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return write_existing(ctx, req, rep, true);
}

/* Drop the translations who may not read; NOTFOUND when none is left. */
int hc_article_for(const hc *h, uint64_t id, const hd_principal *who,
		   Hd__HcArticle **out)
{
	hd_txn t;
	*out = NULL;
	int rc = hd_store_read(h->store, &t);
	if (rc)
		return rc;
	rc = hd_txn_get_pb_id(&t, h->articles, id, &hd__hc_article__descriptor,
			      (void **)out);
	hd_txn_end(&t);
	Hd__HcArticle *a = *out;
	size_t keep = 0;
	for (size_t i = 0; !rc && i < a->n_translations; i++) {
		if (hc_visible(a, a->translations[i], who))
			a->translations[keep++] = a->translations[i];
		else
			hd__hc_translation__free_unpacked(a->translations[i],
							  NULL);
	}
	if (!rc)
		a->n_translations = keep;
	if (!rc && !keep)
		rc = HD_E_NOTFOUND;
	if (rc) {
		hd__hc_article__free_unpacked(*out, NULL);
		*out = NULL;
	}
	return rc;
}

static int articles_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__HcId *id = NULL;
	if (hd_req_decode(req, rep, &hd__hc_id__descriptor, (void **)&id))
		return HD_E_DECODE;
	Hd__HcArticle *a = NULL;
	int rc = hc_article_for(hc_of(ctx), id->id, &req->principal, &a);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, a);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no such article");
	hd__hc_article__free_unpacked(a, NULL);
	hd__hc_id__free_unpacked(id, NULL);
	return rc;
}

static int articles_import(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (!hc_admin(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only admins import articles");
	Hd__HcImport *im = NULL;
	if (hd_req_decode(req, rep, &hd__hc_import__descriptor, (void **)&im))
		return HD_E_DECODE;
	int rc = im->n_articles > MAX_IMPORT
			 ? hd_rpc_fail(rep, HD_E_TOOBIG, "articles",
				       "at most 5000 articles per import")
			 : HD_OK;
	for (size_t i = 0; !rc && i < im->n_articles; i++) {
		Hd__HcArticle *a = im->articles[i];
		if (a->n_translations < 1 ||
		    a->n_translations > HC_MAX_TRANSLATIONS)
			rc = hd_rpc_fail(rep, HD_E_INVALID, "translations",
					 "article %zu: 1 to 64 translations",
					 i);
		for (size_t k = 0; !rc && k < a->n_translations; k++)
			rc = hc_check_translation(a->translations[k], true,
						  rep);
		if (!rc)
			rc = check_labels(a, rep);
		if (!rc && !hc_locale_ok(a->source_locale))
			rc = hd_rpc_fail(rep, HD_E_INVALID, "source_locale",
					 "Source locale: is not a locale");
	}
	write_job j = {hc_of(ctx),
		       NULL,
		       im->articles,
		       im->n_articles,
		       req->principal.user_id,
		       NULL,
		       false};
	if (!rc)
		rc = hd_store_write(hc_of(ctx)->store, create_write, &j);
	if (rc == HD_E_INVALID && !rep->message[0])
		hd_rpc_fail(rep, rc, "section_id", "Section: does not exist");
	Hd__HcImportReply r = HD__HC_IMPORT_REPLY__INIT;
	r.ids = rc ? NULL : calloc(im->n_articles + 1, sizeof *r.ids);
	for (size_t i = 0; r.ids && i < im->n_articles; i++)
		r.ids[r.n_ids++] = im->articles[i]->id;
	if (!rc)
		rc = r.ids ? hd_pb_pack(&rep->payload, &r) : HD_E_NOMEM;
	free(r.ids);
	hd__hc_import__free_unpacked(im, NULL);
	return rc;
}

const hd_rpc_route hc_articles_routes[] = {
	{"hc.articles.create", articles_create},
	{"hc.articles.update", articles_update},
	{"hc.articles.delete", articles_delete},
	{"hc.articles.get", articles_get},
	{"hc.articles.import", articles_import},
	{NULL, NULL},
};
