/* Reports and the live wallboard (agents and admins; end-users 403):
 *   GET /api/v2/hd/reports/live
 *   GET /api/v2/hd/reports/{name}?start_time=&end_time=&group_id=&agent_id=
 *       &channel=&tag=&interval=&format=json|csv
 * Metrics computes the report and answers its JSON (or CSV) text, which
 * goes out as it came: no parse and re-encode on this hop, and the bytes a
 * client sees are exactly the report metrics wrote. */
#include "gateway.h"
#include "gw_channels.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/text.h"
#include "reports.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METRICS_PEER                                                           \
	3 /* gw_peer_names: routing, knowledge, notifications,
			  metrics */
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
	if (!strcmp(r->who.role, "agent") || !strcmp(r->who.role, "admin"))
		return HD_OK;
	return gw_error(out, 403, "Forbidden",
			"Reports are for agents and admins");
}

static int answer(const Hd__ReportReply *rep, const char *name, int csv,
		  gw_resp *out)
{
	const char *text = csv ? rep->csv : rep->json;
	size_t len = strlen(text);
	out->raw = malloc(len ? len : 1);
	if (!out->raw)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	memcpy(out->raw, text, len);
	out->raw_len = len;
	snprintf(out->raw_type, sizeof out->raw_type, "%s; charset=utf-8",
		 csv ? "text/csv" : "application/json");
	snprintf(out->raw_name, sizeof out->raw_name, "%s.%s", name,
		 csv ? "csv" : "json");
	out->status = 200;
	return HD_OK;
}

static int report_call(gw *g, gw_req *r, const char *method,
		       const Hd__ReportRequest *q, gw_resp *out)
{
	Hd__ReportReply *rep = NULL;
	int rc = gw_call(g, g->peers[METRICS_PEER], r, method, q,
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

static int reports_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__ReportRequest q = HD__REPORT_REQUEST__INIT;
	const char *slash = strrchr(r->path, '/');
	int rc = staff(r, out);
	q.name = (char *)(slash ? slash + 1 : "");
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
	return rc ? rc : report_call(g, r, "metrics.report", &q, out);
}

/* clang-format off */
const gw_route gw_report_routes[] = {
	{"GET", "/api/v2/hd/reports/live", reports_live, GW_AUTH_USER},
	{"GET", "/api/v2/hd/reports/{s}", reports_show, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
/* clang-format on */
