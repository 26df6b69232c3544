/* The business-hours request bodies (gateway gw_bh_read): arbitrary bytes
 * as a JSON body read for "schedule", "workweek" and "holiday". Each fills
 * a BhCall whose strings and intervals the renderers can show, or answers
 * 422/400 naming the key; it never crashes. */
#include "fuzz.h"
#include "gw_schedules.h"

#include "hd/bizhours.h"

#include <stdlib.h>

/* Defined by the gateway's main.c, which a fuzz target does not link. */
const char *const gw_peer_names[GW_PEERS] = {0};

static void one(json_t *body, const char *key)
{
	Hd__BhCall c = HD__BH_CALL__INIT;
	gw_bh_input in;
	gw_resp out = {0};
	int rc = gw_bh_read(body, key, &c, &in, &out);
	if (rc != 0 && out.status != 422 && out.status != 400)
		abort();
	if (rc == 0) {
		if (c.n_fields > 3)
			abort();
		const Hd__BhSchedule *s = c.schedule;
		for (size_t i = 0; s && i < s->n_intervals; i++)
			if (s->intervals[i]->start_time > HD_BH_WEEK_MIN ||
			    s->intervals[i]->end_time > HD_BH_WEEK_MIN)
				abort();
		json_t *r = s ? gw_bh_schedule_json(s)
			      : gw_bh_holiday_json(c.holiday);
		json_decref(r);
	}
	gw_bh_input_release(&in);
	json_decref(out.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = json_loadb((const char *)data, size,
				  JSON_REJECT_DUPLICATES, NULL);
	one(body, "schedule");
	one(body, "workweek");
	one(body, "holiday");
	json_decref(body);
	return 0;
}
