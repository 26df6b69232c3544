#include "hd/time_parse.h"

#include "hd/err.h"

#include <ctype.h>
#include <time.h>

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

/* After the seconds: ".fff", then "Z" or "+hh:mm" / "-hhmm". */
static int tail(const char *p, int *frac_ms, int *off_min)
{
	*frac_ms = 0;
	*off_min = 0;
	if (*p == '.') {
		int scale = 100;
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			*frac_ms += scale > 0 ? (*p - '0') * scale : 0;
	}
	if (*p == 'Z' || *p == 'z')
		return p[1] ? -1 : 0;
	if (*p != '+' && *p != '-')
		return -1;
	int sign = *p++ == '-' ? -1 : 1, h, m;
	if (digits(&p, 2, &h))
		return -1;
	if (*p == ':')
		p++;
	if (digits(&p, 2, &m) || *p || h > 23 || m > 59)
		return -1;
	*off_min = sign * (h * 60 + m);
	return 0;
}

int hd_time_parse_iso(const char *s, int64_t *ms)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, frac, off;
	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != ' '))
		return HD_E_INVALID;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &sec) || tail(p, &frac, &off))
		return HD_E_INVALID;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return HD_E_INVALID;
	*ms = hd_time_utc_ms(y, mo, d, h, mi, sec) - (int64_t)off * 60000 +
	      frac;
	return HD_OK;
}

int64_t hd_time_utc_ms(int year, int month, int day, int hour, int min, int sec)
{
	struct tm tm = {.tm_year = year - 1900,
			.tm_mon = month - 1,
			.tm_mday = day,
			.tm_hour = hour,
			.tm_min = min,
			.tm_sec = sec};
	return (int64_t)timegm(&tm) * 1000;
}
