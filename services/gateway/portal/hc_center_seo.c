/* For search engines: /hc/sitemap.xml lists the help center's home pages
 * and every published article anyone may read (asked of knowledge as an
 * anonymous visitor, whoever fetches the sitemap), one URL per language it
 * is published in, absolute under the public URL; /robots.txt points at it
 * and keeps crawlers off the API, the workspace and personal pages. */
#include "hc_center.h"

#include "hd/err.h"
#include "hd/time_iso.h"

#include <string.h>

#define SITEMAP_MAX 50000 /* URLs one sitemap may hold (sitemaps.org) */
#define BATCH       500

static void url(gw_req *r, hd_buf *b, const char *loc, const char *path,
		int64_t modified)
{
	char when[HD_TIME_ISO_LEN];
	hd_buf_puts(b, "<url><loc>");
	hc_esc(b, r->base_url);
	hd_buf_printf(b, "/hc/%s%s</loc>", loc, path);
	if (modified && hd_time_iso(modified, when) == HD_OK)
		hd_buf_printf(b, "<lastmod>%s</lastmod>", when);
	hd_buf_puts(b, "</url>\n");
}

/* The articles published in page locale loc, BATCH at a time. */
static int articles(gw *g, gw_req *r, const char *loc, hd_buf *b, size_t *n,
		    gw_resp *out)
{
	Hd__HcListRequest q = HD__HC_LIST_REQUEST__INIT;
	q.locale = (char *)hc_content_locale(loc);
	q.limit = BATCH;
	for (;;) {
		Hd__HcArticleList *l = NULL;
		int rc = hc_rpc(g, r, "hc.articles.list", &q,
				&hd__hc_article_list__descriptor, (void **)&l,
				out);
		if (rc)
			return rc;
		for (size_t i = 0; i < l->n_articles && *n < SITEMAP_MAX; i++) {
			const Hd__HcArticle *a = l->articles[i]->article;
			const Hd__HcTranslation *tr =
				hc_translation_for(a, loc);
			char path[48];
			if (!tr)
				continue;
			snprintf(path, sizeof path, "/articles/%llu",
				 (unsigned long long)a->id);
			url(r, b, loc, path,
			    tr->updated_at > a->updated_at ? tr->updated_at
							   : a->updated_at);
			(*n)++;
		}
		q.offset += l->n_articles;
		int more = l->n_articles && q.offset < l->count &&
			   *n < SITEMAP_MAX;
		hd__hc_article_list__free_unpacked(l, NULL);
		if (!more)
			return HD_OK;
	}
}

int hc_sitemap(gw *g, gw_req *r, gw_resp *out)
{
	/* What the public sees, not what this visitor may. */
	memset(&r->who, 0, sizeof r->who);
	hd_buf b;
	size_t n = 0;
	hc_page_init(&b);
	hd_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<urlset "
			"xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
			"\n");
	for (int i = 0; i < HC_NLOCALES; i++) {
		url(r, &b, hc_locales[i], "/", 0);
		n++;
	}
	for (int i = 0; i < HC_NLOCALES; i++)
		if (articles(g, r, hc_locales[i], &b, &n, out)) {
			hd_buf_release(&b);
			json_decref(out->body);
			out->body = NULL;
			return hc_error_page(r, out, NULL,
					     out->status == 503 ? 503 : 500);
		}
	hd_buf_puts(&b, "</urlset>\n");
	return hc_reply_typed(out, 200, &b, "application/xml; charset=utf-8");
}

int hc_robots(gw *g, gw_req *r, gw_resp *out)
{
	(void)g;
	hd_buf b;
	hc_page_init(&b);
	hd_buf_puts(&b, "User-agent: *\n"
			"Allow: /hc/\n"
			"Disallow: /hc/*/search\n"
			"Disallow: /hc/*/requests\n"
			"Disallow: /hc/*/signin\n"
			"Disallow: /api/\n"
			"Disallow: /agent/\n"
			"\nSitemap: ");
	hd_buf_puts(&b, r->base_url);
	hd_buf_puts(&b, "/hc/sitemap.xml\n");
	return hc_reply_typed(out, 200, &b, "text/plain; charset=utf-8");
}
