/* The event bus that never loses an event (DESIGN.md "The bus").
 *
 * Publisher: after each durable group commit of its store, sends one pub/sub
 * frame "<topic>\0<EventBatch>" and, about once a second, a heartbeat frame
 * "hb\0<Heartbeat>"; answers events.since from the outbox.
 *
 * Consumer: one thread subscribes to every source, applies events in seq
 * order inside the consumer's own write transaction together with the
 * per-source cursor (so applying twice is a no-op), and pulls missing ranges
 * over events.since on a gap, on a newer heartbeat, at start and once a
 * second. A source whose outbox no longer holds the next event is marked
 * failed with an error log: never skipped silently. */
#ifndef HD_BUS_H
#define HD_BUS_H

#include "hd/rpc.h"
#include "hd/store.h"

#include <stddef.h>
#include <stdint.h>

struct Hd__Envelope;

typedef struct hd_pub hd_pub;

/* Listen on url, hook the store's commits, start heartbeats. */
int hd_pub_open(hd_pub **out, const char *url, hd_store *store,
		const char *source, unsigned shard);
void hd_pub_close(hd_pub *p);

/* events.since for a store's outbox; ctx is the hd_store. */
int hd_bus_events_since(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
#define HD_BUS_MAX_PULL 2000

typedef struct hd_source {
	char name[32];
	unsigned shard;
	char pub_url[512];
	char rpc_url[512];
} hd_source;

/* Apply one event inside txn. Validate (decode) before writing anything:
 * HD_E_DECODE means "bad payload": logged, counted, skipped, cursor moves on.
 * Any other error aborts the batch, which is retried later. */
typedef int (*hd_apply_fn)(void *arg, hd_txn *txn,
			   const struct Hd__Envelope *ev);

typedef struct hd_consumer hd_consumer;

/* Why a consumer stopped applying from a source. Only the divergences
 * (incarnation changed, sequence went backwards: the source was restored or
 * replaced) are kept in the cursor across restarts; behind_retention is
 * found again at each start. See docs/operations.md "re-sync after a
 * restore". */
enum {
	HD_BUS_OK = 0,
	HD_BUS_BEHIND_RETENTION = 1,
	HD_BUS_INCARNATION_CHANGED = 2,
	HD_BUS_SEQ_BACKWARDS = 3,
};
/* "behind_retention" …; "ok" for HD_BUS_OK, "unknown" past the list. */
const char *hd_bus_reason_name(int reason);

/* A stored cursor (see bus_cursor.h for its bytes). */
typedef struct hd_bus_cursor {
	uint64_t seq;
	uint64_t incarnation; /* the source's; 0 = not yet known */
	int reason;           /* HD_BUS_OK unless diverged */
} hd_bus_cursor;
/* A cursor's stored bytes (__cursors values; hd-restore edits them):
 * u64 seq ‖ u64 incarnation ‖ [u8 reason], big-endian; an 8-byte value
 * from before incarnations is seq alone. decode: HD_E_CORRUPT for any
 * other length (*out zeroed). encode returns the length written. */
int hd_bus_cursor_decode(const void *p, size_t len, hd_bus_cursor *out);
size_t hd_bus_cursor_encode(const hd_bus_cursor *c, uint8_t out[17]);
/* Whether an event (or heartbeat, or pull reply) of incarnation inc may
 * continue c: HD_BUS_OK, adopting inc when c has none yet (a new cursor,
 * or one from before incarnations), or HD_BUS_INCARNATION_CHANGED. inc 0
 * (an event from before incarnations) never diverges. */
int hd_bus_cursor_check(hd_bus_cursor *c, uint64_t inc);

typedef struct hd_cursor_status {
	char name[32];
	unsigned shard;
	uint64_t applied;
	int failed;
	uint64_t announced;     /* newest seq the source is known to have */
	uint64_t incarnation;   /* of the source, as the cursor knows it */
	int reason;             /* HD_BUS_* when failed */
	unsigned pull_failures; /* events.since failures in a row */
	int pull_error;         /* the last one's HD_E_*, while failing */
} hd_cursor_status;

/* Start consuming sources (copied). The store must outlive the consumer. */
int hd_consumer_start(hd_consumer **out, hd_store *store,
		      const hd_source *sources, size_t n, hd_apply_fn apply,
		      void *arg);
/* Stop against a deadline (nng_close on a full subscriber can hang). HD_OK,
 * or HD_E_TIMEDOUT when a thread would not end and was abandoned: the store
 * may still be in use then and must not be closed. NULL is fine. */
int hd_consumer_stop(hd_consumer *c);
/* Fill up to max entries; returns how many sources there are. */
size_t hd_consumer_status(hd_consumer *c, hd_cursor_status *out, size_t max);
uint64_t hd_consumer_bad_frames(hd_consumer *c);

#endif
