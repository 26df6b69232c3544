/* The search index's write side: turns outbox events into postings. Key
 * layout (sub-databases of intake's env, written only by the indexer):
 *   search_post  marker ‖ token ‖ 0x00 ‖ ticket id (u64 BE) ‖ segment (u32 BE)
 *                → the token's positions in that segment (u32 BE each,
 *                ascending, at most MAX_POSITIONS). marker 'T' is public
 *                text, 'N' private-note text (never matched for end-users).
 *                Segment 0 holds subject, description (marked 'N' when the
 *                first comment is a private note) and tags (positions
 *                go on after a gap, so phrases never span them); k ≥ 1
 *                the k-th comment indexed for the ticket.
 *   search_docs  ticket id (u64 BE) → hd.SearchDoc: the ticket as last
 *                indexed (filters and sort keys) and its tokens, so an
 *                update removes exactly the stale segment-0 postings.
 *   search_meta  "search_cursor" → u64 BE, the last outbox seq indexed
 *                (written in the same transaction as the postings).
 *   search_fields the postings of the ticket's fields, kept in the same
 *                transaction as its doc (search_fields.c). */
#include "search.h"
#include "search_bits.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/tokenize.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SEG_TOKENS 32768
#define MAX_POSITIONS  256
#define FIELD_GAP      8
#define KEY_MAX        (1 + HD_TOKEN_MAX_BYTES + 1 + 8 + 4)

typedef struct occ {
	char tok[HD_TOKEN_MAX_BYTES + 2]; /* marker, token, NUL */
	uint32_t pos;
} occ;

typedef struct seg_acc {
	occ *v;
	size_t n, cap;
	char marker;
	uint32_t base, next; /* position offset; first position after */
	char **uniq;         /* sorted unique tokens (into v) */
	size_t nuniq;
} seg_acc;

size_t search_post_key(uint8_t *out, size_t cap, char marker, const char *tok,
		       size_t toklen, uint64_t id, uint32_t seg)
{
	size_t n = 1 + toklen + 1 + 8 + 4;
	if (n > cap)
		return 0;
	out[0] = (uint8_t)marker;
	memcpy(out + 1, tok, toklen);
	out[1 + toklen] = 0;
	hd_key_u64(out + 2 + toklen, id);
	for (int i = 0; i < 4; i++)
		out[10 + toklen + i] = (uint8_t)(seg >> (24 - 8 * i));
	return n;
}

static int acc_token(void *arg, const char *tok, size_t len, uint32_t pos)
{
	seg_acc *a = arg;
	if (a->n == MAX_SEG_TOKENS)
		return HD_E_TOOBIG; /* the rest of a huge text is not indexed */
	if (intake_vec_room(&a->v, &a->cap, a->n, sizeof *a->v, 256))
		return HD_E_NOMEM;
	occ *o = &a->v[a->n++];
	o->tok[0] = a->marker;
	memcpy(o->tok + 1, tok, len);
	o->tok[len + 1] = '\0';
	o->pos = a->base + pos;
	if (o->pos + 1 > a->next)
		a->next = o->pos + 1;
	return HD_OK;
}

static int add_text(seg_acc *a, const char *text)
{
	a->base = a->next ? a->next + FIELD_GAP : 0;
	int rc = hd_tokenize(text, strlen(text), acc_token, a);
	return rc == HD_E_TOOBIG ? HD_OK : rc;
}

static int occ_cmp(const void *x, const void *y)
{
	const occ *a = x, *b = y;
	int c = strcmp(a->tok, b->tok);
	return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

/* Sort, then write one posting per distinct token of segment seg. */
static int put_postings(const intake *in, hd_txn *t, seg_acc *a, uint64_t id,
			uint32_t seg)
{
	qsort(a->v, a->n, sizeof *a->v, occ_cmp);
	a->uniq = calloc(a->n + 1, sizeof *a->uniq);
	if (!a->uniq)
		return hd_txn_fail(t, HD_E_NOMEM);
	uint8_t key[KEY_MAX], val[MAX_POSITIONS * 4];
	for (size_t i = 0; i < a->n && !t->rc;) {
		size_t j = i, nv = 0;
		for (; j < a->n && strcmp(a->v[j].tok, a->v[i].tok) == 0; j++)
			if (nv < MAX_POSITIONS) {
				uint32_t p = a->v[j].pos;
				for (int b = 0; b < 4; b++)
					val[nv * 4 + b] =
						(uint8_t)(p >> (24 - 8 * b));
				nv++;
			}
		const char *tok = a->v[i].tok;
		size_t kn = search_post_key(key, sizeof key, tok[0], tok + 1,
					    strlen(tok + 1), id, seg);
		hd_txn_put(t, in->search.post, key, kn, val, nv * 4);
		search_bits_post(in, t, key, kn, 1);
		a->uniq[a->nuniq++] = a->v[i].tok;
		i = j;
	}
	return t->rc;
}

static void acc_release(seg_acc *a)
{
	free(a->v);
	free(a->uniq);
	memset(a, 0, sizeof *a);
}

int search_doc_get(const intake *in, hd_txn *t, uint64_t id,
		   Hd__SearchDoc **out)
{
	return hd_txn_get_pb_id(t, in->search.docs, id,
				&hd__search_doc__descriptor, (void **)out);
}

static void del_posting(const intake *in, hd_txn *t, const char *mtok,
			uint64_t id, uint32_t seg)
{
	uint8_t key[KEY_MAX];
	size_t kn = search_post_key(key, sizeof key, mtok[0], mtok + 1,
				    strlen(mtok + 1), id, seg);
	if (kn && hd_txn_del(t, in->search.post, key, kn) == HD_OK)
		search_bits_post(in, t, key, kn, 0);
}

typedef struct seg_del {
	const intake *in;
	hd_txn *t;
	size_t kn;
} seg_del;

static int del_seg(void *arg, const MDB_val *k, const MDB_val *v)
{
	seg_del *d = arg;
	if (k->mv_size != d->kn)
		return HD_STOP;
	return hd_txn_del(d->t, d->in->search.post, k->mv_data, k->mv_size);
}

/* Delete every segment's posting of one token of ticket id. */
static void del_all_segments(const intake *in, hd_txn *t, const char *mtok,
			     uint64_t id)
{
	uint8_t key[KEY_MAX];
	size_t kn = search_post_key(key, sizeof key, mtok[0], mtok + 1,
				    strlen(mtok + 1), id, 0);
	if (!kn || t->rc)
		return;
	seg_del d = {in, t, kn};
	/* the sticky error carries any failure */
	(void)hd_txn_foreach(t, in->search.post, key, kn - 4, del_seg, &d);
	search_bits_post_gone(in, t, key, kn);
}

static void remove_doc(const intake *in, hd_txn *t, uint64_t id)
{
	Hd__SearchDoc *d = NULL;
	if (search_doc_get(in, t, id, &d) != HD_OK)
		return;
	for (size_t i = 0; i < d->n_base_tokens; i++)
		del_posting(in, t, d->base_tokens[i], id, 0);
	for (size_t i = 0; i < d->n_comment_tokens; i++)
		del_all_segments(in, t, d->comment_tokens[i], id);
	search_fields_update(in, t, d->ticket, NULL);
	uint8_t key[8];
	hd_key_u64(key, id);
	hd_txn_del(t, in->search.docs, key, 8);
	hd__search_doc__free_unpacked(d, NULL);
}

/* Merge two sorted unique lists into *out (borrowed strings). */
static char **merge_tokens(char **a, size_t na, char **b, size_t nb,
			   size_t *nout)
{
	char **m = calloc(na + nb + 1, sizeof *m);
	size_t i = 0, j = 0, n = 0;
	if (!m)
		return NULL;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
		if (c <= 0)
			m[n++] = a[i++];
		else
			m[n++] = b[j++];
		if (c == 0)
			j++;
	}
	*nout = n;
	return m;
}

static void save_doc(const intake *in, hd_txn *t, uint64_t id, Hd__SearchDoc *d)
{
	if (!t->rc)
		intake_put_pb(t, in->search.docs, id, d);
}

/* Is the ticket's first comment (its description) a private note? Read
 * from the tickets module's comments db (ticket id ‖ comment id →
 * hd.Comment); unknown counts as public, as Zendesk's default is. */
static int description_private(hd_txn *t, uint64_t id)
{
	MDB_dbi dbi;
	uint8_t key[8];
	int priv = 0;
	if (hd_store_dbi(t->store, "comments", &dbi))
		return 0;
	hd_key_u64(key, id);
	MDB_val k, v;
	if (!hd_txn_first(t, dbi, key, 8, NULL, 0, false, &k, &v) &&
	    k.mv_size == 16) {
		Hd__Comment *c =
			hd__comment__unpack(NULL, v.mv_size, v.mv_data);
		priv = c && !c->public_;
		hd__comment__free_unpacked(c, NULL);
	}
	return priv;
}

static void index_ticket(const intake *in, hd_txn *t, Hd__Ticket *tk)
{
	Hd__SearchDoc *old = NULL;
	int rc = search_doc_get(in, t, tk->id, &old);
	if (rc && rc != HD_E_NOTFOUND) {
		hd_txn_fail(t, rc);
		return;
	}
	seg_acc a = {.marker = SEARCH_PUBLIC};
	for (size_t i = 0; old && i < old->n_base_tokens; i++)
		del_posting(in, t, old->base_tokens[i], tk->id, 0);
	/* Tags first: search_tag.c relies on every tag being in the postings,
	 * which a description longer than MAX_SEG_TOKENS must not prevent. */
	rc = HD_OK;
	for (size_t i = 0; i < tk->n_tags && !rc; i++)
		rc = add_text(&a, tk->tags[i]); /* free text finds tags too */
	if (!rc)
		rc = add_text(&a, tk->subject);
	if (!rc && description_private(t, tk->id)) {
		a.marker = SEARCH_PRIVATE;
		rc = add_text(&a, tk->description);
		a.marker = SEARCH_PUBLIC;
	} else if (!rc) {
		rc = add_text(&a, tk->description);
	}
	if (rc)
		hd_txn_fail(t, rc);
	put_postings(in, t, &a, tk->id, 0);
	search_fields_update(in, t, old ? old->ticket : NULL, tk);
	Hd__SearchDoc d = HD__SEARCH_DOC__INIT;
	d.ticket = tk;
	d.base_tokens = a.uniq;
	d.n_base_tokens = a.nuniq;
	if (old) {
		d.comment_tokens = old->comment_tokens;
		d.n_comment_tokens = old->n_comment_tokens;
		d.next_segment = old->next_segment;
	}
	if (!d.next_segment)
		d.next_segment = 1;
	save_doc(in, t, tk->id, &d);
	acc_release(&a);
	hd__search_doc__free_unpacked(old, NULL);
}

static void index_comment(const intake *in, hd_txn *t, const Hd__Comment *c)
{
	Hd__SearchDoc *old = NULL;
	int rc = search_doc_get(in, t, c->ticket_id, &old);
	if (rc && rc != HD_E_NOTFOUND) {
		hd_txn_fail(t, rc);
		return;
	}
	Hd__SearchDoc d = HD__SEARCH_DOC__INIT;
	if (old)
		d = *old;
	if (!d.next_segment)
		d.next_segment = 1;
	seg_acc a = {.marker = c->public_ ? SEARCH_PUBLIC : SEARCH_PRIVATE};
	if ((rc = add_text(&a, c->body)))
		hd_txn_fail(t, rc);
	put_postings(in, t, &a, c->ticket_id, d.next_segment++);
	char **m = merge_tokens(d.comment_tokens, d.n_comment_tokens, a.uniq,
				a.nuniq, &d.n_comment_tokens);
	if (!m)
		hd_txn_fail(t, HD_E_NOMEM);
	d.comment_tokens = m;
	save_doc(in, t, c->ticket_id, &d);
	free(m);
	acc_release(&a);
	hd__search_doc__free_unpacked(old, NULL);
}

int search_index_event(const intake *in, hd_txn *t, const Hd__Envelope *ev)
{
	const char *type = ev->type;
	size_t n = ev->payload.len;
	const uint8_t *p = ev->payload.data;
	int ticket_ev = strcmp(type, "ticket.created") == 0 ||
			strcmp(type, "ticket.updated") == 0;
	if (ticket_ev || strcmp(type, "ticket.deleted") == 0) {
		Hd__Ticket *tk = hd__ticket__unpack(NULL, n, p);
		if (!tk)
			hd_warn("search_bad_event", "type=%s seq=%llu", type,
				(unsigned long long)ev->seq);
		else if (ticket_ev && !tk->deleted)
			index_ticket(in, t, tk);
		else
			remove_doc(in, t, tk->id);
		hd__ticket__free_unpacked(tk, NULL);
	} else if (strcmp(type, "comment.created") == 0) {
		Hd__Comment *c = hd__comment__unpack(NULL, n, p);
		if (!c)
			hd_warn("search_bad_event", "type=%s seq=%llu", type,
				(unsigned long long)ev->seq);
		else
			index_comment(in, t, c);
		hd__comment__free_unpacked(c, NULL);
	}
	return t->rc;
}
