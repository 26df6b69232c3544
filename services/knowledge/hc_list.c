/* hc.articles.list and hc.articles.vote: lists of articles as the caller
 * may read them (by section, category, author, labels, locale; sorted and
 * sliced), and one vote per user per article, changeable. */
#include "hc.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct list_ctx {
	const Hd__HcListRequest *q;
	const hd_principal *who;
	uint64_t *sections; /* of the category asked for */
	size_t nsections;
} list_ctx;

bool hc_has_labels(const Hd__HcArticle *a, char **want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t k = 0; !found && k < a->n_label_names; k++)
			found = !strcasecmp(a->label_names[k], want[i]);
		if (!found)
			return false;
	}
	return true;
}

static bool keep(const void *msg, const void *arg)
{
	const Hd__HcArticle *a = msg;
	const list_ctx *c = arg;
	const Hd__HcListRequest *q = c->q;
	size_t slot;
	const Hd__HcTranslation *tr = hc_translation(a, q->locale, &slot);
	if (!tr || !hc_visible(a, tr, c->who))
		return false;
	if ((q->section_id && a->section_id != q->section_id) ||
	    (q->author_id && a->author_id != q->author_id))
		return false;
	if (q->category_id) {
		bool in = false;
		for (size_t i = 0; !in && i < c->nsections; i++)
			in = c->sections[i] == a->section_id;
		if (!in)
			return false;
	}
	return hc_has_labels(a, q->label_names, q->n_label_names);
}

static int64_t sort_key(const Hd__HcArticle *a, const char *sort_by)
{
	if (!strcmp(sort_by, "created_at"))
		return a->created_at;
	if (!strcmp(sort_by, "updated_at"))
		return a->updated_at;
	return a->position;
}

static int cmp(const void *x, const void *y, void *arg)
{
	const Hd__HcListRequest *q = arg;
	const char *sort_by = q->sort_by;
	const Hd__HcArticleView *va = *(void *const *)x,
				*vb = *(void *const *)y;
	const Hd__HcArticle *a = va->article, *b = vb->article;
	int c = 0;
	if (!strcmp(sort_by, "title")) {
		c = strcmp(a->translations[0]->title,
			   b->translations[0]->title);
	} else {
		int64_t ka = sort_key(a, sort_by), kb = sort_key(b, sort_by);
		c = ka < kb ? -1 : ka > kb;
	}
	if (!c)
		c = a->id < b->id ? -1 : a->id > b->id;
	return strcmp(q->sort_order, "desc") ? c : -c;
}

static bool in_category(const void *msg, const void *arg)
{
	return ((const Hd__HcSection *)msg)->category_id ==
	       *(const uint64_t *)arg;
}

static int collect(hd_txn *t, const hc *h, list_ctx *c, void ***items,
		   size_t *n)
{
	void **secs = NULL;
	size_t nsecs = 0;
	int rc = HD_OK;
	if (c->q->category_id)
		rc = hd_txn_scan_pb(t, h->sections, NULL, 0,
				    &hd__hc_section__descriptor, in_category,
				    &c->q->category_id, &secs, &nsecs);
	c->sections = nsecs ? calloc(nsecs, sizeof *c->sections) : NULL;
	for (size_t i = 0; c->sections && i < nsecs; i++)
		c->sections[c->nsections++] = ((Hd__HcSection *)secs[i])->id;
	hd_pb_free_array(secs, nsecs);
	if (!rc)
		rc = hd_txn_scan_pb(t, h->articles, NULL, 0,
				    &hd__hc_article__descriptor, keep, c, items,
				    n);
	free(c->sections);
	return rc;
}

static int articles_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	const hc *h = hc_of(ctx);
	Hd__HcListRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__hc_list_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	list_ctx c = {q, &req->principal, NULL, 0};
	void **items = NULL;
	size_t n = 0;
	hd_txn t;
	int rc = hd_store_read(h->store, &t);
	if (!rc) {
		rc = collect(&t, h, &c, &items, &n);
		hd_txn_end(&t);
	}
	Hd__HcArticleView **views = calloc(n + 1, sizeof *views);
	size_t nv = 0;
	for (size_t i = 0; !rc && views && i < n; i++) {
		size_t slot;
		hc_translation(items[i], q->locale, &slot);
		views[nv] = hc_view_new(items[i], slot, 0);
		rc = views[nv++] ? HD_OK : HD_E_NOMEM;
	}
	hd_pb_free_array(items, n);
	if (!rc && views) {
		qsort_r(views, nv, sizeof *views, cmp, q);
		size_t from = q->offset < nv ? (size_t)q->offset : nv;
		Hd__HcArticleList l = HD__HC_ARTICLE_LIST__INIT;
		l.articles = views + from;
		l.n_articles = nv - from < q->limit ? nv - from : q->limit;
		l.count = nv;
		rc = hd_pb_pack(&rep->payload, &l);
	}
	hc_views_free(views, nv);
	hd__hc_list_request__free_unpacked(q, NULL);
	return rc ? rc : (views ? HD_OK : HD_E_NOMEM);
}

/* ---- votes ---- */

typedef struct vote_job {
	const hc *h;
	uint64_t article, user;
	int32_t value;
	Hd__HcVoteReply *out;
} vote_job;

static int vote_write(hd_txn *t, void *arg)
{
	vote_job *j = arg;
	Hd__HcArticle *a = NULL;
	int rc = hd_txn_get_pb_id(t, j->h->articles, j->article,
				  &hd__hc_article__descriptor, (void **)&a);
	uint8_t key[16];
	hd_key_u64(key, j->article);
	hd_key_u64(key + 8, j->user);
	MDB_val v;
	Hd__HcVoteReply *old = NULL;
	int g = rc ? rc : hd_txn_get(t, j->h->votes, key, 16, &v);
	if (!rc && !g)
		old = hd__hc_vote_reply__unpack(NULL, v.mv_size, v.mv_data);
	if (!rc && g && g != HD_E_NOTFOUND)
		rc = g;
	int64_t now = hd_now_ms();
	Hd__HcVoteReply *r = j->out;
	r->article_id = j->article;
	r->user_id = j->user;
	r->value = j->value;
	r->updated_at = now;
	r->created_at = old ? old->created_at : now;
	if (!rc && !old)
		rc = hc_next_id(t, j->h, "vote", &r->id);
	else if (old)
		r->id = old->id;
	if (!rc) {
		a->vote_sum += j->value - (old ? old->value : 0);
		a->vote_count += old ? 0 : 1;
		rc = hd_txn_put_pb_id(t, j->h->articles, a->id, a);
	}
	hd_buf b;
	hd_buf_init(&b, 4096);
	if (!rc)
		rc = hd_pb_pack(&b, r);
	if (!rc)
		rc = hd_txn_put(t, j->h->votes, key, 16, b.data, b.len);
	hd_buf_release(&b);
	hd__hc_vote_reply__free_unpacked(old, NULL);
	if (!rc)
		r->article = a;
	else
		hd__hc_article__free_unpacked(a, NULL);
	return rc ? rc : t->rc;
}

static int articles_vote(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (!req->principal.user_id)
		return hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL,
				   "sign in to vote");
	Hd__HcVote *vo = hd__hc_vote__unpack(NULL, req->len, req->payload);
	if (!vo || (vo->value != 1 && vo->value != -1)) {
		hd__hc_vote__free_unpacked(vo, NULL);
		return hd_rpc_fail(rep, HD_E_INVALID, "value",
				   "a vote is up (+1) or down (-1)");
	}
	/* Only articles the voter may read can be voted on. */
	Hd__HcArticle *seen = NULL;
	int rc = hc_article_for(hc_of(ctx), vo->article_id, &req->principal,
				&seen);
	hd__hc_article__free_unpacked(seen, NULL);
	Hd__HcVoteReply r = HD__HC_VOTE_REPLY__INIT;
	vote_job j = {hc_of(ctx), vo->article_id, req->principal.user_id,
		      vo->value, &r};
	if (!rc)
		rc = hd_store_write(hc_of(ctx)->store, vote_write, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &r);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no such article");
	hd__hc_article__free_unpacked(r.article, NULL);
	hd__hc_vote__free_unpacked(vo, NULL);
	return rc;
}

const hd_rpc_route hc_list_routes[] = {
	{"hc.articles.list", articles_list},
	{"hc.articles.vote", articles_vote},
	{NULL, NULL},
};
