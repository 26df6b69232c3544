/* The rows of each report table (gw_report.h): metrics' typed rows as the
 * JSON objects the report's columns name, plus the keys a report adds
 * after its rows (interval, previous_start_time, business_hours, the
 * proficiency model). */
#include "gw_report.h"

#include "hd/err.h"
#include "hd/vocab.h"

#include <math.h>
#include <stdio.h>
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

/* ---- what is open ---- */

static int64_t total(const Hd__StatusCounts *x)
{
	return x->status_new + x->status_open + x->status_pending +
	       x->status_hold;
}

static int backlog_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < r->n_backlog; i++) {
		const Hd__StatusCounts *x = r->backlog[i];
		rc = gw_report_row(
			report,
			json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I}", "time",
				  gw_report_time(x->time_ms), "group_id",
				  gw_report_id(x->group_id), "new",
				  (json_int_t)x->status_new, "open",
				  (json_int_t)x->status_open, "pending",
				  (json_int_t)x->status_pending, "hold",
				  (json_int_t)x->status_hold, "total",
				  (json_int_t)total(x)));
	}
	return rc ? rc : interval(r, report);
}

static int assignment_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < r->n_assignment; i++) {
		const Hd__StatusCounts *x = r->assignment[i];
		rc = gw_report_row(
			report,
			json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
				  "group_id", gw_report_id(x->group_id), "new",
				  (json_int_t)x->status_new, "open",
				  (json_int_t)x->status_open, "pending",
				  (json_int_t)x->status_pending, "hold",
				  (json_int_t)x->status_hold, "assigned",
				  (json_int_t)x->assigned, "unassigned",
				  (json_int_t)(total(x) - x->assigned), "total",
				  (json_int_t)total(x)));
	}
	return rc;
}

/* ---- how work is done ---- */

static json_int_t minutes(uint64_t secs)
{
	return (json_int_t)((secs + 30) / 60);
}

static int times_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = set(report, "business_hours",
		     json_string(r->business_hours ? "schedule" : "none"));
	for (size_t i = 0; !rc && i < r->n_times; i++) {
		const Hd__TimesRow *x = r->times[i];
		rc = gw_report_row(
			report,
			json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "metric",
				  x->metric, "tickets", (json_int_t)x->tickets,
				  "median_seconds",
				  (json_int_t)x->median_seconds, "p90_seconds",
				  (json_int_t)x->p90_seconds,
				  "median_business_minutes",
				  minutes(x->median_business_seconds),
				  "p90_business_minutes",
				  minutes(x->p90_business_seconds)));
	}
	return rc;
}

static json_t *states(const Hd__AgentRow *x)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < x->n_time_in_states; i++)
		json_object_set_new(
			o, x->time_in_states[i]->state,
			json_integer(
				(json_int_t)x->time_in_states[i]->seconds));
	return o;
}

static int agent_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < r->n_agents; i++) {
		const Hd__AgentRow *x = r->agents[i];
		rc = gw_report_row(
			report,
			json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
				  "agent_id", (json_int_t)x->agent_id,
				  "assigned", (json_int_t)x->assigned, "solved",
				  (json_int_t)x->solved, "public_replies",
				  (json_int_t)x->public_replies,
				  "median_handle_seconds",
				  (json_int_t)x->median_handle_seconds,
				  "open_now", (json_int_t)x->open_now,
				  "time_in_states", states(x)));
	}
	return rc;
}

static int csat_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < r->n_csat; i++) {
		const Hd__CsatRow *x = r->csat[i];
		int period = !strcmp(x->scope, "period");
		uint64_t rated = (uint64_t)(x->good + x->bad);
		rc = gw_report_row(
			report,
			json_pack("{s:s, s:o, s:o, s:I, s:I, s:I, s:f}",
				  "scope", x->scope, "id",
				  period ? json_null() : gw_report_id(x->id),
				  "time",
				  period ? gw_report_time(x->time_ms)
					 : json_null(),
				  "good", (json_int_t)x->good, "bad",
				  (json_int_t)x->bad, "rated",
				  (json_int_t)rated, "percent_good",
				  gw_report_pct((uint64_t)x->good, rated)));
	}
	return rc ? rc : interval(r, report);
}

/* ---- from other services' events ---- */

static const char *const call_cols[] = {
	"inbound",     "answered",     "missed",     "abandoned",  "voicemail",
	"answer_rate", "abandon_rate", "wait_lt_10", "wait_lt_20", "wait_lt_30",
	"wait_lt_60",  "wait_ge_60",   "outbound",   NULL};

static int calls_rows(const Hd__ReportReply *r, json_t *report)
{
	const Hd__CallsRow *x = r->calls;
	if (!x)
		return HD_OK;
	uint64_t in = (uint64_t)x->inbound;
	json_t *row = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "inbound",
		(json_int_t)x->inbound, "answered", (json_int_t)x->answered,
		"missed", (json_int_t)x->missed, "abandoned",
		(json_int_t)x->abandoned, "voicemail", (json_int_t)x->voicemail,
		"answer_rate", gw_report_pct((uint64_t)x->answered, in),
		"abandon_rate", gw_report_pct((uint64_t)x->abandoned, in));
	for (size_t i = 0; row && i < 5; i++)
		json_object_set_new(
			row, call_cols[7 + i],
			json_integer(i < x->n_waits ? (json_int_t)x->waits[i]
						    : 0));
	if (row)
		json_object_set_new(row, "outbound",
				    json_integer((json_int_t)x->outbound));
	return gw_report_row(report, row);
}

static int sla_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < r->n_sla; i++) {
		const Hd__SlaRow *x = r->sla[i];
		rc = gw_report_row(
			report,
			json_pack(
				"{s:I, s:o, s:s, s:o, s:o, s:I, s:I, s:I, s:f}",
				"policy_id", (json_int_t)x->policy_id,
				"policy_title",
				x->titled ? json_string(x->policy_title)
					  : json_null(),
				"metric", x->metric, "priority",
				x->priority ? json_string(hd_priority_name(
						      x->priority))
					    : json_null(),
				"group_id", gw_report_id(x->group_id),
				"warnings", (json_int_t)x->warnings, "breaches",
				(json_int_t)x->breaches, "achieved",
				(json_int_t)x->achieved, "achievement_percent",
				gw_report_pct((uint64_t)x->achieved,
					      (uint64_t)(x->achieved +
							 x->breaches))));
	}
	return rc;
}

static int deflection_rows(const Hd__ReportReply *r, json_t *report)
{
	const Hd__DeflectionRow *x = r->deflection;
	if (!x)
		return HD_OK;
	return gw_report_row(
		report,
		json_pack("{s:I, s:I, s:f, s:I, s:I, s:f}", "shown",
			  (json_int_t)x->shown, "resolved",
			  (json_int_t)x->resolved, "resolution_rate",
			  gw_report_pct((uint64_t)x->resolved,
					(uint64_t)x->shown),
			  "tickets_with_suggestions", (json_int_t)x->suggested,
			  "solved_without_agent_reply",
			  (json_int_t)x->self_served, "self_service_rate",
			  gw_report_pct((uint64_t)x->self_served,
					(uint64_t)x->suggested)));
}

/* ---- bottlenecks ---- */

static int bottleneck_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < r->n_bottlenecks; i++) {
		const Hd__BottleneckRow *x = r->bottlenecks[i];
		char why[64] = "";
		size_t len = 0;
		for (size_t k = 0; k < x->n_reasons; k++) {
			int n = snprintf(why + len, sizeof why - len, "%s%s",
					 k ? ";" : "", x->reasons[k]);
			if (n < 0 || (size_t)n >= sizeof why - len)
				break;
			len += (size_t)n;
		}
		rc = gw_report_row(
			report,
			json_pack(
				"{s:s, s:I, s:I, s:o, s:f, s:I, s:f, s:I, "
				"s:s}",
				"kind", x->kind, "id", (json_int_t)x->id,
				"open", (json_int_t)x->open, "capacity",
				!strcmp(x->kind, "group")
					? json_integer((json_int_t)x->capacity)
					: json_null(),
				"load", round(x->load * 100) / 100,
				"oldest_age_seconds",
				(json_int_t)x->oldest_age_seconds,
				"median_load",
				round(x->median_load * 100) / 100,
				"median_oldest_age_seconds",
				(json_int_t)x->median_oldest_age_seconds,
				"reasons", why));
	}
	return rc;
}

/* ---- proficiency ---- */

static json_t *kpi(const Hd__KpiValue *v)
{
	return v ? json_real(v->value) : json_null();
}

static int proficiency_rows(const Hd__ReportReply *r, json_t *report)
{
	int rc = gw_report_model(r->model, report);
	for (size_t i = 0; !rc && i < r->n_proficiency; i++) {
		const Hd__ProficiencyRow *x = r->proficiency[i];
		rc = gw_report_row(
			report,
			json_pack("{s:I, s:I, s:f, s:I, s:o, s:o, s:o, s:o, "
				  "s:o}",
				  "rank", (json_int_t)i + 1, "agent_id",
				  (json_int_t)x->agent_id, "score", x->score,
				  "solved", (json_int_t)x->solved,
				  "handle_minutes", kpi(x->handle_minutes),
				  "fcr_percent", kpi(x->fcr_percent),
				  "csat_percent", kpi(x->csat_percent),
				  "reopen_percent", kpi(x->reopen_percent),
				  "sla_percent", kpi(x->sla_percent)));
	}
	return rc;
}

/* clang-format off */
static const char *const volume_cols[] = {"time", "channel", "tickets", NULL};
static const char *const heatmap_cols[] = {"weekday", "hour", "tickets", NULL};
static const char *const keyword_cols[] = {
	"rank", "term", "tickets", "previous_tickets", "change", NULL};
static const char *const backlog_cols[] = {
	"time", "group_id", "new", "open", "pending", "hold", "total", NULL};
static const char *const assignment_cols[] = {
	"group_id", "new", "open", "pending", "hold", "assigned", "unassigned",
	"total", NULL};
static const char *const times_cols[] = {
	"metric", "tickets", "median_seconds", "p90_seconds",
	"median_business_minutes", "p90_business_minutes", NULL};
static const char *const agent_cols[] = {
	"agent_id", "assigned", "solved", "public_replies",
	"median_handle_seconds", "open_now", "time_in_states", NULL};
static const char *const csat_cols[] = {
	"scope", "id", "time", "good", "bad", "rated", "percent_good", NULL};
static const char *const sla_cols[] = {
	"policy_id", "policy_title", "metric", "priority", "group_id",
	"warnings", "breaches", "achieved", "achievement_percent", NULL};
static const char *const deflection_cols[] = {
	"shown", "resolved", "resolution_rate", "tickets_with_suggestions",
	"solved_without_agent_reply", "self_service_rate", NULL};
static const char *const bottleneck_cols[] = {
	"kind", "id", "open", "capacity", "load", "oldest_age_seconds",
	"median_load", "median_oldest_age_seconds", "reasons", NULL};
static const char *const proficiency_cols[] = {
	"rank", "agent_id", "score", "solved", "handle_minutes", "fcr_percent",
	"csat_percent", "reopen_percent", "sla_percent", NULL};

const gw_report_kind gw_report_kinds[] = {
	{"volume", volume_cols, volume_rows},
	{"heatmap", heatmap_cols, heatmap_rows},
	{"keywords", keyword_cols, keyword_rows},
	{"backlog", backlog_cols, backlog_rows},
	{"assignment", assignment_cols, assignment_rows},
	{"times", times_cols, times_rows},
	{"agents", agent_cols, agent_rows},
	{"csat", csat_cols, csat_rows},
	{"calls", call_cols, calls_rows},
	{"sla", sla_cols, sla_rows},
	{"deflection", deflection_cols, deflection_rows},
	{"bottlenecks", bottleneck_cols, bottleneck_rows},
	{"proficiency", proficiency_cols, proficiency_rows},
	{NULL, NULL, NULL},
};
/* clang-format on */
