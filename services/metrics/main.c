/* metrics: wiring only — the service as one table (hd/svc.h). */
#include "mc.h"
#include "metrics.h"
#include "mr.h"

static const char *const own_dbs[] = {"counters", "tickets", NULL};
static const char *const *const dbs[] = {own_dbs, mc_db_names, mr_db_names,
					 NULL};
static const char *const sources[] = {"intake", "routing", "knowledge", NULL};
static metrics the_metrics;

static const hd_cfg_opt opts[] = {
	{"HD_ACCOUNT_TIME_ZONE", "--account-time-zone", "Asia/Seoul",
	 "the account's zone (IANA name): reports' days start at its local "
	 "midnight, the heatmap shows its local hours"},
};

static const hd_svc_peer peers[] = {HD_SVC_PEER("metrics", "METRICS", 0),
				    HD_SVC_PEER("intake", "INTAKE", 1),
				    HD_SVC_PEER("routing", "ROUTING", 0),
				    HD_SVC_PEER("knowledge", "KNOWLEDGE", 0),
				    {NULL}};

static const hd_svc_module modules[] = {
	{"metrics", metrics_open, NULL},
	{"ticket_metrics", metrics_mc_open, NULL}, /* mc_*.c */
	{"reports", metrics_mr_open, NULL},        /* mr_*.c */
	{"prom", metrics_prom_open, NULL},
	{NULL, NULL, NULL}};

static const hd_rpc_route *const routes[] = {metrics_routes, mc_routes,
					     mr_routes, NULL};

/* Every event: ticket metrics, report rollups and the counters, in that
 * order in one transaction (handlers.c). */
static const hd_svc_event events[] = {{NULL, NULL, metrics_apply},
				      {NULL, NULL, NULL}};

static const hd_svc_def def = {
	.name = "metrics",
	.about = "Hana Desk metrics: ticket metrics, SLA achievement, CSAT, "
		 "agent stats; consumes every event.",
	.index = 5,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.peers = peers,
	.dbs = dbs,
	.consumes = sources,
	.ctx = &the_metrics,
	.modules = modules,
	.routes = routes,
	.events = events,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
