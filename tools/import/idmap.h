/* A u64 → u64 hash map (open addressing, linear probing) for hd-import's
 * in-memory tables: Zendesk user/organization id → Hana id, and Zendesk
 * ticket id → where its comments are. Key 0 is not storable. One thread. */
#ifndef IMP_IDMAP_H
#define IMP_IDMAP_H

#include <stdint.h>
#include <stddef.h>

typedef struct imp_idmap {
	uint64_t *keys, *vals;
	size_t cap, n;
} imp_idmap;

/* 0, or -1 when out of memory (the map is unchanged). */
int imp_idmap_put(imp_idmap *m, uint64_t key, uint64_t val);
/* 1 and *val when present, else 0. */
int imp_idmap_get(const imp_idmap *m, uint64_t key, uint64_t *val);
void imp_idmap_free(imp_idmap *m);

#endif
