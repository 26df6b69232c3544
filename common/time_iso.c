/* ISO-8601 UTC times (hd/time_iso.h). */
#include "hd/time_iso.h"

#include "hd/err.h"

#include <time.h>

int hd_time_iso(int64_t ms, char out[HD_TIME_ISO_LEN])
{
	int64_t secs = ms / 1000 - (ms % 1000 < 0);
	time_t t = (time_t)secs;
	struct tm tm;
	out[0] = '\0';
	if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return HD_E_INVALID;
	if (!strftime(out, HD_TIME_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		out[0] = '\0';
		return HD_E_INVALID;
	}
	return HD_OK;
}

json_t *hd_time_json(int64_t ms)
{
	char iso[HD_TIME_ISO_LEN];
	if (!ms || hd_time_iso(ms, iso) != HD_OK)
		return json_null();
	return json_string(iso);
}
