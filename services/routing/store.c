/* routing's store. Key layout (integers big-endian):
 *   tickets     u64 ticket id                   → hd.Ticket (routing's copy)
 *   unassigned  i64 created_at ‖ u64 ticket id  → "" (oldest first)
 *   views       u64 view id                     → hd.View
 *   meta        counter name ("next_view")      → u64 next value
 *   commands    see commands.c */
#include "routing.h"

#include "hd/err.h"

#include <string.h>

int routing_store_bind(routing *r)
{
	int rc = hd_store_dbi(r->store, "tickets", &r->tickets);
	if (!rc)
		rc = hd_store_dbi(r->store, "unassigned", &r->unassigned);
	if (!rc)
		rc = hd_store_dbi(r->store, "views", &r->views);
	if (!rc)
		rc = hd_store_dbi(r->store, "commands", &r->commands);
	return rc ? rc : hd_store_dbi(r->store, "meta", &r->meta);
}

int routing_next_id(hd_txn *t, routing *r, const char *counter, uint64_t *id)
{
	uint64_t next = 0;
	int rc = hd_txn_add_u64(t, r->meta, counter, 1, &next);
	*id = next;
	return rc;
}
