/* Sorted ticket-id sets from postings (search_sets.c). */
#ifndef INTAKE_SEARCH_SETS_H
#define INTAKE_SEARCH_SETS_H

#include "hd/store.h"

#include <stddef.h>
#include <stdint.h>

#define SETS_KEY_MAX 511

typedef struct idhit {
	uint64_t id;
	double score; /* relevance so far */
} idhit;

typedef struct idset {
	idhit *v; /* ascending ids, unique once normalized */
	size_t n, cap;
} idset;

int idset_push(idset *s, uint64_t id, double score);
void idset_release(idset *s);
/* Sort by id; of equal ids keep one, with the best score. */
void idset_normalize(idset *s);
/* Append the ids of every key prefix ‖ id (u64 BE) ‖ tail bytes (in key
 * order, so ascending). HD_E_IO, HD_E_NOMEM. */
int idset_read(hd_txn *t, MDB_dbi dbi, const uint8_t *pre, size_t pn,
	       size_t tail, idset *out);
/* Keep in s (normalized) the ids that have (keep_present 1) or have not
 * (0) a key prefix ‖ id ‖ tail, by leapfrogging the list. */
int idset_filter(hd_txn *t, MDB_dbi dbi, const uint8_t *pre, size_t pn,
		 size_t tail, int keep_present, idset *s);
/* a ∩= b (scores add), a −= b, a ∪= b (the better score); normalized. */
void idset_and(idset *a, const idset *b);
void idset_not(idset *a, const idset *b);
int idset_or(idset *a, const idset *b);

#endif
