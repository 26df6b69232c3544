/* kbsearch: the knowledge service's full-text engine, shared by every kind
 * of document it holds ("article", "card", …). A document is an id of a
 * kind with up to KBS_MAX_FIELDS text fields (say title, labels, body) and
 * 32 caller-defined flag bits (say draft, locale) that searches filter on.
 * Text goes through common/tokenize.h (NFKC, case folding, Hangul/CJK
 * bigrams, Latin words); ranking is BM25F: per-field term frequencies are
 * length-normalized, weighted per field at query time, then saturated
 * once with k1 and multiplied by the term's idf.
 *
 * Everything lives in LMDB in the caller's transaction, so a document is
 * searchable the moment the transaction that saved it commits. Thread
 * rule: none of its own — writes run in a write transaction (the group
 * commit), searches in any transaction. Key layout (kbsearch_index.c):
 *   kbs_post   kind 0 term 0 u64 id → a block of postings from id on:
 *                                     u32 count, count × (u64 id, u32
 *                                     flags, KBS_MAX_FIELDS × (u16 tf, u32
 *                                     field length)) (kbsearch_blocks.c)
 *   kbs_docs   kind 0 u64 id        → u32 flags, u8 nfields,
 *                                     nfields × u32 length, then the
 *                                     distinct terms (u8 len, bytes)
 *   kbs_stats  kind                 → u64 docs, KBS_MAX_FIELDS × u64 length */
#ifndef KBSEARCH_H
#define KBSEARCH_H

#include "hd/buf.h"
#include "hd/store.h"
#include "hd/store_iter.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KBS_MAX_FIELDS 4
#define KBS_MAX_KIND   15 /* bytes of a kind name */
#define KBS_K1         1.2
#define KBS_B          0.75

/* The engine's sub-databases, for the service's store (NULL-terminated). */
extern const char *const kbs_dbs[];

typedef struct kbs {
	MDB_dbi post, docs, stats;
} kbs;

/* Look up the sub-databases in an open store. HD_E_NOTFOUND when the
 * store was opened without kbs_dbs. */
int kbs_bind(hd_store *s, kbs *e);

typedef struct kbs_field {
	const char *text; /* UTF-8, borrowed; NULL = empty */
	size_t len;
} kbs_field;

/* Index (or re-index) document id of kind with fields[0..nfields) and
 * flags, replacing what was indexed for it before. HD_E_INVALID (bad kind,
 * too many fields), the store's errors (sticky in t). */
int kbs_put(hd_txn *t, const kbs *e, const char *kind, uint64_t id,
	    const kbs_field *fields, size_t nfields, uint32_t flags);
/* Forget document id of kind; HD_OK when it was not indexed. */
int kbs_remove(hd_txn *t, const kbs *e, const char *kind, uint64_t id);

/* Called for each candidate that passed the flags filter when the query
 * has further filters the engine cannot see (a section, labels); true
 * keeps it. Runs inside the search's transaction. */
typedef bool (*kbs_accept_fn)(void *arg, hd_txn *t, uint64_t id);

typedef struct kbs_query {
	const char *kind;
	const char *text; /* the query, UTF-8 */
	size_t len;
	double weights[KBS_MAX_FIELDS]; /* per field; 0 ignores the field */
	uint32_t flags_mask;            /* keep docs with */
	uint32_t flags_value;           /*   flags & mask == value */
	kbs_accept_fn accept;           /* optional */
	void *accept_arg;
	size_t offset, limit; /* the page of hits wanted */
} kbs_query;

typedef struct kbs_hit {
	uint64_t id;
	double score;
} kbs_hit;

typedef struct kbs_result {
	kbs_hit *hits; /* best first; malloc'd */
	size_t n;
	uint64_t total; /* every document that matched */
} kbs_result;

/* Rank the documents of q->kind matching any term of q->text. A query
 * without terms matches nothing. res is the caller's; release it with
 * kbs_result_release. HD_E_NOMEM or the store's errors. */
int kbs_search(hd_txn *t, const kbs *e, const kbs_query *q, kbs_result *res);
void kbs_result_release(kbs_result *res);

/* kbsearch_snippet.c: up to about max_chars characters of plain text
 * around the first words containing a query term, HTML-escaped, with
 * those words in <em>…</em>, "…" where text was cut. */
int kbs_snippet(hd_buf *out, const char *plain, size_t len, const char *query,
		size_t qlen, size_t max_chars);

#endif
