/* metrics' core: per-ticket metrics (API.md §9), ticket metric events,
 * satisfaction ratings and CSAT (§10), and the incremental ticket export
 * (§12), all built from intake's and routing's events inside the consumer's
 * group commit (mc_apply.c) and answered over RPC (mc_rpc.c). Business
 * minutes are computed when read, with metrics' copy of routing's default
 * schedule (mc_sched.c, from routing's schedule.* events), so a changed
 * schedule or holiday applies to every ticket at once.
 * The dbis (metrics' mc) are bound once at start (main.c's modules),
 * read-only after. */
#ifndef METRICS_MC_H
#define METRICS_MC_H

#include "metrics.h"

#include "common.pb-c.h"
#include "ticket.pb-c.h"
#include "ticket_metrics.pb-c.h"

#include "hd/bizhours.h"
#include "hd/rpc.h"
#include "hd/store.h"
#include "hd/store_iter.h"

#include <jansson.h>
#include <stdbool.h>

/* Sub-databases (key layout in mc_store.c). */
extern const char *const mc_db_names[];

/* mc_store.c */
int mc_bind(mc_db *db, hd_store *s);
/* Get a McTicket (*out NULL and HD_E_NOTFOUND when missing) / put one. */
int mc_ticket_get(hd_txn *t, const mc_db *db, uint64_t id, Hd__McTicket **out);
int mc_ticket_put(hd_txn *t, const mc_db *db, const Hd__McTicket *m);
/* A user's role as learnt from user.* events ("" when unknown). */
void mc_user_role(hd_txn *t, const mc_db *db, uint64_t id, char out[16]);

/* mc_apply.c: apply one event (HD_OK for types it does not handle). */
int mc_apply(hd_txn *t, const mc_db *db, const Hd__Envelope *ev);

/* mc_stages.c: the metric event streams of one ticket. Move every metric
 * to the stages its new status implies, appending activate / pause /
 * fulfill events at `at`; reply_time is fulfilled by mc_stage_reply. */
int mc_stages_status(hd_txn *t, const mc_db *db, Hd__McTicket *m, int64_t at);
int mc_stage_reply(hd_txn *t, const mc_db *db, Hd__McTicket *m, int64_t at);
/* An event of any type (breach, update_status …) for a metric. */
int mc_mevent_add(hd_txn *t, const mc_db *db, const Hd__McTicket *m,
		  const char *metric, const char *type, int64_t at,
		  int64_t from, int64_t to);

/* mc_sched.c: apply routing's schedule.saved / schedule.deleted. */
int mc_sched_apply(hd_txn *t, const mc_db *db, const Hd__Envelope *ev);
/* The default schedule of metrics' copy, read in t (b->tz NULL and *have
 * false when none: business time is calendar time). HD_E_INVALID for a
 * schedule that does not read. */
int mc_sched_load(hd_txn *t, const mc_db *db, hd_bizhours *b, bool *have);
/* Business ms in [from, to): hd_bh_between, or to - from without a
 * schedule. */
int64_t mc_biz_ms(const hd_bizhours *b, bool have, int64_t from, int64_t to);

/* mc_render.c: the ticket_metric row of m (NULL: out of memory; free
 * with mc_metric_row_free). */
Hd__McMetricRow *mc_metric_row(const Hd__McTicket *m, const hd_bizhours *b,
			       bool have);
void mc_metric_row_free(Hd__McMetricRow *r);
/* The ticket_metric_event row of e, which it takes (freed with it). */
Hd__McEventRow *mc_event_row(Hd__McMetricEvent *e, const hd_bizhours *b,
			     bool have);
void mc_event_row_free(Hd__McEventRow *r);

/* mc_csat.c: ratings from ticket events; score filters (API.md §10);
 * aggregates. */
int mc_rating_apply(hd_txn *t, const mc_db *db, const Hd__Ticket *tk,
		    Hd__McTicket *m, int64_t at);
/* Is filter one of §10's score filters? Does r match it? */
bool mc_score_filter_ok(const char *filter);
bool mc_score_match(const char *filter, const Hd__McRating *r);
/* CSAT per agent or group over ratings updated in [start, end) (end 0:
 * open): a->csat (one row per agent or group id, by id, malloc'd with its
 * rows) and a->csat_total (malloc'd). HD_E_INVALID for another group_by. */
int mc_csat_aggregate(hd_txn *t, const mc_db *db, const char *group_by,
		      int64_t start_ms, int64_t end_ms, Hd__McAnswer *a);

/* mc_export.c: the incremental copy of every ticket, keyed by its stamp. */
int mc_export_put(hd_txn *t, const mc_db *db, const Hd__Ticket *tk,
		  const Hd__Envelope *ev);
int mc_export_query(hd_txn *t, const mc_db *db, const Hd__McQuery *q,
		    int64_t now_ms, Hd__McAnswer *a);

/* mc_rpc.c */
extern const hd_rpc_route mc_routes[];

#endif
