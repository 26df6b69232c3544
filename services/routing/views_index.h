/* Materialized views (views_index.c): each view's membership kept in
 * routing's store, maintained in the write transaction that applies a ticket
 * event, so a page is a cursor walk and a count one read. Key layout
 * (integers big-endian):
 *   view_idx    u64 view ‖ u64 part ‖ sort key ‖ u64 ticket → ""
 *   view_mem    u64 view ‖ u64 ticket                       → its view_idx key
 *   view_count  u64 view ‖ u64 part                         → u64 members
 *   view_state  u64 view → u8 phase ‖ u64 cursor (ticket id built up to)
 * part is 0, or for a view with an `all` condition "assignee_id (or
 * requester_id) is current_user" the ticket's assignee (requester): each
 * agent's page is then its own range. The sort key is the view's sort_by as
 * an i64 with the sign bit flipped (created_at, updated_at, status rank,
 * priority rank; 0 for id), or the subject's first bytes and a NUL, so
 * cursor order is sort order and the ticket id breaks ties, as the scan
 * does. Creating, changing or deleting a view resets its state; routing's
 * tick then clears and rebuilds the index in batches (views_build.c) while
 * reads fall back to the scan. */
#ifndef ROUTING_VIEWS_INDEX_H
#define ROUTING_VIEWS_INDEX_H

#include "common.pb-c.h"
#include "routing.h"

#include <stdbool.h>
#include <stdint.h>

enum { VIDX_READY = 0, VIDX_CLEARING = 1, VIDX_BUILDING = 2, VIDX_GONE = 3 };

typedef struct vidx_state {
	uint8_t phase;
	uint64_t cursor;
} vidx_state;

extern const char *const routing_vidx_dbs[];
int routing_vidx_bind(routing *r);

/* The view with this id was created, changed (deleted: removed): forget
 * its index; the tick clears it and builds it anew (or drops it). */
int routing_vidx_reset(routing *r, hd_txn *t, uint64_t view, bool deleted);

/* Can v be kept as an index at all? No when a condition names the current
 * user without an `all` "assignee_id/requester_id is current_user" to
 * partition by (such views are always scanned). */
bool routing_vidx_indexable(const Hd__View *v);

/* Ticket hook: move tk's entries in every ready view's index. */
int routing_vidx_ticket(routing *r, hd_txn *t, const Hd__Envelope *ev,
			const Hd__Ticket *before, const Hd__Ticket *after);
/* Bring one ticket's membership of one view up to date. */
int routing_vidx_update(routing *r, hd_txn *t, const Hd__View *v,
			const Hd__Ticket *tk);

int routing_vidx_state(hd_txn *t, routing *r, uint64_t view, vidx_state *s);
int routing_vidx_put_state(hd_txn *t, routing *r, uint64_t view,
			   const vidx_state *s);

/* Tick hook (views_build.c): one batch of clearing or building. */
int routing_vidx_tick(routing *r, hd_txn *t, int64_t now_ms);
void routing_vidx_set_batch(unsigned n);
/* Prometheus: hd_routing_views_building (views not yet ready). */
void routing_vidx_collect(void *ctx, hd_buf *out);

/* Is v's index being cleared or built (reads scan meanwhile)? */
bool routing_vidx_building(hd_txn *t, routing *r, const Hd__View *v);

/* Read one page from v's index for who: *used is false when the index
 * cannot answer (being built, not indexable, another sort than the view's)
 * and the caller scans. Otherwise *count is the members for who and
 * ids[0..*n) the page's ticket ids in order (the caller frees ids). */
int routing_vidx_page(routing *r, hd_txn *t, const Hd__View *v,
		      const hd_principal *who, const char *sort_by, bool desc,
		      uint64_t offset, uint32_t limit, bool *used,
		      uint64_t *count, uint64_t **ids, size_t *n);

#endif
