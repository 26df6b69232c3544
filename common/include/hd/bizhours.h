/* Business-hours arithmetic: a schedule is an IANA time zone, weekly open
 * intervals in local minutes from Sunday 00:00 and holidays (local dates,
 * inclusive ranges). A schedule is open at an instant when the instant's
 * local wall time lies in an interval of that local day and the day is no
 * holiday; across DST changes that is exact (a 00:00–24:00 day lasts 23 or
 * 25 hours). Pure: no globals, no setenv("TZ"); zones come from GLib's
 * GTimeZone (tzdata). A built schedule is read-only and may be shared by
 * threads. Instants and durations are milliseconds. */
#ifndef HD_BIZHOURS_H
#define HD_BIZHOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HD_BH_WEEK_MIN     10080 /* minutes in a week */
#define HD_BH_MAX_INTERVAL 70    /* per schedule */
#define HD_BH_MAX_HOLIDAY  1000  /* per schedule */
#define HD_BH_NEVER        INT64_MAX

typedef struct hd_bh_interval {
	int start_min, end_min; /* [start, end) within one local day */
} hd_bh_interval;

typedef struct hd_bh_holiday {
	int32_t first_day, last_day; /* days since 1970-01-01, inclusive */
} hd_bh_holiday;

typedef struct hd_bizhours {
	void *tz; /* GTimeZone */
	hd_bh_interval iv[HD_BH_MAX_INTERVAL];
	size_t niv;
	hd_bh_holiday *hol; /* owned */
	size_t nhol;
} hd_bizhours;

/* The IANA zone for a name: IANA names as they are, a few Zendesk (Rails)
 * names such as "Seoul" or "Eastern Time (US & Canada)" mapped. NULL when
 * the name is not a zone tzdata knows. */
const char *hd_bh_zone_name(const char *name);

/* Start an empty (never open) schedule in zone (see hd_bh_zone_name).
 * HD_E_INVALID for an unknown zone; release with hd_bh_release either way. */
int hd_bh_init(hd_bizhours *b, const char *zone);
void hd_bh_release(hd_bizhours *b);
/* Add an open interval; it may not cross a day boundary (end may be the
 * next midnight). Empty intervals are accepted and ignored. HD_E_INVALID
 * when out of range, HD_E_TOOBIG past HD_BH_MAX_INTERVAL. */
int hd_bh_add_interval(hd_bizhours *b, int start_min, int end_min);
/* Add a holiday from first to last day (inclusive). HD_E_INVALID when
 * last < first, HD_E_TOOBIG past HD_BH_MAX_HOLIDAY, HD_E_NOMEM. */
int hd_bh_add_holiday(hd_bizhours *b, int32_t first_day, int32_t last_day);

/* The instant after `biz_ms` of open time counted from t (t itself when
 * biz_ms <= 0); HD_BH_NEVER when the schedule is never open again. */
int64_t hd_bh_add(const hd_bizhours *b, int64_t t, int64_t biz_ms);
/* Open time in [from, to) (0 when to <= from). */
int64_t hd_bh_between(const hd_bizhours *b, int64_t from, int64_t to);
bool hd_bh_is_open(const hd_bizhours *b, int64_t t);
/* t when open at t, else the next opening; HD_BH_NEVER when none. */
int64_t hd_bh_next_open(const hd_bizhours *b, int64_t t);

/* Calendar helpers (proleptic Gregorian). */
int32_t hd_bh_days_from_civil(int y, int m, int d);
void hd_bh_civil_from_days(int32_t days, int *y, int *m, int *d);
/* "YYYY-MM-DD" (exactly) into a day number; HD_E_INVALID otherwise. */
int hd_bh_parse_date(const char *s, int32_t *day);
/* A day number as "YYYY-MM-DD". */
void hd_bh_format_date(int32_t day, char out[11]);

#endif
