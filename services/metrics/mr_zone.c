/* The account's time zone for reports: day buckets start at local
 * midnight (23 or 25 hours long across a DST change) and the heatmap's hour
 * is the local hour. The zone is set once at start (main.c's "reports"
 * module, HD_ACCOUNT_TIME_ZONE) before any event is applied and read-only
 * after: file-static because mr_bucket() is a pure function called from
 * every rollup helper, and a GTimeZone is immutable and thread-safe. Day
 * buckets already stored keep the zone they were written in. */
#include "mr.h"

#include "hd/err.h"
#include "hd/log.h"

#include <glib.h>

#include <pthread.h>

static GTimeZone *zone; /* NULL until set: Asia/Seoul */
static char zone_name[64] = "Asia/Seoul";
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void set_default(void)
{
	if (!zone)
		zone = g_time_zone_new_identifier("Asia/Seoul");
}

int mr_zone_set(const char *name)
{
	const char *iana = hd_bh_zone_name(name);
	GTimeZone *z = iana ? g_time_zone_new_identifier(iana) : NULL;
	if (!z) {
		hd_error("config.invalid",
			 "var=HD_ACCOUNT_TIME_ZONE value=\"%s\" want=\"an IANA "
			 "zone such as Asia/Seoul\"",
			 name);
		return HD_E_INVALID;
	}
	pthread_once(&default_once, set_default);
	g_time_zone_unref(zone);
	zone = z;
	g_strlcpy(zone_name, iana, sizeof zone_name);
	return HD_OK;
}

static GTimeZone *the_zone(void)
{
	pthread_once(&default_once, set_default);
	return zone;
}

const char *mr_zone_name(void)
{
	return zone_name;
}

int64_t mr_zone_offset_ms(int64_t utc_ms)
{
	GTimeZone *z = the_zone();
	int64_t s = utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000;
	gint iv = g_time_zone_find_interval(z, G_TIME_TYPE_UNIVERSAL, s);
	return (int64_t)g_time_zone_get_offset(z, iv < 0 ? 0 : iv) * 1000;
}

static int64_t floor_day(int64_t v)
{
	int64_t q = v / MR_DAY_MS;
	return (q - (v % MR_DAY_MS < 0)) * MR_DAY_MS;
}

int64_t mr_day_start(int64_t ms)
{
	GTimeZone *z = the_zone();
	gint64 local = (gint64)(floor_day(ms + mr_zone_offset_ms(ms)) / 1000);
	/* Local midnight back to UTC; a midnight skipped by a DST change
	 * moves to the first local time that exists. */
	gint iv = g_time_zone_adjust_time(z, G_TIME_TYPE_STANDARD, &local);
	int64_t off = (int64_t)g_time_zone_get_offset(z, iv < 0 ? 0 : iv);
	return ((int64_t)local - off) * 1000;
}

int64_t mr_next_day(int64_t day)
{
	/* A local day lasts 23 to 25 hours. */
	return mr_day_start(day + MR_DAY_MS + 2 * MR_HOUR_MS);
}
