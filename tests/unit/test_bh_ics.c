/* Unit tests for the iCalendar holiday reader (services/routing/bh_ics.c):
 * all-day events with exclusive DTEND, folded lines, text escapes, LF or
 * CRLF, nested components; every malformed input answers with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sla.h"
#include "hd/err.h"
#include "hd/store_pb.h"
#include "hd/text.h"
#include "unit.h"

static Hd__BhSchedule *new_list(void)
{
	Hd__BhSchedule *s = hd_pb_new(&hd__bh_schedule__descriptor);
	assert_non_null(s);
	return s;
}

static int parse_text(const char *text, Hd__BhSchedule **arr, unsigned *line,
		      char why[128])
{
	*arr = new_list();
	return bh_ics_parse(text, strlen(text), *arr, line, why);
}

static void assert_holiday(const Hd__BhHoliday *h, const char *name,
			   const char *a, const char *b)
{
	assert_string_equal(h->name, name);
	assert_string_equal(h->start_date, a);
	assert_string_equal(h->end_date, b);
	assert_int_equal(h->id, 0);
}

static void test_events(void **state)
{
	(void)state;
	const char *text =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260216\r\n"
		"DTEND;VALUE=DATE:20260219\r\nSUMMARY:설날 연휴\\, "
		"전날·당일\r\n"
		" ·다음날\r\nBEGIN:VALARM\r\nSUMMARY:ignored\r\nEND:VALARM\r\n"
		"END:VEVENT\r\n"
		"BEGIN:VEVENT\nDTSTART:20261009\nsummary:한글날\nEND:VEVENT\n"
		"END:VCALENDAR\r\n";
	Hd__BhSchedule *arr;
	unsigned line = 0;
	char why[128] = "";
	assert_int_equal(parse_text(text, &arr, &line, why), HD_OK);
	assert_int_equal(arr->n_holidays, 2);
	assert_holiday(arr->holidays[0], "설날 연휴, 전날·당일·다음날",
		       "2026-02-16", "2026-02-18");
	assert_holiday(arr->holidays[1], "한글날", "2026-10-09", "2026-10-09");
	hd__bh_schedule__free_unpacked(arr, NULL);
}

static void test_errors_name_the_line(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		unsigned line;
		const char *why;
	} cases[] = {
		{"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\n"
		 "DTSTART;VALUE=DATE:2026XX01\nEND:VEVENT\nEND:VCALENDAR\n",
		 4, "date"},
		{"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\n"
		 "DTSTART:20260101T090000Z\nEND:VEVENT\nEND:VCALENDAR\n",
		 4, "all-day"},
		{"BEGIN:VCALENDAR\n\nBEGIN:VEVENT\nDTSTART:20260101\n"
		 "END:VEVENT\nEND:VCALENDAR\n",
		 3, "SUMMARY"},
		{"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nDTSTART:20260105\n"
		 "DTEND:20260105\nEND:VEVENT\nEND:VCALENDAR\n",
		 2, "after"},
		{"BEGIN:VCALENDAR\nno colon here\nEND:VCALENDAR\n", 2, "NAME"},
		{"BEGIN:VCARD\nEND:VCARD\n", 1, "VCALENDAR"},
		{"BEGIN:VCALENDAR\nBEGIN:VEVENT\n", 3,
		 "END"}, /* at end of input */
		{"END:VCALENDAR\n", 1, "END without"},
		{"", 1, "not an iCalendar"},
		{"BEGIN:VCALENDAR\nSUMMARY:\xff\xfe\nEND:VCALENDAR\n", 2,
		 "UTF-8"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Hd__BhSchedule *arr;
		unsigned line = 0;
		char why[128] = "";
		assert_int_equal(parse_text(cases[i].text, &arr, &line, why),
				 HD_E_INVALID);
		if (line != cases[i].line || !strstr(why, cases[i].why))
			fail_msg("case %zu: line %u why %s", i, line, why);
		hd__bh_schedule__free_unpacked(arr, NULL);
	}
}

static void test_hostile_sizes(void **state)
{
	(void)state;
	size_t n = 3 * BH_ICS_MAX_LINE;
	char *big = malloc(n + 64);
	assert_non_null(big);
	static const char head[] = "BEGIN:VCALENDAR\nX-LONG:";
	memcpy(big, head, sizeof head);
	memset(big + strlen(big), 'x', n);
	big[n] = '\0';
	Hd__BhSchedule *arr;
	unsigned line = 0;
	char why[128] = "";
	assert_int_equal(parse_text(big, &arr, &line, why), HD_E_INVALID);
	assert_non_null(strstr(why, "8 KiB"));
	hd__bh_schedule__free_unpacked(arr, NULL);
	/* Deep nesting stops at MAX_DEPTH. */
	char deep[1024];
	size_t used = (size_t)snprintf(deep, sizeof deep, "BEGIN:VCALENDAR\n");
	for (int i = 0; i < 20; i++)
		used += (size_t)snprintf(deep + used, sizeof deep - used,
					 "BEGIN:X\n");
	assert_int_equal(parse_text(deep, &arr, &line, why), HD_E_INVALID);
	assert_non_null(strstr(why, "nested"));
	hd__bh_schedule__free_unpacked(arr, NULL);
	/* A NUL inside the given length. */
	const char nul[] = "BEGIN:VCALENDAR\nA:\0b\nEND:VCALENDAR\n";
	arr = new_list();
	assert_int_equal(bh_ics_parse(nul, sizeof nul - 1, arr, &line, why),
			 HD_E_INVALID);
	assert_int_equal(line, 2);
	hd__bh_schedule__free_unpacked(arr, NULL);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_hostile_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
