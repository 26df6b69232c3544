/* Times as the API shows them: ISO-8601 UTC to the second,
 * "2026-03-01T09:30:00Z", from the suite's milliseconds since the epoch.
 * One formatter for every service; no state, any thread. */
#ifndef HD_TIME_ISO_H
#define HD_TIME_ISO_H

#include <jansson.h>
#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define HD_TIME_ISO_LEN 21

/* Write ms as ISO-8601 UTC into out, whole seconds rounded down (so a time
 * before 1970 stays in its own second). HD_OK; HD_E_INVALID with out set
 * to "" when the year is outside 0000–9999. */
int hd_time_iso(int64_t ms, char out[HD_TIME_ISO_LEN]);

/* A new JSON string holding hd_time_iso(ms), or JSON null when ms is 0
 * (unset) or out of range. The caller owns the value; NULL only when out
 * of memory (jansson's rule). */
json_t *hd_time_json(int64_t ms);

#endif
