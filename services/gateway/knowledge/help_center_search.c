/* Article search (API.md §6), ticket suggestions and deflection (§14):
 *   GET  /api/v2/help_center[/{locale}]/articles/search   anyone
 *   GET  /api/v2/hd/tickets/{id}/suggestions              agents
 *   POST /api/v2/hd/deflection                            anyone
 *   POST /api/v2/hd/deflection/{id}/resolved              anyone
 * Anonymous deflection is limited per client address like anonymous
 * requests (HD_ANON_RATE_LIMIT a minute, its own count): each one runs a
 * search and stores a record. */
#include "gw_help_center.h"
#include "gw_requests.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUERY_BYTES 1024

static int id_param(gw_req *r, const char *name, uint64_t *v, gw_resp *out)
{
	const char *s = gw_query(r, name);
	*v = 0;
	if (s && *s && hd_parse_u64(s, v)) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s must be an id", name);
		return gw_error(out, 400, "InvalidParameter", msg);
	}
	return HD_OK;
}

static json_t *results_json(const gw_req *r, Hd__HcArticleView **v, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *a = gw_hc_article_json(r, v[i]->article);
		json_object_set_new(a, "snippet", json_string(v[i]->snippet));
		json_object_set_new(a, "result_type", json_string("article"));
		json_array_append_new(arr, a);
	}
	return arr;
}

static int articles_search(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	char loc[24], *labels = NULL;
	Hd__HcSearchRequest q = HD__HC_SEARCH_REQUEST__INIT;
	const char *query = gw_query(r, "query");
	const char *locale = gw_query(r, "locale");
	const char *l = gw_query(r, "label_names");
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc)
		rc = gw_hc_page(r, &p, &q.offset, &q.limit, out);
	if (!rc)
		rc = id_param(r, "category", &q.category_id, out);
	if (!rc)
		rc = id_param(r, "section", &q.section_id, out);
	if (rc)
		return rc;
	if (query && strlen(query) > MAX_QUERY_BYTES)
		return gw_error(out, 400, "InvalidParameter",
				"query is longer than 1024 bytes");
	if (query && !hd_utf8_valid(query, strlen(query)))
		return gw_error(out, 400, "InvalidParameter",
				"query is not valid UTF-8");
	if (!query || !*query) {
		if (!q.category_id && !q.section_id && !(l && *l))
			return gw_error(out, 400, "MissingParameter",
					"One of query, category, section or "
					"label_names is required");
		/* Filters alone: the matching articles, unranked. */
		return gw_hc_article_list(g, r, out, q.section_id,
					  q.category_id, 0, "results");
	}
	if (locale && strlen(locale) >= sizeof loc)
		return gw_error(out, 400, "InvalidParameter",
				"locale is not a locale");
	if (locale)
		snprintf(loc, sizeof loc, "%s", locale);
	for (char *c = loc; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	q.query = (char *)query;
	q.locale = loc;
	rc = gw_hc_query_labels(r, &q.label_names, &q.n_label_names, &labels,
				out);
	if (rc) {
		free(q.label_names);
		free(labels);
		return rc;
	}
	Hd__HcArticleList *res = NULL;
	rc = gw_call(g, KNOWLEDGE(g), r, "hc.articles.search", &q,
		     &hd__hc_article_list__descriptor, (void **)&res, out);
	if (!rc) {
		out->status = 200;
		out->body = json_pack(
			"{s:o, s:I}", "results",
			results_json(r, res->articles, res->n_articles),
			"count", (json_int_t)res->count);
		gw_hc_links(r, &p, q.offset, res->n_articles, res->count,
			    out->body);
		json_object_set_new(out->body, "count",
				    json_integer((json_int_t)res->count));
	}
	hd__hc_article_list__free_unpacked(res, NULL);
	free(q.label_names);
	free(labels);
	return rc;
}

static int suggestions(gw *g, gw_req *r, gw_resp *out)
{
	Hd__HcId q = HD__HC_ID__INIT;
	Hd__HcSuggestions *s = NULL;
	q.id = r->id;
	int rc = gw_call(g, KNOWLEDGE(g), r, "hd.suggestions.get", &q,
			 &hd__hc_suggestions__descriptor, (void **)&s, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < s->n_articles; i++) {
		json_t *a = gw_hc_article_json(r, s->articles[i]->article);
		json_object_set_new(a, "score",
				    json_real(s->articles[i]->score));
		json_object_set_new(a, "result_type", json_string("article"));
		json_array_append_new(arr, a);
	}
	out->status = 200;
	out->body = json_pack("{s:{s:I, s:o, s:o}}", "suggestions", "ticket_id",
			      (json_int_t)r->id, "articles", arr, "created_at",
			      s->created_at ? gw_time_json(s->created_at)
					    : json_null());
	hd__hc_suggestions__free_unpacked(s, NULL);
	return HD_OK;
}

static json_t *deflection_json(const Hd__HcDeflection *d)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < d->n_article_ids; i++)
		json_array_append_new(
			ids, json_integer((json_int_t)d->article_ids[i]));
	return json_pack(
		"{s:I, s:o, s:b, s:o, s:o, s:o}", "id", (json_int_t)d->id,
		"article_ids", ids, "resolved", d->resolved,
		"resolved_article_id",
		d->resolved_article_id
			? json_integer((json_int_t)d->resolved_article_id)
			: json_null(),
		"created_at", gw_time_json(d->created_at), "resolved_at",
		d->resolved_at ? gw_time_json(d->resolved_at) : json_null());
}

#define DEFLECT_RATE 0x6465666c65637431ULL /* "deflect1" */

static int anon_rate(gw *g, gw_req *r, gw_resp *out)
{
	return r->who.user_id ? HD_OK : gw_anon_rate(g, r, DEFLECT_RATE, out);
}

static int deflection_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	Hd__HcDeflectionRequest q = HD__HC_DEFLECTION_REQUEST__INIT;
	Hd__HcDeflectionReply *rep = NULL;
	int rc = anon_rate(g, r, out);
	if (rc)
		return rc;
	rc = gw_parse_body(r, out, &root);
	json_t *obj = json_object_get(root, "deflection");
	obj = json_is_object(obj) ? obj : root; /* wrapped or bare */
	if (!rc && !json_is_object(obj))
		rc = gw_error(out, 400, "ParameterMissing",
			      "the body must be a JSON object");
	if (!rc)
		rc = gw_hc_str(obj, "subject", &q.subject, NULL, out);
	if (!rc)
		rc = gw_hc_str(obj, "description", &q.description, NULL, out);
	if (!rc)
		rc = gw_hc_str(obj, "locale", &q.locale, NULL, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.deflection.create", &q,
			     &hd__hc_deflection_reply__descriptor,
			     (void **)&rep, out);
	if (!rc) {
		out->status = 201;
		out->body = json_pack(
			"{s:o, s:o}", "deflection",
			deflection_json(rep->deflection), "articles",
			results_json(r, rep->articles, rep->n_articles));
		/* Deflection results carry no snippet: the request is text. */
		size_t i;
		json_t *a;
		json_array_foreach(json_object_get(out->body, "articles"), i, a)
			json_object_del(a, "snippet");
	}
	hd__hc_deflection_reply__free_unpacked(rep, NULL);
	json_decref(root);
	return rc;
}

static int deflection_resolved(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	Hd__HcDeflectionResolve q = HD__HC_DEFLECTION_RESOLVE__INIT;
	Hd__HcDeflection *d = NULL;
	int rc = anon_rate(g, r, out);
	int64_t article = 0;
	if (!rc && r->body.len) {
		rc = gw_parse_body(r, out, &root);
		if (!rc && json_is_object(root))
			rc = gw_hc_int(root, "article_id", &article, NULL, out);
	}
	q.id = r->id;
	q.article_id = (uint64_t)article;
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.deflection.resolve", &q,
			     &hd__hc_deflection__descriptor, (void **)&d, out);
	if (!rc)
		gw_reply_one(out, 200, "deflection", deflection_json(d));
	hd__hc_deflection__free_unpacked(d, NULL);
	json_decref(root);
	return rc;
}

const gw_route gw_hc_search_routes[] = {
	GW_HC_BOTH("GET", "/articles/search", articles_search, GW_AUTH_ANON),
	{"GET", "/api/v2/hd/tickets/{id}/suggestions", suggestions,
	 GW_AUTH_USER},
	{"POST", "/api/v2/hd/deflection", deflection_create, GW_AUTH_ANON},
	{"POST", "/api/v2/hd/deflection/{id}/resolved", deflection_resolved,
	 GW_AUTH_ANON},
	{NULL, NULL, NULL, 0},
};
