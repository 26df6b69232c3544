/* Phrases from postings by a positional merge: the first token's postings
 * ((id, segment) → positions) give the candidate starts; each further
 * token's postings, read in the same key order (or looked up one by one
 * when few candidates are left), keep the starts whose token sits at the
 * phrase's offset in the same segment. Korean words of three or more
 * syllables are phrases of bigrams, so this is the common Korean query:
 * reading postings in order instead of seeking them per ticket is what keeps
 * a common word fast. Same answer as search_phrase_in for every ticket. */
#include "search.h"
#include "search_sets.h"

#include "hd/err.h"
#include "hd/tokenize.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

#define FEW  4096 /* candidates looked up one by one below this */
#define KMAX (1 + HD_TOKEN_MAX_BYTES + 1 + 8 + 4)

typedef struct cand {
	uint64_t id;
	uint32_t seg;
	uint32_t at, n; /* starts: pool[at .. at + n) */
} cand;

typedef struct cands {
	cand *v;
	size_t n, cap;
	uint32_t *pool;
	size_t pn, pcap;
} cands;

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static size_t prefix(uint8_t *pre, char m, const char *tok)
{
	size_t tl = strlen(tok);
	if (tl > HD_TOKEN_MAX_BYTES)
		return 0;
	pre[0] = (uint8_t)m;
	memcpy(pre + 1, tok, tl);
	pre[1 + tl] = 0;
	return tl + 2;
}

/* Is the cursor on a posting of pre? Its id and segment. */
static int posting(const MDB_val *k, const uint8_t *pre, size_t pn,
		   uint64_t *id, uint32_t *seg)
{
	if (k->mv_size != pn + 12 || memcmp(k->mv_data, pre, pn) != 0)
		return 0;
	*id = hd_key_get_u64((const uint8_t *)k->mv_data + pn);
	*seg = u32((const uint8_t *)k->mv_data + pn + 8);
	return 1;
}

/* Is one of within's ids id? (j walks forward) */
static int allowed(const idset *within, size_t *j, uint64_t id)
{
	if (!within)
		return 1;
	while (*j < within->n && within->v[*j].id < id)
		(*j)++;
	return *j < within->n && within->v[*j].id == id;
}

typedef struct token_walk {
	const uint8_t *pre;
	size_t pn;
	const idset *within;
	size_t j; /* first_token: position in within */
	size_t i; /* next_token: position in the candidates */
	size_t kept;
	uint32_t off;
	cands *c;
} token_walk;

static int first_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	token_walk *w = arg;
	cands *c = w->c;
	uint64_t id;
	uint32_t seg;
	if (!posting(k, w->pre, w->pn, &id, &seg))
		return HD_STOP;
	if (!allowed(w->within, &w->j, id))
		return HD_OK;
	size_t np = v->mv_size / 4;
	if (intake_vec_room(&c->v, &c->cap, c->n, sizeof *c->v, 256) ||
	    intake_vec_room(&c->pool, &c->pcap, c->pn + np, sizeof *c->pool,
			    1024))
		return HD_E_NOMEM;
	c->v[c->n++] = (cand){id, seg, (uint32_t)c->pn, (uint32_t)np};
	for (size_t i = 0; i < np; i++)
		c->pool[c->pn++] = u32((const uint8_t *)v->mv_data + 4 * i);
	return HD_OK;
}

static int first_token(const intake *in, hd_txn *t, const uint8_t *pre,
		       size_t pn, const idset *within, cands *c)
{
	token_walk w = {.pre = pre, .pn = pn, .within = within, .c = c};
	return hd_txn_foreach(t, in->search.post, pre, pn, first_one, &w);
}

/* Keep the starts s of e with s + off among positions (ascending). */
static void keep_starts(cands *c, cand *e, const MDB_val *pos, uint32_t off)
{
	const uint8_t *p = pos->mv_data;
	size_t np = pos->mv_size / 4, i = 0, kept = 0;
	uint32_t *s = c->pool + e->at;
	for (uint32_t k = 0; k < e->n; k++) {
		uint32_t want = s[k] + off;
		while (i < np && u32(p + 4 * i) < want)
			i++;
		if (i < np && u32(p + 4 * i) == want)
			s[kept++] = s[k];
	}
	e->n = (uint32_t)kept;
}

static int cmp_pos(const cand *e, uint64_t id, uint32_t seg)
{
	if (e->id != id)
		return e->id < id ? -1 : 1;
	return (e->seg > seg) - (e->seg < seg);
}

static int next_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	token_walk *w = arg;
	cands *c = w->c;
	uint64_t id;
	uint32_t seg;
	if (w->i >= c->n || !posting(k, w->pre, w->pn, &id, &seg))
		return HD_STOP;
	while (w->i < c->n && cmp_pos(&c->v[w->i], id, seg) < 0)
		w->i++; /* candidates this token misses */
	if (w->i < c->n && cmp_pos(&c->v[w->i], id, seg) == 0) {
		cand e = c->v[w->i++];
		keep_starts(c, &e, v, w->off);
		if (e.n)
			c->v[w->kept++] = e;
	}
	return HD_OK;
}

/* Narrow the candidates by one more token at offset off. */
static int next_token(const intake *in, hd_txn *t, const uint8_t *pre,
		      size_t pn, uint32_t off, cands *c)
{
	size_t kept = 0;
	if (c->n < FEW) { /* few left: look each one up */
		uint8_t key[KMAX];
		memcpy(key, pre, pn);
		for (size_t i = 0; i < c->n; i++) {
			cand e = c->v[i];
			MDB_val v;
			hd_key_u64(key + pn, e.id);
			for (int b = 0; b < 4; b++)
				key[pn + 8 + b] =
					(uint8_t)(e.seg >> (24 - 8 * b));
			if (hd_txn_get(t, in->search.post, key, pn + 12, &v))
				continue;
			keep_starts(c, &e, &v, off);
			if (e.n)
				c->v[kept++] = e;
		}
		c->n = kept;
		return t->rc;
	}
	token_walk w = {.pre = pre, .pn = pn, .off = off, .c = c};
	int rc = hd_txn_foreach(t, in->search.post, pre, pn, next_one, &w);
	c->n = w.kept;
	return rc;
}

/* Ids (ascending) holding the phrase in text marked m, scored s. */
static int phrase_marked(const intake *in, hd_txn *t, char m,
			 const sq_term *term, const idset *within, double s,
			 idset *out)
{
	cands c = {0};
	uint8_t pre[KMAX];
	size_t pn = prefix(pre, m, term->tok[0]);
	if (!pn)
		return HD_OK;
	int rc = first_token(in, t, pre, pn, within, &c);
	for (size_t k = 1; k < term->ntok && !rc && c.n; k++) {
		if (!(pn = prefix(pre, m, term->tok[k]))) {
			c.n = 0;
			break;
		}
		rc = next_token(in, t, pre, pn, term->pos[k] - term->pos[0],
				&c);
	}
	for (size_t i = 0; i < c.n && !rc; i++)
		if (!out->n || out->v[out->n - 1].id != c.v[i].id)
			rc = idset_push(out, c.v[i].id, s);
	free(c.v);
	free(c.pool);
	return rc;
}

int search_phrase_set(const intake *in, hd_txn *t, const sq_term *term,
		      int staff, const idset *within, idset *out)
{
	int rc = phrase_marked(in, t, SEARCH_PUBLIC, term, within, 1.0, out);
	if (!rc && staff) {
		idset priv = {0};
		rc = phrase_marked(in, t, SEARCH_PRIVATE, term, within, 0.5,
				   &priv);
		if (!rc && priv.n)
			rc = idset_or(out, &priv);
		idset_release(&priv);
	}
	return rc;
}

int search_phrase_marked(const intake *in, hd_txn *t, char m,
			 const sq_term *term, idset *out)
{
	return phrase_marked(in, t, m, term, NULL, 1.0, out);
}
