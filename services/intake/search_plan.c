/* Answering a query from postings alone (search_fields.c, search_index.c):
 * each term becomes a sorted id set (a field value's postings, a union of
 * them for status<solved or a date range, a token's postings with how well
 * it matched for relevance), the query is their intersection, less each
 * negated term's set (leapfrogging a posting list instead of reading it
 * when it is one list), the page is chosen by the sort key (relevance from
 * the postings, other keys from the 'K' records) with a bounded heap, and
 * only the page's tickets are decoded. The count is the set's size. */
#include "search.h"
#include "search_bitq.h"
#include "search_sets.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"
#include "hd/tokenize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HD_COUNTER(decoded, "hd_intake_search_tickets_decoded_total",
	   "Tickets (or search docs) decoded to answer search.tickets.");
HD_COUNTER(planned, "hd_intake_search_postings_total",
	   "Searches answered from the postings.");
HD_COUNTER(bitmaps, "hd_intake_search_bitmaps_total",
	   "Searches answered from the bitmap postings (search_bits.c).");
HD_COUNTER(scanned, "hd_intake_search_scans_total",
	   "Searches answered by reading every candidate doc (postings not "
	   "built yet).");
HD_COUNTER(verified, "hd_intake_search_verified_total",
	   "Searches answered both ways (HD_SEARCH_VERIFY) and compared.");
HD_COUNTER(mismatch, "hd_intake_search_verify_mismatches_total",
	   "Searches whose postings answer differed from the scan's.");

/* Per thread on purpose: the verifying scan running on this thread does
 * not count its decodes; other threads' searches still do. */
static _Thread_local int quiet;

#define VALUE_BUF 4200 /* a query is at most 4096 bytes (search.c) */

void search_count_decode(void)
{
	if (!quiet)
		hd_counter_add(&decoded, 1);
}

typedef struct plan {
	const intake *in;
	hd_txn *t;
	const sq_query *q;
	const hd_principal *who;
	int staff;
	idset r;
	int have;    /* r holds the set so far (else: every ticket) */
	int fielded; /* a field's postings narrowed r: all indexed tickets */
} plan;

/* ---- one term's set ---- */

static size_t field_prefix(uint8_t *pre, enum sq_kind kind, const char *value)
{
	/* search_field_key's layout without the id */
	return search_field_key(pre, kind, value, 0) - 8;
}

static int read_value(plan *p, enum sq_kind kind, const char *value, idset *out)
{
	uint8_t pre[SEARCH_FIELD_KEY_MAX];
	size_t pn = field_prefix(pre, kind, value);
	return idset_read(p->t, p->in->search.fields, pre, pn, 0, out);
}

static int read_all(plan *p, idset *out)
{
	const uint8_t pre[1] = {'K'};
	return idset_read(p->t, p->in->search.fields, pre, 1, 0, out);
}

/* Ids whose time of kind is in [lo, hi), never 0 unless zero (none). */
typedef struct date_walk {
	int64_t hi;
	int zero;
	idset *out;
} date_walk;

static int date_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	date_walk *w = arg;
	const uint8_t *b = k->mv_data;
	if (k->mv_size != SEARCH_DATE_KEY)
		return HD_STOP;
	int64_t ms = (int64_t)(hd_key_get_u64(b + 2) ^ (UINT64_C(1) << 63));
	if (ms >= w->hi)
		return HD_STOP;
	return ms != 0 || w->zero
		       ? idset_push(w->out, hd_key_get_u64(b + 10), 0)
		       : HD_OK;
}

static int read_dates(plan *p, enum sq_kind kind, int64_t lo, int64_t hi,
		      int zero, idset *out)
{
	uint8_t key[SEARCH_DATE_KEY];
	if (lo >= hi)
		return HD_OK;
	search_date_key(key, kind, lo, 0);
	date_walk w = {hi, zero, out};
	int rc = hd_txn_foreach_from(p->t, p->in->search.fields, key, 2, key,
				     sizeof key, false, date_one, &w);
	idset_normalize(out);
	return rc;
}

static int date_set(plan *p, const sq_term *t, idset *out)
{
	const int64_t min = INT64_MIN, max = INT64_MAX;
	int64_t lo = t->lo_ms, hi = t->hi_ms;
	int rel = lo == hi;
	if (lo == 0 && hi == 0) /* none */
		return t->op == SQ_EQ ? read_dates(p, t->kind, 0, 1, 1, out)
				      : HD_OK;
	switch (t->op) {
	case SQ_LT:
		return read_dates(p, t->kind, min, lo, 0, out);
	case SQ_LE:
		return read_dates(p, t->kind, min, rel ? lo + 1 : hi, 0, out);
	case SQ_GT:
		return read_dates(p, t->kind, rel ? lo + 1 : hi, max, 0, out);
	case SQ_GE:
		return read_dates(p, t->kind, lo, max, 0, out);
	default:
		return read_dates(p, t->kind, lo, rel ? max : hi, 0, out);
	}
}

/* status and priority: the union of the ordinals that compare true. */
static int ordinal_set(plan *p, const sq_term *t, int top, idset *out)
{
	char num[16];
	int rc = HD_OK;
	for (int o = -1; o <= top && !rc; o++) {
		if (!sq_ordinal_in(t, o))
			continue;
		snprintf(num, sizeof num, "%d", o);
		rc = read_value(p, t->kind, num, out);
	}
	idset_normalize(out);
	return rc;
}

static int flagged(const char *v)
{
	return strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	       strcmp(v, "checked") == 0;
}

static int custom_set(plan *p, const sq_term *t, idset *out)
{
	char *v = NULL;
	int none = strcmp(t->value, "none") == 0, rc = HD_OK;
	size_t n = strlen(t->value) + 48;
	if (!(v = malloc(n)))
		return HD_E_NOMEM;
	unsigned long long fid = (unsigned long long)t->id;
	snprintf(v, n, "%llu:%s", fid, t->value); /* text fields */
	rc = read_value(p, SQ_CUSTOM, v, out);
	snprintf(v, n, "%llu:%s", fid,
		 flagged(t->value) ? SEARCH_CF_TRUE : SEARCH_CF_FALSE);
	if (!rc)
		rc = read_value(p, SQ_CUSTOM, v, out);
	if (!rc && !none) {
		snprintf(v, n, "%llu:" SEARCH_CF_TAG "%s", fid, t->value);
		rc = read_value(p, SQ_CUSTOM, v, out);
	}
	if (!rc && none) {
		idset all = {0}, has = {0};
		snprintf(v, n, "%llu:%s", fid, SEARCH_CF_EMPTY);
		rc = read_value(p, SQ_CUSTOM, v, out);
		snprintf(v, n, "%llu:%s", fid, SEARCH_CF_HAS);
		if (!rc)
			rc = read_all(p, &all);
		if (!rc)
			rc = read_value(p, SQ_CUSTOM, v, &has);
		idset_not(&all, &has);
		idset_normalize(out);
		if (!rc)
			rc = idset_or(out, &all);
		idset_release(&all);
		idset_release(&has);
	}
	free(v);
	idset_normalize(out);
	return rc;
}

/* The single posting value of a field term, or NULL when its set is a
 * union (ordinals, dates, custom fields, every ticket). */
const char *search_single_value(const sq_term *t, char *buf, size_t cap)
{
	const char *v = t->value;
	int none = strcmp(v, "none") == 0;
	switch (t->kind) {
	case SQ_TICKET_TYPE:
	case SQ_RECIPIENT:
	case SQ_SATISFACTION:
	case SQ_EXTERNAL_ID:
		snprintf(buf, cap, "%s", none ? "" : v);
		if (t->kind == SQ_RECIPIENT)
			for (char *c = buf; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c + 32);
		return buf;
	case SQ_ASSIGNEE:
	case SQ_REQUESTER:
	case SQ_SUBMITTER:
	case SQ_CC:
	case SQ_GROUP:
	case SQ_ORG:
	case SQ_FORM:
	case SQ_BRAND:
		snprintf(buf, cap, "%llu", (unsigned long long)t->id);
		return buf;
	case SQ_TAGS:
		return none ? SEARCH_NO_TAGS : v;
	case SQ_VIA:
		return v;
	default:
		return NULL;
	}
}

static int field_set(plan *p, const sq_term *t, idset *out)
{
	char buf[VALUE_BUF];
	const char *v = search_single_value(t, buf, sizeof buf);
	if (v)
		return read_value(p, t->kind, v, out);
	switch (t->kind) {
	case SQ_STATUS:
		return ordinal_set(p, t, 5, out);
	case SQ_PRIORITY:
		return ordinal_set(p, t, 4, out);
	case SQ_CREATED:
	case SQ_UPDATED:
	case SQ_SOLVED:
	case SQ_DUE:
		return date_set(p, t, out);
	case SQ_CUSTOM:
		return custom_set(p, t, out);
	case SQ_TYPE:
		return strcmp(t->value, "ticket") == 0 ? read_all(p, out)
						       : HD_OK;
	default:
		return HD_OK;
	}
}

typedef struct token_walk {
	char m;
	size_t pn;
	idset *out;
} token_walk;

static int token_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	token_walk *w = arg;
	if (k->mv_size < w->pn + 12)
		return HD_STOP;
	const uint8_t *b = (const uint8_t *)k->mv_data + k->mv_size - 12;
	uint32_t seg = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 |
		       (uint32_t)b[10] << 8 | b[11];
	double s = w->m == SEARCH_PUBLIC && seg == 0 ? 1.0 : 0.5;
	return idset_push(w->out, hd_key_get_u64(b), s);
}

/* A token's postings (marker m; prefix: every token starting with it),
 * scored 1.0 for public subject/description/tags (segment 0), else 0.5. */
static int read_token(plan *p, char m, const char *tok, int prefix, idset *out)
{
	uint8_t pre[2 + HD_TOKEN_MAX_BYTES];
	size_t tl = strlen(tok);
	if (tl > HD_TOKEN_MAX_BYTES)
		return HD_OK;
	pre[0] = (uint8_t)m;
	memcpy(pre + 1, tok, tl);
	pre[1 + tl] = 0;
	size_t pn = 1 + tl + (prefix ? 0 : 1);
	token_walk w = {m, pn, out};
	return hd_txn_foreach(p->t, p->in->search.post, pre, pn, token_one, &w);
}

static int token_set(plan *p, const char *tok, int prefix, idset *out)
{
	idset priv = {0};
	int rc = read_token(p, SEARCH_PUBLIC, tok, prefix, out);
	idset_normalize(out);
	if (!rc && p->staff) {
		rc = read_token(p, SEARCH_PRIVATE, tok, prefix, &priv);
		idset_normalize(&priv);
		if (!rc && priv.n)
			rc = idset_or(out, &priv);
	}
	idset_release(&priv);
	return rc;
}

static int text_set(plan *p, const sq_term *t, idset *out)
{
	if (t->ntok > 1)
		return search_phrase_set(p->in, p->t, t, p->staff,
					 p->have ? &p->r : NULL, out);
	return token_set(p, t->tok[0], t->prefix, out);
}

/* ---- the query ---- */

/* r ∩= set (or r = set when r is every ticket). */
static int narrow_by(plan *p, idset *set)
{
	if (!p->have) {
		idset_release(&p->r);
		p->r = *set;
		memset(set, 0, sizeof *set);
		p->have = 1;
		return HD_OK;
	}
	idset_and(&p->r, set);
	return HD_OK;
}

/* One positive field group: the same keyword repeated with ':' ORs. */
static int apply_group(plan *p, enum sq_kind kind)
{
	p->fielded = 1;
	idset u = {0};
	size_t terms = 0;
	const sq_term *only = NULL;
	int rc = HD_OK;
	for (size_t i = 0; i < p->q->n; i++) {
		const sq_term *t = &p->q->terms[i];
		if (t->kind == kind && !t->neg && t->op == SQ_EQ)
			terms++, only = t;
	}
	char buf[VALUE_BUF];
	const char *v =
		terms == 1 ? search_single_value(only, buf, sizeof buf) : NULL;
	if (v && p->have) { /* one posting list: leapfrog it */
		uint8_t pre[SEARCH_FIELD_KEY_MAX];
		size_t pn = field_prefix(pre, kind, v);
		return idset_filter(p->t, p->in->search.fields, pre, pn, 0, 1,
				    &p->r);
	}
	for (size_t i = 0; i < p->q->n && !rc; i++) {
		const sq_term *t = &p->q->terms[i];
		if (t->kind != kind || t->neg || t->op != SQ_EQ)
			continue;
		idset one = {0};
		rc = field_set(p, t, &one);
		if (!rc)
			rc = idset_or(&u, &one);
		idset_release(&one);
	}
	if (!rc)
		rc = narrow_by(p, &u);
	idset_release(&u);
	return rc;
}

static int grouped(const sq_term *t)
{
	return t->kind != SQ_TEXT && t->kind != SQ_CUSTOM && t->op == SQ_EQ;
}

static int apply_term(plan *p, const sq_term *t)
{
	idset s = {0};
	int rc;
	if (t->neg) {
		char buf[VALUE_BUF];
		const char *v =
			t->kind == SQ_TEXT
				? NULL
				: search_single_value(t, buf, sizeof buf);
		if (v && p->have) {
			uint8_t pre[SEARCH_FIELD_KEY_MAX];
			size_t pn = field_prefix(pre, t->kind, v);
			return idset_filter(p->t, p->in->search.fields, pre, pn,
					    0, 0, &p->r);
		}
		if (!p->have) {
			if ((rc = read_all(p, &p->r)))
				return rc;
			p->have = p->fielded = 1;
		}
		rc = t->kind == SQ_TEXT ? text_set(p, t, &s)
					: field_set(p, t, &s);
		if (!rc)
			idset_not(&p->r, &s);
		idset_release(&s);
		return rc;
	}
	rc = t->kind == SQ_TEXT ? text_set(p, t, &s) : field_set(p, t, &s);
	p->fielded |= t->kind != SQ_TEXT;
	if (!rc)
		rc = narrow_by(p, &s);
	idset_release(&s);
	return rc;
}

/* The matching set: text terms first (they score), then an end-user's own
 * tickets, field groups, the other positive terms, and negations last
 * (a difference from what is left). */
static int evaluate(plan *p)
{
	const sq_query *q = p->q;
	int rc = HD_OK, done[SQ_NKINDS] = {0};
	for (size_t i = 0; i < q->n && !rc; i++)
		if (q->terms[i].kind == SQ_TEXT && !q->terms[i].neg)
			rc = apply_term(p, &q->terms[i]);
	if (!rc && !p->staff) {
		sq_term own = {.kind = SQ_REQUESTER,
			       .id = p->who->user_id,
			       .value = (char *)""};
		char buf[32];
		idset s = {0};
		uint8_t pre[SEARCH_FIELD_KEY_MAX];
		size_t pn = field_prefix(
			pre, SQ_REQUESTER,
			search_single_value(&own, buf, sizeof buf));
		p->fielded = 1;
		if (p->have)
			rc = idset_filter(p->t, p->in->search.fields, pre, pn,
					  0, 1, &p->r);
		else if (!(rc = idset_read(p->t, p->in->search.fields, pre, pn,
					   0, &s)))
			rc = narrow_by(p, &s);
		idset_release(&s);
	}
	for (size_t i = 0; i < q->n && !rc; i++) {
		const sq_term *t = &q->terms[i];
		if (t->kind == SQ_TYPE)
			continue; /* sq_other_type() decided: type:ticket is all */
		if (!t->neg && grouped(t) && !done[t->kind]) {
			done[t->kind] = 1;
			rc = apply_group(p, t->kind);
		}
	}
	for (size_t i = 0; i < q->n && !rc; i++) {
		const sq_term *t = &q->terms[i];
		if (!t->neg && t->kind != SQ_TEXT && !grouped(t))
			rc = apply_term(p, t);
	}
	for (size_t i = 0; i < q->n && !rc; i++)
		if (q->terms[i].neg && q->terms[i].kind != SQ_TYPE)
			rc = apply_term(p, &q->terms[i]);
	if (!rc && !p->have) {
		rc = read_all(p, &p->r);
		p->have = p->fielded = 1;
	}
	/* Text postings may name a doc with no ticket yet (comments indexed
	 * first): keep only indexed tickets. */
	const uint8_t k[1] = {'K'};
	if (!rc && !p->fielded)
		rc = idset_filter(p->t, p->in->search.fields, k, 1, 0, 1,
				  &p->r);
	return rc;
}

/* ---- order and page ---- */

typedef struct heap {
	idhit *v;
	size_t n, cap;
	int desc;
} heap;

/* Does x come before y in the reply's order? */
static int before(const heap *h, const idhit *x, const idhit *y)
{
	int c = (x->score > y->score) - (x->score < y->score);
	if (!c)
		c = (x->id > y->id) - (x->id < y->id);
	return h->desc ? c > 0 : c < 0;
}

static void swap(idhit *a, idhit *b)
{
	idhit t = *a;
	*a = *b;
	*b = t;
}

/* A max-heap of the last kept (the root is the worst of the best cap). */
static void heap_offer(heap *h, idhit x)
{
	size_t i;
	if (h->n < h->cap) {
		i = h->n++;
		h->v[i] = x;
		while (i && before(h, &h->v[(i - 1) / 2], &h->v[i])) {
			swap(&h->v[(i - 1) / 2], &h->v[i]);
			i = (i - 1) / 2;
		}
		return;
	}
	if (!h->cap || !before(h, &x, &h->v[0]))
		return;
	h->v[0] = x;
	for (i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		if (l < h->n && before(h, &h->v[w], &h->v[l]))
			w = l;
		if (r < h->n && before(h, &h->v[w], &h->v[r]))
			w = r;
		if (w == i)
			break;
		swap(&h->v[w], &h->v[i]);
		i = w;
	}
}

static int order_cmp(const void *a, const void *b, void *arg)
{
	return before(arg, a, b) ? -1 : before(arg, b, a) ? 1 : 0;
}

/* The sort key of each hit from its 'K' record (relevance: the score). */
static int sort_keys(plan *p, const char *by)
{
	int which = strcmp(by, "created_at") == 0    ? 0
		    : strcmp(by, "updated_at") == 0  ? 1
		    : strcmp(by, "status") == 0      ? 2
		    : strcmp(by, "priority") == 0    ? 3
		    : strcmp(by, "ticket_type") == 0 ? 4
						     : -1;
	if (which < 0)
		return HD_OK;
	/* r is in id order, like the 'K' records: step, seek past gaps. */
	MDB_cursor *cur = NULL;
	if (mdb_cursor_open(p->t->txn, p->in->search.fields, &cur))
		return HD_E_IO;
	int rc = HD_OK, mrc = MDB_NOTFOUND;
	MDB_val k, v;
	for (size_t i = 0; i < p->r.n && !rc; i++) {
		uint64_t want = p->r.v[i].id, have = 0;
		for (int step = 0; step < 8 && mrc == 0; step++) {
			if (k.mv_size == 9 &&
			    *(const uint8_t *)k.mv_data == 'K')
				have = hd_key_get_u64(
					(const uint8_t *)k.mv_data + 1);
			if (have >= want || k.mv_size != 9)
				break;
			/* raw cursor: steps a few keys, else seeks (join) */
			mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
		}
		if (mrc || k.mv_size != 9 ||
		    hd_key_get_u64((const uint8_t *)k.mv_data + 1) != want) {
			uint8_t key[9];
			key[0] = 'K';
			hd_key_u64(key + 1, want);
			k = (MDB_val){9, key};
			/* raw cursor: steps a few keys, else seeks (join) */
			mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY);
		}
		if (mrc || v.mv_size != SEARCH_K_VALUE) {
			rc = HD_E_CORRUPT;
			break;
		}
		const uint8_t *b = v.mv_data;
		p->r.v[i].score =
			which < 2
				? (double)(int64_t)hd_key_get_u64(b + 8 * which)
				: (double)(int8_t)b[16 + which - 2];
	}
	mdb_cursor_close(cur);
	return rc;
}

static int fill(plan *p, const char *by, int desc, uint32_t limit,
		Hd__SearchReply *out)
{
	heap h = {.desc = desc, .cap = limit < p->r.n ? limit : p->r.n};
	int rc = h.cap ? sort_keys(p, by) : HD_OK;
	out->count = p->r.n;
	out->descending = desc;
	h.v = calloc(h.cap + 1, sizeof *h.v);
	out->hits = calloc(h.cap + 1, sizeof *out->hits);
	if (!h.v || !out->hits)
		rc = rc ? rc : HD_E_NOMEM;
	/* From the end the order favours (ties go by id), so most offers
	 * lose to the heap's root at the first comparison. */
	for (size_t i = 0; i < p->r.n && !rc; i++)
		heap_offer(&h, p->r.v[desc ? p->r.n - 1 - i : i]);
	if (!rc && h.n > 1)
		qsort_r(h.v, h.n, sizeof *h.v, order_cmp, &h);
	for (size_t i = 0; i < h.n && !rc; i++) {
		Hd__SearchHit *sh = malloc(sizeof *sh);
		Hd__Ticket *tk = NULL;
		rc = sh ? search_doc_ticket(p->in, p->t, h.v[i].id, &tk)
			: HD_E_NOMEM;
		search_count_decode();
		if (rc) {
			free(sh);
			break;
		}
		hd__search_hit__init(sh);
		sh->ticket = tk;
		sh->key = h.v[i].score;
		out->hits[out->n_hits++] = sh;
	}
	free(h.v);
	return rc;
}

static int plan_exec(intake *in, const sq_query *q, const hd_principal *who,
		     const char *by, int desc, uint32_t limit,
		     Hd__SearchReply *out, int *ready)
{
	hd_txn t;
	plan p = {.in = in,
		  .t = &t,
		  .q = q,
		  .who = who,
		  .staff = intake_is_staff(who)};
	int rc = hd_store_read(in->store, &t);
	if (rc)
		return rc;
	*ready = search_fields_ready(in, &t);
	if (*ready && sq_other_type(q)) {
		out->count = 0;
		out->descending = desc;
		out->hits = calloc(1, sizeof *out->hits);
		rc = out->hits ? HD_OK : HD_E_NOMEM;
	} else if (*ready) {
		uint64_t count = 0;
		int used = 0;
		rc = search_bitq(in, &t, q, p.staff, who, by, desc, limit, &p.r,
				 &count, &used);
		if (!rc && !used)
			rc = evaluate(&p);
		if (!rc)
			rc = fill(&p, by, desc, limit, out);
		if (!rc && used) {
			out->count = count; /* r held the page's candidates */
			hd_counter_add(&bitmaps, 1);
		}
	}
	idset_release(&p.r);
	hd_txn_end(&t);
	return rc;
}

/* Both answers hold the same tickets in the same order with equal keys. */
static int same(const Hd__SearchReply *a, const Hd__SearchReply *b)
{
	if (a->count != b->count || a->n_hits != b->n_hits)
		return 0;
	for (size_t i = 0; i < a->n_hits; i++)
		if (a->hits[i]->ticket->id != b->hits[i]->ticket->id ||
		    a->hits[i]->key != b->hits[i]->key)
			return 0;
	return 1;
}

static void verify(intake *in, const sq_query *q, const hd_principal *who,
		   const Hd__SearchRequest *req, const Hd__SearchReply *got)
{
	Hd__SearchReply scan = HD__SEARCH_REPLY__INIT;
	quiet = 1;
	int rc = search_exec_scan(in, q, who, req, &scan);
	quiet = 0;
	hd_counter_add(&verified, 1);
	if (rc || !same(got, &scan)) {
		hd_counter_add(&mismatch, 1);
		hd_error("search.verify_mismatch",
			 "query=%.200s postings=%llu scan=%llu err=%s",
			 req->query, (unsigned long long)got->count,
			 (unsigned long long)scan.count, hd_errname(rc));
	}
	search_reply_release(&scan);
}

int search_exec(intake *in, const sq_query *q, const hd_principal *who,
		const Hd__SearchRequest *req, Hd__SearchReply *out)
{
	const char *order = q->sort_order[0] ? q->sort_order : req->sort_order;
	const char *by = q->sort_by[0] ? q->sort_by : req->sort_by;
	int desc = strcmp(order, "asc") != 0 || !by[0] ||
		   strcmp(by, "relevance") == 0;
	uint32_t limit =
		req->limit > SEARCH_MAX_HITS ? SEARCH_MAX_HITS : req->limit;
	int ready = 0;
	int rc = plan_exec(in, q, who, by, desc, limit, out, &ready);
	if (!ready) {
		hd_counter_add(&scanned, 1);
		return rc ? rc : search_exec_scan(in, q, who, req, out);
	}
	hd_counter_add(&planned, 1);
	if (!rc && in->search.verify)
		verify(in, q, who, req, out);
	return rc;
}
