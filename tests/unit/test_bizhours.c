/* Unit tests for business-minute arithmetic (common/bizhours.c): Seoul
 * office hours with a lunch break and Korean holidays, DST days in New York
 * and Berlin, zero-length and full-day intervals, zone names, dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/bizhours.h"
#include "hd/err.h"
#include "unit.h"

#define MIN  ((int64_t)60000)
#define HOUR (60 * MIN)
#define DAY  (24 * HOUR)

enum { SUN, MON, TUE, WED, THU, FRI, SAT };

/* The instant of local wall time y-m-d h:mi at UTC offset off_h. */
static int64_t at(int y, int m, int d, int h, int mi, int off_h)
{
	return hd_bh_days_from_civil(y, m, d) * DAY + h * HOUR + mi * MIN -
	       off_h * HOUR;
}

static int32_t day(const char *s)
{
	int32_t n = 0;
	assert_int_equal(hd_bh_parse_date(s, &n), HD_OK);
	return n;
}

static void add(hd_bizhours *b, int wd, int h0, int m0, int h1, int m1)
{
	assert_int_equal(hd_bh_add_interval(b, wd * 1440 + h0 * 60 + m0,
					    wd * 1440 + h1 * 60 + m1),
			 HD_OK);
}

/* 09:00–12:00 and 13:00–18:00, Monday to Friday. */
static void office(hd_bizhours *b, const char *zone, int lunch)
{
	assert_int_equal(hd_bh_init(b, zone), HD_OK);
	for (int wd = MON; wd <= FRI; wd++) {
		if (lunch) {
			add(b, wd, 9, 0, 12, 0);
			add(b, wd, 13, 0, 18, 0);
		} else {
			add(b, wd, 9, 0, 17, 0);
		}
	}
}

static void test_friday_evening_to_monday(void **state)
{
	(void)state;
	hd_bizhours b;
	office(&b, "Asia/Seoul", 1);
	int64_t fri = at(2026, 1, 9, 17, 30, 9);
	assert_int_equal(hd_bh_add(&b, fri, 60 * MIN),
			 at(2026, 1, 12, 9, 30, 9));
	assert_int_equal(hd_bh_between(&b, fri, at(2026, 1, 12, 9, 30, 9)),
			 60 * MIN);
	/* Monday a holiday: Tuesday 09:30. */
	assert_int_equal(
		hd_bh_add_holiday(&b, day("2026-01-12"), day("2026-01-12")),
		HD_OK);
	assert_int_equal(hd_bh_add(&b, fri, 60 * MIN),
			 at(2026, 1, 13, 9, 30, 9));
	assert_int_equal(hd_bh_between(&b, fri, at(2026, 1, 13, 9, 30, 9)),
			 60 * MIN);
	hd_bh_release(&b);
}

static void test_lunch_and_edges(void **state)
{
	(void)state;
	hd_bizhours b;
	office(&b, "Seoul", 1); /* Zendesk's name for Asia/Seoul */
	int64_t mon1130 = at(2026, 1, 12, 11, 30, 9);
	assert_int_equal(hd_bh_add(&b, mon1130, 60 * MIN),
			 at(2026, 1, 12, 13, 30, 9));
	assert_int_equal(hd_bh_between(&b, mon1130, at(2026, 1, 12, 13, 30, 9)),
			 60 * MIN);
	/* Inside lunch: counting starts at 13:00. */
	assert_int_equal(hd_bh_add(&b, at(2026, 1, 12, 12, 15, 9), 30 * MIN),
			 at(2026, 1, 12, 13, 30, 9));
	assert_false(hd_bh_is_open(&b, at(2026, 1, 12, 12, 30, 9)));
	assert_int_equal(hd_bh_next_open(&b, at(2026, 1, 12, 12, 30, 9)),
			 at(2026, 1, 12, 13, 0, 9));
	assert_true(hd_bh_is_open(&b, at(2026, 1, 12, 9, 0, 9)));
	assert_false(hd_bh_is_open(&b, at(2026, 1, 12, 18, 0, 9)));
	assert_int_equal(hd_bh_next_open(&b, at(2026, 1, 12, 18, 0, 9)),
			 at(2026, 1, 13, 9, 0, 9));
	/* Ending exactly at closing time is closing time, not next morning. */
	assert_int_equal(hd_bh_add(&b, at(2026, 1, 12, 17, 0, 9), 60 * MIN),
			 at(2026, 1, 12, 18, 0, 9));
	assert_int_equal(hd_bh_add(&b, mon1130, 0), mon1130);
	assert_int_equal(hd_bh_between(&b, mon1130, mon1130 - MIN), 0);
	/* A whole week is 5 × 8 hours. */
	int64_t sun = at(2026, 1, 11, 0, 0, 9);
	assert_int_equal(hd_bh_between(&b, sun, sun + 7 * DAY), 40 * HOUR);
	hd_bh_release(&b);
}

static void test_holidays_span_weekend(void **state)
{
	(void)state;
	hd_bizhours b;
	office(&b, "Asia/Seoul", 1);
	/* 설날 2026: Saturday 14th to Wednesday 18th off. */
	assert_int_equal(
		hd_bh_add_holiday(&b, day("2026-02-14"), day("2026-02-18")),
		HD_OK);
	int64_t fri = at(2026, 2, 13, 17, 30, 9);
	assert_int_equal(hd_bh_add(&b, fri, 60 * MIN),
			 at(2026, 2, 19, 9, 30, 9));
	assert_int_equal(hd_bh_add(&b, fri, 9 * HOUR),
			 at(2026, 2, 20, 9, 30, 9));
	assert_int_equal(hd_bh_between(&b, fri, at(2026, 2, 20, 9, 30, 9)),
			 9 * HOUR);
	assert_false(hd_bh_is_open(&b, at(2026, 2, 16, 10, 0, 9)));
	assert_int_equal(
		hd_bh_add_holiday(&b, day("2026-02-18"), day("2026-02-14")),
		HD_E_INVALID);
	hd_bh_release(&b);
}

static void test_new_york_spring_forward(void **state)
{
	(void)state;
	hd_bizhours b;
	office(&b, "America/New_York", 0);
	/* Friday 16:30 EST + 60 → Monday 09:30 EDT (clocks moved Sunday). */
	assert_int_equal(hd_bh_add(&b, at(2026, 3, 6, 16, 30, -5), 60 * MIN),
			 at(2026, 3, 9, 9, 30, -4));
	hd_bh_release(&b);

	assert_int_equal(hd_bh_init(&b, "America/New_York"), HD_OK);
	for (int wd = SUN; wd <= SAT; wd++)
		add(&b, wd, 0, 0, 24, 0);
	/* Sunday 8 March 2026 lasts 23 hours. */
	int64_t sun = at(2026, 3, 8, 0, 0, -5), mon = at(2026, 3, 9, 0, 0, -4);
	assert_int_equal(mon - sun, 23 * HOUR);
	assert_int_equal(hd_bh_between(&b, sun, mon), 23 * HOUR);
	assert_int_equal(hd_bh_add(&b, sun, 24 * HOUR),
			 at(2026, 3, 9, 1, 0, -4));
	hd_bh_release(&b);

	/* An interval inside the skipped hour never opens that day. */
	assert_int_equal(hd_bh_init(&b, "America/New_York"), HD_OK);
	add(&b, SUN, 2, 0, 3, 0);
	assert_int_equal(hd_bh_between(&b, sun, mon), 0);
	assert_int_equal(hd_bh_next_open(&b, sun), at(2026, 3, 15, 2, 0, -4));
	hd_bh_release(&b);
}

static void test_new_york_fall_back(void **state)
{
	(void)state;
	hd_bizhours b;
	assert_int_equal(hd_bh_init(&b, "America/New_York"), HD_OK);
	add(&b, SUN, 0, 0, 24, 0);
	/* Sunday 1 November 2026 lasts 25 hours. */
	int64_t sun = at(2026, 11, 1, 0, 0, -4),
		mon = at(2026, 11, 2, 0, 0, -5);
	assert_int_equal(hd_bh_between(&b, sun, mon), 25 * HOUR);
	assert_int_equal(hd_bh_add(&b, sun, 25 * HOUR), mon);
	hd_bh_release(&b);

	/* 01:00–02:00 happens twice: two hours open. */
	assert_int_equal(hd_bh_init(&b, "America/New_York"), HD_OK);
	add(&b, SUN, 1, 0, 2, 0);
	assert_int_equal(hd_bh_between(&b, sun, mon), 2 * HOUR);
	assert_int_equal(hd_bh_add(&b, sun, 90 * MIN),
			 at(2026, 11, 1, 1, 30, -5));
	hd_bh_release(&b);
}

static void test_berlin_dst(void **state)
{
	(void)state;
	hd_bizhours b;
	office(&b, "Europe/Berlin", 0);
	/* Spring: Friday 16:30 CET + 60 → Monday 09:30 CEST. */
	assert_int_equal(hd_bh_add(&b, at(2026, 3, 27, 16, 30, 1), 60 * MIN),
			 at(2026, 3, 30, 9, 30, 2));
	/* Autumn: Friday 16:30 CEST + 60 → Monday 09:30 CET. */
	assert_int_equal(hd_bh_add(&b, at(2026, 10, 23, 16, 30, 2), 60 * MIN),
			 at(2026, 10, 26, 9, 30, 1));
	assert_int_equal(hd_bh_between(&b, at(2026, 10, 23, 16, 30, 2),
				       at(2026, 10, 26, 9, 30, 1)),
			 60 * MIN);
	hd_bh_release(&b);
}

static void test_intervals_validated(void **state)
{
	(void)state;
	hd_bizhours b;
	assert_int_equal(hd_bh_init(&b, "Asia/Seoul"), HD_OK);
	assert_int_equal(hd_bh_add_interval(&b, 600, 600), HD_OK); /* empty */
	assert_int_equal(b.niv, 0);
	assert_int_equal(hd_bh_add(&b, 0, MIN), HD_BH_NEVER);
	assert_int_equal(hd_bh_next_open(&b, 0), HD_BH_NEVER);
	assert_int_equal(hd_bh_between(&b, 0, 30 * DAY), 0);
	assert_int_equal(hd_bh_add_interval(&b, 1380, 1500), HD_E_INVALID);
	assert_int_equal(hd_bh_add_interval(&b, -1, 10), HD_E_INVALID);
	assert_int_equal(hd_bh_add_interval(&b, 20, 10), HD_E_INVALID);
	assert_int_equal(hd_bh_add_interval(&b, 10000, 10081), HD_E_INVALID);
	assert_int_equal(hd_bh_add_interval(&b, 8640, 10080), HD_OK);
	assert_int_equal(hd_bh_add_interval(&b, 0, 1440), HD_OK);
	/* Saturday and Sunday fully open and adjacent: 48 hours in a row. */
	int64_t sat = at(2026, 1, 10, 0, 0, 9);
	assert_int_equal(hd_bh_add(&b, sat, 48 * HOUR), sat + 48 * HOUR);
	assert_int_equal(hd_bh_add(&b, sat, 48 * HOUR + MIN),
			 at(2026, 1, 17, 0, 1, 9));
	hd_bh_release(&b);
}

static void test_zones_and_dates(void **state)
{
	(void)state;
	hd_bizhours b;
	const char *bad[] = {"",
			     "Mars/Olympus",
			     "../../etc/passwd",
			     "/etc/localtime",
			     "Asia/Seoul\n",
			     NULL};
	for (size_t i = 0; bad[i]; i++) {
		assert_int_equal(hd_bh_init(&b, bad[i]), HD_E_INVALID);
		hd_bh_release(&b);
	}
	assert_null(hd_bh_zone_name(NULL));
	assert_string_equal(hd_bh_zone_name("Eastern Time (US & Canada)"),
			    "America/New_York");
	int32_t d;
	assert_int_equal(hd_bh_parse_date("2026-02-29", &d), HD_E_INVALID);
	assert_int_equal(hd_bh_parse_date("2026-2-28", &d), HD_E_INVALID);
	assert_int_equal(hd_bh_parse_date("2026-02-28x", &d), HD_E_INVALID);
	assert_int_equal(hd_bh_parse_date("2028-02-29", &d), HD_OK);
	char out[11];
	hd_bh_format_date(d, out);
	assert_string_equal(out, "2028-02-29");
	assert_int_equal(day("1970-01-01"), 0);
	assert_int_equal(day("2026-01-09"), 20462); /* a Friday */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_friday_evening_to_monday),
		cmocka_unit_test(test_lunch_and_edges),
		cmocka_unit_test(test_holidays_span_weekend),
		cmocka_unit_test(test_new_york_spring_forward),
		cmocka_unit_test(test_new_york_fall_back),
		cmocka_unit_test(test_berlin_dst),
		cmocka_unit_test(test_intervals_validated),
		cmocka_unit_test(test_zones_and_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
