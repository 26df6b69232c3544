/* A small, strict iCalendar (RFC 5545) reader for holiday lists: unfolds
 * lines, reads VEVENTs' DTSTART/DTEND (all-day dates, DTEND exclusive) and
 * SUMMARY (text escapes), ignores everything else, and stops at the first
 * error with its line number. Input is hostile: bounded lines, no
 * recursion, UTF-8 checked. */
#include "sla.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE   BH_ICS_MAX_LINE
#define MAX_EVENTS HD_BH_MAX_HOLIDAY
#define MAX_DEPTH  8

typedef struct ics {
	const char *p, *end;
	unsigned line;      /* physical line of the next byte */
	unsigned start;     /* where the current logical line began */
	char buf[MAX_LINE]; /* the current logical line */
	size_t len;
} ics;

typedef struct vevent {
	int32_t first, last_excl;
	bool has_start, has_end;
	char name[256];
	unsigned line;
} vevent;

static int ics_fail(char why[128], const char *msg)
{
	snprintf(why, 128, "%s", msg);
	return HD_E_INVALID;
}

/* Next logical line (folded continuations joined) into x->buf; 0 at end. */
static int next_line(ics *x, char why[128], bool *got)
{
	*got = false;
	x->len = 0;
	x->start = x->line;
	while (x->p < x->end) {
		char ch = *x->p++;
		if (ch == '\r' && x->p < x->end && *x->p == '\n')
			continue; /* CRLF: the \n ends the line */
		if (ch == '\n' || ch == '\r') {
			x->line++;
			if (x->p < x->end && (*x->p == ' ' || *x->p == '\t')) {
				x->p++; /* folded: drop newline + one blank */
				continue;
			}
			if (x->len == 0) {
				x->start = x->line;
				continue; /* blank line */
			}
			break;
		}
		if (ch == '\0')
			return ics_fail(why, "NUL byte");
		if (x->len + 1 >= MAX_LINE)
			return ics_fail(why, "line longer than 8 KiB");
		x->buf[x->len++] = ch;
	}
	x->buf[x->len] = '\0';
	*got = x->len > 0;
	if (*got && !hd_utf8_valid(x->buf, x->len))
		return ics_fail(why, "not UTF-8");
	return HD_OK;
}

/* "YYYYMMDD" → day number. */
static int ics_date(const char *v, int32_t *day)
{
	char iso[11];
	if (strlen(v) != 8 || strspn(v, "0123456789") != 8)
		return HD_E_INVALID;
	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", v, v + 4, v + 6);
	return hd_bh_parse_date(iso, day);
}

/* SUMMARY text: \\ \, \; \n unescaped; newlines become spaces. */
static int unescape(const char *v, char *out, size_t cap)
{
	size_t n = 0;
	for (; *v; v++) {
		char ch = *v;
		if (ch == '\\' && v[1]) {
			ch = *++v;
			if (ch == 'n' || ch == 'N')
				ch = ' ';
		}
		if (n + 1 >= cap)
			return HD_E_INVALID;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n ? HD_OK : HD_E_INVALID;
}

/* Split "NAME;PARAMS:VALUE": name upper-cased in place; value after the
 * first ':' outside double quotes. */
static int split(char *s, char **params, char **value)
{
	bool quoted = false;
	*params = NULL;
	*value = NULL;
	for (char *c = s; *c; c++) {
		if (*c == '"')
			quoted = !quoted;
		else if (*c == ';' && !quoted && !*params && !*value) {
			*c = '\0';
			*params = c + 1;
		} else if (*c == ':' && !quoted) {
			*c = '\0';
			*value = c + 1;
			break;
		}
	}
	for (char *c = s; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 32);
	return *value && s[0] ? HD_OK : HD_E_INVALID;
}

static int event_prop(vevent *e, const char *name, const char *params,
		      const char *value, char why[128])
{
	bool date_only = !params || strstr(params, "VALUE=DATE") != NULL;
	if (!strcmp(name, "DTSTART") || !strcmp(name, "DTEND")) {
		int32_t d;
		if (strchr(value, 'T') ||
		    (params && strstr(params, "VALUE=DATE-TIME")))
			return ics_fail(why, "holidays must be all-day events "
					     "(DTSTART;VALUE=DATE:YYYYMMDD)");
		if (!date_only || ics_date(value, &d))
			return ics_fail(why, "not a date YYYYMMDD");
		if (name[2] == 'S') {
			e->first = d;
			e->has_start = true;
		} else {
			e->last_excl = d;
			e->has_end = true;
		}
	} else if (!strcmp(name, "SUMMARY")) {
		if (unescape(value, e->name, sizeof e->name))
			return ics_fail(why, "SUMMARY empty or longer than 255 "
					     "bytes");
	}
	return HD_OK;
}

static int event_end(const vevent *e, Hd__BhSchedule *out, char why[128])
{
	if (!e->has_start)
		return ics_fail(why, "VEVENT without DTSTART");
	if (!e->name[0])
		return ics_fail(why, "VEVENT without SUMMARY");
	int32_t last = e->has_end ? e->last_excl - 1 : e->first;
	if (last < e->first)
		return ics_fail(why, "DTEND must be after DTSTART");
	if (last - e->first >= 366)
		return ics_fail(why, "an event longer than a year");
	if (out->n_holidays >= MAX_EVENTS)
		return ics_fail(why, "too many events");
	char a[11], b[11];
	hd_bh_format_date(e->first, a);
	hd_bh_format_date(last, b);
	return bh_holiday_append(out, 0, e->name, a, b);
}

static int read_calendar(ics *x, Hd__BhSchedule *out, char why[128])
{
	vevent ev;
	int depth = 0, rc = HD_OK; /* depth 1: VCALENDAR, 2: VEVENT, … */
	bool in_event = false, seen_calendar = false, got;
	while (!(rc = next_line(x, why, &got)) && got) {
		char *params, *value;
		if (split(x->buf, &params, &value))
			return ics_fail(why, "expected NAME:VALUE");
		if (!strcmp(x->buf, "BEGIN")) {
			if (++depth > MAX_DEPTH)
				return ics_fail(why,
						"components nested too deep");
			if (depth == 1 && strcmp(value, "VCALENDAR"))
				return ics_fail(why,
						"expected BEGIN:VCALENDAR");
			seen_calendar = true;
			if (depth == 2 && !strcmp(value, "VEVENT")) {
				memset(&ev, 0, sizeof ev);
				ev.line = x->start;
				in_event = true;
			}
		} else if (!strcmp(x->buf, "END")) {
			if (depth == 0)
				return ics_fail(why, "END without BEGIN");
			if (depth == 2 && in_event) {
				x->start = ev.line;
				if ((rc = event_end(&ev, out, why)))
					return rc;
				in_event = false;
			}
			depth--;
		} else if (depth == 0) {
			return ics_fail(why, "content outside BEGIN:VCALENDAR");
		} else if (in_event && depth == 2 &&
			   (rc = event_prop(&ev, x->buf, params, value, why))) {
			return rc;
		}
	}
	if (rc)
		return rc;
	if (!seen_calendar)
		return ics_fail(why,
				"not an iCalendar file (no BEGIN:VCALENDAR)");
	return depth ? ics_fail(why, "missing END") : HD_OK;
}

int bh_ics_parse(const char *text, size_t len, Hd__BhSchedule *out,
		 unsigned *line, char why[128])
{
	ics *x = calloc(1, sizeof *x); /* 8 KiB: keep it off worker stacks */
	if (!x)
		return HD_E_NOMEM;
	x->p = text;
	x->end = text + len;
	x->line = 1;
	int rc = read_calendar(x, out, why);
	*line = x->start;
	free(x);
	return rc;
}
