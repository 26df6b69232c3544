/* kbsearch: ranking. Each distinct query term's postings are read once in
 * key order, which is document-id order; the term's document frequency is
 * the number of postings, so idf needs no second pass. The per-term lists
 * (id, idf × saturated frequency) are then merged by id — sequential
 * memory, no hash table — summing each document's score, counting every
 * match and keeping the page wanted in a bounded heap. */
#include "kbsearch_int.h"

#include "hd/err.h"

#include <math.h>
#include <stdlib.h>

#define MAX_QUERY_TERMS 32

typedef struct qterms {
	char text[MAX_QUERY_TERMS][HD_TOKEN_MAX_BYTES];
	uint8_t len[MAX_QUERY_TERMS];
	size_t n;
} qterms;

static int add_qterm(void *arg, const char *tok, size_t len, uint32_t pos)
{
	(void)pos;
	qterms *q = arg;
	if (!len || len > HD_TOKEN_MAX_BYTES || q->n == MAX_QUERY_TERMS)
		return HD_OK;
	for (size_t i = 0; i < q->n; i++)
		if (q->len[i] == len && memcmp(q->text[i], tok, len) == 0)
			return HD_OK;
	memcpy(q->text[q->n], tok, len);
	q->len[q->n++] = (uint8_t)len;
	return HD_OK;
}

/* ---- one term's postings ---- */

typedef struct term_hits {
	kbs_hit *v;
	size_t n, cap;
} term_hits;

typedef struct ranker {
	const kbs_query *q;
	double avg[KBS_MAX_FIELDS];
	uint64_t docs;
	term_hits th[MAX_QUERY_TERMS]; /* one sorted list per term */
	size_t nterms;
} ranker;

/* BM25F's pseudo-frequency of one posting entry, saturated. */
static double saturated(const ranker *rk, const uint8_t *v)
{
	double tf = 0;
	for (size_t f = 0; f < KBS_MAX_FIELDS; f++) {
		const uint8_t *p = v + KBS_ENTRY_TF + 3 * f;
		double w = rk->q->weights[f];
		unsigned c = p[0];
		if (!w || !c)
			continue;
		double len = (unsigned)p[1] << 8 | p[2];
		double norm = 1 - KBS_B + KBS_B * len / rk->avg[f];
		tf += w * c / norm;
	}
	return tf / (KBS_K1 + tf);
}

static int th_push(term_hits *th, uint64_t id, double s)
{
	if (th->n == th->cap) {
		size_t cap = th->cap ? th->cap * 2 : 256;
		kbs_hit *v = realloc(th->v, cap * sizeof *v);
		if (!v)
			return HD_E_NOMEM;
		th->v = v;
		th->cap = cap;
	}
	th->v[th->n++] = (kbs_hit){id, s};
	return HD_OK;
}

typedef struct term_walk {
	ranker *rk;
	term_hits *th;
	size_t plen;
	uint64_t df;
} term_walk;

/* One posting block of the term: its entries that pass the flags. */
static int block_hits(void *arg, const MDB_val *k, const MDB_val *v)
{
	term_walk *w = arg;
	if (k->mv_size != w->plen + 8)
		return HD_STOP;
	const uint8_t *val = v->mv_data;
	size_t n = v->mv_size >= 4 ? kbs_get_u32(val) : 0;
	if (v->mv_size != 4 + n * KBS_ENTRY)
		return HD_E_CORRUPT;
	w->df += n;
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		const uint8_t *en = val + 4 + i * KBS_ENTRY;
		uint32_t flags = kbs_get_u32(en + 8);
		if ((flags & w->rk->q->flags_mask) == w->rk->q->flags_value)
			rc = th_push(w->th, hd_key_get_u64(en),
				     saturated(w->rk, en));
	}
	return rc;
}

static int score_term(hd_txn *t, const kbs *e, ranker *rk, const char *word,
		      size_t tlen)
{
	uint8_t pk[KBS_KEY_CAP];
	size_t plen = kbs_term_prefix(pk, rk->q->kind, word, tlen);
	term_walk w = {rk, &rk->th[rk->nterms++], plen, 0};
	int rc = hd_txn_foreach(t, e->post, pk, plen, block_hits, &w);
	uint64_t df = w.df;
	term_hits *th = w.th;
	double N = (double)(rk->docs > df ? rk->docs : df);
	double idf = log(1 + (N - (double)df + 0.5) / ((double)df + 0.5));
	for (size_t i = 0; i < th->n; i++)
		th->v[i].score *= idf;
	return rc;
}

/* ---- picking the page ---- */

/* a ranks before b: higher score, then lower id (stable across calls). */
static bool before(const kbs_hit *a, const kbs_hit *b)
{
	return a->score > b->score || (a->score == b->score && a->id < b->id);
}

/* Min-heap on rank: the root is the worst of the k best so far. */
static void sift_down(kbs_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t w = i, l = 2 * i + 1, r = l + 1;
		if (l < n && before(&h[w], &h[l]))
			w = l;
		if (r < n && before(&h[w], &h[r]))
			w = r;
		if (w == i)
			return;
		kbs_hit tmp = h[i];
		h[i] = h[w];
		h[w] = tmp;
		i = w;
	}
}

static void sift_up(kbs_hit *h, size_t i)
{
	while (i > 0 && before(&h[(i - 1) / 2], &h[i])) {
		kbs_hit tmp = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static int by_rank(const void *a, const void *b)
{
	return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/* Keep h if it belongs among the best k (heap of n so far). */
static void offer(kbs_hit *heap, size_t *n, size_t k, kbs_hit h)
{
	if (*n < k) {
		heap[(*n)++] = h;
		sift_up(heap, *n - 1);
	} else if (k && before(&h, &heap[0])) {
		heap[0] = h;
		sift_down(heap, *n, 0);
	}
}

static int pick_page(hd_txn *t, ranker *rk, kbs_result *res)
{
	const kbs_query *q = rk->q;
	size_t k = q->offset + q->limit, n = 0, pos[MAX_QUERY_TERMS] = {0};
	kbs_hit *heap = malloc((k ? k : 1) * sizeof *heap);
	if (!heap)
		return HD_E_NOMEM;
	for (;;) {
		uint64_t id = UINT64_MAX;
		bool any = false;
		for (size_t i = 0; i < rk->nterms; i++)
			if (pos[i] < rk->th[i].n &&
			    rk->th[i].v[pos[i]].id <= id) {
				id = rk->th[i].v[pos[i]].id;
				any = true;
			}
		if (!any)
			break;
		kbs_hit h = {id, 0};
		for (size_t i = 0; i < rk->nterms; i++)
			if (pos[i] < rk->th[i].n &&
			    rk->th[i].v[pos[i]].id == id)
				h.score += rk->th[i].v[pos[i]++].score;
		if (q->accept && !q->accept(q->accept_arg, t, id))
			continue;
		res->total++;
		offer(heap, &n, k, h);
	}
	qsort(heap, n, sizeof *heap, by_rank);
	size_t from = q->offset < n ? q->offset : n;
	memmove(heap, heap + from, (n - from) * sizeof *heap);
	res->hits = heap;
	res->n = n - from;
	return HD_OK;
}

int kbs_search(hd_txn *t, const kbs *e, const kbs_query *q, kbs_result *res)
{
	memset(res, 0, sizeof *res);
	if (!q->kind || !*q->kind || strlen(q->kind) > KBS_MAX_KIND)
		return HD_E_INVALID;
	qterms terms = {.n = 0};
	int rc = hd_tokenize(q->text, q->len, add_qterm, &terms);
	ranker rk = {.q = q};
	uint64_t lens[KBS_MAX_FIELDS];
	if (!rc)
		rc = kbs_stats_get(t, e, q->kind, &rk.docs, lens);
	for (size_t f = 0; f < KBS_MAX_FIELDS; f++) {
		double avg = rk.docs ? (double)lens[f] / (double)rk.docs : 0;
		rk.avg[f] = avg > 0 ? avg : 1;
	}
	for (size_t i = 0; !rc && i < terms.n; i++)
		rc = score_term(t, e, &rk, terms.text[i], terms.len[i]);
	if (!rc)
		rc = pick_page(t, &rk, res);
	for (size_t i = 0; i < rk.nterms; i++)
		free(rk.th[i].v);
	return rc;
}

void kbs_result_release(kbs_result *res)
{
	free(res->hits);
	memset(res, 0, sizeof *res);
}
