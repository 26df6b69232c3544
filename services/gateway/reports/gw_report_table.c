/* A report's table from metrics' rows: the JSON ({"report":{…}}) and the
 * CSV download come from the same rows. CSV is RFC 4180 (CRLF, fields with
 * , " CR LF quoted, quotes doubled) in UTF-8 with a byte-order mark, which
 * Excel needs to read Korean as UTF-8; a text cell starting with = + - @
 * gets a leading ' so a spreadsheet never runs it as a formula. */
#include "gw_report.h"

#include "hd/buf.h"
#include "hd/err.h"
#include "hd/time_iso.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPORT_BYTES ((size_t)64 << 20)
#define REAL_FORMAT      JSON_REAL_PRECISION(10)

json_t *gw_report_time(int64_t ms)
{
	char s[HD_TIME_ISO_LEN];
	hd_time_iso(ms, s);
	return json_string(s);
}

json_t *gw_report_id(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

double gw_report_pct(uint64_t num, uint64_t den)
{
	return den ? (double)((num * 1000 + den / 2) / den) / 10.0 : 0.0;
}

int gw_report_row(json_t *report, json_t *row)
{
	if (!row)
		return HD_E_NOMEM;
	return json_array_append_new(json_object_get(report, "rows"), row)
		       ? HD_E_NOMEM
		       : HD_OK;
}

static json_t *head(const Hd__ReportReply *r, const char *const *columns)
{
	json_t *cols = json_array(), *filters = json_object();
	for (size_t i = 0; cols && columns[i]; i++)
		json_array_append_new(cols, json_string(columns[i]));
	if (filters && r->group_id)
		json_object_set_new(filters, "group_id",
				    json_integer((json_int_t)r->group_id));
	if (filters && r->agent_id)
		json_object_set_new(filters, "agent_id",
				    json_integer((json_int_t)r->agent_id));
	if (filters && r->channel[0])
		json_object_set_new(filters, "channel",
				    json_string(r->channel));
	if (filters && r->tag[0])
		json_object_set_new(filters, "tag", json_string(r->tag));
	return json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:[]}", "name",
			 r->name, "start_time", gw_report_time(r->start_ms),
			 "end_time", gw_report_time(r->end_ms), "time_zone",
			 r->time_zone, "filters", filters, "columns", cols,
			 "rows");
}

static int csv_cell(hd_buf *b, const json_t *v)
{
	char num[64];
	if (!v || json_is_null(v))
		return HD_OK;
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%lld",
			 (long long)json_integer_value(v));
		return hd_buf_puts(b, num);
	}
	if (json_is_real(v)) {
		snprintf(num, sizeof num, "%.10g", json_real_value(v));
		return hd_buf_puts(b, num);
	}
	/* An object (time_in_states) is one cell of compact JSON text. */
	char *text = json_is_object(v)
			     ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)
			     : NULL;
	const char *s = text                ? text
			: json_is_string(v) ? json_string_value(v)
					    : "";
	int rc = hd_buf_puts(b, "\"");
	if (!rc && strchr("=+-@", s[0]) && s[0])
		rc = hd_buf_puts(b, "'");
	for (const char *p = s; !rc && *p; p++)
		rc = *p == '"' ? hd_buf_puts(b, "\"\"")
			       : hd_buf_append(b, p, 1);
	free(text);
	return rc ? rc : hd_buf_puts(b, "\"");
}

static int to_csv(const json_t *report, hd_buf *b)
{
	const json_t *cols = json_object_get(report, "columns");
	const json_t *rows = json_object_get(report, "rows");
	size_t i, j;
	const json_t *row, *col;
	int rc = hd_buf_puts(b, "\xEF\xBB\xBF");
	json_array_foreach(cols, j, col)
	{
		if (!rc && j)
			rc = hd_buf_puts(b, ",");
		if (!rc)
			rc = csv_cell(b, col);
	}
	if (!rc)
		rc = hd_buf_puts(b, "\r\n");
	json_array_foreach(rows, i, row)
	{
		json_array_foreach(cols, j, col)
		{
			if (!rc && j)
				rc = hd_buf_puts(b, ",");
			if (!rc)
				rc = csv_cell(b, json_object_get(
							 row, json_string_value(
								      col)));
		}
		if (!rc)
			rc = hd_buf_puts(b, "\r\n");
	}
	return rc;
}

/* text (len bytes, taken) as out's raw body of type, file name.ext. */
static int send_raw(char *text, size_t len, const char *name, int csv,
		    gw_resp *out)
{
	if (!text)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	out->raw = text;
	out->raw_len = len;
	snprintf(out->raw_type, sizeof out->raw_type, "%s; charset=utf-8",
		 csv ? "text/csv" : "application/json");
	snprintf(out->raw_name, sizeof out->raw_name, "%s.%s", name,
		 csv ? "csv" : "json");
	out->status = 200;
	return HD_OK;
}

int gw_report_send_text(char *text, size_t len, const char *name, gw_resp *out)
{
	return send_raw(text, len, name, 0, out);
}

int gw_report_send_json(json_t *root, const char *name, gw_resp *out)
{
	char *text = root ? json_dumps(root, JSON_COMPACT | REAL_FORMAT) : NULL;
	return send_raw(text, text ? strlen(text) : 0, name, 0, out);
}

int gw_report_send(const Hd__ReportReply *r, int csv, gw_resp *out)
{
	const gw_report_kind *k = gw_report_kinds;
	while (k->name && strcmp(k->name, r->name))
		k++;
	if (!k->name)
		return gw_from_err(out, HD_E_DECODE, "metrics' report");
	json_t *report = head(r, k->columns);
	int rc = report ? k->fn(r, report) : HD_E_NOMEM;
	if (!rc && !csv) {
		json_t *root = json_pack("{s:O}", "report", report);
		rc = gw_report_send_json(root, r->name, out);
		json_decref(root);
	} else if (!rc) {
		hd_buf b;
		hd_buf_init(&b, MAX_REPORT_BYTES);
		rc = to_csv(report, &b);
		if (rc) {
			rc = gw_from_err(out, rc, "the report is too large");
		} else {
			size_t len;
			char *text = hd_buf_detach(&b, &len);
			rc = send_raw(text, len, r->name, 1, out);
		}
		hd_buf_release(&b);
	} else {
		rc = gw_from_err(out, rc, "out of memory");
	}
	json_decref(report);
	return rc;
}
