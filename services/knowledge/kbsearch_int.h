/* kbsearch's internals shared by its index and query halves: key building
 * and the fixed-width encodings of kbsearch.h's key layout. */
#ifndef KBSEARCH_INT_H
#define KBSEARCH_INT_H

#include "kbsearch.h"

#include "hd/tokenize.h"

#include <string.h>

/* kind 0 term 0 (the prefix of a term's postings) */
#define KBS_KEY_CAP (KBS_MAX_KIND + 1 + HD_TOKEN_MAX_BYTES + 1 + 8)

static inline size_t kbs_term_prefix(uint8_t *out, const char *kind,
				     const char *term, size_t tlen)
{
	size_t k = strlen(kind);
	memcpy(out, kind, k + 1);
	memcpy(out + k + 1, term, tlen);
	out[k + 1 + tlen] = 0;
	return k + 2 + tlen;
}

static inline size_t kbs_doc_key(uint8_t *out, const char *kind, uint64_t id)
{
	size_t k = strlen(kind);
	memcpy(out, kind, k + 1);
	hd_key_u64(out + k + 1, id);
	return k + 9;
}

static inline void kbs_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static inline uint32_t kbs_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* A posting: u64 id, u32 flags, KBS_MAX_FIELDS × (u8 tf, u16 field
 * length), all big-endian; tf and length saturate at their maximum (past
 * that BM25 barely moves, and small entries keep a query's memory traffic
 * low). A block value: u32 count, then the entries in id order. */
#define KBS_ENTRY     (12 + 3 * KBS_MAX_FIELDS)
#define KBS_BLOCK_MAX 64
#define KBS_ENTRY_TF  12 /* offset of the first field */
#define KBS_TF_CAP    255u
#define KBS_LEN_CAP   65535u

/* kbsearch_blocks.c: add (or replace) the entry's posting under the term
 * prefix (kind 0 term 0), or remove id's; sticky errors in t. */
int kbs_block_put(hd_txn *t, MDB_dbi post, const uint8_t *prefix, size_t plen,
		  const uint8_t entry[KBS_ENTRY]);
int kbs_block_del(hd_txn *t, MDB_dbi post, const uint8_t *prefix, size_t plen,
		  uint64_t id);

/* Read the stats of kind: documents and total length per field. */
int kbs_stats_get(hd_txn *t, const kbs *e, const char *kind, uint64_t *docs,
		  uint64_t lens[KBS_MAX_FIELDS]);

#endif
