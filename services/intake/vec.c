/* Growable arrays for intake's scans. */
#include "vec.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

int intake_vec_room(void *arrp, size_t *cap, size_t n, size_t elem,
		    size_t first)
{
	if (n < *cap)
		return HD_OK;
	size_t ncap = *cap ? *cap * 2 : first;
	void *old, *v;
	memcpy(&old, arrp, sizeof old);
	v = realloc(old, ncap * elem);
	if (!v)
		return HD_E_NOMEM;
	memcpy(arrp, &v, sizeof v);
	*cap = ncap;
	return HD_OK;
}
