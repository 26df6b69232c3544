/* routing's business-hours schedules (API.md §8): the bh.* RPCs (bh_api.c)
 * on typed BhCall/BhAnswer messages, the records as hd.BhSchedule in the
 * bh_schedules sub-database (bh_store.c; the key layout is sla_store.c's),
 * their events (bh_events.c), the iCalendar reader (bh_ics.c) and the
 * schedule as a bizhours.h value for the SLA clocks (bh_load.c). Writes run
 * in group commits, reads in read transactions; no state of its own. */
#ifndef ROUTING_BH_H
#define ROUTING_BH_H

#include "routing.h"
#include "schedule.pb-c.h"

#include "hd/bizhours.h"

/* bh_store.c: the schedule stored under id into *out (free with
 * hd__bh_schedule__free_unpacked): HD_E_NOTFOUND, HD_E_CORRUPT, or the
 * store's error. put: store s under s->id (sticky on t). */
int bh_get(hd_txn *t, const sla_db *db, uint64_t id, Hd__BhSchedule **out);
int bh_put(hd_txn *t, const sla_db *db, const Hd__BhSchedule *s);
/* Every stored schedule in id order, appended to list (a stack message
 * the caller clears with hd_pb_free_repeated). */
int bh_all(hd_txn *t, const sla_db *db, Hd__BhAnswer *list);
/* Is a schedule stored under id? */
bool bh_exists(hd_txn *t, const sla_db *db, uint64_t id);
/* Append a holiday (copies of the strings) to s, a heap message. */
int bh_holiday_append(Hd__BhSchedule *s, uint64_t id, const char *name,
		      const char *start_date, const char *end_date);
/* At store open: records stored as JSON text by older versions become
 * hd.BhSchedule (once; *rewritten counts them, may be NULL); then every
 * schedule is published once per store (bh_events.c). */
int bh_upgrade(hd_txn *t, const sla_db *db, uint64_t *rewritten);
int bh_open(routing *r);

/* bh_events.c: "schedule.saved" (s as its event: no created_at, no holiday
 * ids) and "schedule.deleted" into t's outbox. bh_publish_all: every stored
 * schedule once per store (a store from before these events). */
int bh_emit_saved(hd_txn *t, const Hd__BhSchedule *s);
int bh_emit_deleted(hd_txn *t, uint64_t id);
int bh_publish_all(hd_txn *t, routing *r);

/* bh_load.c: check intervals into b (field names the list in rep's
 * message); build the schedule stored under id (or the default schedule,
 * the one with the lowest id, when id is 0). */
int bh_intervals_read(Hd__BhInterval *const *iv, size_t n, hd_bizhours *b,
		      hd_rpc_rep *rep, const char *field);
int bh_schedule_load(hd_txn *t, const sla_db *db, uint64_t id, hd_bizhours *b,
		     uint64_t *used);

/* bh_ics.c: all-day VEVENTs of an iCalendar text, appended to out's
 * holidays (id 0, end inclusive; out a heap message). HD_E_INVALID with
 * *line set to the 1-based line at fault and why filled; a logical line
 * (unfolded) of BH_ICS_MAX_LINE bytes or more is refused. */
#define BH_ICS_MAX_LINE 8192
int bh_ics_parse(const char *text, size_t len, Hd__BhSchedule *out,
		 unsigned *line, char why[128]);

#endif
