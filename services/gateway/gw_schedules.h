/* Business-hours schedules between Zendesk JSON and routing's typed bh.*
 * messages (API.md §8): the request bodies read into a BhCall and the
 * BhAnswer rendered (schedules_json.c); the routes are schedules.c's. No
 * state; any thread. */
#ifndef GW_SCHEDULES_H
#define GW_SCHEDULES_H

#include "gateway.h"
#include "schedule.pb-c.h"

#define GW_BH_MAX_INTERVALS 1000 /* read at most; routing allows fewer */

/* The storage a BhCall borrows: strings point into the parsed body. */
typedef struct gw_bh_input {
	Hd__BhSchedule schedule;
	Hd__BhHoliday holiday;
	Hd__BhInterval *iv;
	Hd__BhInterval **ivp;
	char *fields[3];
} gw_bh_input;

/* Read body's object under key ("schedule", "workweek" or "holiday") into
 * c (which then borrows in and body): 422 naming key when it is not an
 * object, naming the value's key when it has the wrong JSON type. Release
 * in with gw_bh_input_release whatever the result. */
int gw_bh_read(json_t *body, const char *key, Hd__BhCall *c, gw_bh_input *in,
	       gw_resp *out);
void gw_bh_input_release(gw_bh_input *in);

/* The Zendesk objects (new references). */
json_t *gw_bh_schedule_json(const Hd__BhSchedule *s);
json_t *gw_bh_intervals_json(const Hd__BhSchedule *s);
json_t *gw_bh_holidays_json(Hd__BhHoliday *const *h, size_t n);
json_t *gw_bh_holiday_json(const Hd__BhHoliday *h);

#endif
