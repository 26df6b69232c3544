/* hc.articles.search: article search over kbsearch (kind "article") with
 * the reader's visibility and the request's filters, each hit an article
 * in one locale with a snippet. Title weighs most, then labels, then the
 * body's text. */
#include "hc.h"

#include "hd/err.h"
#include "hd/html.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PAGE      100
#define SNIPPET_CHARS 160
#define W_TITLE       3.0
#define W_LABELS      2.0
#define W_BODY        1.0

typedef struct filter {
	const hc *h;
	const Hd__HcSearchRequest *q;
} filter;

static bool accept(void *arg, hd_txn *t, uint64_t doc)
{
	const filter *f = arg;
	Hd__HcArticle *a = NULL;
	Hd__HcSection *s = NULL;
	bool ok = hd_txn_get_pb_id(t, f->h->articles, doc >> 8,
				   &hd__hc_article__descriptor,
				   (void **)&a) == HD_OK;
	ok = ok && (!f->q->section_id || a->section_id == f->q->section_id);
	ok = ok && hc_has_labels(a, f->q->label_names, f->q->n_label_names);
	if (ok && f->q->category_id)
		ok = hd_txn_get_pb_id(t, f->h->sections, a->section_id,
				      &hd__hc_section__descriptor,
				      (void **)&s) == HD_OK &&
		     s->category_id == f->q->category_id;
	hd__hc_section__free_unpacked(s, NULL);
	hd__hc_article__free_unpacked(a, NULL);
	return ok;
}

static int add_snippet(Hd__HcArticleView *v, const Hd__HcSearchRequest *q)
{
	const Hd__HcTranslation *tr = v->article->translations[0];
	hd_buf text, out;
	hd_buf_init(&text, (size_t)4 << 20);
	hd_buf_init(&out, (size_t)64 << 10);
	int rc = hd_html_to_text(&text, tr->body, strlen(tr->body));
	if (!rc)
		rc = kbs_snippet(&out, text.data ? text.data : "", text.len,
				 q->query, strlen(q->query), SNIPPET_CHARS);
	if (!rc)
		v->snippet = out.data ? hd_buf_detach(&out, NULL) : strdup("");
	hd_buf_release(&text);
	hd_buf_release(&out);
	return rc ? rc : (v->snippet ? HD_OK : HD_E_NOMEM);
}

static int views_of(hd_txn *t, const hc *h, const kbs_result *res,
		    const Hd__HcSearchRequest *q, bool snippets,
		    Hd__HcArticleView **views, size_t *n)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < res->n; i++) {
		Hd__HcArticle *a = NULL;
		rc = hd_txn_get_pb_id(t, h->articles, res->hits[i].id >> 8,
				      &hd__hc_article__descriptor, (void **)&a);
		if (!rc) {
			views[*n] = hc_view_new(a, res->hits[i].id & 0xff,
						res->hits[i].score);
			rc = views[*n] ? HD_OK : HD_E_CORRUPT;
		}
		if (!rc)
			(*n)++;
		if (!rc && snippets)
			rc = add_snippet(views[*n - 1], q);
		hd__hc_article__free_unpacked(a, NULL);
	}
	return rc;
}

int hc_search_run(hd_txn *t, const hc *h, const Hd__HcSearchRequest *q,
		  const hd_principal *who, bool snippets,
		  Hd__HcArticleView ***out, size_t *n, uint64_t *total)
{
	filter f = {h, q};
	kbs_query kq = {.kind = HC_KIND,
			.text = q->query,
			.len = strlen(q->query),
			.weights = {W_TITLE, W_LABELS, W_BODY},
			.offset = q->offset,
			.limit = q->limit > MAX_PAGE ? MAX_PAGE : q->limit};
	*out = NULL;
	*n = 0;
	*total = 0;
	if (!hc_staff(who)) {
		kq.flags_mask =
			HC_FLAG_DRAFT | (who->user_id ? 0 : HC_FLAG_SIGNED_IN);
	}
	if (*q->locale && strcmp(q->locale, "*") != 0) {
		uint64_t loc = 0;
		int rc = hc_locale_id(t, h, q->locale, false, &loc);
		if (rc || !loc)
			return rc;
		kq.flags_mask |= 0xFFFFu << HC_LOCALE_SHIFT;
		kq.flags_value |= (uint32_t)loc << HC_LOCALE_SHIFT;
	}
	if (q->section_id || q->category_id || q->n_label_names) {
		kq.accept = accept;
		kq.accept_arg = &f;
	}
	kbs_result res;
	int rc = kbs_search(t, &h->search, &kq, &res);
	*out = rc ? NULL : calloc(res.n + 1, sizeof **out);
	if (!rc && !*out)
		rc = HD_E_NOMEM;
	if (!rc)
		rc = views_of(t, h, &res, q, snippets, *out, n);
	*total = res.total;
	kbs_result_release(&res);
	if (rc) {
		hc_views_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int articles_search(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	const hc *h = hc_of(ctx);
	Hd__HcSearchRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__hc_search_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	Hd__HcArticleList l = HD__HC_ARTICLE_LIST__INIT;
	hd_txn t;
	int rc = hd_store_read(h->store, &t);
	if (!rc) {
		rc = hc_search_run(&t, h, q, &req->principal, true, &l.articles,
				   &l.n_articles, &l.count);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	hc_views_free(l.articles, l.n_articles);
	hd__hc_search_request__free_unpacked(q, NULL);
	return rc;
}

const hd_rpc_route hc_search_routes[] = {
	{"hc.articles.search", articles_search},
	{NULL, NULL},
};
