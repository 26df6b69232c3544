/* Schedules as bizhours.h values: checking intervals and building a stored
 * schedule (zone, intervals, holidays) for the SLA clocks. */
#include "sla.h"

#include "hd/err.h"

#include <string.h>

int bh_intervals_read(Hd__BhInterval *const *iv, size_t n, hd_bizhours *b,
		      hd_rpc_rep *rep, const char *field)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t a = iv[i]->start_time, z = iv[i]->end_time;
		int rc = z > HD_BH_WEEK_MIN || a >= z
				 ? HD_E_INVALID
				 : hd_bh_add_interval(b, (int)a, (int)z);
		if (rc == HD_E_TOOBIG)
			return hd_rpc_fail(rep, HD_E_INVALID, field,
					   "at most %d intervals",
					   HD_BH_MAX_INTERVAL);
		if (rc)
			return hd_rpc_fail(
				rep, HD_E_INVALID, field,
				"interval %zu (%lld–%lld) must lie within one "
				"day of the week (minutes 0–10080 from Sunday "
				"00:00, start before end)",
				i, (long long)a, (long long)z);
	}
	return HD_OK;
}

static int load_holidays(const Hd__BhSchedule *s, hd_bizhours *b)
{
	for (size_t i = 0; i < s->n_holidays; i++) {
		int32_t first, last;
		if (hd_bh_parse_date(s->holidays[i]->start_date, &first) ||
		    hd_bh_parse_date(s->holidays[i]->end_date, &last) ||
		    hd_bh_add_holiday(b, first, last))
			return HD_E_CORRUPT;
	}
	return HD_OK;
}

/* The default schedule is the oldest: the lowest id. */
static int first_id(hd_txn *t, const sla_db *db, uint64_t *id)
{
	MDB_val k;
	int rc = hd_txn_first(t, db->schedules, NULL, 0, NULL, 0, false, &k,
			      NULL);
	if (!rc && k.mv_size == 8)
		*id = hd_key_get_u64(k.mv_data);
	return rc;
}

int bh_schedule_load(hd_txn *t, const sla_db *db, uint64_t id, hd_bizhours *b,
		     uint64_t *used)
{
	Hd__BhSchedule *s = NULL;
	hd_rpc_rep scratch = {0};
	memset(b, 0, sizeof *b);
	int rc = id ? HD_OK : first_id(t, db, &id);
	if (!rc)
		rc = bh_get(t, db, id, &s);
	if (!rc)
		rc = hd_bh_init(b, s->time_zone);
	if (!rc)
		rc = bh_intervals_read(s->intervals, s->n_intervals, b,
				       &scratch, "intervals");
	if (!rc)
		rc = load_holidays(s, b);
	if (rc)
		hd_bh_release(b);
	else if (used)
		*used = id;
	hd__bh_schedule__free_unpacked(s, NULL);
	return rc;
}
