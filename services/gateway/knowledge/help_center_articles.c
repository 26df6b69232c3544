/* Help center articles over HTTP (API.md §6): lists (all, per section,
 * category or author), show, create in a section, metadata update,
 * delete, translations, and votes; each path with and without the
 * /{locale}/ part. Readers may be anonymous; knowledge decides what each
 * caller sees (drafts for agents only). */
#include "gw_help_center.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The article's translation for the path's locale (or its source). */
static const Hd__HcTranslation *pick(Hd__HcArticle *a, const char *locale,
				     size_t *slot)
{
	const char *want = *locale ? locale : a->source_locale;
	for (size_t i = 0; i < a->n_translations; i++)
		if (!strcmp(a->translations[i]->locale, want)) {
			*slot = i;
			return a->translations[i];
		}
	*slot = 0;
	return *locale || !a->n_translations ? NULL : a->translations[0];
}

/* The article JSON in the translation at slot (moved to the front). */
static json_t *article_in(const gw_req *r, Hd__HcArticle *a, size_t slot)
{
	Hd__HcTranslation *first = a->translations[0];
	a->translations[0] = a->translations[slot];
	a->translations[slot] = first;
	json_t *j = gw_hc_article_json(r, a);
	a->translations[slot] = a->translations[0];
	a->translations[0] = first;
	return j;
}

static int get_article(gw *g, gw_req *r, uint64_t id, Hd__HcArticle **a,
		       gw_resp *out)
{
	Hd__HcId q = HD__HC_ID__INIT;
	q.id = id;
	return gw_call(g, KNOWLEDGE(g), r, "hc.articles.get", &q,
		       &hd__hc_article__descriptor, (void **)a, out);
}

static int not_found(gw_resp *out)
{
	return gw_error(out, 404, "RecordNotFound", "Not found");
}

static int articles_show(gw *g, gw_req *r, gw_resp *out)
{
	char loc[24];
	Hd__HcArticle *a = NULL;
	size_t slot;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc)
		rc = get_article(g, r, r->id, &a, out);
	if (!rc && !pick(a, loc, &slot))
		rc = not_found(out);
	if (!rc)
		gw_reply_one(out, 200, "article", article_in(r, a, slot));
	hd__hc_article__free_unpacked(a, NULL);
	return rc;
}

/* Fields of a translation from the article or translation object. */
static int read_translation(json_t *obj, Hd__HcTranslation *tr,
			    Hd__HcTranslationWrite *w, gw_resp *out)
{
	int st = 0, sb = 0;
	int rc = gw_hc_str(obj, "title", &tr->title, &st, out);
	if (!rc)
		rc = gw_hc_str(obj, "body", &tr->body, &sb, out);
	if (!rc)
		rc = gw_hc_str(obj, "locale", &tr->locale, NULL, out);
	protobuf_c_boolean sd = 0, so = 0;
	if (!rc)
		rc = gw_hc_bool(obj, "draft", &tr->draft, &sd, out);
	if (!rc)
		rc = gw_hc_bool(obj, "outdated", &tr->outdated, &so, out);
	if (w) {
		w->set_title = st, w->set_body = sb;
		w->set_draft = sd, w->set_outdated = so;
	}
	return rc;
}

static int read_meta(json_t *obj, Hd__HcArticle *a, Hd__HcArticleWrite *w,
		     gw_resp *out)
{
	int64_t v[5] = {a->position, (int64_t)a->permission_group_id,
			(int64_t)a->user_segment_id, (int64_t)a->section_id,
			(int64_t)a->author_id};
	int set[5] = {0}, labels = 0;
	int rc = gw_hc_int(obj, "position", &v[0], &set[0], out);
	if (!rc)
		rc = gw_hc_int(obj, "permission_group_id", &v[1], &set[1], out);
	if (!rc) {
		json_t *seg = json_object_get(obj, "user_segment_id");
		set[2] = json_is_null(seg); /* null: everyone */
		v[2] = set[2] ? 0 : v[2];
		rc = gw_hc_int(obj, "user_segment_id", &v[2], &set[2], out);
	}
	if (!rc)
		rc = gw_hc_int(obj, "section_id", &v[3], &set[3], out);
	if (!rc)
		rc = gw_hc_int(obj, "author_id", &v[4], &set[4], out);
	if (!rc)
		rc = gw_hc_bool(obj, "promoted", &a->promoted, &w->set_promoted,
				out);
	if (!rc)
		rc = gw_hc_bool(obj, "comments_disabled", &a->comments_disabled,
				&w->set_comments_disabled, out);
	if (!rc)
		rc = gw_hc_labels(obj, &a->label_names, &a->n_label_names,
				  &labels, out);
	a->position = (int32_t)v[0];
	a->permission_group_id = (uint64_t)v[1];
	a->user_segment_id = (uint64_t)v[2];
	a->section_id = (uint64_t)v[3];
	a->author_id = (uint64_t)v[4];
	w->set_position = set[0], w->set_permission_group = set[1];
	w->set_user_segment = set[2], w->set_section = set[3];
	w->set_author = set[4], w->set_labels = labels;
	return rc;
}

static int articles_create(gw *g, gw_req *r, gw_resp *out)
{
	char loc[24];
	json_t *root = NULL, *obj = NULL;
	Hd__HcArticle a = HD__HC_ARTICLE__INIT, *saved = NULL;
	Hd__HcTranslation tr = HD__HC_TRANSLATION__INIT, *trs[1] = {&tr};
	Hd__HcArticleWrite w = HD__HC_ARTICLE_WRITE__INIT;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc)
		rc = gw_req_object(r, out, "article", &root, &obj);
	if (!rc)
		rc = read_translation(obj, &tr, NULL, out);
	if (!rc)
		rc = read_meta(obj, &a, &w, out);
	if (!rc && !*tr.locale)
		tr.locale = *loc ? loc : HC_DEFAULT_LOCALE_GW;
	a.section_id = r->id;
	a.translations = trs;
	a.n_translations = 1;
	w.article = &a;
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.articles.create", &w,
			     &hd__hc_article__descriptor, (void **)&saved, out);
	if (!rc) {
		gw_reply_one(out, 201, "article", gw_hc_article_json(r, saved));
		gw_reply_location(r, out, 201, "help_center/articles",
				  saved->id);
	}
	free(a.label_names);
	hd__hc_article__free_unpacked(saved, NULL);
	json_decref(root);
	return rc;
}

static int articles_update(gw *g, gw_req *r, gw_resp *out)
{
	char loc[24];
	json_t *root = NULL, *obj = NULL;
	Hd__HcArticle a = HD__HC_ARTICLE__INIT, *saved = NULL;
	Hd__HcArticleWrite w = HD__HC_ARTICLE_WRITE__INIT;
	size_t slot;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc)
		rc = gw_req_object(r, out, "article", &root, &obj);
	if (!rc)
		rc = read_meta(obj, &a, &w, out);
	a.id = r->id;
	w.article = &a;
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.articles.update", &w,
			     &hd__hc_article__descriptor, (void **)&saved, out);
	if (!rc && !pick(saved, loc, &slot))
		rc = not_found(out);
	if (!rc)
		gw_reply_one(out, 200, "article", article_in(r, saved, slot));
	free(a.label_names);
	hd__hc_article__free_unpacked(saved, NULL);
	json_decref(root);
	return rc;
}

static int articles_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__HcArticle a = HD__HC_ARTICLE__INIT;
	Hd__HcArticleWrite w = HD__HC_ARTICLE_WRITE__INIT;
	void *reply = NULL;
	a.id = r->id;
	w.article = &a;
	int rc = gw_call(g, KNOWLEDGE(g), r, "hc.articles.delete", &w,
			 &hd__hc_id__descriptor, &reply, out);
	protobuf_c_message_free_unpacked(reply, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

/* ---- lists ---- */

static const char *const sorts[] = {"position", "title", "created_at",
				    "updated_at", NULL};

static int sort_params(gw_req *r, Hd__HcListRequest *q, gw_resp *out)
{
	const char *by = gw_query(r, "sort_by"),
		   *order = gw_query(r, "sort_order");
	bool ok = !by;
	for (size_t i = 0; by && sorts[i]; i++)
		ok = ok || !strcmp(by, sorts[i]);
	if (!ok)
		return gw_error(out, 400, "InvalidParameter",
				"sort_by must be position, title, created_at "
				"or updated_at");
	if (order && strcmp(order, "asc") && strcmp(order, "desc"))
		return gw_error(out, 400, "InvalidParameter",
				"sort_order must be asc or desc");
	q->sort_by = by ? (char *)by : "position";
	q->sort_order = order ? (char *)order : "asc";
	return HD_OK;
}

int gw_hc_article_list(gw *g, gw_req *r, gw_resp *out, uint64_t section,
		       uint64_t category, uint64_t author, const char *key)
{
	gw_page p;
	char loc[24], *labels = NULL;
	Hd__HcListRequest q = HD__HC_LIST_REQUEST__INIT;
	Hd__HcArticleList *l = NULL;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc)
		rc = gw_hc_page(r, &p, &q.offset, &q.limit, out);
	if (!rc)
		rc = sort_params(r, &q, out);
	if (!rc)
		rc = gw_hc_query_labels(r, &q.label_names, &q.n_label_names,
					&labels, out);
	q.locale = loc;
	q.section_id = section;
	q.category_id = category;
	q.author_id = author;
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.articles.list", &q,
			     &hd__hc_article_list__descriptor, (void **)&l,
			     out);
	if (!rc) {
		json_t *arr = json_array();
		for (size_t i = 0; i < l->n_articles; i++) {
			json_t *a =
				gw_hc_article_json(r, l->articles[i]->article);
			if (!strcmp(key, "results")) {
				json_object_set_new(a, "snippet",
						    json_string(""));
				json_object_set_new(a, "result_type",
						    json_string("article"));
			}
			json_array_append_new(arr, a);
		}
		out->status = 200;
		out->body = json_pack("{s:o}", key, arr);
		gw_hc_links(r, &p, q.offset, l->n_articles, l->count,
			    out->body);
		if (!strcmp(key, "results") || !p.cursor)
			json_object_set_new(out->body, "count",
					    json_integer((json_int_t)l->count));
	}
	free(q.label_names);
	free(labels);
	hd__hc_article_list__free_unpacked(l, NULL);
	return rc;
}

static int articles_list(gw *g, gw_req *r, gw_resp *out)
{
	return gw_hc_article_list(g, r, out, 0, 0, 0, "articles");
}

static int section_articles(gw *g, gw_req *r, gw_resp *out)
{
	return gw_hc_article_list(g, r, out, r->id, 0, 0, "articles");
}

static int category_articles(gw *g, gw_req *r, gw_resp *out)
{
	return gw_hc_article_list(g, r, out, 0, r->id, 0, "articles");
}

static int user_articles(gw *g, gw_req *r, gw_resp *out)
{
	return gw_hc_article_list(g, r, out, 0, 0, r->id, "articles");
}

/* ---- translations ---- */

static int translations_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__HcArticle *a = NULL;
	int rc = get_article(g, r, r->id, &a, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < a->n_translations; i++)
		json_array_append_new(arr, gw_hc_translation_json(r, a, i));
	out->status = 200;
	out->body = json_pack("{s:o, s:n, s:n, s:I}", "translations", arr,
			      "next_page", "previous_page", "count",
			      (json_int_t)a->n_translations);
	hd__hc_article__free_unpacked(a, NULL);
	return HD_OK;
}

/* The {locale} at the end of …/translations/{locale}. */
static const char *tail_locale(const gw_req *r)
{
	const char *s = strrchr(r->path, '/');
	return s ? s + 1 : "";
}

static int translations_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__HcArticle *a = NULL;
	size_t slot;
	int rc = get_article(g, r, r->id, &a, out);
	if (!rc && !pick(a, tail_locale(r), &slot))
		rc = not_found(out);
	if (!rc)
		gw_reply_one(out, 200, "translation",
			     gw_hc_translation_json(r, a, slot));
	hd__hc_article__free_unpacked(a, NULL);
	return rc;
}

static int translation_write(gw *g, gw_req *r, gw_resp *out, bool create)
{
	json_t *root = NULL, *obj = NULL;
	Hd__HcTranslation tr = HD__HC_TRANSLATION__INIT;
	Hd__HcTranslationWrite w = HD__HC_TRANSLATION_WRITE__INIT;
	Hd__HcArticle *saved = NULL;
	char loc[24];
	size_t slot;
	int rc = gw_req_object(r, out, "translation", &root, &obj);
	if (!rc)
		rc = read_translation(obj, &tr, &w, out);
	if (!rc && !create) {
		snprintf(loc, sizeof loc, "%s", tail_locale(r));
		tr.locale = loc;
	}
	if (!rc && create && !*tr.locale)
		rc = gw_invalid(out, "locale", "Locale: is required");
	if (!rc && create) { /* knowledge keeps tags lower-cased */
		snprintf(loc, sizeof loc, "%s", tr.locale);
		for (char *p = loc; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		tr.locale = loc;
	}
	w.article_id = r->id;
	w.translation = &tr;
	w.create_only = create;
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.translations.save", &w,
			     &hd__hc_article__descriptor, (void **)&saved, out);
	if (!rc && !pick(saved, tr.locale, &slot))
		rc = not_found(out);
	if (!rc)
		gw_reply_one(out, create ? 201 : 200, "translation",
			     gw_hc_translation_json(r, saved, slot));
	hd__hc_article__free_unpacked(saved, NULL);
	json_decref(root);
	return rc;
}

static int translations_create(gw *g, gw_req *r, gw_resp *out)
{
	return translation_write(g, r, out, true);
}

static int translations_update(gw *g, gw_req *r, gw_resp *out)
{
	return translation_write(g, r, out, false);
}

static int translations_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__HcId q = HD__HC_ID__INIT;
	char loc[24];
	snprintf(loc, sizeof loc, "%s", tail_locale(r));
	q.id = r->id;
	q.locale = loc;
	void *reply = NULL;
	int rc = gw_call(g, KNOWLEDGE(g), r, "hc.translations.delete", &q,
			 &hd__hc_article__descriptor, &reply, out);
	protobuf_c_message_free_unpacked(reply, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

/* ---- votes ---- */

static int vote(gw *g, gw_req *r, gw_resp *out, int value)
{
	Hd__HcVote v = HD__HC_VOTE__INIT;
	Hd__HcVoteReply *rep = NULL;
	v.article_id = r->id;
	v.value = value;
	int rc = gw_call(g, KNOWLEDGE(g), r, "hc.articles.vote", &v,
			 &hd__hc_vote_reply__descriptor, (void **)&rep, out);
	if (rc)
		return rc;
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/help_center/votes/%llu.json",
		 r->base_url, (unsigned long long)rep->id);
	gw_reply_one(out, 200, "vote",
		     json_pack("{s:I, s:s, s:I, s:i, s:I, s:s, s:o, s:o}", "id",
			       (json_int_t)rep->id, "url", url, "user_id",
			       (json_int_t)rep->user_id, "value", rep->value,
			       "item_id", (json_int_t)rep->article_id,
			       "item_type", "Article", "created_at",
			       gw_time_json(rep->created_at), "updated_at",
			       gw_time_json(rep->updated_at)));
	hd__hc_vote_reply__free_unpacked(rep, NULL);
	return HD_OK;
}

static int vote_up(gw *g, gw_req *r, gw_resp *out)
{
	return vote(g, r, out, 1);
}

static int vote_down(gw *g, gw_req *r, gw_resp *out)
{
	return vote(g, r, out, -1);
}

const gw_route gw_hc_article_routes[] = {
	GW_HC_BOTH("GET", "/articles", articles_list, GW_AUTH_ANON),
	GW_HC_BOTH("GET", "/articles/{id}", articles_show, GW_AUTH_ANON),
	GW_HC_BOTH("PUT", "/articles/{id}", articles_update, GW_AUTH_USER),
	GW_HC_BOTH("DELETE", "/articles/{id}", articles_delete, GW_AUTH_USER),
	GW_HC_BOTH("GET", "/sections/{id}/articles", section_articles,
		   GW_AUTH_ANON),
	GW_HC_BOTH("POST", "/sections/{id}/articles", articles_create,
		   GW_AUTH_USER),
	GW_HC_BOTH("GET", "/categories/{id}/articles", category_articles,
		   GW_AUTH_ANON),
	GW_HC_BOTH("GET", "/users/{id}/articles", user_articles, GW_AUTH_ANON),
	GW_HC_BOTH("GET", "/articles/{id}/translations", translations_list,
		   GW_AUTH_ANON),
	GW_HC_BOTH("POST", "/articles/{id}/translations", translations_create,
		   GW_AUTH_USER),
	GW_HC_BOTH("GET", "/articles/{id}/translations/{s}", translations_show,
		   GW_AUTH_ANON),
	GW_HC_BOTH("PUT", "/articles/{id}/translations/{s}",
		   translations_update, GW_AUTH_USER),
	GW_HC_BOTH("DELETE", "/articles/{id}/translations/{s}",
		   translations_delete, GW_AUTH_USER),
	GW_HC_BOTH("POST", "/articles/{id}/up", vote_up, GW_AUTH_USER),
	GW_HC_BOTH("POST", "/articles/{id}/down", vote_down, GW_AUTH_USER),
	{NULL, NULL, NULL, 0},
};
