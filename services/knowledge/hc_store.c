/* The help center's store: ids, protobuf records by u64 key, locale ids
 * and the search index of articles (key layout in hc.h). */
#include "hc.h"

#include "hd/err.h"
#include "hd/html.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECORD ((size_t)8 << 20)

const char *const hc_dbs[] = {
	"hc_meta",  "hc_categories",  "hc_sections",    "hc_articles",
	"hc_votes", "hc_suggestions", "hc_deflections", NULL};

int hc_bind(hc *h, hd_store *s)
{
	h->store = s;
	if (sodium_init() < 0)
		return HD_E_INTERNAL;
	int rc = kbs_bind(s, &h->search);
	MDB_dbi *out[] = {&h->meta,       &h->categories, &h->sections,
			  &h->articles,   &h->votes,      &h->suggestions,
			  &h->deflections};
	for (size_t i = 0; !rc && hc_dbs[i]; i++)
		rc = hd_store_dbi(s, hc_dbs[i], out[i]);
	return rc;
}

int hc_next_id(hd_txn *t, const hc *h, const char *kind, uint64_t *id)
{
	char key[48];
	snprintf(key, sizeof key, "next_%s", kind);
	return hd_txn_next_id(t, h->meta, key, id);
}

int hc_locale_id(hd_txn *t, const hc *h, const char *locale, bool assign,
		 uint64_t *id)
{
	char key[48];
	MDB_val v;
	snprintf(key, sizeof key, "locale:%s", locale);
	int rc = hd_txn_get(t, h->meta, key, strlen(key), &v);
	if (!rc && v.mv_size == 8) {
		*id = hd_key_get_u64(v.mv_data);
		return HD_OK;
	}
	*id = 0;
	if (rc != HD_E_NOTFOUND || !assign)
		return rc == HD_E_NOTFOUND ? HD_OK : rc;
	rc = hd_txn_add_u64(t, h->meta, "next_locale", 1, id);
	if (!rc && *id >= (1u << 16))
		rc = hd_txn_fail(t, HD_E_TOOBIG);
	uint8_t val[8];
	hd_key_u64(val, *id);
	return rc ? rc : hd_txn_put(t, h->meta, key, strlen(key), val, 8);
}

int hc_article_load(hd_txn *t, const hc *h, uint64_t id, Hd__HcArticle **a,
		    Hd__HcArticle **old)
{
	*a = *old = NULL;
	int rc = hd_txn_get_pb_id(t, h->articles, id,
				  &hd__hc_article__descriptor, (void **)a);
	if (!rc)
		rc = hd_txn_get_pb_id(t, h->articles, id,
				      &hd__hc_article__descriptor,
				      (void **)old);
	return rc;
}

int hc_article_put(hd_txn *t, const hc *h, const Hd__HcArticle *old,
		   const Hd__HcArticle *a)
{
	int rc = hd_txn_put_pb_id(t, h->articles, a->id, a);
	return rc ? rc : hc_index_article(t, h, old, a);
}

static int index_translation(hd_txn *t, const hc *h, const Hd__HcArticle *a,
			     size_t slot)
{
	const Hd__HcTranslation *tr = a->translations[slot];
	uint64_t loc;
	int rc = hc_locale_id(t, h, tr->locale, true, &loc);
	hd_buf labels, body;
	hd_buf_init(&labels, MAX_RECORD);
	hd_buf_init(&body, MAX_RECORD);
	for (size_t i = 0; !rc && i < a->n_label_names; i++)
		rc = hd_buf_printf(&labels, "%s\n", a->label_names[i]);
	if (!rc)
		rc = hd_html_to_text(&body, tr->body, strlen(tr->body));
	uint32_t flags = (tr->draft ? HC_FLAG_DRAFT : 0) |
			 (a->user_segment_id ? HC_FLAG_SIGNED_IN : 0) |
			 (uint32_t)loc << HC_LOCALE_SHIFT;
	kbs_field f[3] = {{tr->title, strlen(tr->title)},
			  {labels.data, labels.len},
			  {body.data, body.len}};
	if (!rc)
		rc = kbs_put(t, &h->search, HC_KIND, a->id << 8 | slot, f, 3,
			     flags);
	hd_buf_release(&labels);
	hd_buf_release(&body);
	return rc ? hd_txn_fail(t, rc) : HD_OK;
}

int hc_index_article(hd_txn *t, const hc *h, const Hd__HcArticle *old,
		     const Hd__HcArticle *a)
{
	int rc = HD_OK;
	for (size_t i = 0; old && !rc && i < old->n_translations; i++)
		rc = kbs_remove(t, &h->search, HC_KIND, old->id << 8 | i);
	for (size_t i = 0; a && !rc && i < a->n_translations; i++)
		rc = index_translation(t, h, a, i);
	return rc;
}
