/* Bitmap postings (search_bits.c): every posting list of search_post and
 * search_fields kept a second time as compressed bitmaps of ticket
 * sequence numbers, so a query over common terms is a few word-wise ANDs
 * and a popcount instead of a walk over one key per ticket
 * (search_bitq.c). */
#ifndef INTAKE_SEARCH_BITS_H
#define INTAKE_SEARCH_BITS_H

#include "search.h"

#include <stddef.h>
#include <stdint.h>

/* A chunk covers 4096 consecutive sequence numbers (id >> 8): its value is
 * a 512-byte bitmap, or fewer than 256 sorted u16 (BE) offsets. */
#define BITS_CHUNK_SHIFT 12
#define BITS_MAP_BYTES   512
#define BITS_CHUNK_WORDS (BITS_MAP_BYTES / 8)
#define BITS_SEG0        'S' /* public text of segment 0 (scored 1.0) */
#define BITS_ALL         'K' /* every indexed ticket */
#define BITS_KEY_MAX     (SEARCH_FIELD_KEY_MAX + 4)

/* The per-context notes below (in->bits_notes): made once before any write
 * (HD_OK, HD_E_NOMEM), freed when the context goes (NULL-safe). */
typedef struct search_bits_notes search_bits_notes;
int search_bits_notes_new(intake *in);
void search_bits_notes_free(intake *in);

/* Keep the bitmaps of one key just put (put 1) or deleted (0) in
 * search_post / search_fields, in the same transaction. */
void search_bits_post(const intake *in, hd_txn *t, const uint8_t *key,
		      size_t kn, int put);
void search_bits_field(const intake *in, hd_txn *t, const uint8_t *key,
		       size_t kn, int put);
/* After every segment of marker ‖ tok of ticket id was deleted. */
void search_bits_post_gone(const intake *in, hd_txn *t, const uint8_t *key,
			   size_t kn);
/* The calls above only note which bits may change; this applies them (each
 * chunk read and written once, every bit set from the postings as they
 * are now). Every write job that changes postings calls it before it
 * ends; on an error (t->rc) the notes are dropped. Returns t->rc. */
int search_bits_flush(const intake *in, hd_txn *t);

/* 1 when the bitmaps hold every posting (built, one shard's ids only). */
int search_bits_ready(const intake *in, hd_txn *t);
/* Build them for a store indexed before they existed: one batch, resumable;
 * *built 1 once done. Run by the indexer thread between its rounds. */
int search_bits_build_step(intake *in, int *built);

/* A dense bitmap over sequence numbers [0, nw * 64). */
typedef struct bitmap {
	uint64_t *w;
	size_t nw;
} bitmap;

/* OR the list of set key pre (pn bytes) into b (sized by the caller).
 * HD_E_IO, HD_E_CORRUPT. */
int search_bits_or(const intake *in, hd_txn *t, const uint8_t *pre, size_t pn,
		   bitmap *b);
/* prefix 1: OR every list whose set is pre ‖ more ‖ 0x00 (a token prefix:
 * pre is marker ‖ the prefix, without the 0x00). */
int search_bits_or_prefix(const intake *in, hd_txn *t, const uint8_t *pre,
			  size_t pn, int prefix, bitmap *b);
/* search_phrase_bits.c's cache of phrase bitmaps (in->phrase_cache), made
 * and freed as the notes are. */
int search_phrase_cache_new(intake *in);
void search_phrase_cache_free(intake *in);
/* OR into out (nw words) the tickets holding the phrase term in text
 * marked m, from a bitmap kept up to date. */
int search_phrase_bits(const intake *in, hd_txn *t, char m, const sq_term *term,
		       size_t nw, bitmap *out);
/* Words needed for every indexed ticket (0 when none). */
int search_bits_universe(const intake *in, hd_txn *t, size_t *nw);

#endif
