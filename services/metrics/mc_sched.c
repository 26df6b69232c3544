/* The business-hours schedule a metrics query carries (routing owns
 * schedules; the gateway fetches the default one and passes it along) as a
 * bizhours.h value. */
#include "mc.h"

#include "hd/err.h"

#include <string.h>

static int read_intervals(const json_t *arr, hd_bizhours *b)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		json_t *s = json_object_get(v, "start_time");
		json_t *e = json_object_get(v, "end_time");
		if (!json_is_integer(s) || !json_is_integer(e))
			return HD_E_INVALID;
		json_int_t a = json_integer_value(s), z = json_integer_value(e);
		if (a < 0 || z > HD_BH_WEEK_MIN || a >= z)
			return HD_E_INVALID;
		int rc = hd_bh_add_interval(b, (int)a, (int)z);
		if (rc)
			return rc;
	}
	return HD_OK;
}

static int read_holidays(const json_t *arr, hd_bizhours *b)
{
	size_t i;
	json_t *h;
	json_array_foreach(arr, i, h)
	{
		int32_t first, last;
		int rc = hd_bh_parse_date(
			json_string_value(json_object_get(h, "start_date")),
			&first);
		if (!rc)
			rc = hd_bh_parse_date(json_string_value(json_object_get(
						      h, "end_date")),
					      &last);
		if (!rc)
			rc = hd_bh_add_holiday(b, first, last);
		if (rc)
			return rc;
	}
	return HD_OK;
}

int mc_sched_load(const char *text, hd_bizhours *b, bool *have)
{
	memset(b, 0, sizeof *b);
	*have = false;
	if (!text || !text[0])
		return HD_OK;
	json_t *s = json_loads(text, 0, NULL);
	const char *zone = json_string_value(json_object_get(s, "time_zone"));
	int rc = zone && json_is_array(json_object_get(s, "intervals"))
			 ? hd_bh_init(b, zone)
			 : HD_E_INVALID;
	if (!rc)
		rc = read_intervals(json_object_get(s, "intervals"), b);
	if (!rc)
		rc = read_holidays(json_object_get(s, "holidays"), b);
	json_decref(s);
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
