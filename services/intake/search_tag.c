/* Candidates for a tags: query. Tags are indexed as public text of segment 0
 * (search_index.c adds them before subject and description, so a huge
 * description never crowds them out of a segment), so the tickets whose
 * postings hold any one token of a tag are a superset of those carrying it;
 * doc_matches() then checks the tag itself. The rarest token makes the
 * smallest superset; postings are counted with a growing cap so a common
 * token ("bench" in bench_07) is never read to the end. */
#include "search.h"

#include "hd/err.h"
#include "hd/tokenize.h"

#include <stdint.h>
#include <string.h>

typedef struct tag_toks {
	char tok[SQ_MAX_TOKENS][HD_TOKEN_MAX_BYTES + 1];
	size_t n;
} tag_toks;

static int keep_token(void *arg, const char *tok, size_t len, uint32_t pos)
{
	(void)pos;
	tag_toks *tt = arg;
	if (tt->n == SQ_MAX_TOKENS || len > HD_TOKEN_MAX_BYTES)
		return HD_E_TOOBIG;
	memcpy(tt->tok[tt->n], tok, len);
	tt->tok[tt->n++][len] = 0;
	return HD_OK;
}

typedef struct counting {
	size_t pn, cap, n;
} counting;

static int count_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	counting *c = arg;
	if (c->n >= c->cap || k->mv_size < c->pn + 12)
		return HD_STOP;
	c->n++;
	return HD_OK;
}

/* Public postings of tok, counting no further than cap. */
static size_t count_postings(const intake *in, hd_txn *t, const char *tok,
			     size_t cap)
{
	uint8_t pre[HD_TOKEN_MAX_BYTES + 2];
	size_t len = strlen(tok), pn = len + 2;
	pre[0] = SEARCH_PUBLIC;
	memcpy(pre + 1, tok, len);
	pre[1 + len] = 0;
	counting c = {pn, cap, 0};
	if (hd_txn_foreach(t, in->search.post, pre, pn, count_one, &c))
		return cap;
	return c.n;
}

/* The query's one positive tags:value term, or NULL. Two tags terms OR
 * (tags:a tags:b), so one tag's postings would miss the other's tickets. */
static const sq_term *only_tag(const sq_query *q)
{
	const sq_term *found = NULL;
	for (size_t i = 0; i < q->n; i++) {
		const sq_term *t = &q->terms[i];
		if (t->kind != SQ_TAGS || t->neg)
			continue;
		if (found || t->op != SQ_EQ || strcmp(t->value, "none") == 0)
			return NULL;
		found = t;
	}
	return found;
}

int search_tag_token(const intake *in, hd_txn *t, const sq_query *q, char *out,
		     size_t cap)
{
	const sq_term *term = only_tag(q);
	tag_toks tt = {.n = 0};
	if (!term ||
	    hd_tokenize(term->value, strlen(term->value), keep_token, &tt) !=
		    HD_OK ||
	    !tt.n)
		return HD_E_NOTFOUND;
	size_t best = 0;
	for (size_t limit = 256;;
	     limit = limit < SIZE_MAX / 16 ? limit * 16 : SIZE_MAX) {
		size_t best_n = SIZE_MAX;
		for (size_t i = 0; i < tt.n; i++) {
			size_t n = count_postings(in, t, tt.tok[i], limit);
			if (n < best_n) {
				best_n = n;
				best = i;
			}
		}
		if (best_n < limit || limit == SIZE_MAX)
			break;
	}
	if (strlen(tt.tok[best]) >= cap)
		return HD_E_TOOBIG;
	memcpy(out, tt.tok[best], strlen(tt.tok[best]) + 1);
	return HD_OK;
}
