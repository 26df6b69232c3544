/* Materialized views (views_index.c): each view's membership kept in
 * routing's store, maintained in the write transaction that applies a ticket
 * event, so a page is a cursor walk and a count one read. An index lives in
 * a slot (a number from meta's "next_view_slot"); key layout (integers
 * big-endian):
 *   view_index    u64 slot ‖ u64 part ‖ sort key ‖ u64 ticket → ""
 *   view_members  u64 slot ‖ u64 ticket             → its view_index key
 *   view_counts   u64 slot ‖ u64 part               → u64 members
 *   view_states   u64 view id                        → hd.ViewIndexState
 *   view_drops    u64 slot                           → "" (to be cleared)
 * part is 0, or for a view with an `all` condition "assignee_id (or
 * requester_id) is current_user" the ticket's assignee (requester): each
 * agent's page is then its own range. The sort key is the view's sort_by as
 * an i64 with the sign bit flipped (created_at, updated_at, status rank,
 * priority rank; 0 for id), or the subject's first bytes and a NUL, so
 * cursor order is sort order and the ticket id breaks ties, as the scan
 * does. Creating or changing a view starts a new slot that routing's tick
 * fills in batches (views_build.c); meanwhile reads answer from the previous
 * definition's slot (a new view: by a scan), and dropped slots are cleared
 * in batches too. */
#ifndef ROUTING_VIEWS_INDEX_H
#define ROUTING_VIEWS_INDEX_H

#include "common.pb-c.h"
#include "routing.h"

#include <stdbool.h>
#include <stdint.h>

enum { VIDX_READY = 0, VIDX_BUILDING = 2 };

extern const char *const routing_vidx_dbs[];
int routing_vidx_bind(routing *r);

/* View id was created or changed to v (old: its previous definition, NULL
 * when new), or deleted (v NULL): start building a new slot, keeping the
 * ready one for reads meanwhile; drop what is no longer needed. */
int routing_vidx_reset(routing *r, hd_txn *t, uint64_t id, const Hd__View *old,
		       const Hd__View *v);

/* Can v be kept as an index at all? No when a condition names the current
 * user without an `all` "assignee_id/requester_id is current_user" to
 * partition by (such views are always scanned). */
bool routing_vidx_indexable(const Hd__View *v);

/* Ticket hook: move the ticket's entries in every view's slots. */
int routing_vidx_ticket(routing *r, hd_txn *t, const Hd__Envelope *ev,
			const Hd__Ticket *before, const Hd__Ticket *after);
/* Bring one ticket's membership of slot (kept for definition v) up to
 * date. */
int routing_vidx_update(routing *r, hd_txn *t, uint64_t slot, const Hd__View *v,
			const Hd__Ticket *tk);

/* The view's state (HD_E_NOTFOUND: none); the caller frees it. */
int routing_vidx_state(hd_txn *t, routing *r, uint64_t id,
		       Hd__ViewIndexState **s);
int routing_vidx_put_state(hd_txn *t, routing *r, uint64_t id,
			   const Hd__ViewIndexState *s);
int routing_vidx_drop(hd_txn *t, routing *r, uint64_t slot);

/* Tick hook (views_build.c): one batch of clearing or building. */
int routing_vidx_tick(routing *r, hd_txn *t, int64_t now_ms);
void routing_vidx_set_batch(routing *r, unsigned n);
/* Prometheus: hd_routing_views_building (views not yet ready, and dropped
 * slots not yet cleared). */
void routing_vidx_collect(void *ctx, hd_buf *out);

/* Read one page of v for who: *used is false when no index can answer (a
 * new view being built, not indexable, a page in another order than the
 * index's) and the caller scans; *building says the view's current
 * definition is not ready (the answer is the previous definition's, or the
 * scan's). Otherwise *count is the members for who and ids[0..*n) the
 * page's ticket ids in order (the caller frees ids). */
int routing_vidx_page(routing *r, hd_txn *t, const Hd__View *v,
		      const hd_principal *who, const char *sort_by, bool desc,
		      uint64_t offset, uint32_t limit, bool *used,
		      bool *building, uint64_t *count, uint64_t **ids,
		      size_t *n);

#endif
