/* Bitmap postings: the sets of search_post and search_fields again, as
 * chunked bitmaps of ticket sequence numbers (id >> 8; one store holds one
 * shard's tickets). Key layout of search_bits:
 *   set ‖ chunk (u32 BE) → a 512-byte bitmap (bit i of byte i / 8, low bit
 *        first, for sequence chunk × 4096 + i) when the chunk is dense, else
 *        its sorted offsets as u16 BE (fewer than 256; never empty)
 * where set is the posting prefix it mirrors:
 *   marker ‖ token ‖ 0x00  a token anywhere in public ('T') or private ('N')
 *                          text, every segment
 *   'S' ‖ token ‖ 0x00     the token in public segment 0 (relevance 1.0)
 *   'F' ‖ kind ‖ value ‖ 0x00  a field value (search_fields.c)
 *   'K'                    every indexed ticket
 * and "#built" once every posting is in, "#at" where the build goes on,
 * "#mixed" if an id of another shard ever came (then the bitmaps are not
 * used). The indexer keeps them in the transaction that writes the
 * postings: search_index.c and search_fields.c note each key they put or
 * delete, and the job's end (search_bits_flush) reads each touched chunk
 * once and sets every noted bit to whether its posting exists then, so a
 * batch of a thousand new tickets rewrites a chunk once, not a thousand
 * times, and a delete and put of the same posting cancel out. A store
 * indexed before they existed has them built a batch at a time (a bit set
 * from the postings is right whenever it is set, so indexing goes on
 * meanwhile). */
#include "search_bits.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/store_iter.h"

#include <stdlib.h>
#include <string.h>

#define BUILD_KEYS   20000
#define ARRAY_MAX    255 /* offsets; one more makes a bitmap */
#define SHRINK_BELOW 192 /* a bitmap this sparse becomes offsets again */
#define K_BUILT      "#built"
#define K_AT         "#at"
#define K_MIXED      "#mixed"

static size_t popcount_map(const uint8_t *m)
{
	size_t n = 0;
	for (size_t i = 0; i < BITS_MAP_BYTES; i++)
		n += (size_t)__builtin_popcount(m[i]);
	return n;
}

/* Offsets (n of them) → bitmap, or back. */
static void array_to_map(const uint8_t *a, size_t n, uint8_t *m)
{
	memset(m, 0, BITS_MAP_BYTES);
	for (size_t i = 0; i < n; i++) {
		unsigned o = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		m[o >> 3] |= (uint8_t)(1u << (o & 7));
	}
}

static size_t map_to_array(const uint8_t *m, uint8_t *a)
{
	size_t n = 0;
	for (unsigned o = 0; o < BITS_MAP_BYTES * 8; o++)
		if (m[o >> 3] >> (o & 7) & 1) {
			a[2 * n] = (uint8_t)(o >> 8);
			a[2 * n + 1] = (uint8_t)o;
			n++;
		}
	return n;
}

/* ---- keeping them: the hooks note (set, ticket); the job's end applies
 * each chunk once, from what the postings hold then ---- */

typedef struct pend {
	size_t at; /* the set's key in arena */
	size_t sn;
	uint64_t seq;
} pend;

/* Only write jobs note, and the store runs one at a time; the arena is
 * kept between jobs so the indexer does not reallocate it each batch. */
struct search_bits_notes {
	uint8_t *arena;
	size_t an, acap;
	pend *v;
	size_t n, cap;
	MDB_txn *txn;
};

int search_bits_notes_new(intake *in)
{
	in->bits_notes = calloc(1, sizeof *in->bits_notes);
	return in->bits_notes ? HD_OK : HD_E_NOMEM;
}

void search_bits_notes_free(intake *in)
{
	if (!in->bits_notes)
		return;
	free(in->bits_notes->arena);
	free(in->bits_notes->v);
	free(in->bits_notes);
	in->bits_notes = NULL;
}

static void discard(search_bits_notes *pending)
{
	pending->n = pending->an = 0;
	pending->txn = NULL;
}

static void note(const intake *in, hd_txn *t, const uint8_t *set, size_t sn,
		 uint64_t seq)
{
	search_bits_notes *pending = in->bits_notes;
	if (t->rc || sn + 12 > BITS_KEY_MAX)
		return;
	if (pending->n && pending->txn != t->txn) {
		hd_error("search.bits_unflushed", "notes=%zu", pending->n);
		discard(pending);
	}
	pending->txn = t->txn;
	if (pending->an + sn > pending->acap) {
		size_t cap = pending->acap ? pending->acap : 1 << 16;
		while (cap < pending->an + sn)
			cap *= 2;
		uint8_t *a = realloc(pending->arena, cap);
		if (!a) {
			hd_txn_fail(t, HD_E_NOMEM);
			return;
		}
		pending->arena = a;
		pending->acap = cap;
	}
	if (pending->n == pending->cap) {
		size_t cap = pending->cap ? 2 * pending->cap : 4096;
		pend *v = realloc(pending->v, cap * sizeof *v);
		if (!v) {
			hd_txn_fail(t, HD_E_NOMEM);
			return;
		}
		pending->v = v;
		pending->cap = cap;
	}
	memcpy(pending->arena + pending->an, set, sn);
	pending->v[pending->n++] = (pend){pending->an, sn, seq};
	pending->an += sn;
}

static int pend_cmp(const void *a, const void *b, void *arg)
{
	const search_bits_notes *pending = arg;
	const pend *x = a, *y = b;
	size_t n = x->sn < y->sn ? x->sn : y->sn;
	int c = memcmp(pending->arena + x->at, pending->arena + y->at, n);
	if (!c)
		c = (x->sn > y->sn) - (x->sn < y->sn);
	if (!c)
		c = (x->seq > y->seq) - (x->seq < y->seq);
	return c;
}

static int same_set(const search_bits_notes *pending, const pend *x,
		    const pend *y)
{
	return x->sn == y->sn && memcmp(pending->arena + x->at,
					pending->arena + y->at, x->sn) == 0;
}

/* Does the posting behind bit seq of set exist now? */
static int truth(const intake *in, hd_txn *t, MDB_cursor *post,
		 const uint8_t *set, size_t sn, uint64_t seq)
{
	uint8_t key[BITS_KEY_MAX + 12];
	MDB_val k = {sn + 8, key}, v;
	memcpy(key, set, sn);
	hd_key_u64(key + sn, seq << INTAKE_SHARD_BITS | in->shard);
	if (set[0] == SEARCH_PUBLIC || set[0] == SEARCH_PRIVATE) {
		/* any segment of the token */
		/* raw cursor: one open cursor serves every probe of a flush */
		int mrc = mdb_cursor_get(post, &k, &v, MDB_SET_RANGE);
		if (mrc && mrc != MDB_NOTFOUND)
			hd_txn_fail(t, HD_E_IO);
		return mrc == 0 && k.mv_size == sn + 12 &&
		       memcmp(k.mv_data, key, sn + 8) == 0;
	}
	if (set[0] == BITS_SEG0) { /* public segment 0 */
		key[0] = SEARCH_PUBLIC;
		memset(key + sn + 8, 0, 4);
		k.mv_size = sn + 12;
		return hd_txn_get(t, in->search.post, key, sn + 12, &v) ==
		       HD_OK;
	}
	return hd_txn_get(t, in->search.fields, key, sn + 8, &v) == HD_OK;
}

/* Apply notes [i, j) — one set, one chunk — to its stored value. */
static void apply_chunk(const intake *in, hd_txn *t, MDB_cursor *post, size_t i,
			size_t j)
{
	const search_bits_notes *pending = in->bits_notes;
	const pend *p = &pending->v[i];
	const uint8_t *set = pending->arena + p->at;
	uint8_t key[BITS_KEY_MAX], m[BITS_MAP_BYTES];
	uint32_t chunk = (uint32_t)(p->seq >> BITS_CHUNK_SHIFT);
	size_t kn = p->sn + 4;
	memcpy(key, set, p->sn);
	for (int b = 0; b < 4; b++)
		key[p->sn + b] = (uint8_t)(chunk >> (24 - 8 * b));
	MDB_val v;
	int rc = hd_txn_get(t, in->search.bits, key, kn, &v), was_map = 0;
	memset(m, 0, sizeof m);
	if (rc == HD_OK && v.mv_size == BITS_MAP_BYTES) {
		memcpy(m, v.mv_data, sizeof m);
		was_map = 1;
	} else if (rc == HD_OK && v.mv_size % 2 == 0 &&
		   v.mv_size <= 2 * ARRAY_MAX) {
		array_to_map(v.mv_data, v.mv_size / 2, m);
	} else if (rc != HD_E_NOTFOUND) {
		hd_txn_fail(t, rc ? rc : HD_E_CORRUPT);
		return;
	}
	int changed = 0;
	for (size_t n = i; n < j && !t->rc; n++) {
		if (n > i && pending->v[n].seq == pending->v[n - 1].seq)
			continue;
		unsigned off = (unsigned)(pending->v[n].seq &
					  ((1u << BITS_CHUNK_SHIFT) - 1));
		uint8_t bit = (uint8_t)(1u << (off & 7));
		int on = truth(in, t, post, set, p->sn, pending->v[n].seq);
		if (!!(m[off >> 3] & bit) != on) {
			m[off >> 3] ^= bit;
			changed = 1;
		}
	}
	if (!changed || t->rc)
		return;
	size_t count = popcount_map(m);
	if (!count) {
		hd_txn_del(t, in->search.bits, key, kn);
	} else if (count > ARRAY_MAX || (was_map && count >= SHRINK_BELOW)) {
		hd_txn_put(t, in->search.bits, key, kn, m, sizeof m);
	} else {
		uint8_t a[BITS_MAP_BYTES];
		size_t n = map_to_array(m, a);
		hd_txn_put(t, in->search.bits, key, kn, a, 2 * n);
	}
}

int search_bits_flush(const intake *in, hd_txn *t)
{
	search_bits_notes *pending = in->bits_notes;
	MDB_cursor *post = NULL;
	if (t->rc || !pending->n || pending->txn != t->txn) {
		discard(pending);
		return t->rc;
	}
	qsort_r(pending->v, pending->n, sizeof *pending->v, pend_cmp, pending);
	if (mdb_cursor_open(t->txn, in->search.post, &post)) {
		discard(pending);
		return hd_txn_fail(t, HD_E_IO);
	}
	for (size_t i = 0, j; i < pending->n && !t->rc; i = j) {
		uint64_t chunk = pending->v[i].seq >> BITS_CHUNK_SHIFT;
		for (j = i + 1;
		     j < pending->n &&
		     same_set(pending, &pending->v[i], &pending->v[j]) &&
		     pending->v[j].seq >> BITS_CHUNK_SHIFT == chunk;
		     j++)
			;
		apply_chunk(in, t, post, i, j);
	}
	mdb_cursor_close(post);
	discard(pending);
	return t->rc;
}

/* The sequence number of id, or 0 (and "#mixed") for another shard's. */
static int seq_of(const intake *in, hd_txn *t, uint64_t id, uint64_t *seq)
{
	if ((id & ((1u << INTAKE_SHARD_BITS) - 1)) != in->shard) {
		if (!t->rc)
			hd_txn_put(t, in->search.bits, K_MIXED, strlen(K_MIXED),
				   "1", 1);
		return 0;
	}
	*seq = id >> INTAKE_SHARD_BITS;
	return 1;
}

/* marker ‖ token ‖ 0x00 of a postings key, and 'S' ‖ token ‖ 0x00 when
 * the key may be public segment 0's. */
static void note_post(const intake *in, hd_txn *t, const uint8_t *key,
		      size_t kn, int seg0)
{
	uint8_t s[BITS_KEY_MAX];
	uint64_t seq;
	size_t pn = kn - 12;
	if (t->rc || kn < 14 || pn > sizeof s ||
	    !seq_of(in, t, hd_key_get_u64(key + pn), &seq))
		return;
	note(in, t, key, pn, seq);
	if (key[0] == SEARCH_PUBLIC && seg0) {
		memcpy(s, key, pn);
		s[0] = BITS_SEG0;
		note(in, t, s, pn, seq);
	}
}

void search_bits_post(const intake *in, hd_txn *t, const uint8_t *key,
		      size_t kn, int put)
{
	(void)put; /* the flush reads what the postings hold */
	if (kn < 14)
		return;
	const uint8_t *s = key + kn - 4;
	note_post(in, t, key, kn, (s[0] | s[1] | s[2] | s[3]) == 0);
}

void search_bits_post_gone(const intake *in, hd_txn *t, const uint8_t *key,
			   size_t kn)
{
	note_post(in, t, key, kn, 1);
}

void search_bits_field(const intake *in, hd_txn *t, const uint8_t *key,
		       size_t kn, int put)
{
	uint64_t seq;
	(void)put;
	if (t->rc || kn < 9 || (key[0] != 'F' && key[0] != 'K') ||
	    (key[0] == 'K' && kn != 9))
		return;
	if (seq_of(in, t, hd_key_get_u64(key + kn - 8), &seq))
		note(in, t, key, kn - 8, seq);
}

int search_bits_ready(const intake *in, hd_txn *t)
{
	MDB_val v;
	return hd_txn_get(t, in->search.bits, K_BUILT, strlen(K_BUILT), &v) ==
		       HD_OK &&
	       hd_txn_get(t, in->search.bits, K_MIXED, strlen(K_MIXED), &v) ==
		       HD_E_NOTFOUND;
}

/* ---- building them for an older store ---- */

typedef struct build_job {
	const intake *in;
	size_t done;
	int finished;
} build_job;

typedef struct build_walk {
	const intake *in;
	hd_txn *t;
	uint8_t phase;
	const uint8_t *after; /* the last key done last time */
	size_t an;
	size_t n;
	uint8_t last[512];
	size_t ln;
	bool more; /* stopped at BUILD_KEYS with keys left */
} build_walk;

/* One posting key of the batch, strictly after the last batch's. */
static int build_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	build_walk *w = arg;
	if (w->an && k->mv_size == w->an &&
	    !memcmp(k->mv_data, w->after, w->an))
		return HD_OK;
	if (w->n >= BUILD_KEYS || w->t->rc) {
		w->more = true;
		return HD_STOP;
	}
	w->ln = k->mv_size <= sizeof w->last ? k->mv_size : 0;
	memcpy(w->last, k->mv_data, w->ln);
	if (w->phase == 'p')
		search_bits_post(w->in, w->t, w->last, w->ln, 1);
	else
		search_bits_field(w->in, w->t, w->last, w->ln, 1);
	w->n++;
	return HD_OK;
}

/* "#at" is phase ('p' search_post, 'f' search_fields) ‖ the last key
 * done (none: from the start). */
static int build_batch(hd_txn *t, void *arg)
{
	build_job *b = arg;
	const intake *in = b->in;
	uint8_t at[1 + 512];
	size_t an = 1;
	MDB_val v;
	at[0] = 'p';
	if (hd_txn_get(t, in->search.bits, K_AT, strlen(K_AT), &v) == HD_OK &&
	    v.mv_size >= 1 && v.mv_size <= sizeof at) {
		memcpy(at, v.mv_data, v.mv_size);
		an = v.mv_size;
	}
	MDB_dbi dbi = at[0] == 'p' ? in->search.post : in->search.fields;
	build_walk w = {in, t, at[0], at + 1, an - 1, 0, {0}, 0, false};
	int rc = hd_txn_foreach_from(t, dbi, NULL, 0, at + 1, an - 1, false,
				     build_one, &w);
	if (rc)
		return rc;
	if (search_bits_flush(in, t))
		return t->rc;
	b->done += w.n;
	size_t ln = w.ln;
	if (!w.more && at[0] == 'f') {
		b->finished = 1;
		hd_txn_del(t, in->search.bits, K_AT, strlen(K_AT));
		return hd_txn_put(t, in->search.bits, K_BUILT, strlen(K_BUILT),
				  "1", 1);
	}
	if (!w.more) { /* on to the field postings */
		at[0] = 'f';
		ln = 0;
	}
	memcpy(at + 1, w.last, ln);
	return hd_txn_put(t, in->search.bits, K_AT, strlen(K_AT), at, 1 + ln);
}

int search_bits_build_step(intake *in, int *built)
{
	hd_txn t;
	build_job b = {.in = in};
	MDB_val v;
	int rc = hd_store_read(in->store, &t);
	if (rc)
		return rc;
	*built = hd_txn_get(&t, in->search.bits, K_BUILT, strlen(K_BUILT),
			    &v) == HD_OK;
	int fresh = hd_txn_get(&t, in->search.bits, K_AT, strlen(K_AT), &v) ==
		    HD_E_NOTFOUND;
	hd_txn_end(&t);
	if (*built)
		return HD_OK;
	if (fresh)
		hd_info("search.bits_building", "from=0");
	if ((rc = hd_store_write(in->store, build_batch, &b))) {
		hd_error("search.bits_build_failed", "err=%s", hd_errname(rc));
		return rc;
	}
	if ((*built = b.finished))
		hd_info("search.bits_built", "keys=%llu",
			(unsigned long long)b.done);
	return HD_OK;
}

/* ---- reading ---- */

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t w = 0;
	for (int i = 7; i >= 0; i--)
		w = w << 8 | p[i];
	return w;
}

/* Is k a chunk of the list pre (whole: pre ‖ chunk), or with prefix of
 * a list whose set starts with pre (token prefix ‖ more ‖ 0x00 ‖ chunk)? */
static int in_list(const MDB_val *k, const uint8_t *pre, size_t pn, int prefix)
{
	const uint8_t *d = k->mv_data;
	if (k->mv_size < pn + 4 || memcmp(d, pre, pn) != 0)
		return 0;
	if (!prefix)
		return k->mv_size == pn + 4 ? 1 : -1;
	/* the token's rest holds no 0x00: the one before the chunk ends it */
	size_t end = k->mv_size - 5;
	return end >= pn && d[end] == 0 && !memchr(d + pn, 0, end - pn) ? 1
									: -1;
}

int search_bits_or(const intake *in, hd_txn *t, const uint8_t *pre, size_t pn,
		   bitmap *b)
{
	return search_bits_or_prefix(in, t, pre, pn, 0, b);
}

typedef struct or_walk {
	const uint8_t *pre;
	size_t pn;
	int prefix;
	bitmap *b;
} or_walk;

/* OR one chunk of the list into the bitmap. */
static int or_chunk(void *arg, const MDB_val *k, const MDB_val *v)
{
	or_walk *w = arg;
	bitmap *b = w->b;
	int in = in_list(k, w->pre, w->pn, w->prefix);
	if (in <= 0)
		return in ? HD_OK
			  : HD_STOP; /* a longer key sharing the prefix */
	const uint8_t *c = (const uint8_t *)k->mv_data + k->mv_size - 4;
	uint64_t chunk = (uint64_t)c[0] << 24 | (uint64_t)c[1] << 16 |
			 (uint64_t)c[2] << 8 | c[3];
	size_t base = (size_t)chunk * BITS_CHUNK_WORDS;
	if (base >= b->nw)
		return HD_OK; /* past every indexed ticket */
	const uint8_t *d = v->mv_data;
	if (v->mv_size == BITS_MAP_BYTES) {
		for (size_t i = 0; i < BITS_CHUNK_WORDS; i++)
			if (base + i < b->nw)
				b->w[base + i] |= load_le64(d + 8 * i);
	} else if (v->mv_size % 2 == 0 && v->mv_size <= 2 * ARRAY_MAX) {
		for (size_t i = 0; i < v->mv_size / 2; i++) {
			size_t s = ((size_t)chunk << BITS_CHUNK_SHIFT) |
				   ((size_t)d[2 * i] << 8 | d[2 * i + 1]);
			if (s / 64 < b->nw)
				b->w[s / 64] |= UINT64_C(1) << (s % 64);
		}
	} else {
		return HD_E_CORRUPT;
	}
	return HD_OK;
}

int search_bits_or_prefix(const intake *in, hd_txn *t, const uint8_t *pre,
			  size_t pn, int prefix, bitmap *b)
{
	uint8_t key[BITS_KEY_MAX];
	if (pn + 4 > sizeof key)
		return HD_OK; /* no such list */
	memcpy(key, pre, pn);
	memset(key + pn, 0, 4);
	or_walk w = {pre, pn, prefix, b};
	return hd_txn_foreach_from(t, in->search.bits, pre, pn, key,
				   prefix ? pn : pn + 4, false, or_chunk, &w);
}

int search_bits_universe(const intake *in, hd_txn *t, size_t *nw)
{
	static const uint8_t all[1] = {BITS_ALL};
	MDB_val k;
	*nw = 0;
	int rc = hd_txn_first(t, in->search.bits, all, 1, NULL, 0, true, &k,
			      NULL);
	if (rc == HD_OK && k.mv_size == 5) { /* the last chunk */
		const uint8_t *c = (const uint8_t *)k.mv_data + 1;
		uint64_t chunk = (uint64_t)c[0] << 24 | (uint64_t)c[1] << 16 |
				 (uint64_t)c[2] << 8 | c[3];
		*nw = (size_t)(chunk + 1) * BITS_CHUNK_WORDS;
	}
	return rc == HD_E_NOTFOUND ? HD_OK : rc;
}
