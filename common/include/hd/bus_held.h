/* The event compatibility rule: an event whose type this build does not
 * know (a newer publisher, during a rolling upgrade) is neither applied nor
 * skipped. It is kept in the consumer's __held_events, counted and logged,
 * and applied at a later start by a build that knows its type. Thread rule:
 * hd_bus_hold runs inside the consumer's write transaction; the replay runs
 * once at start, before the consumer. */
#ifndef HD_BUS_HELD_H
#define HD_BUS_HELD_H

#include "hd/bus.h"

/* 1 when this build of the suite publishes events of this type. */
int hd_event_type_known(const char *type);
/* The known types, NULL-terminated (for tests and docs). */
extern const char *const hd_event_types[];

/* Keep ev in __held_events in t (sticky errors as hd_txn_put). */
int hd_bus_hold(hd_txn *t, const struct Hd__Envelope *ev);

/* Apply, in one write, every held event whose type is known now (through
 * apply, each in its own child transaction as the consumer does) and drop
 * it; the others stay. *applied and *left count them. An event apply
 * refuses stays held. Returns the store's error. */
int hd_bus_held_replay(hd_store *store, hd_apply_fn apply, void *arg,
		       uint64_t *applied, uint64_t *left);

#endif
