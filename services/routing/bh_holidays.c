/* The bh.holidays.* writes and the iCalendar import (API.md §8): holidays
 * live inside their schedule's record, each with an id from the
 * next_holiday counter. */
#include "bh_api.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SPAN 366 /* days one holiday may cover */
#define MAX_ICS  ((size_t)1 << 20)

static const Hd__BhHoliday no_holiday = HD__BH_HOLIDAY__INIT;

/* A holiday's name and dates, checked; the message names the key. */
static int holiday_check(const Hd__BhHoliday *h, hd_rpc_rep *rep)
{
	int32_t a, b;
	int rc = bh_name_ok(h->name, rep, "name");
	if (!rc && hd_bh_parse_date(h->start_date, &a))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "start_date",
				 "start_date must be a date YYYY-MM-DD");
	if (!rc && hd_bh_parse_date(h->end_date, &b))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "end_date",
				 "end_date must be a date YYYY-MM-DD");
	if (!rc && (b < a || b - a >= MAX_SPAN))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "end_date",
				 "end_date must be on or after start_date, "
				 "within %d days",
				 MAX_SPAN);
	return rc;
}

/* Append h (checked) to j->s with a new id; 422 when full. */
static int holiday_add(bh_job *j, hd_txn *t, const Hd__BhHoliday *h)
{
	if (j->s->n_holidays >= HD_BH_MAX_HOLIDAY)
		return hd_rpc_fail(j->rep, HD_E_INVALID, "holidays",
				   "a schedule has at most %d holidays",
				   HD_BH_MAX_HOLIDAY);
	uint64_t id = 0;
	int rc = routing_next_id(t, j->r, "next_holiday", &id);
	return rc ? rc
		  : bh_holiday_append(j->s, id, h->name, h->start_date,
				      h->end_date);
}

int bh_find_holiday(bh_job *j, size_t *at)
{
	for (size_t i = 0; i < j->s->n_holidays; i++) {
		if (j->s->holidays[i]->id == j->c->sub) {
			*at = i;
			return HD_OK;
		}
	}
	return hd_rpc_fail(j->rep, HD_E_NOTFOUND, NULL, "no such holiday");
}

static const Hd__BhHoliday *given(const bh_job *j)
{
	return j->c->holiday ? j->c->holiday : &no_holiday;
}

int bh_hol_create(bh_job *j, hd_txn *t)
{
	int rc = holiday_check(given(j), j->rep);
	if (!rc)
		rc = bh_load(j, t);
	if (!rc)
		rc = holiday_add(j, t, given(j));
	if (!rc)
		rc = bh_save(j, t);
	if (!rc) {
		j->answer = BH_ANSWER_HOLIDAYS;
		j->h_from = j->s->n_holidays - 1;
		j->h_n = 1;
		j->id = j->s->holidays[j->h_from]->id;
	}
	return rc;
}

int bh_hol_update(bh_job *j, hd_txn *t)
{
	size_t i = 0;
	int rc = bh_load(j, t);
	if (!rc)
		rc = bh_find_holiday(j, &i);
	const Hd__BhHoliday *in = given(j);
	Hd__BhHoliday *h = rc ? NULL : j->s->holidays[i];
	Hd__BhHoliday merged = h ? *h : no_holiday;
	if (!rc && bh_has(j->c, "name"))
		merged.name = in->name;
	if (!rc && bh_has(j->c, "start_date"))
		merged.start_date = in->start_date;
	if (!rc && bh_has(j->c, "end_date"))
		merged.end_date = in->end_date;
	if (!rc)
		rc = holiday_check(&merged, j->rep);
	/* copy before writing: merged may point into h */
	char *name = NULL, *a = NULL, *b = NULL;
	if (!rc && (!(name = strdup(merged.name)) ||
		    !(a = strdup(merged.start_date)) ||
		    !(b = strdup(merged.end_date))))
		rc = HD_E_NOMEM;
	if (!rc && !(rc = hd_pb_set_string(&h->name, name)) &&
	    !(rc = hd_pb_set_string(&h->start_date, a)))
		rc = hd_pb_set_string(&h->end_date, b);
	free(name);
	free(a);
	free(b);
	if (!rc)
		rc = bh_save(j, t);
	if (!rc) {
		j->answer = BH_ANSWER_HOLIDAYS;
		j->h_from = i;
		j->h_n = 1;
	}
	return rc;
}

int bh_hol_delete(bh_job *j, hd_txn *t)
{
	size_t i = 0;
	int rc = bh_load(j, t);
	if (!rc)
		rc = bh_find_holiday(j, &i);
	if (!rc) {
		Hd__BhSchedule *s = j->s;
		hd__bh_holiday__free_unpacked(s->holidays[i], NULL);
		memmove(&s->holidays[i], &s->holidays[i + 1],
			(s->n_holidays - i - 1) * sizeof *s->holidays);
		s->n_holidays--;
		rc = bh_save(j, t);
	}
	return rc;
}

static bool same_holiday(const Hd__BhHoliday *a, const Hd__BhHoliday *b)
{
	return !strcmp(a->name, b->name) &&
	       !strcmp(a->start_date, b->start_date) &&
	       !strcmp(a->end_date, b->end_date);
}

static bool known(const Hd__BhSchedule *s, const Hd__BhHoliday *h)
{
	for (size_t k = 0; k < s->n_holidays; k++)
		if (same_holiday(s->holidays[k], h))
			return true;
	return false;
}

/* Holidays already on the schedule (same name and dates) are skipped, so
 * importing one file twice changes nothing. The answer: the added ones. */
int bh_hol_import(bh_job *j, hd_txn *t)
{
	Hd__BhSchedule *parsed = hd_pb_new(&hd__bh_schedule__descriptor);
	unsigned line = 0;
	char why[128] = "";
	const char *text = j->c->text;
	int rc = !parsed ? HD_E_NOMEM
		 : strlen(text) <= MAX_ICS
			 ? HD_OK
			 : hd_rpc_fail(j->rep, HD_E_INVALID, "body",
				       "an iCalendar body of at most 1 MiB");
	if (!rc && bh_ics_parse(text, strlen(text), parsed, &line, why))
		rc = hd_rpc_fail(j->rep, HD_E_INVALID, "body", "line %u: %s",
				 line, why);
	if (!rc)
		rc = bh_load(j, t);
	size_t before = rc ? 0 : j->s->n_holidays;
	for (size_t i = 0; !rc && parsed && i < parsed->n_holidays; i++)
		if (!known(j->s, parsed->holidays[i]))
			rc = holiday_add(j, t, parsed->holidays[i]);
	if (!rc)
		rc = bh_save(j, t);
	if (!rc) {
		j->answer = BH_ANSWER_HOLIDAYS;
		j->h_from = before;
		j->h_n = j->s->n_holidays - before;
	}
	hd__bh_schedule__free_unpacked(parsed, NULL);
	return rc;
}
