/* A scratch LMDB store for the tests of common/'s store modules: a fresh
 * directory, one store at a path inside it, everything removed at
 * teardown. A test's fixture struct begins with a unit_db, so cmocka's
 * teardown can be unit_db_teardown. Header-only, as unit.h. */
#ifndef HD_UNIT_DB_H
#define HD_UNIT_DB_H

#include "hd/store.h"

#include "unit.h"

typedef struct unit_db {
	char dir[64];   /* the scratch directory */
	char path[128]; /* the store's directory: dir/<sub> */
	hd_store *s;    /* NULL until unit_db_open */
} unit_db;

/* A zeroed fixture of size bytes (beginning with a unit_db) with its
 * scratch directory made and the store's path set to dir/sub; the store is
 * not opened yet. NULL when out of memory. */
static inline void *unit_db_new(size_t size, const char *sub)
{
	unit_db *d = calloc(1, size);
	if (!d)
		return NULL;
	unit_mkdtemp(d->dir, sizeof d->dir);
	snprintf(d->path, sizeof d->path, "%s/%s", d->dir, sub);
	return d;
}

/* Open d->s at d->path with o (its dir is set here; map_size is 64 MiB
 * unless o gives one). Returns hd_store_open's code. */
static inline int unit_db_open(unit_db *d, hd_store_opts o)
{
	o.dir = d->path;
	if (!o.map_size)
		o.map_size = (size_t)64 << 20;
	return hd_store_open(&d->s, &o);
}

/* cmocka teardown: close the store, remove the directory, free the
 * fixture *state (which begins with a unit_db). */
static inline int unit_db_teardown(void **state)
{
	unit_db *d = *state;
	hd_store_close(d->s);
	unit_rmtree(d->dir);
	free(d);
	return 0;
}

#endif
