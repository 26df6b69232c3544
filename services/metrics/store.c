/* metrics' store. Key layout (integers big-endian):
 *   counters  name ("tickets_created", …)  → u64
 *   tickets   u64 ticket id                  → i64 created_at (ms) */
#include "metrics.h"

int metrics_store_bind(metrics *m)
{
	int rc = hd_store_dbi(m->store, "counters", &m->counters);
	return rc ? rc : hd_store_dbi(m->store, "tickets", &m->tickets);
}
