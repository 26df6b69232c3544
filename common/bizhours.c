/* Business-minute arithmetic (bizhours.h). Everything walks one primitive:
 * the first open range at or after an instant. The UTC timeline is cut into
 * pieces of constant UTC offset (at most a day long); inside a piece local
 * wall time is UTC plus that offset, so each local day's intervals map back
 * to UTC by subtracting it. That keeps DST gaps and repeated hours exact
 * without ever converting a wall time that does not exist. */
#include "hd/bizhours.h"

#include "hd/err.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS ((int64_t)86400000)
#define MIN_MS ((int64_t)60000)
/* How far to look for an opening: ten years of days. */
#define HORIZON_PIECES 3660

int hd_bh_init(hd_bizhours *b, const char *zone)
{
	memset(b, 0, sizeof *b);
	const char *iana = hd_bh_zone_name(zone);
	if (!iana)
		return HD_E_INVALID;
	b->tz = g_time_zone_new_identifier(iana);
	return b->tz ? HD_OK : HD_E_INVALID;
}

void hd_bh_release(hd_bizhours *b)
{
	if (!b)
		return;
	if (b->tz)
		g_time_zone_unref(b->tz);
	free(b->hol);
	memset(b, 0, sizeof *b);
}

static int by_start(const void *x, const void *y)
{
	const hd_bh_interval *a = x, *c = y;
	return (a->start_min > c->start_min) - (a->start_min < c->start_min);
}

int hd_bh_add_interval(hd_bizhours *b, int start_min, int end_min)
{
	if (start_min < 0 || end_min > HD_BH_WEEK_MIN || end_min < start_min ||
	    (end_min > start_min && start_min / 1440 != (end_min - 1) / 1440))
		return HD_E_INVALID;
	if (end_min == start_min)
		return HD_OK;
	if (b->niv == HD_BH_MAX_INTERVAL)
		return HD_E_TOOBIG;
	b->iv[b->niv++] = (hd_bh_interval){start_min, end_min};
	qsort(b->iv, b->niv, sizeof b->iv[0], by_start);
	return HD_OK;
}

int hd_bh_add_holiday(hd_bizhours *b, int32_t first_day, int32_t last_day)
{
	if (last_day < first_day)
		return HD_E_INVALID;
	if (b->nhol == HD_BH_MAX_HOLIDAY)
		return HD_E_TOOBIG;
	hd_bh_holiday *h = realloc(b->hol, (b->nhol + 1) * sizeof *h);
	if (!h)
		return HD_E_NOMEM;
	b->hol = h;
	b->hol[b->nhol++] = (hd_bh_holiday){first_day, last_day};
	return HD_OK;
}

static int64_t floor_div(int64_t a, int64_t d)
{
	return a / d - (a % d != 0 && (a < 0) != (d < 0));
}

static int64_t offset_ms(const hd_bizhours *b, int64_t t)
{
	gint64 s = floor_div(t, 1000);
	gint iv = g_time_zone_find_interval(b->tz, G_TIME_TYPE_UNIVERSAL, s);
	return (int64_t)g_time_zone_get_offset(b->tz, iv) * 1000;
}

/* End of the constant-offset piece that starts at t: t + 1 day, or the
 * first second within that day where the offset changes. */
static int64_t piece_end(const hd_bizhours *b, int64_t t, int64_t off)
{
	int64_t hi = t + DAY_MS;
	if (offset_ms(b, hi) == off)
		return hi;
	int64_t lo = floor_div(t, 1000) * 1000; /* offset(lo) == off */
	while (hi - lo > 1000) {
		int64_t mid = lo + floor_div(hi - lo, 2000) * 1000;
		if (offset_ms(b, mid) == off)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

static bool holiday(const hd_bizhours *b, int64_t day)
{
	for (size_t i = 0; i < b->nhol; i++)
		if (day >= b->hol[i].first_day && day <= b->hol[i].last_day)
			return true;
	return false;
}

/* First open range within local wall times [l0, l1), in local ms. */
static bool open_in_local(const hd_bizhours *b, int64_t l0, int64_t l1,
			  int64_t *s, int64_t *e)
{
	for (int64_t day = floor_div(l0, DAY_MS); day * DAY_MS < l1; day++) {
		if (holiday(b, day))
			continue;
		int64_t wd = ((day + 4) % 7 + 7) % 7; /* 1970-01-01: Thu */
		for (size_t i = 0; i < b->niv; i++) {
			const hd_bh_interval *v = &b->iv[i];
			if (v->start_min / 1440 != wd)
				continue;
			int64_t base = day * DAY_MS - wd * 1440 * MIN_MS;
			int64_t vs = base + v->start_min * MIN_MS;
			int64_t ve = base + v->end_min * MIN_MS;
			*s = vs > l0 ? vs : l0;
			*e = ve < l1 ? ve : l1;
			if (*s < *e)
				return true;
		}
	}
	return false;
}

/* The first open range [*s, *e) with *e > t and *s >= t. */
static bool next_range(const hd_bizhours *b, int64_t t, int64_t *s, int64_t *e)
{
	if (!b->tz || b->niv == 0)
		return false;
	int64_t cur = t;
	for (int i = 0; i < HORIZON_PIECES; i++) {
		int64_t off = offset_ms(b, cur);
		int64_t end = piece_end(b, cur, off);
		if (open_in_local(b, cur + off, end + off, s, e)) {
			*s -= off;
			*e -= off;
			return true;
		}
		cur = end;
	}
	return false;
}

int64_t hd_bh_add(const hd_bizhours *b, int64_t t, int64_t biz_ms)
{
	int64_t s, e;
	while (biz_ms > 0) {
		if (!next_range(b, t, &s, &e))
			return HD_BH_NEVER;
		if (biz_ms <= e - s)
			return s + biz_ms;
		biz_ms -= e - s;
		t = e;
	}
	return t;
}

int64_t hd_bh_between(const hd_bizhours *b, int64_t from, int64_t to)
{
	int64_t sum = 0, s, e;
	while (from < to && next_range(b, from, &s, &e) && s < to) {
		sum += (e < to ? e : to) - s;
		from = e;
	}
	return sum;
}

bool hd_bh_is_open(const hd_bizhours *b, int64_t t)
{
	int64_t s, e;
	return next_range(b, t, &s, &e) && s == t;
}

int64_t hd_bh_next_open(const hd_bizhours *b, int64_t t)
{
	int64_t s, e;
	return next_range(b, t, &s, &e) ? s : HD_BH_NEVER;
}
