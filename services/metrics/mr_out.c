/* Every report is one table: {"report":{name, start_time, end_time,
 * time_zone, filters, columns, rows}} with rows keyed by the columns, so
 * JSON and CSV come from the same rows. CSV is RFC 4180 (CRLF, fields with
 * , " CR LF quoted, quotes doubled) in UTF-8 with a byte-order mark, which
 * Excel needs to read Korean as UTF-8; a text cell starting with = + - @
 * gets a leading ' so a spreadsheet never runs it as a formula. */
#include "mr.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/time_iso.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REPORT_BYTES ((size_t)64 << 20)
#define REAL_FORMAT      JSON_REAL_PRECISION(10)

static json_t *iso(int64_t ms)
{
	char s[HD_TIME_ISO_LEN];
	hd_time_iso(ms, s);
	return json_string(s);
}

json_t *mr_report_new(const char *name, const mr_filter *f,
		      const char *const *columns)
{
	json_t *cols = json_array(), *filters = json_object();
	for (size_t i = 0; columns[i]; i++)
		json_array_append_new(cols, json_string(columns[i]));
	if (f->group)
		json_object_set_new(filters, "group_id",
				    json_integer((json_int_t)f->group));
	if (f->agent)
		json_object_set_new(filters, "agent_id",
				    json_integer((json_int_t)f->agent));
	if (f->channel)
		json_object_set_new(filters, "channel",
				    json_string(mr_channel_name(f->channel)));
	if (f->tag_text)
		json_object_set_new(filters, "tag", json_string(f->tag_text));
	return json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:[]}", "name", name,
			 "start_time", iso(f->start), "end_time", iso(f->end),
			 "time_zone", mr_zone_name(), "filters", filters,
			 "columns", cols, "rows");
}

void mr_report_row(json_t *report, json_t *row)
{
	json_array_append_new(json_object_get(report, "rows"), row);
}

double mr_pct(uint64_t num, uint64_t den)
{
	return den ? (double)((num * 1000 + den / 2) / den) / 10.0 : 0.0;
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

int mr_report_answer(json_t *report, int csv, hd_rpc_rep *rep)
{
	Hd__ReportReply r = HD__REPORT_REPLY__INIT;
	hd_buf b;
	json_t *root = json_pack("{s:O}", "report", report);
	char *text = root ? json_dumps(root, JSON_COMPACT | REAL_FORMAT) : NULL;
	int rc = text ? HD_OK : HD_E_NOMEM;
	hd_buf_init(&b, MAX_REPORT_BYTES);
	if (!rc && csv)
		rc = to_csv(report, &b);
	if (!rc) {
		r.json = text;
		r.csv = b.data ? b.data : "";
		rc = hd_pb_pack(&rep->payload, &r);
	}
	hd_buf_release(&b);
	free(text);
	json_decref(root);
	return rc;
}
