/* Schedules as events: every write of a business-hours schedule (its
 * workweek, its holidays) emits "schedule.saved" with the typed schedule in
 * the same transaction, a delete emits "schedule.deleted", so metrics keeps
 * its own copy and no query has to carry one. A store made before these
 * events publishes every schedule once at start. */
#include "sla.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define PUBLISHED_KEY "schedule_events"

/* The event carries what metrics reads, as before the typed record: no
 * created_at, no holiday ids. */
int bh_emit_saved(hd_txn *t, const Hd__BhSchedule *s)
{
	Hd__BhSchedule m = *s;
	size_t n = s->n_holidays;
	Hd__BhHoliday *hs = calloc(n ? n : 1, sizeof *hs);
	Hd__BhHoliday **hp = calloc(n ? n : 1, sizeof *hp);
	int rc = hs && hp ? HD_OK : HD_E_NOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		hs[i] = *s->holidays[i];
		hs[i].id = 0;
		hp[i] = &hs[i];
	}
	if (!rc) {
		m.created_at = 0;
		m.holidays = hp;
		rc = hd_txn_emit_pb(t, "schedule.saved", &m, NULL);
	}
	free(hs);
	free(hp);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

int bh_emit_deleted(hd_txn *t, uint64_t id)
{
	Hd__BhSchedule m = HD__BH_SCHEDULE__INIT;
	m.id = id;
	return hd_txn_emit_pb(t, "schedule.deleted", &m, NULL);
}

int bh_publish_all(hd_txn *t, routing *r)
{
	MDB_val v;
	if (hd_txn_get(t, r->meta, PUBLISHED_KEY, strlen(PUBLISHED_KEY), &v) ==
	    HD_OK)
		return HD_OK;
	Hd__BhAnswer all = HD__BH_ANSWER__INIT;
	int rc = bh_all(t, &r->sla, &all);
	for (size_t i = 0; !rc && i < all.n_schedules; i++)
		rc = bh_emit_saved(t, all.schedules[i]);
	hd_pb_free_repeated(&all.base);
	if (!rc)
		rc = hd_txn_add_u64(t, r->meta, PUBLISHED_KEY, 1, NULL);
	return rc ? rc : t->rc;
}
