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
 * postings (search_index.c, search_fields.c call in here on each put and
 * delete); a store indexed before they existed has them built a batch at
 * a time (setting a bit twice is harmless, so indexing goes on meanwhile). */
#include "search_bits.h"

#include "hd/err.h"
#include "hd/log.h"

#include <stdlib.h>
#include <string.h>

#define BUILD_KEYS   20000
#define ARRAY_MAX    255 /* offsets; one more makes a bitmap */
#define SHRINK_BELOW 192 /* a bitmap this sparse becomes offsets again */
#define K_BUILT      "#built"
#define K_AT         "#at"
#define K_MIXED      "#mixed"

MDB_dbi search_bits_dbi;
unsigned search_bits_shard;

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

/* Set (on 1) or clear bit seq of set pre. */
static void set_bit(hd_txn *t, const uint8_t *pre, size_t pn, uint64_t seq,
		    int on)
{
	uint8_t key[BITS_KEY_MAX], val[BITS_MAP_BYTES + 2];
	if (t->rc || pn + 4 > sizeof key)
		return;
	uint32_t chunk = (uint32_t)(seq >> BITS_CHUNK_SHIFT);
	unsigned off = (unsigned)(seq & ((1u << BITS_CHUNK_SHIFT) - 1));
	memcpy(key, pre, pn);
	for (int i = 0; i < 4; i++)
		key[pn + i] = (uint8_t)(chunk >> (24 - 8 * i));
	MDB_val v;
	int rc = hd_txn_get(t, search_bits_dbi, key, pn + 4, &v);
	if (rc == HD_E_NOTFOUND) {
		if (!on)
			return;
		val[0] = (uint8_t)(off >> 8);
		val[1] = (uint8_t)off;
		hd_txn_put(t, search_bits_dbi, key, pn + 4, val, 2);
		return;
	}
	if (rc) {
		hd_txn_fail(t, rc);
		return;
	}
	size_t vn = v.mv_size;
	if (vn == BITS_MAP_BYTES) {
		memcpy(val, v.mv_data, vn);
		uint8_t bit = (uint8_t)(1u << (off & 7));
		if (!!(val[off >> 3] & bit) == on)
			return;
		val[off >> 3] = on ? val[off >> 3] | bit : val[off >> 3] & ~bit;
		if (!on && popcount_map(val) < SHRINK_BELOW) {
			uint8_t a[BITS_MAP_BYTES];
			vn = map_to_array(val, a);
			hd_txn_put(t, search_bits_dbi, key, pn + 4, a, 2 * vn);
			return;
		}
		hd_txn_put(t, search_bits_dbi, key, pn + 4, val, vn);
		return;
	}
	if (vn % 2 || vn > 2 * ARRAY_MAX) {
		hd_txn_fail(t, HD_E_CORRUPT);
		return;
	}
	size_t n = vn / 2, lo = 0, hi = n;
	const uint8_t *a = v.mv_data;
	while (lo < hi) { /* first offset ≥ off */
		size_t mid = (lo + hi) / 2;
		if (((unsigned)a[2 * mid] << 8 | a[2 * mid + 1]) < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	int present =
		lo < n && ((unsigned)a[2 * lo] << 8 | a[2 * lo + 1]) == off;
	if (present == on)
		return;
	if (!on) {
		if (n == 1) {
			hd_txn_del(t, search_bits_dbi, key, pn + 4);
			return;
		}
		memcpy(val, a, 2 * lo);
		memcpy(val + 2 * lo, a + 2 * lo + 2, vn - 2 * lo - 2);
		hd_txn_put(t, search_bits_dbi, key, pn + 4, val, vn - 2);
		return;
	}
	memcpy(val, a, 2 * lo);
	val[2 * lo] = (uint8_t)(off >> 8);
	val[2 * lo + 1] = (uint8_t)off;
	memcpy(val + 2 * lo + 2, a + 2 * lo, vn - 2 * lo);
	if (n + 1 > ARRAY_MAX) {
		uint8_t m[BITS_MAP_BYTES];
		array_to_map(val, n + 1, m);
		hd_txn_put(t, search_bits_dbi, key, pn + 4, m, sizeof m);
		return;
	}
	hd_txn_put(t, search_bits_dbi, key, pn + 4, val, vn + 2);
}

/* The sequence number of id, or 0 (and "#mixed") for another shard's. */
static int seq_of(hd_txn *t, uint64_t id, uint64_t *seq)
{
	if ((id & ((1u << INTAKE_SHARD_BITS) - 1)) != search_bits_shard) {
		if (!t->rc)
			hd_txn_put(t, search_bits_dbi, K_MIXED, strlen(K_MIXED),
				   "1", 1);
		return 0;
	}
	*seq = id >> INTAKE_SHARD_BITS;
	return 1;
}

/* 'S' ‖ token ‖ 0x00 from a postings key's marker ‖ token ‖ 0x00. */
static void seg0_bit(hd_txn *t, const uint8_t *key, size_t pn, uint64_t seq,
		     int on)
{
	uint8_t s[BITS_KEY_MAX];
	if (pn > sizeof s)
		return;
	memcpy(s, key, pn);
	s[0] = BITS_SEG0;
	set_bit(t, s, pn, seq, on);
}

/* Does search_post still hold a key marker ‖ token ‖ 0x00 ‖ id ‖ …? */
static int any_segment(hd_txn *t, const uint8_t *key, size_t pn8)
{
	MDB_cursor *cur = NULL;
	if (mdb_cursor_open(t->txn, search_db.post, &cur)) {
		hd_txn_fail(t, HD_E_IO);
		return 1;
	}
	MDB_val k = {pn8, (void *)key}, v;
	int mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	int found = mrc == 0 && k.mv_size == pn8 + 4 &&
		    memcmp(k.mv_data, key, pn8) == 0;
	if (mrc && mrc != MDB_NOTFOUND)
		hd_txn_fail(t, HD_E_IO);
	mdb_cursor_close(cur);
	return found;
}

void search_bits_post(hd_txn *t, const uint8_t *key, size_t kn, int put)
{
	uint64_t seq;
	if (t->rc || kn < 14)
		return;
	size_t pn = kn - 12;
	const uint8_t *s = key + pn + 8;
	uint32_t seg = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
		       (uint32_t)s[2] << 8 | s[3];
	if (!seq_of(t, hd_key_get_u64(key + pn), &seq))
		return;
	if (key[0] == SEARCH_PUBLIC && seg == 0)
		seg0_bit(t, key, pn, seq, put);
	if (put)
		set_bit(t, key, pn, seq, 1);
	else if (!any_segment(t, key, pn + 8))
		set_bit(t, key, pn, seq, 0);
}

void search_bits_post_gone(hd_txn *t, const uint8_t *key, size_t kn)
{
	uint64_t seq;
	if (t->rc || kn < 14)
		return;
	size_t pn = kn - 12;
	if (!seq_of(t, hd_key_get_u64(key + pn), &seq))
		return;
	if (key[0] == SEARCH_PUBLIC)
		seg0_bit(t, key, pn, seq, 0);
	set_bit(t, key, pn, seq, 0);
}

void search_bits_field(hd_txn *t, const uint8_t *key, size_t kn, int put)
{
	uint64_t seq;
	if (t->rc || kn < 9 || (key[0] != 'F' && key[0] != 'K') ||
	    (key[0] == 'K' && kn != 9))
		return;
	if (!seq_of(t, hd_key_get_u64(key + kn - 8), &seq))
		return;
	set_bit(t, key, kn - 8, seq, put);
}

int search_bits_ready(hd_txn *t)
{
	MDB_val v;
	return hd_txn_get(t, search_bits_dbi, K_BUILT, strlen(K_BUILT), &v) ==
		       HD_OK &&
	       hd_txn_get(t, search_bits_dbi, K_MIXED, strlen(K_MIXED), &v) ==
		       HD_E_NOTFOUND;
}

/* ---- building them for an older store ---- */

typedef struct build_job {
	size_t done;
	int finished;
} build_job;

/* "#at" is phase ('p' search_post, 'f' search_fields) ‖ the last key
 * done (none: from the start). */
static int build_batch(hd_txn *t, void *arg)
{
	build_job *b = arg;
	uint8_t at[1 + 512];
	size_t an = 1;
	MDB_val v;
	at[0] = 'p';
	if (hd_txn_get(t, search_bits_dbi, K_AT, strlen(K_AT), &v) == HD_OK &&
	    v.mv_size >= 1 && v.mv_size <= sizeof at) {
		memcpy(at, v.mv_data, v.mv_size);
		an = v.mv_size;
	}
	MDB_dbi dbi = at[0] == 'p' ? search_db.post : search_db.fields;
	MDB_cursor *cur = NULL;
	if (mdb_cursor_open(t->txn, dbi, &cur))
		return hd_txn_fail(t, HD_E_IO);
	MDB_val k = {an - 1, at + 1};
	int mrc = an > 1 ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)
			 : mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	if (mrc == 0 && an > 1 && k.mv_size == an - 1 &&
	    memcmp(k.mv_data, at + 1, an - 1) == 0)
		mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	size_t n = 0;
	uint8_t last[512];
	size_t ln = 0;
	for (; mrc == 0 && n < BUILD_KEYS && !t->rc; n++) {
		ln = k.mv_size <= sizeof last ? k.mv_size : 0;
		memcpy(last, k.mv_data, ln);
		if (at[0] == 'p')
			search_bits_post(t, last, ln, 1);
		else
			search_bits_field(t, last, ln, 1);
		mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return hd_txn_fail(t, HD_E_IO);
	b->done += n;
	if (mrc == MDB_NOTFOUND && at[0] == 'f') {
		b->finished = 1;
		hd_txn_del(t, search_bits_dbi, K_AT, strlen(K_AT));
		return hd_txn_put(t, search_bits_dbi, K_BUILT, strlen(K_BUILT),
				  "1", 1);
	}
	if (mrc == MDB_NOTFOUND) { /* on to the field postings */
		at[0] = 'f';
		ln = 0;
	}
	memcpy(at + 1, last, ln);
	return hd_txn_put(t, search_bits_dbi, K_AT, strlen(K_AT), at, 1 + ln);
}

int search_bits_build_step(intake *in, int *built)
{
	hd_txn t;
	build_job b = {0};
	MDB_val v;
	int rc = hd_store_read(in->store, &t);
	if (rc)
		return rc;
	*built = hd_txn_get(&t, search_bits_dbi, K_BUILT, strlen(K_BUILT),
			    &v) == HD_OK;
	int fresh = hd_txn_get(&t, search_bits_dbi, K_AT, strlen(K_AT), &v) ==
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

int search_bits_or(hd_txn *t, const uint8_t *pre, size_t pn, bitmap *b)
{
	return search_bits_or_prefix(t, pre, pn, 0, b);
}

int search_bits_or_prefix(hd_txn *t, const uint8_t *pre, size_t pn, int prefix,
			  bitmap *b)
{
	uint8_t key[BITS_KEY_MAX];
	MDB_cursor *cur = NULL;
	if (pn + 4 > sizeof key)
		return HD_OK; /* no such list */
	if (mdb_cursor_open(t->txn, search_bits_dbi, &cur))
		return HD_E_IO;
	memcpy(key, pre, pn);
	memset(key + pn, 0, 4);
	MDB_val k = {prefix ? pn : pn + 4, key}, v;
	int rc = HD_OK, mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE), in;
	for (; mrc == 0 && !rc && (in = in_list(&k, pre, pn, prefix)) != 0;
	     mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (in < 0)
			continue; /* a longer key sharing the prefix */
		const uint8_t *c = (const uint8_t *)k.mv_data + k.mv_size - 4;
		uint64_t chunk = (uint64_t)c[0] << 24 | (uint64_t)c[1] << 16 |
				 (uint64_t)c[2] << 8 | c[3];
		size_t base = (size_t)chunk * BITS_CHUNK_WORDS;
		if (base >= b->nw)
			continue; /* past every indexed ticket */
		const uint8_t *d = v.mv_data;
		if (v.mv_size == BITS_MAP_BYTES) {
			for (size_t i = 0; i < BITS_CHUNK_WORDS; i++)
				if (base + i < b->nw)
					b->w[base + i] |= load_le64(d + 8 * i);
		} else if (v.mv_size % 2 == 0 && v.mv_size <= 2 * ARRAY_MAX) {
			for (size_t i = 0; i < v.mv_size / 2; i++) {
				size_t s =
					((size_t)chunk << BITS_CHUNK_SHIFT) |
					((size_t)d[2 * i] << 8 | d[2 * i + 1]);
				if (s / 64 < b->nw)
					b->w[s / 64] |= UINT64_C(1) << (s % 64);
			}
		} else {
			rc = HD_E_CORRUPT;
		}
	}
	mdb_cursor_close(cur);
	if (!rc && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = HD_E_IO;
	return rc;
}

int search_bits_universe(hd_txn *t, size_t *nw)
{
	MDB_cursor *cur = NULL;
	*nw = 0;
	if (mdb_cursor_open(t->txn, search_bits_dbi, &cur))
		return HD_E_IO;
	uint8_t after[1] = {BITS_ALL + 1};
	MDB_val k = {1, after}, v;
	int mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	mrc = mrc == 0              ? mdb_cursor_get(cur, &k, &v, MDB_PREV)
	      : mrc == MDB_NOTFOUND ? mdb_cursor_get(cur, &k, &v, MDB_LAST)
				    : mrc;
	if (mrc == 0 && k.mv_size == 5 &&
	    *(const uint8_t *)k.mv_data == BITS_ALL) {
		const uint8_t *c = (const uint8_t *)k.mv_data + 1;
		uint64_t chunk = (uint64_t)c[0] << 24 | (uint64_t)c[1] << 16 |
				 (uint64_t)c[2] << 8 | c[3];
		*nw = (size_t)(chunk + 1) * BITS_CHUNK_WORDS;
	}
	mdb_cursor_close(cur);
	return mrc == 0 || mrc == MDB_NOTFOUND ? HD_OK : HD_E_IO;
}
