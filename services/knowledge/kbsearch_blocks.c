/* kbsearch: posting blocks. A term's postings are kept sorted by document
 * id in blocks of at most KBS_BLOCK_MAX fixed-size entries, each block
 * under the key kind 0 term 0 u64 (its first id). Reading a term is then a
 * walk over a few dozen small values instead of one B-tree step per
 * posting, which is what makes a query over tens of thousands of matches
 * cheap; a write touches only the one block the id falls in (split in two
 * when full). Blocks stay small enough to live inside LMDB's leaf pages. */
#include "kbsearch_int.h"

#include "hd/err.h"

#include <stdlib.h>

static bool same_term(const MDB_val *k, const uint8_t *prefix, size_t plen)
{
	return k->mv_size == plen + 8 && memcmp(k->mv_data, prefix, plen) == 0;
}

typedef struct block {
	uint8_t e[(KBS_BLOCK_MAX + 1) * KBS_ENTRY];
	size_t n;
	uint64_t first; /* the key's id as stored */
	bool found;
} block;

/* The block id belongs in: the last one starting at or before id, else
 * the term's first block; b->found false when the term has none. */
static int load(hd_txn *t, MDB_dbi post, const uint8_t *prefix, size_t plen,
		uint64_t id, block *b)
{
	uint8_t key[KBS_KEY_CAP];
	memcpy(key, prefix, plen);
	hd_key_u64(key + plen, id);
	b->found = false;
	b->n = 0;
	MDB_val k, v;
	int rc = hd_txn_first(t, post, prefix, plen, key, plen + 8, true, &k,
			      &v);
	if (rc == HD_E_NOTFOUND)
		rc = hd_txn_first(t, post, prefix, plen, NULL, 0, false, &k,
				  &v);
	bool use = !rc && same_term(&k, prefix, plen);
	if (rc == HD_E_NOTFOUND)
		rc = HD_OK; /* the term has no block yet */
	if (use) {
		size_t n = v.mv_size >= 4 ? kbs_get_u32(v.mv_data) : 0;
		if (n > KBS_BLOCK_MAX || v.mv_size != 4 + n * KBS_ENTRY) {
			rc = HD_E_CORRUPT;
		} else {
			memcpy(b->e, (uint8_t *)v.mv_data + 4, n * KBS_ENTRY);
			b->n = n;
			b->first = hd_key_get_u64((uint8_t *)k.mv_data + plen);
			b->found = true;
		}
	}
	return rc;
}

static uint64_t entry_id(const uint8_t *e)
{
	return hd_key_get_u64(e);
}

/* Write entries e[0..n) as one block keyed by its first id. */
static int store(hd_txn *t, MDB_dbi post, const uint8_t *prefix, size_t plen,
		 const uint8_t *e, size_t n)
{
	uint8_t key[KBS_KEY_CAP], val[4 + KBS_BLOCK_MAX * KBS_ENTRY];
	memcpy(key, prefix, plen);
	hd_key_u64(key + plen, entry_id(e));
	kbs_put_u32(val, (uint32_t)n);
	memcpy(val + 4, e, n * KBS_ENTRY);
	return hd_txn_put(t, post, key, plen + 8, val, 4 + n * KBS_ENTRY);
}

static int drop_key(hd_txn *t, MDB_dbi post, const uint8_t *prefix, size_t plen,
		    uint64_t first)
{
	uint8_t key[KBS_KEY_CAP];
	memcpy(key, prefix, plen);
	hd_key_u64(key + plen, first);
	int rc = hd_txn_del(t, post, key, plen + 8);
	return rc == HD_E_NOTFOUND ? HD_OK : rc;
}

/* Rewrite b after a change: split when over full, re-key when its first
 * id moved, delete when empty. */
static int save(hd_txn *t, MDB_dbi post, const uint8_t *prefix, size_t plen,
		block *b)
{
	int rc = HD_OK;
	if (b->found && (!b->n || entry_id(b->e) != b->first))
		rc = drop_key(t, post, prefix, plen, b->first);
	if (rc || !b->n)
		return rc;
	if (b->n <= KBS_BLOCK_MAX)
		return store(t, post, prefix, plen, b->e, b->n);
	size_t half = b->n / 2;
	rc = store(t, post, prefix, plen, b->e, half);
	return rc ? rc
		  : store(t, post, prefix, plen, b->e + half * KBS_ENTRY,
			  b->n - half);
}

/* Index of the first entry with an id ≥ id. */
static size_t lower_bound(const block *b, uint64_t id)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (entry_id(b->e + mid * KBS_ENTRY) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int kbs_block_put(hd_txn *t, MDB_dbi post, const uint8_t *prefix, size_t plen,
		  const uint8_t entry[KBS_ENTRY])
{
	block *b = malloc(sizeof *b);
	if (!b)
		return hd_txn_fail(t, HD_E_NOMEM);
	uint64_t id = entry_id(entry);
	int rc = load(t, post, prefix, plen, id, b);
	if (!rc) {
		size_t at = lower_bound(b, id);
		uint8_t *p = b->e + at * KBS_ENTRY;
		if (at == b->n || entry_id(p) != id) {
			memmove(p + KBS_ENTRY, p, (b->n - at) * KBS_ENTRY);
			b->n++;
		}
		memcpy(p, entry, KBS_ENTRY);
		rc = save(t, post, prefix, plen, b);
	}
	free(b);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

int kbs_block_del(hd_txn *t, MDB_dbi post, const uint8_t *prefix, size_t plen,
		  uint64_t id)
{
	block *b = malloc(sizeof *b);
	if (!b)
		return hd_txn_fail(t, HD_E_NOMEM);
	int rc = load(t, post, prefix, plen, id, b);
	size_t at = rc ? 0 : lower_bound(b, id);
	if (!rc && b->found && at < b->n &&
	    entry_id(b->e + at * KBS_ENTRY) == id) {
		uint8_t *p = b->e + at * KBS_ENTRY;
		memmove(p, p + KBS_ENTRY, (b->n - at - 1) * KBS_ENTRY);
		b->n--;
		rc = save(t, post, prefix, plen, b);
	}
	free(b);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}
