/* The order of voice call lists (intake answers a shard's calls, the
 * gateway merges every shard's): newest first, by start time, then by the
 * record's sequence. A qsort comparator over Hd__CallRecord pointers. */
#ifndef HD_CALL_ORDER_H
#define HD_CALL_ORDER_H

#include "channels.pb-c.h"

static inline int hd_call_newest_first(const void *a, const void *b)
{
	const Hd__CallRecord *x = *(Hd__CallRecord *const *)a;
	const Hd__CallRecord *y = *(Hd__CallRecord *const *)b;
	if (x->started_at != y->started_at)
		return x->started_at > y->started_at ? -1 : 1;
	return x->seq > y->seq ? -1 : x->seq < y->seq;
}

#endif
