/* routing's store. Key layout (integers big-endian):
 *   tickets     u64 ticket id                   → hd.Ticket (routing's copy)
 *   unassigned  i64 created_at ‖ u64 ticket id  → "" (oldest first) */
#include "routing.h"

int routing_store_bind(routing *r)
{
	int rc = hd_store_dbi(r->store, "tickets", &r->tickets);
	return rc ? rc : hd_store_dbi(r->store, "unassigned", &r->unassigned);
}
