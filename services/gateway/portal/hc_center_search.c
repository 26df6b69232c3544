/* The search page (/hc/{locale}/search?query=…&page=N): knowledge's
 * hc.articles.search in the page's content locale, 20 results a page,
 * each with its snippet, hits marked with <mark>. */
#include "hc_center.h"

#include "hd/err.h"

#include <stdio.h>
#include <string.h>

#define PER_PAGE  20
#define MAX_PAGES 50

/* Knowledge's snippet is escaped text with hits in <em>…</em>; anything
 * else that looks like markup is escaped again rather than trusted. */
static void snippet(hd_buf *b, const char *s)
{
	while (*s) {
		if (!strncmp(s, "<em>", 4)) {
			hd_buf_puts(b, "<mark>");
			s += 4;
		} else if (!strncmp(s, "</em>", 5)) {
			hd_buf_puts(b, "</mark>");
			s += 5;
		} else if (*s == '<' || *s == '>' || *s == '"') {
			hd_buf_puts(b, *s == '<'   ? "&lt;"
				       : *s == '>' ? "&gt;"
						   : "&quot;");
			s++;
		} else {
			size_t n = strcspn(s, "<>\"");
			hd_buf_append(b, s, n);
			s += n;
		}
	}
}

static void page_link(hd_buf *b, const char *loc, const char *query,
		      uint64_t page, const char *rel, const char *label)
{
	hd_buf_printf(b, "<a rel=\"%s\" href=\"/hc/%s/search?query=", rel, loc);
	hd_buf tmp;
	hd_buf_init(&tmp, 4096);
	hc_urlenc(&tmp, query);
	hc_esc(b, tmp.data ? tmp.data : "");
	hd_buf_fail(b, hd_buf_error(&tmp));
	hd_buf_release(&tmp);
	hd_buf_printf(b, "&amp;page=%llu\">", (unsigned long long)page);
	hc_esc(b, label);
	hd_buf_puts(b, "</a> ");
}

static void results(hd_buf *b, const char *loc, const char *query,
		    const Hd__HcArticleList *l, uint64_t page)
{
	hd_buf_puts(b, "<p class=\"hc-muted\" role=\"status\">");
	hd_buf_printf(b, hc_str(loc, "search.count"),
		      (unsigned long long)l->count);
	hd_buf_puts(b, "</p>\n");
	if (!l->n_articles) {
		hd_buf_puts(b, "<p>");
		hc_esc(b, hc_str(loc, "search.none"));
		hd_buf_puts(b, "</p>\n");
		return;
	}
	hd_buf_puts(b, "<ol class=\"hc-results\">\n");
	for (size_t i = 0; i < l->n_articles; i++) {
		const Hd__HcArticle *a = l->articles[i]->article;
		const Hd__HcTranslation *tr = hc_translation_for(a, loc);
		if (!tr)
			continue; /* a draft, which only staff are sent */
		hd_buf_printf(b, "<li><h2><a href=\"/hc/%s/articles/%llu\">",
			      loc, (unsigned long long)a->id);
		hc_esc(b, tr->title);
		hd_buf_puts(b, "</a></h2><p>");
		snippet(b, l->articles[i]->snippet);
		hd_buf_puts(b, "</p></li>\n");
	}
	hd_buf_puts(b, "</ol>\n");
	int prev = page > 1,
	    next = page * PER_PAGE < l->count && page < MAX_PAGES;
	if (!prev && !next)
		return;
	hd_buf_puts(b, "<nav aria-label=\"");
	hc_esc(b, hc_str(loc, "search.pages"));
	hd_buf_puts(b, "\"><p>");
	if (prev)
		page_link(b, loc, query, page - 1, "prev",
			  hc_str(loc, "search.prev"));
	if (next)
		page_link(b, loc, query, page + 1, "next",
			  hc_str(loc, "search.next"));
	hd_buf_puts(b, "</p></nav>\n");
}

int hc_search_page(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc;
	if (hc_center_locale(r, out, &loc))
		return HD_OK;
	const char *query = gw_query(r, "query");
	const char *pg = gw_query(r, "page");
	uint64_t page = 1;
	if (pg && (hd_parse_u64(pg, &page) || page == 0 || page > MAX_PAGES))
		return hc_error_page(r, out, loc, 400);
	Hd__HcArticleList *l = NULL;
	int asked = query && query[strspn(query, " \t\r\n")];
	if (asked) {
		Hd__HcSearchRequest q = HD__HC_SEARCH_REQUEST__INIT;
		q.query = (char *)query;
		q.locale = (char *)hc_content_locale(loc);
		q.offset = (page - 1) * PER_PAGE;
		q.limit = PER_PAGE;
		if (hc_rpc(g, r, "hc.articles.search", &q,
			   &hd__hc_article_list__descriptor, (void **)&l, out))
			return hc_center_fail(r, out, loc);
	}
	hd_buf b, path;
	hd_buf_init(&path, 4096);
	hd_buf_puts(&path, "/search");
	if (asked) {
		hd_buf_puts(&path, "?query=");
		hc_urlenc(&path, query);
	}
	hc_page p = {.locale = loc,
		     .title = hc_str(loc, "search.title"),
		     .path = path.data ? path.data : "/search",
		     .noindex = 1};
	hc_page_init(&b);
	hd_buf_fail(&b, hd_buf_error(&path));
	hc_page_open(r, &p, &b);
	const char *labels[] = {p.title}, *hrefs[] = {NULL};
	hc_crumbs(&b, loc, labels, hrefs, 1);
	hd_buf_puts(&b, "<h1>");
	hc_esc(&b, p.title);
	hd_buf_puts(&b, "</h1>\n");
	hc_search_form(&b, loc, query);
	if (asked) {
		results(&b, loc, query, l, page);
	} else {
		hd_buf_puts(&b, "<p>");
		hc_esc(&b, hc_str(loc, "search.empty"));
		hd_buf_puts(&b, "</p>\n");
	}
	hd__hc_article_list__free_unpacked(l, NULL);
	hc_page_close(r, &p, &b);
	hd_buf_release(&path);
	return hc_reply(out, 200, &b);
}
