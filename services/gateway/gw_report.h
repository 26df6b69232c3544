/* Reports over HTTP: metrics answers typed rows (proto/reports.proto), the
 * gateway renders them. Every report is one table, {"report":{name,
 * start_time, end_time, time_zone, filters, columns, rows, …}} with rows
 * keyed by the columns, and its CSV download comes from the same rows
 * (gw_report_table.c); the rows of each report are made in
 * gw_report_rows.c; the wallboard and the team builder, which are not
 * tables, in gw_report_board.c. */
#ifndef GW_REPORT_H
#define GW_REPORT_H

#include "gateway.h"
#include "reports.pb-c.h"

#include <jansson.h>

/* One report: its columns, and fn appending r's rows to report's "rows"
 * (gw_report_row) and any keys of its own after them. HD_OK or
 * HD_E_NOMEM. */
typedef struct gw_report_kind {
	const char *name;
	const char *const *columns;
	int (*fn)(const Hd__ReportReply *r, json_t *report);
} gw_report_kind;
extern const gw_report_kind gw_report_kinds[]; /* NULL-name terminated */

/* gw_report_table.c */
int gw_report_row(json_t *report, json_t *row); /* steals row */
/* ISO 8601 text of ms (UTC), as a new JSON string. */
json_t *gw_report_time(int64_t ms);
/* An id, or null for 0. */
json_t *gw_report_id(uint64_t id);
/* num / den in percent with one decimal; 0 when den is 0. */
double gw_report_pct(uint64_t num, uint64_t den);
/* r rendered as the named report's JSON, or (csv) its CSV, into out's raw
 * body (file name <name>.json / .csv). */
int gw_report_send(const Hd__ReportReply *r, int csv, gw_resp *out);
/* JSON text of root (compact, reals with 10 digits) as out's raw body. */
int gw_report_send_json(json_t *root, const char *name, gw_resp *out);
/* text (len bytes, taken; NULL: out of memory) as out's raw body. */
int gw_report_send_text(char *text, size_t len, const char *name, gw_resp *out);

/* gw_report_board.c: the wallboard's JSON text {"live":{…}} (malloc'd,
 * *len bytes) and the team builder's {"suggestion":{…}}; NULL when r has
 * none or out of memory. */
char *gw_report_live(const Hd__ReportReply *r, size_t *len);
json_t *gw_report_teams(const Hd__ReportReply *r);
/* proficiency's and teams' model keys (kpis, weights, normalisation,
 * formula) into o. */
int gw_report_model(const Hd__ProficiencyModel *m, json_t *o);

#endif
