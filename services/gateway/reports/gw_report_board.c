/* The reports that are not tables: the live wallboard ({"live":{…}}, its
 * rates printed with one decimal as text, so screens show no binary-float
 * noise) and the team builder's suggestion ({"suggestion":{…}}), and the
 * proficiency model both it and the proficiency report carry. */
#include "gw_report.h"

#include "hd/buf.h"
#include "hd/err.h"
#include "hd/time_iso.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int gw_report_model(const Hd__ProficiencyModel *m, json_t *o)
{
	json_t *list = json_array(), *weights = json_object();
	for (size_t k = 0; m && list && weights && k < m->n_kpis; k++) {
		const Hd__Kpi *x = m->kpis[k];
		json_object_set_new(weights, x->name,
				    json_integer((json_int_t)x->weight));
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:I, s:s}", "name", x->name,
					"better",
					x->lower_better ? "lower" : "higher",
					"weight", (json_int_t)x->weight, "unit",
					x->unit));
	}
	json_t *why =
		json_pack("{s:o, s:o, s:s, s:s}", "kpis", list, "weights",
			  weights, "normalisation", m ? m->normalisation : "",
			  "formula", m ? m->formula : "");
	int rc = why && !json_object_update(o, why) ? HD_OK : HD_E_NOMEM;
	json_decref(why);
	return rc;
}

static double round1(double v)
{
	return round(v * 10.0) / 10.0;
}

json_t *gw_report_teams(const Hd__ReportReply *r)
{
	const Hd__TeamsSuggestion *s = r->teams;
	if (!s)
		return NULL;
	json_t *teams = json_array();
	for (size_t x = 0; teams && x < s->n_teams; x++) {
		const Hd__Team *t = s->teams[x];
		json_t *agents = json_array();
		for (size_t i = 0; agents && i < t->n_agents; i++)
			json_array_append_new(
				agents,
				json_pack("{s:I, s:f}", "agent_id",
					  (json_int_t)t->agents[i]->agent_id,
					  "score", t->agents[i]->score));
		json_array_append_new(teams,
				      json_pack("{s:I, s:f, s:I, s:o}", "team",
						(json_int_t)x + 1, "mean_score",
						round1(t->mean_score), "size",
						(json_int_t)t->n_agents,
						"agents", agents));
	}
	json_t *o = json_pack("{s:o, s:f, s:f}", "teams", teams, "overall_mean",
			      round1(s->overall_mean), "max_deviation_percent",
			      round1(s->max_deviation_percent));
	if (!o || gw_report_model(r->model, o)) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "start_time", gw_report_time(r->start_ms));
	json_object_set_new(o, "end_time", gw_report_time(r->end_ms));
	json_object_set_new(o, "method", json_string(s->method));
	return json_pack("{s:o}", "suggestion", o);
}

static void pct(hd_buf *b, uint64_t num, uint64_t den)
{
	/* No calls or no SLA measurements today: there is no rate, and a
	 * wallboard showing "0%" would report a failure that did not happen. */
	if (!den) {
		hd_buf_puts(b, "null");
		return;
	}
	uint64_t tenths = (num * 1000 + den / 2) / den;
	hd_buf_printf(b, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
}

static void states(const Hd__LiveBoard *l, hd_buf *b)
{
	hd_buf_puts(b, ",\"agents_by_state\":{");
	for (size_t i = 0; i < l->n_agents_by_state; i++) {
		json_t *name = json_string(l->agents_by_state[i]->state);
		char *q = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
		if (q)
			hd_buf_printf(b, "%s%s:%" PRIu64, i ? "," : "", q,
				      l->agents_by_state[i]->agents);
		free(q);
		json_decref(name);
	}
	hd_buf_puts(b, "}");
}

char *gw_report_live(const Hd__ReportReply *r, size_t *len)
{
	const Hd__LiveBoard *l = r->live;
	char iso[HD_TIME_ISO_LEN];
	hd_buf b;
	if (!l)
		return NULL;
	hd_buf_init(&b, (size_t)1 << 20);
	hd_time_iso(l->time_ms, iso);
	hd_buf_printf(&b, "{\"live\":{\"time\":\"%s\",\"queues\":[", iso);
	for (size_t i = 0; i < l->n_queues; i++) {
		const Hd__LiveQueue *g = l->queues[i];
		if (g->group_id)
			hd_buf_printf(&b, "%s{\"group_id\":%" PRIu64,
				      i ? "," : "", g->group_id);
		else
			hd_buf_printf(&b, "%s{\"group_id\":null", i ? "," : "");
		hd_buf_printf(&b,
			      ",\"queued\":%" PRIu64 ",\"open\":%" PRIu64
			      ",\"longest_wait_seconds\":%" PRId64 "}",
			      g->queued, g->open, g->longest_wait_seconds);
	}
	hd_buf_printf(&b,
		      "],\"longest_wait_seconds\":%" PRId64
		      ",\"calls_today\":{\"inbound\":%" PRIu64
		      ",\"answered\":%" PRIu64 ",\"answer_rate\":",
		      l->longest_wait_seconds, l->calls_inbound,
		      l->calls_answered);
	pct(&b, l->calls_answered, l->calls_inbound);
	hd_buf_printf(&b,
		      "},\"sla_today\":{\"achieved\":%" PRIu64
		      ",\"breached\":%" PRIu64 ",\"achievement_rate\":",
		      l->sla_achieved, l->sla_breached);
	pct(&b, l->sla_achieved, l->sla_achieved + l->sla_breached);
	hd_buf_puts(&b, "}");
	states(l, &b);
	/* The last append tells: a buffer past its bound stays as it was. */
	int rc = hd_buf_puts(&b, "}}");
	char *text = rc ? NULL : hd_buf_detach(&b, len);
	hd_buf_release(&b);
	return text;
}
