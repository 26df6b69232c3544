/* The article page (/hc/{locale}/articles/{id}): the translation in the
 * page's language as stored (knowledge sanitized it on the way in),
 * breadcrumbs, links to its other languages, and "was this helpful?" as a
 * plain form: POST /hc/{locale}/articles/{id}/vote (value=up|down) records
 * the vote through knowledge's hc.articles.vote, the RPC behind the API's
 * POST /api/v2/help_center/articles/{id}/up|down, then sends the browser
 * back (303). Knowledge lets only signed-in people vote, so an anonymous
 * visitor's vote goes to the sign-in page first. */
#include "hc_center.h"

#include "hd/err.h"
#include "hd/time_iso.h"

#include <stdio.h>
#include <string.h>

/* Breadcrumb parents of a: its section and category (either may be left
 * NULL when knowledge does not give them; the page goes on without). */
static void parents(gw *g, gw_req *r, const Hd__HcArticle *a, Hd__HcSection **s,
		    Hd__HcCategory **c)
{
	Hd__HcId id = HD__HC_ID__INIT;
	gw_resp scratch = {0};
	id.id = a->section_id;
	if (hc_rpc(g, r, "hc.sections.get", &id, &hd__hc_section__descriptor,
		   (void **)s, &scratch)) {
		json_decref(scratch.body);
		return;
	}
	id.id = (*s)->category_id;
	if (hc_rpc(g, r, "hc.categories.get", &id, &hd__hc_category__descriptor,
		   (void **)c, &scratch))
		json_decref(scratch.body);
}

static void crumbs(hd_buf *b, const char *loc, const Hd__HcSection *s,
		   const Hd__HcCategory *c, const char *title)
{
	char cat_href[64], sec_href[64];
	const char *labels[3], *hrefs[3];
	size_t n = 0;
	if (c) {
		snprintf(cat_href, sizeof cat_href, "/hc/%s/categories/%llu",
			 loc, (unsigned long long)c->id);
		labels[n] = c->name;
		hrefs[n++] = cat_href;
	}
	if (s) {
		snprintf(sec_href, sizeof sec_href, "/hc/%s/sections/%llu", loc,
			 (unsigned long long)s->id);
		labels[n] = s->name;
		hrefs[n++] = sec_href;
	}
	labels[n] = title;
	hrefs[n++] = NULL;
	hc_crumbs(b, loc, labels, hrefs, n);
}

static void vote_box(gw_req *r, hd_buf *b, const char *loc,
		     const Hd__HcArticle *a)
{
	const char *voted = gw_query(r, "voted");
	hd_buf_puts(b, "<section class=\"hc-vote\" id=\"vote\" "
		       "aria-labelledby=\"vote-q\"><h2 id=\"vote-q\">");
	hc_esc(b, hc_str(loc, "article.vote"));
	hd_buf_puts(b, "</h2>\n");
	if (voted && (!strcmp(voted, "up") || !strcmp(voted, "down"))) {
		hd_buf_puts(b, "<p class=\"hc-notice\" role=\"status\">");
		hc_esc(b, hc_str(loc, "article.thanks"));
		hd_buf_puts(b, "</p>\n");
	}
	hd_buf_printf(b,
		      "<form method=\"post\" "
		      "action=\"/hc/%s/articles/%llu/vote\">",
		      loc, (unsigned long long)a->id);
	hc_csrf_field(r, b);
	hd_buf_puts(b, "<button type=\"submit\" name=\"value\" value=\"up\">");
	hc_esc(b, hc_str(loc, "article.yes"));
	hd_buf_puts(b,
		    "</button><button type=\"submit\" class=\"hc-secondary\" "
		    "name=\"value\" value=\"down\">");
	hc_esc(b, hc_str(loc, "article.no"));
	hd_buf_puts(b, "</button></form>\n");
	if (!r->who.user_id) {
		hd_buf_puts(b, "<p class=\"hc-muted\">");
		hc_esc(b, hc_str(loc, "article.signin"));
		hd_buf_puts(b, "</p>\n");
	}
	if (a->vote_count) {
		int up = ((int)a->vote_count + a->vote_sum) / 2;
		hd_buf_puts(b, "<p class=\"hc-muted\">");
		hd_buf_printf(b, hc_str(loc, "article.votes"),
			      (unsigned)(up < 0 ? 0 : up), a->vote_count);
		hd_buf_puts(b, "</p>\n");
	}
	hd_buf_puts(b, "</section>\n");
}

static void body(gw_req *r, hd_buf *b, const char *loc, const Hd__HcArticle *a,
		 const Hd__HcTranslation *tr)
{
	char when[HD_TIME_ISO_LEN];
	hd_buf_printf(b, "<article lang=\"%s\"><h1>", loc);
	hc_esc(b, tr->title);
	hd_buf_puts(b, "</h1>\n");
	if (tr->updated_at && hd_time_iso(tr->updated_at, when) == HD_OK) {
		hd_buf_puts(b, "<p class=\"hc-muted\">");
		hc_esc(b, hc_str(loc, "article.updated"));
		hd_buf_printf(b, " <time datetime=\"%s\">%.10s</time></p>\n",
			      when, when);
	}
	/* Stored sanitized (hd_html_sanitize): shown as it is. */
	hd_buf_puts(b, "<div class=\"hc-article-body\">\n");
	hd_buf_puts(b, tr->body);
	hd_buf_puts(b, "\n</div>\n</article>\n");
	vote_box(r, b, loc, a);
}

/* "Articles in this section": the others, when there are any. */
static void siblings(gw *g, gw_req *r, hd_buf *b, const char *loc,
		     const Hd__HcArticle *a)
{
	hd_buf list;
	gw_resp scratch = {0};
	hc_page_init(&list);
	if (hc_article_items(g, r, loc, a->section_id, a->id, 10, &list,
			     &scratch))
		json_decref(scratch.body);
	else if (list.len) {
		hd_buf_puts(b, "<section class=\"hc-related\" "
			       "aria-labelledby=\"related-h\">"
			       "<h2 id=\"related-h\">");
		hc_esc(b, hc_str(loc, "article.in_section"));
		hd_buf_puts(b, "</h2>\n");
		hd_buf_append_buf(b, &list);
		hd_buf_puts(b, "</section>\n");
	}
	hd_buf_release(&list);
}

/* The page locales a has no published translation in, as hc_page.missing
 * bits. */
static unsigned missing_locales(const Hd__HcArticle *a)
{
	unsigned m = 0;
	for (int i = 0; i < HC_NLOCALES; i++)
		if (!hc_translation_for(a, hc_locales[i]))
			m |= 1u << i;
	return m;
}

int hc_article_page(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc;
	if (hc_center_locale(r, out, &loc))
		return HD_OK;
	Hd__HcId id = HD__HC_ID__INIT;
	Hd__HcArticle *a = NULL;
	id.id = r->id;
	if (hc_rpc(g, r, "hc.articles.get", &id, &hd__hc_article__descriptor,
		   (void **)&a, out))
		return hc_center_fail(r, out, loc);
	const Hd__HcTranslation *tr = hc_translation_for(a, loc);
	unsigned missing = missing_locales(a);
	char path[64];
	snprintf(path, sizeof path, "/articles/%llu",
		 (unsigned long long)a->id);
	if (!tr) {
		/* Not in this language: the one it is published in, if any. */
		int other = -1;
		for (int i = 0; i < HC_NLOCALES && other < 0; i++)
			if (!(missing & (1u << i)))
				other = i;
		hd__hc_article__free_unpacked(a, NULL);
		if (other < 0)
			return hc_error_page(r, out, loc, 404);
		char to[80];
		snprintf(to, sizeof to, "/hc/%s%s", hc_locales[other], path);
		return hc_redirect(r, out, 302, to);
	}
	Hd__HcSection *s = NULL;
	Hd__HcCategory *c = NULL;
	parents(g, r, a, &s, &c);
	hd_buf b;
	hc_page p = {.locale = loc,
		     .title = tr->title,
		     .path = path,
		     .missing = missing};
	hc_page_init(&b);
	hc_page_open(r, &p, &b);
	crumbs(&b, loc, s, c, tr->title);
	body(r, &b, loc, a, tr);
	siblings(g, r, &b, loc, a);
	hc_page_close(r, &p, &b);
	hd__hc_section__free_unpacked(s, NULL);
	hd__hc_category__free_unpacked(c, NULL);
	hd__hc_article__free_unpacked(a, NULL);
	return hc_reply(out, 200, &b);
}

int hc_article_vote(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc;
	if (hc_center_locale(r, out, &loc))
		return HD_OK;
	char back[160];
	snprintf(back, sizeof back, "/hc/%s/articles/%llu", loc,
		 (unsigned long long)r->id);
	if (!r->who.user_id) {
		hd_buf to;
		hd_buf_init(&to, 512);
		hd_buf_printf(&to, HC_PATH_SIGNIN, loc);
		hd_buf_puts(&to, "?return_to=");
		hc_urlenc(&to, back);
		hc_redirect(r, out, 303,
			    to.data && !hd_buf_error(&to) ? to.data : "/hc/");
		hd_buf_release(&to);
		return HD_OK;
	}
	const char *v = hc_form(r, "value");
	Hd__HcVote vo = HD__HC_VOTE__INIT;
	Hd__HcVoteReply *rep = NULL;
	vo.article_id = r->id;
	vo.value = v && !strcmp(v, "up") ? 1 : v && !strcmp(v, "down") ? -1 : 0;
	if (!vo.value)
		return hc_error_page(r, out, loc, 400);
	if (hc_rpc(g, r, "hc.articles.vote", &vo,
		   &hd__hc_vote_reply__descriptor, (void **)&rep, out))
		return hc_center_fail(r, out, loc);
	hd__hc_vote_reply__free_unpacked(rep, NULL);
	char to[200];
	snprintf(to, sizeof to, "%s?voted=%s#vote", back, v);
	return hc_redirect(r, out, 303, to);
}
