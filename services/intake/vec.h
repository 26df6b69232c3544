/* Growable arrays for intake's scans (vec.c). */
#ifndef INTAKE_VEC_H
#define INTAKE_VEC_H

#include <stddef.h>

/* Make room for element n of the array *arrp (a T ** passed as void *) of
 * *cap elements of elem bytes: when n == *cap, realloc to twice *cap (first
 * when empty). HD_E_NOMEM leaves the array as it was. */
int intake_vec_room(void *arrp, size_t *cap, size_t n, size_t elem,
		    size_t first);

#endif
