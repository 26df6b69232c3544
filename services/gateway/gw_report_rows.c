/* The rows of each report table (gw_report.h): metrics' typed rows as the
 * JSON objects the report's columns name, plus the keys a report adds
 * after its rows (interval, previous_start_time, business_hours, the
 * proficiency model). */
#include "gw_report.h"

#include "hd/err.h"
#include "hd/vocab.h"

#include <math.h>
#include <string.h>

static int set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v) ? HD_E_NOMEM : HD_OK;
}

static int interval(const Hd__ReportReply *r, json_t *report)
{
	return set(report, "interval", json_string(r->interval));
}

/* ---- what comes in ---- */

static int volume_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < r->n_volume; i++) {
		const Hd__VolumeRow *x = r->volume[i];
		rc = gw_report_row(report,
				   json_pack("{s:o, s:s, s:I}", "time",
					     gw_report_time(x->time_ms),
					     "channel", x->channel, "tickets",
					     (json_int_t)x->tickets));
	}
	return rc ? rc : interval(r, report);
}

static int heatmap_rows(const Hd__ReportReply *r, json_t *report)
{
	static const char *const days[] = {"sun", "mon", "tue", "wed",
					   "thu", "fri", "sat"};
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < r->n_heatmap; i++) {
		const Hd__HeatCell *x = r->heatmap[i];
		rc = gw_report_row(report,
				   json_pack("{s:s, s:i, s:I}", "weekday",
					     days[x->weekday % 7], "hour",
					     (int)x->hour, "tickets",
					     (json_int_t)x->tickets));
	}
	return rc;
}

static int keyword_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = set(report, "previous_start_time",
		     gw_report_time(r->previous_start_ms));
	for (size_t i = 0; !rc && i < r->n_keywords; i++) {
		const Hd__KeywordRow *x = r->keywords[i];
		rc = gw_report_row(
			report,
			json_pack("{s:i, s:s, s:I, s:I, s:I}", "rank",
				  (int)i + 1, "term", x->term, "tickets",
				  (json_int_t)x->tickets, "previous_tickets",
				  (json_int_t)x->previous_tickets, "change",
				  (json_int_t)(x->tickets -
					       x->previous_tickets)));
	}
	return rc;
}

/* clang-format off */
static const char *const volume_cols[] = {"time", "channel", "tickets", NULL};
static const char *const heatmap_cols[] = {"weekday", "hour", "tickets", NULL};
static const char *const keyword_cols[] = {
	"rank", "term", "tickets", "previous_tickets", "change", NULL};

const gw_report_kind gw_report_kinds[] = {
	{"volume", volume_cols, volume_rows},
	{"heatmap", heatmap_cols, heatmap_rows},
	{"keywords", keyword_cols, keyword_rows},
	{NULL, NULL, NULL},
};
/* clang-format on */
