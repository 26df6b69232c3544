/* The help center's pages (issue 17), server-rendered on the shell
 * (hc_page.h) from knowledge's RPCs as the visitor (r->who): published
 * articles visible to the visitor's segment, never drafts, whoever asks.
 *   hc_center.c          /hc, home, category and section pages, routes
 *   hc_center_article.c  the article page and its vote form
 *   hc_center_search.c   the search page
 *   hc_center_seo.c      /hc/sitemap.xml, /robots.txt
 * Page locales (hc_locales) map to content locales: "ko" → "ko", "en" →
 * "en-us" (what the API creates for English); a translation whose language
 * is the page's ("en", "en-gb") is shown when that one is missing. */
#ifndef GW_HC_CENTER_H
#define GW_HC_CENTER_H

#include "gw_help_center.h"
#include "hc_page.h"

#define HC_LIST_MAX 100 /* items one list page shows */

extern const hc_string hc_center_strings[];

/* The content locale of a page locale ("en" → "en-us"). */
const char *hc_content_locale(const char *page_locale);
/* The page locale for a content locale's html_url ("en-us" → "en"); the
 * default page locale ("ko") for languages the pages do not speak, whose
 * article pages then send the visitor to a language they do. */
const char *hc_page_locale(const char *content_locale);
/* hc_locales' index of a content locale's language ("en-us" → en), -1. */
int hc_locale_of_content(const char *content_locale);
/* The visible, published translation of a in page locale loc, or NULL. */
const Hd__HcTranslation *hc_translation_for(const Hd__HcArticle *a,
					    const char *loc);

/* The locale of a "/hc/{s}/…" page: HD_OK with *loc; else out holds the
 * answer (301 to the page locale when s is a content locale such as
 * "en-us", the 404 page otherwise) and HD_E_NOTFOUND is returned. */
int hc_center_locale(gw_req *r, gw_resp *out, const char **loc);
/* After a failed gw_call (out holds its JSON error): the matching page
 * instead (400 for bad input, 404 for missing or forbidden objects, 503,
 * else 500). */
int hc_center_fail(gw_req *r, gw_resp *out, const char *loc);

/* The breadcrumbs: home, then each (label, href) pair given; the last
 * one is the current page (href NULL). */
void hc_crumbs(hd_buf *b, const char *loc, const char *const *labels,
	       const char *const *hrefs, size_t n);
/* The search form, with query as its value (NULL: empty). */
void hc_search_form(hd_buf *b, const char *loc, const char *query);

/* The published articles of section in page locale loc as a list of
 * links (at most max, without article skip); when there are none and skip
 * is 0, a line saying so. HD_OK, or gw_call's error with out filled. */
int hc_article_items(gw *g, gw_req *r, const char *loc, uint64_t section,
		     uint64_t skip, size_t max, hd_buf *b, gw_resp *out);

/* One RPC to knowledge (gw_call) for a page. */
int hc_rpc(gw *g, gw_req *r, const char *method, const void *req,
	   const ProtobufCMessageDescriptor *desc, void **reply, gw_resp *out);

/* The pages of the other files (routes in hc_center.c). */
int hc_article_page(gw *g, gw_req *r, gw_resp *out);
int hc_article_vote(gw *g, gw_req *r, gw_resp *out);
int hc_search_page(gw *g, gw_req *r, gw_resp *out);
int hc_sitemap(gw *g, gw_req *r, gw_resp *out);
int hc_robots(gw *g, gw_req *r, gw_resp *out);

#endif
