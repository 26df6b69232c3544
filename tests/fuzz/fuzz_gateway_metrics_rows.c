/* metrics' typed rows as the gateway renders them (gw_report.h,
 * gw_mc_render.c): arbitrary bytes decoded as a ReportReply and rendered
 * as every report's JSON and CSV, the wallboard and the team builder, and
 * as an McAnswer rendered as ticket metrics, metric events, ratings and
 * the CSAT summary. A peer's reply that decodes renders or fails with an
 * HTTP error; it never crashes. */
#include "fuzz.h"
#include "gw_mc.h"
#include "gw_report.h"

#include <stdlib.h>

/* Defined by the gateway's main.c, which a fuzz target does not link. */
const char *const gw_peer_names[GW_PEERS] = {0};

static void report(Hd__ReportReply *r)
{
	char *name = r->name;
	for (const gw_report_kind *k = gw_report_kinds; k->name; k++) {
		for (int csv = 0; csv < 2; csv++) {
			gw_resp out = {0};
			r->name = (char *)k->name;
			if (gw_report_send(r, csv, &out) && !out.status)
				abort();
			free(out.raw);
			json_decref(out.body);
		}
	}
	r->name = name;
	size_t len;
	free(gw_report_live(r, &len));
	json_decref(gw_report_teams(r));
}

static void answer(const Hd__McAnswer *a)
{
	gw_req req = {0};
	for (size_t i = 0; i < a->n_metrics; i++)
		json_decref(gw_mc_metric_json(&req, a->metrics[i]));
	for (size_t i = 0; i < a->n_events; i++)
		json_decref(gw_mc_event_json(a->events[i]));
	for (size_t i = 0; i < a->n_ratings; i++)
		json_decref(gw_mc_rating_json(&req, a->ratings[i]));
	json_decref(gw_mc_csat_json(a, 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Hd__ReportReply *r = hd__report_reply__unpack(NULL, size, data);
	if (r)
		report(r);
	hd__report_reply__free_unpacked(r, NULL);
	Hd__McAnswer *a = hd__mc_answer__unpack(NULL, size, data);
	if (a)
		answer(a);
	hd__mc_answer__free_unpacked(a, NULL);
	return 0;
}
