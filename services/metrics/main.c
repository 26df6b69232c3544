/* metrics: wiring only. */
#include "mc.h"
#include "metrics.h"
#include "mr.h"

#include "hd/prom.h"

static const char *const own_dbs[] = {"counters", "tickets", NULL};
static const char *const *const dbs[] = {own_dbs, mc_db_names, mr_db_names,
					 NULL};
static const char *const sources[] = {"intake", "routing", "knowledge", NULL};
static metrics the_metrics;
static const hd_rpc_route *const routes[] = {metrics_routes, mc_routes,
					     mr_routes, NULL};

static int setup(hd_svc *svc, void *ctx)
{
	metrics *m = ctx;
	m->store = svc->store;
	int rc = metrics_store_bind(m);
	if (!rc)
		rc = mc_bind(m->store);
	if (!rc)
		rc = mr_init(m);
	return rc ? rc : hd_prom_add_collector(metrics_collect, m);
}

static const hd_svc_def def = {
	.name = "metrics",
	.about = "Hana Desk metrics: ticket metrics, SLA achievement, CSAT, "
		 "agent stats; consumes every event.",
	.index = 5,
	.dbs = dbs,
	.consumes = sources,
	.ctx = &the_metrics,
	.setup = setup,
	.routes = routes,
	.apply = metrics_apply,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
