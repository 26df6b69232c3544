/* An article as one reader sees it: a deep copy holding only the
 * translation shown, plus a score and snippet for search results. */
#include "hc.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>

Hd__HcArticleView *hc_view_new(const Hd__HcArticle *a, size_t slot,
			       double score)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)64 << 20);
	Hd__HcArticle *copy = NULL;
	if (!hd_pb_pack(&b, a))
		copy = hd__hc_article__unpack(NULL, b.len, (uint8_t *)b.data);
	hd_buf_release(&b);
	Hd__HcArticleView *v = malloc(sizeof *v);
	if (!copy || !v || slot >= copy->n_translations) {
		hd__hc_article__free_unpacked(copy, NULL);
		free(v);
		return NULL;
	}
	hd__hc_article_view__init(v);
	for (size_t i = 0; i < copy->n_translations; i++)
		if (i != slot)
			hd__hc_translation__free_unpacked(copy->translations[i],
							  NULL);
	copy->translations[0] = copy->translations[slot];
	copy->n_translations = 1;
	v->article = copy;
	v->score = score;
	return v;
}

void hc_view_free(Hd__HcArticleView *v)
{
	if (!v)
		return;
	hd__hc_article__free_unpacked(v->article, NULL);
	if (v->snippet != protobuf_c_empty_string)
		free(v->snippet);
	free(v);
}

void hc_views_free(Hd__HcArticleView **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		hc_view_free(v[i]);
	free(v);
}
