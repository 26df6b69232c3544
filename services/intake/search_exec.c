/* Running a parsed ticket query by reading docs (search_exec_scan): the
 * answer while the field postings are not built yet (search_plan.c answers
 * from them afterwards) and the reference HD_SEARCH_VERIFY compares them
 * with. Candidates from the postings of the first free-text term (or every
 * doc when there is none), then each candidate's doc is checked against
 * every term and the caller's role, scored, sorted, and the top hits
 * returned. One read transaction. */
#include "search.h"

#include "hd/err.h"
#include "hd/tokenize.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SCAN ((size_t)2 << 20) /* postings read for one candidate set */
#define KEY_MAX  (1 + HD_TOKEN_MAX_BYTES + 1 + 8 + 4)

typedef struct hit {
	uint64_t id;
	double key;
} hit;

typedef struct hitlist {
	hit *v;
	size_t n, cap;
} hitlist;

typedef struct run {
	const intake *in;
	hd_txn *t;
	const sq_query *q;
	const hd_principal *who;
	int staff;
	const char *sort_by;
	int desc;
	int has_text; /* a one-token text term (negated or not): text_match
		       * reads the doc's token lists; phrases read postings */
} run;

static int push(hitlist *h, uint64_t id, double key)
{
	if (intake_vec_room(&h->v, &h->cap, h->n, sizeof *h->v, 256))
		return HD_E_NOMEM;
	h->v[h->n++] = (hit){id, key};
	return HD_OK;
}

/* ---- free text ---- */

/* Does the sorted list hold mtok (or a token starting with it)? */
static int list_has(char **list, size_t n, const char *mtok, int prefix)
{
	size_t lo = 0, hi = n, len = strlen(mtok);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(list[mid], mtok) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n)
		return 0;
	return prefix ? strncmp(list[lo], mtok, len) == 0
		      : strcmp(list[lo], mtok) == 0;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void marked(char *out, size_t cap, char marker, const char *tok)
{
	out[0] = marker;
	size_t n = strlen(tok);
	if (n > cap - 2)
		n = cap - 2;
	memcpy(out + 1, tok, n);
	out[n + 1] = '\0';
}

static int has_positions(const intake *in, hd_txn *t, char m, const char *tok,
			 uint64_t id, uint32_t seg, uint32_t want)
{
	uint8_t key[KEY_MAX];
	MDB_val v;
	size_t kn =
		search_post_key(key, sizeof key, m, tok, strlen(tok), id, seg);
	if (!kn || hd_txn_get(t, in->search.post, key, kn, &v) != HD_OK)
		return 0;
	const uint8_t *p = v.mv_data;
	for (size_t i = 0; i + 4 <= v.mv_size; i += 4)
		if (get_u32(p + i) == want)
			return 1;
	return 0;
}

/* The phrase's tokens at their relative positions in one segment. */
static int phrase_at(const intake *in, hd_txn *t, char m, const sq_term *term,
		     uint64_t id, uint32_t seg, const uint8_t *pos, size_t npos)
{
	for (size_t i = 0; i + 4 <= npos; i += 4) {
		uint32_t p0 = get_u32(pos + i);
		size_t k = 1;
		for (; k < term->ntok; k++)
			if (!has_positions(in, t, m, term->tok[k], id, seg,
					   p0 + term->pos[k] - term->pos[0]))
				break;
		if (k == term->ntok)
			return 1;
	}
	return 0;
}

typedef struct phrase_walk {
	const intake *in;
	hd_txn *t;
	char m;
	const sq_term *term;
	uint64_t id;
	size_t kn;
	int found;
} phrase_walk;

static int phrase_seg(void *arg, const MDB_val *k, const MDB_val *v)
{
	phrase_walk *w = arg;
	if (k->mv_size != w->kn)
		return HD_STOP;
	uint32_t seg = get_u32((const uint8_t *)k->mv_data + w->kn - 4);
	/* v is borrowed and has_positions reads the same txn: fine, LMDB
	 * keeps it valid until the read txn ends. */
	w->found = phrase_at(w->in, w->t, w->m, w->term, w->id, seg, v->mv_data,
			     v->mv_size);
	return w->found ? HD_STOP : HD_OK;
}

int search_phrase_in(const intake *in, hd_txn *t, char m, const sq_term *term,
		     uint64_t id)
{
	uint8_t key[KEY_MAX];
	size_t kn = search_post_key(key, sizeof key, m, term->tok[0],
				    strlen(term->tok[0]), id, 0);
	if (!kn)
		return 0;
	phrase_walk w = {in, t, m, term, id, kn, 0};
	hd_txn_foreach(t, in->search.post, key, kn - 4, phrase_seg, &w);
	return w.found;
}

/* 0: no match; 1: in comments only; 2: in subject or description. */
static int text_match(const run *r, const Hd__SearchDoc *d, const sq_term *term)
{
	char mt[HD_TOKEN_MAX_BYTES + 2];
	uint64_t id = d->ticket->id;
	if (term->ntok > 1) {
		if (search_phrase_in(r->in, r->t, SEARCH_PUBLIC, term, id))
			return 2;
		return r->staff &&
		       search_phrase_in(r->in, r->t, SEARCH_PRIVATE, term, id);
	}
	marked(mt, sizeof mt, SEARCH_PUBLIC, term->tok[0]);
	if (list_has(d->base_tokens, d->n_base_tokens, mt, term->prefix))
		return 2;
	if (list_has(d->comment_tokens, d->n_comment_tokens, mt, term->prefix))
		return 1;
	if (!r->staff)
		return 0;
	marked(mt, sizeof mt, SEARCH_PRIVATE, term->tok[0]);
	return list_has(d->base_tokens, d->n_base_tokens, mt, term->prefix) ||
	       list_has(d->comment_tokens, d->n_comment_tokens, mt,
			term->prefix);
}

/* ---- fields ---- */

static int date_match(const sq_term *t, int64_t v)
{
	if (t->lo_ms == 0 && t->hi_ms == 0) /* "none" */
		return v == 0 && t->op == SQ_EQ;
	if (v == 0)
		return 0;
	int relative = t->lo_ms == t->hi_ms;
	switch (t->op) {
	case SQ_LT:
		return v < t->lo_ms;
	case SQ_LE:
		return relative ? v <= t->lo_ms : v < t->hi_ms;
	case SQ_GT:
		return relative ? v > t->lo_ms : v >= t->hi_ms;
	case SQ_GE:
		return v >= t->lo_ms;
	default:
		return v >= t->lo_ms && (relative || v < t->hi_ms);
	}
}

static int folded_eq(const char *a, const char *folded)
{
	/* All-ASCII text is NFKC-stable and case-folds to its lower case:
	 * compare without building the folded copy (tags mostly are). Any
	 * other byte may compose with its neighbours: fold it properly. */
	size_t i = 0;
	while (a[i] && !(a[i] & 0x80))
		i++;
	if (!a[i]) {
		for (i = 0; a[i]; i++)
			if ((a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]) !=
			    folded[i])
				return 0;
		return folded[i] == 0;
	}
	char *f = hd_text_fold(a, strlen(a));
	int eq = f && strcmp(f, folded) == 0;
	free(f);
	return eq;
}

static int tags_match(char **tags, size_t n, const char *v)
{
	if (strcmp(v, "none") == 0)
		return n == 0;
	for (size_t i = 0; i < n; i++)
		if (folded_eq(tags[i], v))
			return 1;
	return 0;
}

static int custom_match(const Hd__Ticket *tk, const sq_term *t)
{
	const Hd__CustomFieldValue *cf = NULL;
	for (size_t i = 0; i < tk->n_custom_fields && !cf; i++)
		if (tk->custom_fields[i]->id == t->id)
			cf = tk->custom_fields[i];
	if (!cf || !cf->has_value)
		return strcmp(t->value, "none") == 0;
	if (strcmp(cf->kind, "flag") == 0)
		return cf->flag == (strcmp(t->value, "true") == 0 ||
				    strcmp(t->value, "yes") == 0 ||
				    strcmp(t->value, "checked") == 0);
	if (strcmp(cf->kind, "tags") == 0)
		return tags_match(cf->tags, cf->n_tags, t->value);
	return folded_eq(cf->text, t->value);
}

static int id_in(const uint64_t *ids, size_t n, uint64_t id)
{
	if (id == 0)
		return n == 0;
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

static int field_match(const Hd__Ticket *tk, const sq_term *t)
{
	const char *v = t->value;
	const char *none = strcmp(v, "none") == 0 ? "" : v;
	switch (t->kind) {
	case SQ_TYPE:
		return strcmp(v, "ticket") == 0;
	case SQ_STATUS:
		return sq_op_holds(t->op, sq_status_ordinal(tk->status),
				   (double)t->ordinal);
	case SQ_PRIORITY: {
		int o = sq_priority_ordinal(tk->priority);
		return (t->op == SQ_EQ || o > 0) &&
		       sq_op_holds(t->op, o, (double)t->ordinal);
	}
	case SQ_TICKET_TYPE:
		return strcmp(tk->type, none) == 0;
	case SQ_ASSIGNEE:
		return tk->assignee_id == t->id;
	case SQ_REQUESTER:
		return tk->requester_id == t->id;
	case SQ_SUBMITTER:
		return tk->submitter_id == t->id;
	case SQ_CC:
		return id_in(tk->collaborator_ids, tk->n_collaborator_ids,
			     t->id) ||
		       (t->id &&
			id_in(tk->email_cc_ids, tk->n_email_cc_ids, t->id));
	case SQ_GROUP:
		return tk->group_id == t->id;
	case SQ_ORG:
		return tk->organization_id == t->id;
	case SQ_FORM:
		return tk->ticket_form_id == t->id;
	case SQ_BRAND:
		return tk->brand_id == t->id;
	case SQ_TAGS:
		return tags_match(tk->tags, tk->n_tags, v);
	case SQ_VIA:
		return strcmp(tk->via_channel, v) == 0;
	case SQ_RECIPIENT:
		return strcasecmp(tk->recipient, none) == 0;
	case SQ_SATISFACTION:
		return strcmp(tk->satisfaction_score, none) == 0;
	case SQ_EXTERNAL_ID:
		return folded_eq(tk->external_id, none);
	case SQ_CREATED:
		return date_match(t, tk->created_at);
	case SQ_UPDATED:
		return date_match(t, tk->updated_at);
	case SQ_SOLVED:
		return date_match(t, tk->solved_at);
	case SQ_DUE:
		return date_match(t, tk->due_at);
	case SQ_CUSTOM:
		return custom_match(tk, t);
	default:
		return 0;
	}
}

/* Every term holds (repeated keyword:value terms OR among themselves);
 * *score: the relevance. */
static int doc_matches(const run *r, const Hd__SearchDoc *d, double *score)
{
	int seen[SQ_NKINDS] = {0}, any[SQ_NKINDS] = {0};
	*score = 0;
	for (size_t i = 0; i < r->q->n; i++) {
		const sq_term *t = &r->q->terms[i];
		int m = t->kind == SQ_TEXT ? text_match(r, d, t)
					   : field_match(d->ticket, t);
		if (t->kind == SQ_TEXT && m && !t->neg)
			*score += m == 2 ? 1.0 : 0.5;
		if (t->neg) {
			if (m)
				return 0;
		} else if (t->kind != SQ_TEXT && t->kind != SQ_CUSTOM &&
			   t->op == SQ_EQ) {
			seen[t->kind] = 1;
			any[t->kind] |= m != 0;
		} else if (!m) {
			return 0;
		}
	}
	for (int k = 0; k < SQ_NKINDS; k++)
		if (seen[k] && !any[k])
			return 0;
	return 1;
}

static double sort_key(const run *r, const Hd__Ticket *tk, double score)
{
	const char *s = r->sort_by;
	if (strcmp(s, "created_at") == 0)
		return (double)tk->created_at;
	if (strcmp(s, "updated_at") == 0)
		return (double)tk->updated_at;
	if (strcmp(s, "priority") == 0)
		return sq_priority_ordinal(tk->priority);
	if (strcmp(s, "status") == 0)
		return sq_status_ordinal(tk->status);
	if (strcmp(s, "ticket_type") == 0)
		return sq_type_ordinal(tk->type);
	return score;
}

/* ---- candidates and the run ---- */

static int consider(const run *r, uint64_t id, hitlist *h)
{
	Hd__SearchDoc *d = NULL, lite = HD__SEARCH_DOC__INIT;
	double score;
	/* Without one-token text terms only the ticket is needed. */
	int rc = r->has_text ? search_doc_get(r->in, r->t, id, &d)
			     : search_doc_ticket(r->in, r->t, id, &lite.ticket);
	search_count_decode();
	if (rc == HD_E_NOTFOUND)
		return HD_OK;
	const Hd__SearchDoc *doc = r->has_text ? d : &lite;
	if (!rc && doc->ticket && !doc->ticket->deleted &&
	    (r->staff || doc->ticket->requester_id == r->who->user_id) &&
	    doc_matches(r, doc, &score))
		rc = push(h, id, sort_key(r, doc->ticket, score));
	hd__search_doc__free_unpacked(d, NULL);
	hd__ticket__free_unpacked(lite.ticket, NULL);
	return rc;
}

static int id_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

typedef struct posting_ids {
	uint64_t **ids;
	size_t *n, *cap;
	size_t pn, *scanned;
} posting_ids;

static int posting_id(void *arg, const MDB_val *k, const MDB_val *v)
{
	posting_ids *w = arg;
	if (k->mv_size < w->pn + 12 || *w->scanned >= MAX_SCAN)
		return HD_STOP;
	(*w->scanned)++;
	if (intake_vec_room(w->ids, w->cap, *w->n, sizeof **w->ids, 256))
		return HD_E_NOMEM;
	(*w->ids)[(*w->n)++] =
		hd_key_get_u64((const uint8_t *)k->mv_data + k->mv_size - 12);
	return HD_OK;
}

/* Ticket ids whose postings hold the term's first token (any segment). */
static int candidates(const run *r, const sq_term *term, uint64_t **ids,
		      size_t *n)
{
	size_t cap = 0, scanned = 0;
	*ids = NULL;
	*n = 0;
	for (int pass = 0; pass < (r->staff ? 2 : 1); pass++) {
		uint8_t pre[KEY_MAX];
		size_t tl = strlen(term->tok[0]);
		pre[0] = pass ? SEARCH_PRIVATE : SEARCH_PUBLIC;
		memcpy(pre + 1, term->tok[0], tl);
		size_t pn = 1 + tl + (term->prefix ? 0 : 1);
		pre[1 + tl] = 0;
		posting_ids w = {ids, n, &cap, pn, &scanned};
		int rc = hd_txn_foreach(r->t, r->in->search.post, pre, pn,
					posting_id, &w);
		if (rc)
			return rc;
	}
	if (*n > 1)
		qsort(*ids, *n, sizeof **ids, id_cmp);
	return HD_OK;
}

/* Keep in ids[0..*n) (sorted, unique) only the ids whose postings also
 * hold tok: reading postings is cheap, reading a doc is not. A set cut
 * short at MAX_SCAN is no superset and narrows nothing. */
static int narrow(const run *r, char *tok, int prefix, uint64_t *ids, size_t *n)
{
	sq_term one = {.kind = SQ_TEXT, .ntok = 1, .tok = {tok}};
	one.prefix = prefix;
	uint64_t *o = NULL;
	size_t m = 0, kept = 0;
	int rc = candidates(r, &one, &o, &m);
	for (size_t i = 0, j = 0; !rc && m < MAX_SCAN && i < *n; i++) {
		while (j < m && o[j] < ids[i])
			j++;
		if (j < m && o[j] == ids[i])
			ids[kept++] = ids[i];
	}
	if (!rc && m < MAX_SCAN)
		*n = kept;
	free(o);
	return rc;
}

/* Candidates: the first term's postings, narrowed by every other token a
 * matching doc must hold (each token of each positive text term, and the
 * tag's token); then each remaining doc is checked in full. */
static int scan_candidates(const run *r, const sq_term *first,
			   const sq_term *tag, hitlist *h)
{
	uint64_t *ids = NULL;
	size_t n = 0, u = 0;
	int rc = candidates(r, first, &ids, &n);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || ids[i] != ids[u - 1])
			ids[u++] = ids[i];
	n = u;
	for (size_t i = 0; !rc && n && i < r->q->n; i++) {
		const sq_term *t = &r->q->terms[i];
		for (size_t k = 0;
		     t->kind == SQ_TEXT && !t->neg && k < t->ntok && !rc && n;
		     k++)
			if (t != first || k > 0)
				rc = narrow(r, t->tok[k],
					    t->ntok == 1 && t->prefix, ids, &n);
	}
	if (!rc && n && tag && tag != first)
		rc = narrow(r, tag->tok[0], 0, ids, &n);
	for (size_t i = 0; i < n && !rc; i++)
		rc = consider(r, ids[i], h);
	free(ids);
	return rc;
}

typedef struct doc_walk {
	const run *r;
	hitlist *h;
} doc_walk;

static int doc_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	doc_walk *w = arg;
	return k->mv_size == 8
		       ? consider(w->r, hd_key_get_u64(k->mv_data), w->h)
		       : HD_OK;
}

static int scan_all(const run *r, hitlist *h)
{
	doc_walk w = {r, h};
	return hd_txn_foreach(r->t, r->in->search.docs, NULL, 0, doc_one, &w);
}

static int hit_cmp(const void *a, const void *b, void *arg)
{
	const hit *x = a, *y = b;
	int c = (x->key > y->key) - (x->key < y->key);
	if (!c)
		c = (x->id > y->id) - (x->id < y->id);
	return *(const int *)arg ? -c : c;
}

/* The top limit hits, in order, with their tickets. */
static int fill_reply(const run *r, hitlist *h, uint32_t limit,
		      Hd__SearchReply *out)
{
	if (h->n > 1)
		qsort_r(h->v, h->n, sizeof *h->v, hit_cmp, (void *)&r->desc);
	size_t want = h->n < limit ? h->n : limit;
	out->count = h->n;
	out->descending = r->desc;
	out->hits = calloc(want + 1, sizeof *out->hits);
	if (!out->hits)
		return HD_E_NOMEM;
	for (size_t i = 0; i < want; i++) {
		Hd__SearchDoc *d = NULL;
		Hd__SearchHit *sh = malloc(sizeof *sh);
		int rc = sh ? search_doc_get(r->in, r->t, h->v[i].id, &d)
			    : HD_E_NOMEM;
		search_count_decode();
		if (rc || !d->ticket) {
			free(sh);
			hd__search_doc__free_unpacked(d, NULL);
			return rc ? rc : HD_E_INTERNAL;
		}
		hd__search_hit__init(sh);
		sh->ticket = d->ticket;
		sh->key = h->v[i].key;
		d->ticket = NULL; /* now the hit's */
		hd__search_doc__free_unpacked(d, NULL);
		out->hits[out->n_hits++] = sh;
	}
	return HD_OK;
}

int search_exec_scan(intake *in, const sq_query *q, const hd_principal *who,
		     const Hd__SearchRequest *req, Hd__SearchReply *out)
{
	hd_txn t;
	hitlist h = {0};
	const char *order = q->sort_order[0] ? q->sort_order : req->sort_order;
	run r = {.in = in,
		 .t = &t,
		 .q = q,
		 .who = who,
		 .staff = intake_is_staff(who),
		 .sort_by = q->sort_by[0] ? q->sort_by : req->sort_by};
	r.desc = strcmp(order, "asc") != 0 || !r.sort_by[0] ||
		 strcmp(r.sort_by, "relevance") == 0;
	const sq_term *first = NULL;
	for (size_t i = 0; i < q->n; i++) {
		r.has_text |=
			q->terms[i].kind == SQ_TEXT && q->terms[i].ntok <= 1;
		if (!first && q->terms[i].kind == SQ_TEXT && !q->terms[i].neg)
			first = &q->terms[i];
	}
	int rc = hd_store_read(in->store, &t);
	if (rc)
		return rc;
	/* A tags: term narrows the candidates, or names them without text. */
	char tag_tok[HD_TOKEN_MAX_BYTES + 1];
	sq_term tag_term = {.kind = SQ_TEXT, .ntok = 1, .tok = {tag_tok}};
	const sq_term *tag = NULL;
	if (search_tag_token(in, &t, q, tag_tok, sizeof tag_tok) == HD_OK)
		tag = &tag_term;
	if (!first)
		first = tag;
	if (!sq_other_type(q))
		rc = first ? scan_candidates(&r, first, tag, &h)
			   : scan_all(&r, &h);
	uint32_t limit =
		req->limit > SEARCH_MAX_HITS ? SEARCH_MAX_HITS : req->limit;
	if (!rc)
		rc = fill_reply(&r, &h, limit, out);
	hd_txn_end(&t);
	free(h.v);
	return rc;
}

void search_reply_release(Hd__SearchReply *r)
{
	for (size_t i = 0; i < r->n_hits; i++) {
		hd__ticket__free_unpacked(r->hits[i]->ticket, NULL);
		free(r->hits[i]);
	}
	free(r->hits);
	r->hits = NULL;
	r->n_hits = 0;
}
