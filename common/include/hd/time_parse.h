/* Reading the times other systems write: ISO-8601 / RFC 3339 as Zendesk's
 * API and exports give them ("2024-03-01T10:00:00Z", with fractions of a
 * second or an offset such as +09:00). Pure; any thread. */
#ifndef HD_TIME_PARSE_H
#define HD_TIME_PARSE_H

#include <stdint.h>

/* s into ms since the epoch (UTC). HD_OK, or HD_E_INVALID when s is not
 * such a time (the whole string must be one). */
int hd_time_parse_iso(const char *s, int64_t *ms);
/* ms since the epoch of a UTC calendar time whose fields are already in
 * range (month 1-12, second up to 60). */
int64_t hd_time_utc_ms(int year, int month, int day, int hour, int min,
		       int sec);

#endif
