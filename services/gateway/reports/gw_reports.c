/* Reports and the live wallboard (agents and admins; end-users 403):
 *   GET /api/v2/hd/reports/live
 *   GET /api/v2/hd/reports/{name}?start_time=&end_time=&group_id=&agent_id=
 *       &channel=&tag=&interval=&format=json|csv (&weights= for proficiency)
 *   POST /api/v2/hd/teams/suggest {agent_ids | group_ids, teams, period,
 *       weights}: k teams balanced by proficiency (metrics.teams)
 * Times and proficiency carry routing's default business-hours schedule,
 * as ticket metrics do, so metrics can count business minutes.
 * Metrics computes the report and answers its typed rows
 * (proto/reports.proto); the gateway renders the JSON table or the CSV
 * download from them (gw_report.h). */
#include "gateway.h"
#include "gw_channels.h"
#include "gw_mc.h"
#include "gw_report.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/text.h"
#include "reports.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEXT_PARAM 255

static int time_param(gw_req *r, const char *name, int64_t *ms, gw_resp *out)
{
	const char *v = gw_query(r, name);
	uint64_t secs;
	char msg[96];
	*ms = 0;
	if (!v)
		return HD_OK;
	if (hd_parse_u64(v, &secs) == HD_OK && secs &&
	    secs < (uint64_t)1 << 40) {
		*ms = (int64_t)secs * 1000;
		return HD_OK;
	}
	json_t *o = json_pack("{s:s}", name, v);
	int rc = o ? gw_channel_time(o, name, name, true, ms, out) : HD_E_NOMEM;
	json_decref(o);
	if (rc) {
		snprintf(msg, sizeof msg,
			 "%s: an ISO 8601 time or epoch seconds", name);
		gw_error(out, 400, "InvalidValue", msg);
	}
	return rc;
}

static int id_param(gw_req *r, const char *name, uint64_t *id, gw_resp *out)
{
	const char *v = gw_query(r, name);
	char msg[96];
	*id = 0;
	if (!v || (hd_parse_u64(v, id) == HD_OK && *id))
		return HD_OK;
	snprintf(msg, sizeof msg, "%s: a positive integer", name);
	return gw_error(out, 400, "InvalidValue", msg);
}

/* Text parameters stay borrowed from the request (gw_query). */
static int text_param(gw_req *r, const char *name, char **s, gw_resp *out)
{
	static char empty[] = "";
	const char *v = gw_query(r, name);
	char msg[96];
	*s = empty;
	if (!v)
		return HD_OK;
	if (strlen(v) > MAX_TEXT_PARAM || !hd_utf8_valid(v, strlen(v))) {
		snprintf(msg, sizeof msg, "%s: UTF-8, at most %d bytes", name,
			 MAX_TEXT_PARAM);
		return gw_error(out, 400, "InvalidValue", msg);
	}
	*s = (char *)v;
	return HD_OK;
}

static int staff(const gw_req *r, gw_resp *out)
{
	if (hd_role_is_agent(r->who.role))
		return HD_OK;
	return gw_error(out, 403, "Forbidden",
			"Reports are for agents and admins");
}

static int answer(const Hd__ReportReply *rep, const char *name, int csv,
		  gw_resp *out)
{
	if (!strcmp(name, "live")) {
		size_t len = 0;
		char *text = gw_report_live(rep, &len);
		return gw_report_send_text(text, len, name, out);
	}
	if (!strcmp(name, "teams")) {
		json_t *root = gw_report_teams(rep);
		int rc = gw_report_send_json(root, name, out);
		json_decref(root);
		return rc;
	}
	return gw_report_send(rep, csv, out);
}

static int report_call(gw *g, gw_req *r, const char *method,
		       const Hd__ReportRequest *q, gw_resp *out)
{
	Hd__ReportReply *rep = NULL;
	int rc = gw_call(g, METRICS(g), r, method, q,
			 &hd__report_reply__descriptor, (void **)&rep, out);
	if (!rc)
		rc = answer(rep, q->name, strcmp(q->format, "csv") == 0, out);
	if (rep)
		hd__report_reply__free_unpacked(rep, NULL);
	return rc;
}

static int reports_live(gw *g, gw_req *r, gw_resp *out)
{
	Hd__ReportRequest q = HD__REPORT_REQUEST__INIT;
	int rc = staff(r, out);
	q.name = "live";
	return rc ? rc : report_call(g, r, "metrics.live", &q, out);
}

/* Reports that count business minutes: metrics has routing's schedule. */
static int with_schedule(gw *g, gw_req *r, Hd__ReportRequest *q, gw_resp *out)
{
	return report_call(g, r,
			   !strcmp(q->name, "teams") ? "metrics.teams"
						     : "metrics.report",
			   q, out);
}

static int reports_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__ReportRequest q = HD__REPORT_REQUEST__INIT;
	const char *slash = strrchr(r->path, '/');
	int rc = staff(r, out);
	q.name = (char *)(slash ? slash + 1 : "");
	if (!strcmp(q.name, "teams")) /* metrics.teams: POST teams/suggest */
		return gw_error(out, 404, "RecordNotFound", "Not found");
	if (!rc)
		rc = time_param(r, "start_time", &q.start_ms, out);
	if (!rc)
		rc = time_param(r, "end_time", &q.end_ms, out);
	if (!rc)
		rc = id_param(r, "group_id", &q.group_id, out);
	if (!rc)
		rc = id_param(r, "agent_id", &q.agent_id, out);
	if (!rc)
		rc = text_param(r, "channel", &q.channel, out);
	if (!rc)
		rc = text_param(r, "tag", &q.tag, out);
	if (!rc)
		rc = text_param(r, "interval", &q.interval, out);
	if (!rc)
		rc = text_param(r, "format", &q.format, out);
	if (!rc)
		rc = text_param(r, "weights", &q.weights, out);
	if (rc)
		return rc;
	if (!strcmp(q.name, "times") || !strcmp(q.name, "proficiency"))
		return with_schedule(g, r, &q, out);
	return report_call(g, r, "metrics.report", &q, out);
}

/* ---- POST /api/v2/hd/teams/suggest ---- */

#define MAX_TEAM_IDS 1000

static int bad(gw_resp *out, const char *field, const char *what)
{
	char msg[160];
	snprintf(msg, sizeof msg, "%s: %s", field, what);
	gw_error(out, 400, "InvalidValue", msg);
	json_object_set_new(out->body, "field", json_string(field));
	return HD_E_INVALID;
}

/* body[key]: an array of positive integer ids into *v (malloc'd). */
static int id_list(json_t *body, const char *key, uint64_t **v, size_t *n,
		   gw_resp *out)
{
	json_t *a = json_object_get(body, key), *x;
	size_t i;
	*v = NULL;
	*n = 0;
	if (!a || json_is_null(a))
		return HD_OK;
	if (!json_is_array(a) || json_array_size(a) > MAX_TEAM_IDS)
		return bad(out, key, "an array of at most 1000 ids");
	if (!json_array_size(a))
		return HD_OK;
	if (!(*v = calloc(json_array_size(a), sizeof **v)))
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	json_array_foreach(a, i, x)
	{
		if (!json_is_integer(x) || json_integer_value(x) <= 0)
			return bad(out, key, "ids are positive integers");
		(*v)[(*n)++] = (uint64_t)json_integer_value(x);
	}
	return HD_OK;
}

/* "period": {"start_time", "end_time"} (ISO 8601) or "<days>d". */
static int period(json_t *body, Hd__ReportRequest *q, gw_resp *out)
{
	json_t *p = json_object_get(body, "period");
	const char *s = json_string_value(p);
	uint64_t days;
	if (!p || json_is_null(p))
		return HD_OK;
	if (s) {
		size_t len = strlen(s);
		char num[8];
		if (len < 2 || len > 4 || s[len - 1] != 'd')
			return bad(out, "period", "\"<days>d\" or an object");
		memcpy(num, s, len - 1);
		num[len - 1] = '\0';
		if (hd_parse_u64(num, &days) || !days || days > 400)
			return bad(out, "period", "1d to 400d");
		q->end_ms = hd_now_ms();
		q->start_ms = q->end_ms - (int64_t)days * 86400000;
		return HD_OK;
	}
	if (!json_is_object(p))
		return bad(out, "period", "\"<days>d\" or an object");
	int rc = gw_channel_time(p, "start_time", "period.start_time", false,
				 &q->start_ms, out);
	if (!rc)
		rc = gw_channel_time(p, "end_time", "period.end_time", false,
				     &q->end_ms, out);
	return rc;
}

/* "weights": {"solved": 20, …} as metrics' "solved:20,…" (it checks the
 * names and values and answers 422 naming "weights"). */
static int weights(json_t *body, char *buf, size_t cap, gw_resp *out)
{
	json_t *w = json_object_get(body, "weights"), *v;
	const char *k;
	size_t len = 0;
	buf[0] = '\0';
	if (!w || json_is_null(w))
		return HD_OK;
	if (!json_is_object(w) || json_object_size(w) > 16)
		return bad(out, "weights", "an object of KPI: weight");
	json_object_foreach(w, k, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1000 || strlen(k) > 32 ||
		    strchr(k, ',') || strchr(k, ':'))
			return bad(out, "weights",
				   "weights are integers 0..1000 by KPI name");
		int n = snprintf(buf + len, cap - len, "%s%s:%lld",
				 len ? "," : "", k,
				 (long long)json_integer_value(v));
		if (n < 0 || (size_t)n >= cap - len)
			return bad(out, "weights", "too long");
		len += (size_t)n;
	}
	return HD_OK;
}

static int teams_suggest(gw *g, gw_req *r, gw_resp *out)
{
	Hd__ReportRequest q = HD__REPORT_REQUEST__INIT;
	json_t *body = NULL, *k;
	char w[512] = "";
	int rc = staff(r, out);
	if (!rc)
		rc = gw_parse_body(r, out, &body);
	q.name = "teams";
	if (!rc)
		rc = id_list(body, "agent_ids", &q.agent_ids, &q.n_agent_ids,
			     out);
	if (!rc)
		rc = id_list(body, "group_ids", &q.group_ids, &q.n_group_ids,
			     out);
	if (!rc && (k = json_object_get(body, "teams")) &&
	    (!json_is_integer(k) || json_integer_value(k) < 1 ||
	     json_integer_value(k) > MAX_TEAM_IDS))
		rc = bad(out, "teams", "a number of teams, 2 or more");
	if (!rc)
		q.teams = (uint32_t)json_integer_value(k);
	if (!rc)
		rc = period(body, &q, out);
	if (!rc)
		rc = weights(body, w, sizeof w, out);
	q.weights = w;
	if (!rc)
		rc = with_schedule(g, r, &q, out);
	free(q.agent_ids);
	free(q.group_ids);
	json_decref(body);
	return rc;
}

/* clang-format off */
const gw_route gw_report_routes[] = {
	{"GET", "/api/v2/hd/reports/live", reports_live, GW_AUTH_USER},
	{"GET", "/api/v2/hd/reports/{s}", reports_show, GW_AUTH_USER},
	{"POST", "/api/v2/hd/teams/suggest", teams_suggest, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
/* clang-format on */
