/* Queries answered from the bitmap postings (search_bitq.c). */
#ifndef INTAKE_SEARCH_BITQ_H
#define INTAKE_SEARCH_BITQ_H

#include "search.h"
#include "search_sets.h"

#include "hd/tokenize.h"

/* When the bitmaps are built and every term of q has one (type: terms are
 * the caller's): *count the exact number of matches, cand (ascending ids,
 * with relevance) a superset of the first limit hits in the order by /
 * desc, *used 1. Otherwise *used 0 and the caller evaluates q itself.
 * HD_E_NOMEM, HD_E_IO, HD_E_CORRUPT. */
int search_bitq(const intake *in, hd_txn *t, const sq_query *q, int staff,
		const hd_principal *who, const char *by, int desc,
		uint32_t limit, idset *cand, uint64_t *count, int *used);

#endif
