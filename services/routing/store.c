/* routing's store. Key layout (integers big-endian):
 *   tickets     u64 ticket id                   → hd.Ticket (routing's copy)
 *   unassigned  i64 created_at ‖ u64 ticket id  → "" (oldest first)
 *   views       u64 view id                     → hd.View
 *   meta        counter name ("next_view")      → u64 next value
 *   commands    see commands.c
 *   view_*      see views_index.h */
#include "routing.h"
#include "views_index.h"

#include "hd/err.h"
#include "hd/store_upgrade.h"

#include <string.h>

/* Views saved with restriction_json get their typed restriction once. */
static int upgrade_views(hd_txn *t, void *arg)
{
	routing *r = arg;
	return hd_txn_upgrade_pb(t, r->views, &hd__view__descriptor,
				 routing_view_upgrade, NULL);
}

int routing_store_bind(routing *r)
{
	const hd_dbi_ref dbs[] = {
		{"tickets", &r->tickets}, {"unassigned", &r->unassigned},
		{"views", &r->views},     {"commands", &r->commands},
		{"meta", &r->meta},       {NULL, NULL}};
	int rc = hd_store_dbis(r->store, dbs);
	if (!rc)
		rc = hd_store_write(r->store, upgrade_views, r);
	return rc ? rc : routing_vidx_bind(r);
}

int routing_next_id(hd_txn *t, routing *r, const char *counter, uint64_t *id)
{
	return hd_txn_next_id(t, r->meta, counter, id);
}
