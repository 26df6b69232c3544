/* Answering a query from the bitmap postings (search_bits.c) when every
 * term has one: words, word prefixes and phrases (search_phrase_bits.c),
 * status and priority
 * (any comparison), single-valued fields and their negations. The match is
 * a dense bitmap over the shard's ticket sequence numbers built with
 * word-wise AND / OR / AND NOT, the count is its popcount, and only the
 * page's candidates become ids: by relevance the best scores from the
 * newest down (a score is 1.0 per word in public segment 0, else 0.5),
 * by created_at / updated_at the date postings walked in order until the
 * page is full (when matches are not too sparse), by status / priority one
 * ordinal at a time. Sparse matches by date and the other orders hand
 * every matching id to search_plan.c's page code, as before. Costs grow with tickets / 64 words per term, never with
 * a key per posting. */
#include "search_bitq.h"
#include "search_bits.h"

#include "hd/err.h"
#include "hd/store_iter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPARSE 64 /* a sparser match is read whole for a date order */

typedef struct bq {
	const intake *in;
	hd_txn *t;
	const sq_query *q;
	int staff;
	size_t nw;
	bitmap r;
	bitmap seg0[SQ_MAX_TOKENS]; /* one per positive word */
	size_t nwords;
} bq;

static int alloc_map(bq *b, bitmap *m)
{
	m->nw = b->nw;
	m->w = calloc(b->nw ? b->nw : 1, sizeof *m->w);
	return m->w ? HD_OK : HD_E_NOMEM;
}

static int or_prefix(bq *b, const uint8_t *pre, size_t pn, bitmap *m)
{
	return search_bits_or(b->in, b->t, pre, pn, m);
}

static int or_field(bq *b, enum sq_kind kind, const char *value, bitmap *m)
{
	uint8_t pre[SEARCH_FIELD_KEY_MAX];
	size_t pn = search_field_key(pre, kind, value, 0) - 8;
	return or_prefix(b, pre, pn, m);
}

/* marker ‖ token ‖ 0x00, or every marker ‖ token… ‖ 0x00 (prefix). */
static int or_token(bq *b, char marker, const sq_term *t, bitmap *m)
{
	uint8_t pre[2 + HD_TOKEN_MAX_BYTES];
	const char *tok = t->tok[0];
	size_t tl = strlen(tok);
	if (tl > HD_TOKEN_MAX_BYTES)
		return HD_OK; /* never indexed: no postings */
	pre[0] = (uint8_t)marker;
	memcpy(pre + 1, tok, tl);
	pre[1 + tl] = 0;
	if (t->prefix)
		return search_bits_or_prefix(b->in, b->t, pre, tl + 1, 1, m);
	return or_prefix(b, pre, tl + 2, m);
}

static int supported(const sq_term *t)
{
	char buf[32];
	switch (t->kind) {
	case SQ_TYPE:
	case SQ_STATUS:
	case SQ_PRIORITY:
		return 1;
	case SQ_TEXT:
		return t->ntok >= 1; /* words, prefixes and phrases */
	case SQ_TICKET_TYPE:
	case SQ_RECIPIENT:
	case SQ_SATISFACTION:
	case SQ_EXTERNAL_ID:
	case SQ_TAGS:
	case SQ_VIA:
		return 1; /* values are copied: always one */
	default:
		return search_single_value(t, buf, sizeof buf) != NULL;
	}
}

/* The set of one field term into m (an OR: a group adds to it). */
static int field_bits(bq *b, const sq_term *t, bitmap *m)
{
	char num[16];
	int top = t->kind == SQ_STATUS ? 5 : 4, rc = HD_OK;
	if (t->kind == SQ_STATUS || t->kind == SQ_PRIORITY) {
		/* search_plan.c's ordinal_set, as bitmaps */
		for (int o = -1; o <= top && !rc; o++) {
			if (!sq_ordinal_in(t, o))
				continue;
			snprintf(num, sizeof num, "%d", o);
			rc = or_field(b, t->kind, num, m);
		}
		return rc;
	}
	size_t cap = strlen(t->value ? t->value : "") + 32;
	char *buf = malloc(cap);
	if (!buf)
		return HD_E_NOMEM;
	const char *v = search_single_value(t, buf, cap);
	rc = v ? or_field(b, t->kind, v, m) : HD_OK;
	free(buf);
	return rc;
}

static int text_bits(bq *b, const sq_term *t, bitmap *m)
{
	if (t->ntok > 1) { /* a phrase: public, or a staff's notes */
		int rc = search_phrase_bits(b->in, b->t, SEARCH_PUBLIC, t,
					    b->nw, m);
		if (!rc && b->staff)
			rc = search_phrase_bits(b->in, b->t, SEARCH_PRIVATE, t,
						b->nw, m);
		return rc;
	}
	int rc = or_token(b, SEARCH_PUBLIC, t, m);
	if (!rc && b->staff)
		rc = or_token(b, SEARCH_PRIVATE, t, m);
	return rc;
}

static void and_map(bitmap *r, const bitmap *m, int negate)
{
	for (size_t i = 0; i < r->nw; i++)
		r->w[i] &= negate ? ~m->w[i] : m->w[i];
}

/* r ∩= (or −=) the term's set. */
static int narrow(bq *b, const sq_term *t, int negate)
{
	bitmap m;
	int rc = alloc_map(b, &m);
	if (!rc)
		rc = t->kind == SQ_TEXT ? text_bits(b, t, &m)
					: field_bits(b, t, &m);
	if (!rc)
		and_map(&b->r, &m, negate);
	free(m.w);
	return rc;
}

static int grouped(const sq_term *t)
{
	return t->kind != SQ_TEXT && t->kind != SQ_CUSTOM &&
	       t->kind != SQ_TYPE && t->op == SQ_EQ && !t->neg;
}

/* One positive field group: the same keyword repeated with ':' ORs. */
static int narrow_group(bq *b, enum sq_kind kind)
{
	bitmap u;
	int rc = alloc_map(b, &u);
	for (size_t i = 0; i < b->q->n && !rc; i++)
		if (b->q->terms[i].kind == kind && grouped(&b->q->terms[i]))
			rc = field_bits(b, &b->q->terms[i], &u);
	if (!rc)
		and_map(&b->r, &u, 0);
	free(u.w);
	return rc;
}

static int evaluate(bq *b, const hd_principal *who)
{
	const sq_query *q = b->q;
	int rc = alloc_map(b, &b->r), done[SQ_NKINDS] = {0};
	const uint8_t all[1] = {BITS_ALL};
	if (!rc)
		rc = or_prefix(b, all, 1, &b->r);
	if (!rc && !b->staff) {
		char num[24];
		snprintf(num, sizeof num, "%llu",
			 (unsigned long long)who->user_id);
		bitmap m;
		if (!(rc = alloc_map(b, &m)) &&
		    !(rc = or_field(b, SQ_REQUESTER, num, &m)))
			and_map(&b->r, &m, 0);
		free(m.w);
	}
	for (size_t i = 0; i < q->n && !rc; i++) {
		const sq_term *t = &q->terms[i];
		if (t->kind == SQ_TYPE)
			continue; /* the caller decided: type:ticket is all */
		if (grouped(t)) {
			if (!done[t->kind]++)
				rc = narrow_group(b, t->kind);
			continue;
		}
		rc = narrow(b, t, t->neg);
		if (!rc && t->kind == SQ_TEXT && !t->neg) {
			bitmap *s = &b->seg0[b->nwords];
			/* scored 1.0: a word in public segment 0, a phrase in
			 * any public text (search_phrase_set's scores) */
			if (!(rc = alloc_map(b, s)))
				rc = t->ntok > 1
					     ? search_phrase_bits(b->in, b->t,
								  SEARCH_PUBLIC,
								  t, b->nw, s)
					     : or_token(b, BITS_SEG0, t, s);
			b->nwords++;
		}
	}
	return rc;
}

static uint64_t id_of(const intake *in, uint64_t seq)
{
	return seq << INTAKE_SHARD_BITS | in->shard;
}

static int has(const bitmap *m, uint64_t seq)
{
	return seq / 64 < m->nw && (m->w[seq / 64] >> (seq % 64) & 1);
}

/* How many positive words hold seq in public segment 0. */
static size_t seg0_hits(const bq *b, uint64_t seq)
{
	size_t n = 0;
	for (size_t i = 0; i < b->nwords; i++)
		n += (size_t)has(&b->seg0[i], seq);
	return n;
}

static double score_of(const bq *b, uint64_t seq)
{
	size_t s = seg0_hits(b, seq);
	return (double)s + 0.5 * (double)(b->nwords - s);
}

/* Every match, with its relevance. */
static int every(const bq *b, idset *out)
{
	int rc = HD_OK;
	for (size_t i = 0; i < b->r.nw && !rc; i++)
		for (uint64_t w = b->r.w[i]; w && !rc; w &= w - 1) {
			uint64_t seq = i * 64 + (uint64_t)__builtin_ctzll(w);
			rc = idset_push(out, id_of(b->in, seq),
					score_of(b, seq));
		}
	return rc;
}

/* By relevance (always newest first among equals): whole score levels
 * from the best down, each newest first, until limit are taken. */
static int by_relevance(const bq *b, uint32_t limit, idset *out)
{
	int rc = HD_OK;
	for (size_t lvl = b->nwords + 1; lvl-- > 0 && out->n < limit;)
		for (size_t i = b->r.nw; i-- > 0 && out->n < limit && !rc;)
			for (uint64_t w = b->r.w[i];
			     w && out->n < limit && !rc;) {
				unsigned bit =
					63 - (unsigned)__builtin_clzll(w);
				uint64_t seq = i * 64 + bit;
				w &= ~(UINT64_C(1) << bit);
				if (seg0_hits(b, seq) == lvl)
					rc = idset_push(out, id_of(b->in, seq),
							score_of(b, seq));
			}
	return rc;
}

typedef struct date_walk {
	const bq *b;
	uint32_t limit;
	idset *out;
} date_walk;

static int date_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	date_walk *w = arg;
	if (w->out->n >= w->limit || k->mv_size != SEARCH_DATE_KEY)
		return HD_STOP;
	uint64_t id = hd_key_get_u64((const uint8_t *)k->mv_data + 10);
	return has(&w->b->r, id >> INTAKE_SHARD_BITS)
		       ? idset_push(w->out, id, 0)
		       : HD_OK;
}

/* By a time: its date postings in order, the first limit matches. */
static int by_date(const bq *b, enum sq_kind kind, int desc, uint32_t limit,
		   idset *out)
{
	uint8_t key[2] = {'D', (uint8_t)('a' + kind)};
	date_walk w = {b, limit, out};
	return hd_txn_foreach_from(b->t, b->in->search.fields, key, sizeof key,
				   NULL, 0, desc, date_one, &w);
}

/* By status or priority: one ordinal's matches at a time, in id order. */
static int by_ordinal(bq *b, enum sq_kind kind, int desc, uint32_t limit,
		      idset *out)
{
	int top = kind == SQ_STATUS ? 5 : 4, rc = HD_OK;
	char num[16];
	for (int j = 0; j <= top + 1 && out->n < limit && !rc; j++) {
		int o = desc ? top - j : j - 1;
		bitmap m;
		snprintf(num, sizeof num, "%d", o);
		if (!(rc = alloc_map(b, &m)))
			rc = or_field(b, kind, num, &m);
		if (!rc)
			and_map(&m, &b->r, 0);
		for (size_t n = 0; n < m.nw && out->n < limit && !rc; n++) {
			size_t i = desc ? m.nw - 1 - n : n;
			for (uint64_t w = m.w[i]; w && out->n < limit && !rc;) {
				unsigned bit =
					desc ? 63 - (unsigned)__builtin_clzll(w)
					     : (unsigned)__builtin_ctzll(w);
				w &= ~(UINT64_C(1) << bit);
				rc = idset_push(out, id_of(b->in, i * 64 + bit),
						0);
			}
		}
		free(m.w);
	}
	return rc;
}

static size_t popcount(const bitmap *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nw; i++)
		n += (size_t)__builtin_popcountll(m->w[i]);
	return n;
}

int search_bitq(const intake *in, hd_txn *t, const sq_query *q, int staff,
		const hd_principal *who, const char *by, int desc,
		uint32_t limit, idset *cand, uint64_t *count, int *used)
{
	*used = 0;
	size_t words = 0;
	for (size_t i = 0; i < q->n; i++) {
		if (!supported(&q->terms[i]))
			return HD_OK;
		words += q->terms[i].kind == SQ_TEXT && !q->terms[i].neg;
	}
	if (words > SQ_MAX_TOKENS || !search_bits_ready(in, t))
		return HD_OK;
	bq b = {.in = in, .t = t, .q = q, .staff = staff};
	int rc = search_bits_universe(in, t, &b.nw);
	if (!rc)
		rc = evaluate(&b, who);
	if (!rc) {
		*count = popcount(&b.r);
		*used = 1;
	}
	int relevance = !by[0] || strcmp(by, "relevance") == 0;
	/* A date walk meets a match every 1 / density keys: walk only a
	 * dense match (at most SPARSE keys per page entry). */
	int dense = *count * SPARSE >= b.nw * 64;
	int date =
		strcmp(by, "created_at") == 0 || strcmp(by, "updated_at") == 0;
	if (rc || !limit)
		;
	else if (date && !dense)
		rc = every(&b, cand);
	else if (relevance && desc)
		rc = by_relevance(&b, limit, cand);
	else if (strcmp(by, "created_at") == 0)
		rc = by_date(&b, SQ_CREATED, desc, limit, cand);
	else if (strcmp(by, "updated_at") == 0)
		rc = by_date(&b, SQ_UPDATED, desc, limit, cand);
	else if (strcmp(by, "status") == 0)
		rc = by_ordinal(&b, SQ_STATUS, desc, limit, cand);
	else if (strcmp(by, "priority") == 0)
		rc = by_ordinal(&b, SQ_PRIORITY, desc, limit, cand);
	else
		rc = every(&b, cand);
	idset_normalize(cand);
	free(b.r.w);
	for (size_t i = 0; i < b.nwords; i++)
		free(b.seg0[i].w);
	return rc;
}
