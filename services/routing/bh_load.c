/* Schedules as bizhours.h values: reading Zendesk intervals and building a
 * stored schedule (zone, intervals, holidays) for the SLA clocks. */
#include "sla.h"

#include "hd/err.h"

#include <string.h>

int bh_intervals_read(const json_t *arr, hd_bizhours *b, hd_rpc_rep *rep,
		      const char *field)
{
	if (!json_is_array(arr))
		return sla_invalid(rep, field, "intervals must be an array");
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		json_t *s = json_object_get(v, "start_time");
		json_t *e = json_object_get(v, "end_time");
		if (!json_is_integer(s) || !json_is_integer(e))
			return sla_invalid(rep, field,
					   "interval %zu needs integer "
					   "start_time and end_time",
					   i);
		json_int_t a = json_integer_value(s), z = json_integer_value(e);
		int rc = a < 0 || z > HD_BH_WEEK_MIN || a >= z
				 ? HD_E_INVALID
				 : hd_bh_add_interval(b, (int)a, (int)z);
		if (rc == HD_E_TOOBIG)
			return sla_invalid(rep, field, "at most %d intervals",
					   HD_BH_MAX_INTERVAL);
		if (rc)
			return sla_invalid(
				rep, field,
				"interval %zu (%lld–%lld) must lie within one "
				"day of the week (minutes 0–10080 from Sunday "
				"00:00, start before end)",
				i, (long long)a, (long long)z);
	}
	return HD_OK;
}

static int load_holidays(const json_t *arr, hd_bizhours *b)
{
	size_t i;
	json_t *h;
	json_array_foreach(arr, i, h)
	{
		int32_t first, last;
		if (hd_bh_parse_date(
			    json_string_value(json_object_get(h, "start_date")),
			    &first) ||
		    hd_bh_parse_date(
			    json_string_value(json_object_get(h, "end_date")),
			    &last) ||
		    hd_bh_add_holiday(b, first, last))
			return HD_E_CORRUPT;
	}
	return HD_OK;
}

/* The default schedule is the oldest: the lowest id. */
static int first_id(hd_txn *t, uint64_t *id)
{
	MDB_val k;
	int rc = hd_txn_first(t, routing_sla.schedules, NULL, 0, NULL, 0, false,
			      &k, NULL);
	if (!rc && k.mv_size == 8)
		*id = hd_key_get_u64(k.mv_data);
	return rc;
}

int bh_schedule_load(hd_txn *t, uint64_t id, hd_bizhours *b, uint64_t *used)
{
	json_t *s = NULL;
	hd_rpc_rep scratch = {0};
	memset(b, 0, sizeof *b);
	int rc = id ? HD_OK : first_id(t, &id);
	if (!rc)
		rc = sla_json_get(t, routing_sla.schedules, id, &s);
	if (!rc)
		rc = hd_bh_init(
			b, json_string_value(json_object_get(s, "time_zone")));
	if (!rc)
		rc = bh_intervals_read(json_object_get(s, "intervals"), b,
				       &scratch, "intervals");
	if (!rc)
		rc = load_holidays(json_object_get(s, "holidays"), b);
	if (rc)
		hd_bh_release(b);
	else if (used)
		*used = id;
	json_decref(s);
	return rc;
}
