/* The help center's browsing pages (hc_center.h): /hc sends the visitor to
 * their language, /hc/{locale}/ lists categories with their sections,
 * /hc/{locale}/categories/{id} its sections, /hc/{locale}/sections/{id}
 * its articles. Also the helpers the other hc_center_*.c pages share. */
#include "hc_center.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *hc_content_locale(const char *page_locale)
{
	return strcmp(page_locale, "en") == 0 ? "en-us" : page_locale;
}

int hc_locale_of_content(const char *content_locale)
{
	size_t n = strcspn(content_locale, "-_");
	for (int i = 0; i < HC_NLOCALES; i++)
		if (strlen(hc_locales[i]) == n &&
		    strncasecmp(content_locale, hc_locales[i], n) == 0)
			return i;
	return -1;
}

const char *hc_page_locale(const char *content_locale)
{
	int i = hc_locale_of_content(content_locale);
	return hc_locales[i < 0 ? 0 : i];
}

const Hd__HcTranslation *hc_translation_for(const Hd__HcArticle *a,
					    const char *loc)
{
	const char *want = hc_content_locale(loc);
	const Hd__HcTranslation *near = NULL;
	int idx = hc_locale_index(loc);
	for (size_t i = 0; i < a->n_translations; i++) {
		const Hd__HcTranslation *tr = a->translations[i];
		if (tr->draft)
			continue;
		if (strcmp(tr->locale, want) == 0)
			return tr;
		if (!near && hc_locale_of_content(tr->locale) == idx)
			near = tr;
	}
	return near;
}

int hc_center_locale(gw_req *r, gw_resp *out, const char **loc)
{
	*loc = hc_route_locale(r);
	if (*loc)
		return HD_OK;
	const char *seg = r->path + 4; /* after "/hc/" */
	size_t n = strcspn(seg, "/");
	char content[24];
	int idx = -1;
	if (n < sizeof content) {
		memcpy(content, seg, n);
		content[n] = '\0';
		idx = hc_locale_of_content(content);
	}
	if (idx < 0) {
		hc_error_page(r, out, NULL, 404);
		return HD_E_NOTFOUND;
	}
	char path[600];
	snprintf(path, sizeof path, "/hc/%s%s", hc_locales[idx], seg + n);
	hc_redirect(r, out, 301, path);
	return HD_E_NOTFOUND;
}

int hc_center_fail(gw_req *r, gw_resp *out, const char *loc)
{
	unsigned status = out->status;
	json_decref(out->body);
	out->body = NULL;
	unsigned page = status == 503                    ? 503
			: status == 400 || status == 422 ? 400
			: status >= 400 && status < 500  ? 404
							 : 500;
	return hc_error_page(r, out, loc, page);
}

int hc_rpc(gw *g, gw_req *r, const char *method, const void *req,
	   const ProtobufCMessageDescriptor *desc, void **reply, gw_resp *out)
{
	return gw_call(g, KNOWLEDGE(g), r, method, req, desc, reply, out);
}

void hc_crumbs(hd_buf *b, const char *loc, const char *const *labels,
	       const char *const *hrefs, size_t n)
{
	hd_buf_puts(b, "<nav class=\"hc-crumbs\" aria-label=\"");
	hc_esc(b, hc_str(loc, "crumbs.label"));
	hd_buf_printf(b, "\"><ol><li><a href=\"/hc/%s/\">", loc);
	hc_esc(b, hc_str(loc, "home.crumb"));
	hd_buf_puts(b, "</a></li>");
	for (size_t i = 0; i < n; i++) {
		if (hrefs[i]) {
			hd_buf_puts(b, "<li><a href=\"");
			hc_esc(b, hrefs[i]);
			hd_buf_puts(b, "\">");
		} else {
			hd_buf_puts(b, "<li aria-current=\"page\">");
		}
		hc_esc(b, labels[i]);
		hd_buf_puts(b, hrefs[i] ? "</a></li>" : "</li>");
	}
	hd_buf_puts(b, "</ol></nav>\n");
}

void hc_search_form(hd_buf *b, const char *loc, const char *query)
{
	hd_buf_printf(b,
		      "<form class=\"hc-search\" role=\"search\" "
		      "action=\"/hc/%s/search\" method=\"get\">"
		      "<label class=\"hc-skip\" for=\"hc-query\">",
		      loc);
	hc_esc(b, hc_str(loc, "search.label"));
	hd_buf_puts(b, "</label><input type=\"search\" id=\"hc-query\" "
		       "name=\"query\" placeholder=\"");
	hc_esc(b, hc_str(loc, "search.placeholder"));
	hd_buf_puts(b, "\" value=\"");
	hc_esc(b, query);
	hd_buf_puts(b, "\"><button type=\"submit\">");
	hc_esc(b, hc_str(loc, "search.button"));
	hd_buf_puts(b, "</button></form>\n");
}

/* ---- pages ---- */

static int to_language(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	char path[16];
	snprintf(path, sizeof path, "/hc/%s/", hc_locale_from_header(r));
	return hc_redirect(r, out, 302, path);
}

/* Sections of category (all of them, up to HC_LIST_MAX). */
static int sections_of(gw *g, gw_req *r, uint64_t category,
		       Hd__HcSectionList **l, gw_resp *out)
{
	Hd__HcListRequest q = HD__HC_LIST_REQUEST__INIT;
	q.category_id = category;
	q.limit = HC_LIST_MAX;
	return hc_rpc(g, r, "hc.sections.list", &q,
		      &hd__hc_section_list__descriptor, (void **)l, out);
}

static void section_link(hd_buf *b, const char *loc, const Hd__HcSection *s)
{
	hd_buf_printf(b, "<a href=\"/hc/%s/sections/%llu\">", loc,
		      (unsigned long long)s->id);
	hc_esc(b, s->name);
	hd_buf_puts(b, "</a>");
}

static int home(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc;
	if (hc_center_locale(r, out, &loc))
		return HD_OK;
	Hd__HcListRequest q = HD__HC_LIST_REQUEST__INIT;
	Hd__HcCategoryList *cats = NULL;
	q.limit = HC_LIST_MAX;
	if (hc_rpc(g, r, "hc.categories.list", &q,
		   &hd__hc_category_list__descriptor, (void **)&cats, out))
		return hc_center_fail(r, out, loc);
	hd_buf b;
	hc_page p = {.locale = loc,
		     .title = hc_str(loc, "home.title"),
		     .path = "/",
		     .description = hc_str(loc, "brand")};
	hc_page_init(&b);
	hc_page_open(r, &p, &b);
	hd_buf_puts(&b, "<section class=\"hc-hero\"><h1>");
	hc_esc(&b, p.title);
	hd_buf_puts(&b, "</h1>\n");
	hc_search_form(&b, loc, NULL);
	hd_buf_puts(&b, "</section>\n<h2>");
	hc_esc(&b, hc_str(loc, "home.categories"));
	hd_buf_puts(&b, "</h2>\n");
	if (!cats->n_categories) {
		hd_buf_puts(&b, "<p>");
		hc_esc(&b, hc_str(loc, "home.empty"));
		hd_buf_puts(&b, "</p>\n");
	} else {
		hd_buf_puts(&b, "<ul class=\"hc-cards\">\n");
	}
	for (size_t i = 0; i < cats->n_categories; i++) {
		const Hd__HcCategory *c = cats->categories[i];
		hd_buf_printf(&b, "<li><h3><a href=\"/hc/%s/categories/%llu\">",
			      loc, (unsigned long long)c->id);
		hc_esc(&b, c->name);
		hd_buf_puts(&b, "</a></h3>");
		if (c->description[0]) {
			hd_buf_puts(&b, "<p>");
			hc_esc(&b, c->description);
			hd_buf_puts(&b, "</p>");
		}
		hd_buf_puts(&b, "</li>\n");
	}
	if (cats->n_categories)
		hd_buf_puts(&b, "</ul>\n");
	hd__hc_category_list__free_unpacked(cats, NULL);
	hc_page_close(r, &p, &b);
	return hc_reply(out, 200, &b);
}

static int category_page(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc;
	if (hc_center_locale(r, out, &loc))
		return HD_OK;
	Hd__HcId id = HD__HC_ID__INIT;
	Hd__HcCategory *c = NULL;
	Hd__HcSectionList *secs = NULL;
	id.id = r->id;
	if (hc_rpc(g, r, "hc.categories.get", &id, &hd__hc_category__descriptor,
		   (void **)&c, out) ||
	    sections_of(g, r, r->id, &secs, out)) {
		hd__hc_category__free_unpacked(c, NULL);
		return hc_center_fail(r, out, loc);
	}
	char path[64];
	snprintf(path, sizeof path, "/categories/%llu",
		 (unsigned long long)c->id);
	hd_buf b;
	hc_page p = {.locale = loc,
		     .title = c->name,
		     .path = path,
		     .description = c->description[0] ? c->description : NULL};
	hc_page_init(&b);
	hc_page_open(r, &p, &b);
	const char *labels[] = {c->name}, *hrefs[] = {NULL};
	hc_crumbs(&b, loc, labels, hrefs, 1);
	hd_buf_puts(&b, "<h1>");
	hc_esc(&b, c->name);
	hd_buf_puts(&b, "</h1>\n");
	if (c->description[0]) {
		hd_buf_puts(&b, "<p class=\"hc-muted\">");
		hc_esc(&b, c->description);
		hd_buf_puts(&b, "</p>\n");
	}
	hd_buf_puts(&b, "<h2>");
	hc_esc(&b, hc_str(loc, "category.sections"));
	hd_buf_puts(&b, "</h2>\n");
	if (!secs->n_sections) {
		hd_buf_puts(&b, "<p>");
		hc_esc(&b, hc_str(loc, "category.empty"));
		hd_buf_puts(&b, "</p>\n");
	} else {
		hd_buf_puts(&b, "<ul class=\"hc-cards\">\n");
	}
	for (size_t i = 0; i < secs->n_sections; i++) {
		const Hd__HcSection *s = secs->sections[i];
		hd_buf_puts(&b, "<li><h3>");
		section_link(&b, loc, s);
		hd_buf_puts(&b, "</h3>");
		if (s->description[0]) {
			hd_buf_puts(&b, "<p>");
			hc_esc(&b, s->description);
			hd_buf_puts(&b, "</p>");
		}
		hd_buf_puts(&b, "</li>\n");
	}
	if (secs->n_sections)
		hd_buf_puts(&b, "</ul>\n");
	hc_page_close(r, &p, &b);
	hd__hc_section_list__free_unpacked(secs, NULL);
	hd__hc_category__free_unpacked(c, NULL);
	return hc_reply(out, 200, &b);
}

int hc_article_items(gw *g, gw_req *r, const char *loc, uint64_t section,
		     uint64_t skip, size_t max, hd_buf *b, gw_resp *out)
{
	Hd__HcListRequest q = HD__HC_LIST_REQUEST__INIT;
	Hd__HcArticleList *l = NULL;
	q.section_id = section;
	q.locale = (char *)hc_content_locale(loc);
	q.limit = HC_LIST_MAX;
	int rc = hc_rpc(g, r, "hc.articles.list", &q,
			&hd__hc_article_list__descriptor, (void **)&l, out);
	size_t shown = 0;
	for (size_t i = 0; !rc && i < l->n_articles && shown < max; i++) {
		const Hd__HcArticle *a = l->articles[i]->article;
		const Hd__HcTranslation *tr = hc_translation_for(a, loc);
		if (!tr || a->id == skip)
			continue;
		if (!shown++)
			hd_buf_puts(b, "<ul class=\"hc-list\">\n");
		hd_buf_printf(b, "<li><a href=\"/hc/%s/articles/%llu\">", loc,
			      (unsigned long long)a->id);
		hc_esc(b, tr->title);
		hd_buf_puts(b, "</a></li>\n");
	}
	if (!rc && shown)
		hd_buf_puts(b, "</ul>\n");
	if (!rc && !shown && !skip) {
		hd_buf_puts(b, "<p>");
		hc_esc(b, hc_str(loc, "section.empty"));
		hd_buf_puts(b, "</p>\n");
	}
	hd__hc_article_list__free_unpacked(l, NULL);
	return rc;
}

static int section_page(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc;
	if (hc_center_locale(r, out, &loc))
		return HD_OK;
	Hd__HcId id = HD__HC_ID__INIT;
	Hd__HcSection *s = NULL;
	Hd__HcCategory *c = NULL;
	id.id = r->id;
	int rc = hc_rpc(g, r, "hc.sections.get", &id,
			&hd__hc_section__descriptor, (void **)&s, out);
	id.id = s ? s->category_id : 0;
	if (!rc)
		rc = hc_rpc(g, r, "hc.categories.get", &id,
			    &hd__hc_category__descriptor, (void **)&c, out);
	hd_buf list;
	hc_page_init(&list);
	if (!rc)
		rc = hc_article_items(g, r, loc, s->id, 0, HC_LIST_MAX, &list,
				      out);
	if (rc) {
		hd_buf_release(&list);
		hd__hc_section__free_unpacked(s, NULL);
		hd__hc_category__free_unpacked(c, NULL);
		return hc_center_fail(r, out, loc);
	}
	char path[64], cat_href[64];
	snprintf(path, sizeof path, "/sections/%llu",
		 (unsigned long long)s->id);
	snprintf(cat_href, sizeof cat_href, "/hc/%s/categories/%llu", loc,
		 (unsigned long long)c->id);
	hd_buf b;
	hc_page p = {.locale = loc,
		     .title = s->name,
		     .path = path,
		     .description = s->description[0] ? s->description : NULL};
	hc_page_init(&b);
	hc_page_open(r, &p, &b);
	const char *labels[] = {c->name, s->name}, *hrefs[] = {cat_href, NULL};
	hc_crumbs(&b, loc, labels, hrefs, 2);
	hd_buf_puts(&b, "<h1>");
	hc_esc(&b, s->name);
	hd_buf_puts(&b, "</h1>\n");
	if (s->description[0]) {
		hd_buf_puts(&b, "<p class=\"hc-muted\">");
		hc_esc(&b, s->description);
		hd_buf_puts(&b, "</p>\n");
	}
	hd_buf_append_buf(&b, &list);
	hd_buf_release(&list);
	hc_page_close(r, &p, &b);
	hd__hc_section__free_unpacked(s, NULL);
	hd__hc_category__free_unpacked(c, NULL);
	return hc_reply(out, 200, &b);
}

/* The sitemap before "/hc/{s}", which would take it for a locale. */
const gw_route gw_hc_center_routes[] = {
	{"GET", "/robots.txt", hc_robots, GW_AUTH_ANON},
	{"GET", "/hc/sitemap.xml", hc_sitemap, GW_AUTH_ANON},
	{"GET", "/hc", to_language, GW_AUTH_ANON},
	{"GET", "/hc/{s}", home, GW_AUTH_ANON},
	{"GET", "/hc/{s}/categories/{id}", category_page, GW_AUTH_ANON},
	{"GET", "/hc/{s}/sections/{id}", section_page, GW_AUTH_ANON},
	{"GET", "/hc/{s}/articles/{id}", hc_article_page, GW_AUTH_ANON},
	{"POST", "/hc/{s}/articles/{id}/vote", hc_article_vote, GW_AUTH_ANON},
	{"GET", "/hc/{s}/search", hc_search_page, GW_AUTH_ANON},
	{NULL, NULL, NULL, 0},
};
