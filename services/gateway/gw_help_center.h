/* The gateway's help center (API.md §6) and knowledge endpoints (§14):
 * help_center.c (categories, sections), help_center_articles.c (articles,
 * translations, votes), help_center_search.c (search, suggestions,
 * deflection), help_center_json.c (objects in and out). Everything is
 * answered by knowledge (g->peers[1]). */
#ifndef GW_HELP_CENTER_H
#define GW_HELP_CENTER_H

#include "gw_shared.h"
#include "knowledge.pb-c.h"

#define GW_HC_PAGE           30   /* HC lists default to 30 per page */
#define HC_DEFAULT_LOCALE_GW "ko" /* objects created without a locale */
#define HC                   "/api/v2/help_center"

/* Two route rows: the path with and without the /{locale}/ part. */
#define GW_HC_BOTH(method, tail, fn, auth)                                     \
	{method, HC tail, fn, auth},                                           \
	{                                                                      \
		method, HC "/{s}" tail, fn, auth                               \
	}

/* The {locale} of a "/api/v2/help_center/{locale}/…" path, lower-cased,
 * into out ("" when the path has none); 400 on a malformed one. */
int gw_hc_locale(gw_req *r, char *out, size_t cap, gw_resp *resp);
/* Offset or cursor page → offset and limit for an HC list RPC. */
int gw_hc_page(gw_req *r, gw_page *p, uint64_t *offset, uint32_t *limit,
	       gw_resp *out);
/* Add the pagination of a list of n items of count total, plus the HC
 * offset extras (page, per_page, page_count, sort_by, sort_order). */
void gw_hc_links(gw_req *r, const gw_page *p, uint64_t offset, size_t n,
		 uint64_t count, json_t *body);

json_t *gw_hc_category_json(const gw_req *r, const Hd__HcCategory *c);
json_t *gw_hc_section_json(const gw_req *r, const Hd__HcSection *s);
/* The article in its first (shown) translation. */
json_t *gw_hc_article_json(const gw_req *r, const Hd__HcArticle *a);
json_t *gw_hc_translation_json(const gw_req *r, const Hd__HcArticle *a,
			       size_t slot);

/* Readers of request objects: 422 naming the field on a wrong type.
 * Strings set are borrowed from the JSON. */
int gw_hc_str(json_t *obj, const char *key, char **dst, int *set, gw_resp *out);
int gw_hc_bool(json_t *obj, const char *key, protobuf_c_boolean *dst,
	       protobuf_c_boolean *set, gw_resp *out);
int gw_hc_int(json_t *obj, const char *key, int64_t *dst, int *set,
	      gw_resp *out);
/* label_names: an array of strings (or "a,b"); *v is malloc'd (the
 * strings borrowed). */
int gw_hc_labels(json_t *obj, char ***v, size_t *n, int *set, gw_resp *out);

/* ?label_names=a,b → *v (malloc'd, the strings in *copy, also malloc'd;
 * the caller frees both, even on failure); 400 past 50 labels. */
int gw_hc_query_labels(gw_req *r, char ***v, size_t *n, char **copy,
		       gw_resp *out);
/* help_center_articles.c: a list of articles under key ("articles", or
 * "results" for a search by filters only). */
int gw_hc_article_list(gw *g, gw_req *r, gw_resp *out, uint64_t section,
		       uint64_t category, uint64_t author, const char *key);

#endif
