/* notifications' store. Key layout (integers big-endian):
 *   requesters  u64 ticket id → u64 requester id (who hears about updates)
 *   counters    name          → u64 */
#include "notifications.h"

int notify_store_bind(notify *n)
{
	int rc = hd_store_dbi(n->store, "requesters", &n->requesters);
	return rc ? rc : hd_store_dbi(n->store, "counters", &n->counters);
}
