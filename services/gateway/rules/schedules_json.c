/* Schedules between JSON and hd.BhCall/BhAnswer (API.md §8): the request
 * objects {"schedule":{name,time_zone,intervals}}, {"workweek":{intervals}}
 * and {"holiday":{name,start_date,end_date}}, and the Zendesk schedule and
 * holiday objects. Values are checked by routing; here only JSON types, with
 * the texts routing gave when it read the JSON itself. */
#include "gw_schedules.h"

#include "hd/bizhours.h"
#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_bh_input_release(gw_bh_input *in)
{
	free(in->iv);
	free(in->ivp);
	memset(in, 0, sizeof *in);
}

static int must_name(gw_resp *out, const char *key)
{
	char msg[120];
	snprintf(msg, sizeof msg,
		 "%s must be a non-empty string of at most 255 bytes", key);
	return gw_invalid(out, key, msg);
}

static int must_date(gw_resp *out, const char *key)
{
	char msg[120];
	snprintf(msg, sizeof msg, "%s must be a date YYYY-MM-DD", key);
	return gw_invalid(out, key, msg);
}

/* One interval {start_time,end_time}: integers within the week (what
 * routing checks past that it says in the same words). */
static int read_interval(const json_t *v, size_t i, Hd__BhInterval *iv,
			 gw_resp *out)
{
	char msg[240];
	json_t *s = json_object_get(v, "start_time");
	json_t *e = json_object_get(v, "end_time");
	if (!json_is_integer(s) || !json_is_integer(e)) {
		snprintf(msg, sizeof msg,
			 "interval %zu needs integer start_time and end_time",
			 i);
		return gw_invalid(out, "intervals", msg);
	}
	json_int_t a = json_integer_value(s), z = json_integer_value(e);
	if (a < 0 || a > HD_BH_WEEK_MIN || z < 0 || z > HD_BH_WEEK_MIN) {
		snprintf(msg, sizeof msg,
			 "interval %zu (%lld–%lld) must lie within one day of "
			 "the week (minutes 0–10080 from Sunday 00:00, start "
			 "before end)",
			 i, (long long)a, (long long)z);
		return gw_invalid(out, "intervals", msg);
	}
	hd__bh_interval__init(iv);
	iv->start_time = (uint32_t)a;
	iv->end_time = (uint32_t)z;
	return HD_OK;
}

static int read_intervals(const json_t *arr, gw_bh_input *in, gw_resp *out)
{
	char msg[80];
	if (!json_is_array(arr))
		return gw_invalid(out, "intervals",
				  "intervals must be an array");
	size_t n = json_array_size(arr);
	if (n > GW_BH_MAX_INTERVALS) {
		snprintf(msg, sizeof msg, "at most %d intervals",
			 HD_BH_MAX_INTERVAL);
		return gw_invalid(out, "intervals", msg);
	}
	in->iv = calloc(n ? n : 1, sizeof *in->iv);
	in->ivp = calloc(n ? n : 1, sizeof *in->ivp);
	if (!in->iv || !in->ivp)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int rc = read_interval(json_array_get(arr, i), i, &in->iv[i],
				       out);
		if (rc)
			return rc;
		in->ivp[i] = &in->iv[i];
	}
	in->schedule.intervals = in->ivp;
	in->schedule.n_intervals = n;
	return HD_OK;
}

static int read_schedule(const json_t *o, Hd__BhCall *c, gw_bh_input *in,
			 gw_resp *out)
{
	json_t *v;
	int rc = HD_OK;
	if ((v = json_object_get(o, "name"))) {
		if (!json_is_string(v))
			return must_name(out, "name");
		in->schedule.name = (char *)json_string_value(v);
		in->fields[c->n_fields++] = "name";
	}
	if ((v = json_object_get(o, "time_zone"))) {
		if (!json_is_string(v))
			return gw_invalid(out, "time_zone",
					  "time_zone is not a known time zone "
					  "(IANA name, e.g. Asia/Seoul)");
		in->schedule.time_zone = (char *)json_string_value(v);
		in->fields[c->n_fields++] = "time_zone";
	}
	if ((v = json_object_get(o, "intervals"))) {
		rc = read_intervals(v, in, out);
		in->fields[c->n_fields++] = "intervals";
	}
	return rc;
}

static int read_holiday(const json_t *o, Hd__BhCall *c, gw_bh_input *in,
			gw_resp *out)
{
	static const char *const keys[] = {"name", "start_date", "end_date"};
	char **dst[] = {&in->holiday.name, &in->holiday.start_date,
			&in->holiday.end_date};
	for (size_t k = 0; k < 3; k++) {
		json_t *v = json_object_get(o, keys[k]);
		if (!v)
			continue;
		if (!json_is_string(v))
			return k ? must_date(out, keys[k])
				 : must_name(out, keys[k]);
		*dst[k] = (char *)json_string_value(v);
		in->fields[c->n_fields++] = (char *)keys[k];
	}
	return HD_OK;
}

int gw_bh_read(json_t *body, const char *key, Hd__BhCall *c, gw_bh_input *in,
	       gw_resp *out)
{
	char msg[80];
	json_t *o = json_object_get(body, key);
	memset(in, 0, sizeof *in);
	hd__bh_schedule__init(&in->schedule);
	hd__bh_holiday__init(&in->holiday);
	c->fields = in->fields;
	c->n_fields = 0;
	if (!json_is_object(o)) {
		snprintf(msg, sizeof msg, "%s must be an object", key);
		return gw_invalid(out, key, msg);
	}
	if (!strcmp(key, "holiday")) {
		c->holiday = &in->holiday;
		return read_holiday(o, c, in, out);
	}
	c->schedule = &in->schedule;
	if (!strcmp(key, "schedule"))
		return read_schedule(o, c, in, out);
	json_t *v = json_object_get(o, "intervals"); /* workweek */
	if (!v)
		return HD_OK;
	in->fields[c->n_fields++] = "intervals";
	return read_intervals(v, in, out);
}

json_t *gw_bh_intervals_json(const Hd__BhSchedule *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n_intervals; i++)
		json_array_append_new(
			a, json_pack("{s:I, s:I}", "start_time",
				     (json_int_t)s->intervals[i]->start_time,
				     "end_time",
				     (json_int_t)s->intervals[i]->end_time));
	return a;
}

json_t *gw_bh_schedule_json(const Hd__BhSchedule *s)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id",
			 (json_int_t)s->id, "name", s->name, "time_zone",
			 s->time_zone, "intervals", gw_bh_intervals_json(s),
			 "created_at", gw_time_json(s->created_at),
			 "updated_at", gw_time_json(s->updated_at));
}

json_t *gw_bh_holiday_json(const Hd__BhHoliday *h)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)h->id,
			 "name", h->name, "start_date", h->start_date,
			 "end_date", h->end_date);
}

json_t *gw_bh_holidays_json(Hd__BhHoliday *const *h, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, gw_bh_holiday_json(h[i]));
	return a;
}
