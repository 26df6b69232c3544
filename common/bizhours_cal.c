/* Calendar dates and zone names for bizhours.h. Pure functions. */
#include "hd/bizhours.h"

#include "hd/err.h"

#include <glib.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days: exact for the
 * proleptic Gregorian calendar without any libc time zone state. */
int32_t hd_bh_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void hd_bh_civil_from_days(int32_t days, int *y, int *m, int *d)
{
	int32_t z = days + 719468;
	int32_t era = (z >= 0 ? z : z - 146096) / 146097;
	int32_t doe = z - era * 146097;
	int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int32_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int hd_bh_parse_date(const char *s, int32_t *day)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return HD_E_INVALID;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return HD_E_INVALID;
	int32_t n = hd_bh_days_from_civil(y, m, d);
	int y2, m2, d2;
	hd_bh_civil_from_days(n, &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d) /* 2026-02-30 */
		return HD_E_INVALID;
	*day = n;
	return HD_OK;
}

void hd_bh_format_date(int32_t day, char out[11])
{
	int y, m, d;
	hd_bh_civil_from_days(day, &y, &m, &d);
	int v[3] = {y, m, d}, w[3] = {4, 2, 2};
	char *p = out;
	for (int i = 0; i < 3; i++) {
		for (int k = w[i] - 1, n = v[i]; k >= 0; k--, n /= 10)
			p[k] = (char)('0' + (n < 0 ? 0 : n % 10));
		p += w[i];
		*p++ = i < 2 ? '-' : '\0';
	}
}

/* Zendesk answers with Rails zone names; the ones our users meet most. */
static const struct {
	const char *rails, *iana;
} rails_zones[] = {
	{"Seoul", "Asia/Seoul"},
	{"Tokyo", "Asia/Tokyo"},
	{"Beijing", "Asia/Shanghai"},
	{"Singapore", "Asia/Singapore"},
	{"UTC", "Etc/UTC"},
	{"London", "Europe/London"},
	{"Berlin", "Europe/Berlin"},
	{"Paris", "Europe/Paris"},
	{"Eastern Time (US & Canada)", "America/New_York"},
	{"Central Time (US & Canada)", "America/Chicago"},
	{"Mountain Time (US & Canada)", "America/Denver"},
	{"Pacific Time (US & Canada)", "America/Los_Angeles"},
};

/* IANA names are letters, digits and "/_+-"; anything else (a path, "..")
 * never reaches the zoneinfo loader. */
static bool iana_shaped(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '/' || strstr(s, ".."))
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789/_+-") == n;
}

const char *hd_bh_zone_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof rails_zones / sizeof rails_zones[0]; i++)
		if (strcmp(rails_zones[i].rails, name) == 0)
			return rails_zones[i].iana;
	if (!iana_shaped(name))
		return NULL;
	GTimeZone *tz = g_time_zone_new_identifier(name);
	if (!tz)
		return NULL;
	g_time_zone_unref(tz);
	return name;
}
