/* metrics' copy of routing's business-hours schedules, kept from routing's
 * schedule.saved / schedule.deleted events in the consumer's transaction
 * (a metrics that was down catches up from the bus), and the default one
 * (the lowest id, as routing's SLAs use) as a bizhours.h value for queries.
 *   mc_schedules  u64 schedule id → hd.BhSchedule */
#include "mc.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "schedule.pb-c.h"

#include <string.h>

int mc_sched_apply(hd_txn *t, const mc_db *db, const Hd__Envelope *ev)
{
	Hd__BhSchedule *s = hd__bh_schedule__unpack(NULL, ev->payload.len,
						    ev->payload.data);
	if (!s || !s->id) {
		hd__bh_schedule__free_unpacked(s, NULL);
		return HD_E_DECODE;
	}
	uint8_t k[8];
	hd_key_u64(k, s->id);
	if (!strcmp(ev->type, "schedule.saved"))
		hd_txn_put_pb(t, db->schedules, k, 8, s);
	else /* a missing key is fine: not sticky */
		hd_txn_del(t, db->schedules, k, 8);
	hd__bh_schedule__free_unpacked(s, NULL);
	return t->rc;
}

static int read_schedule(const Hd__BhSchedule *s, hd_bizhours *b)
{
	int rc = hd_bh_init(b, s->time_zone);
	for (size_t i = 0; !rc && i < s->n_intervals; i++) {
		const Hd__BhInterval *v = s->intervals[i];
		if (v->start_time >= v->end_time ||
		    v->end_time > HD_BH_WEEK_MIN)
			rc = HD_E_INVALID;
		else
			rc = hd_bh_add_interval(b, (int)v->start_time,
						(int)v->end_time);
	}
	for (size_t i = 0; !rc && i < s->n_holidays; i++) {
		int32_t first, last;
		rc = hd_bh_parse_date(s->holidays[i]->start_date, &first);
		if (!rc)
			rc = hd_bh_parse_date(s->holidays[i]->end_date, &last);
		if (!rc)
			rc = hd_bh_add_holiday(b, first, last);
	}
	return rc;
}

int mc_sched_load(hd_txn *t, const mc_db *db, hd_bizhours *b, bool *have)
{
	memset(b, 0, sizeof *b);
	*have = false;
	MDB_val v;
	int rc = hd_txn_first(t, db->schedules, NULL, 0, NULL, 0, false, NULL,
			      &v);
	if (rc == HD_E_NOTFOUND) /* none yet: calendar time */
		return HD_OK;
	Hd__BhSchedule *s =
		rc ? NULL : hd__bh_schedule__unpack(NULL, v.mv_size, v.mv_data);
	if (rc || !s)
		return rc ? rc : HD_E_INVALID;
	rc = read_schedule(s, b);
	hd__bh_schedule__free_unpacked(s, NULL);
	if (rc) {
		hd_bh_release(b);
		memset(b, 0, sizeof *b);
		return HD_E_INVALID;
	}
	*have = true;
	return HD_OK;
}

int64_t mc_biz_ms(const hd_bizhours *b, bool have, int64_t from, int64_t to)
{
	if (to <= from)
		return 0;
	return have ? hd_bh_between(b, from, to) : to - from;
}
