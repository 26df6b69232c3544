/* routing: wiring only. */
#include "assign.h"
#include "commands.h"
#include "hooks.h"
#include "routing.h"
#include "rt_rules.h"
#include "sla.h"
#include "views_index.h"

#include "hd/prom.h"

static const char *const own_dbs[] = {"tickets", "unassigned", "views",
				      "meta",    "commands",   NULL};
static const char *const *const dbs[] = {own_dbs,          rt_db_names,
					 routing_sla_dbs,  routing_assign_dbs,
					 routing_vidx_dbs, NULL};
static const char *const sources[] = {"intake", NULL};
static const hd_rpc_route *const routes[] = {routing_view_routes,
					     rt_rule_routes,
					     routing_bh_routes,
					     routing_sla_routes,
					     routing_assign_routes,
					     routing_presence_routes,
					     NULL};
static routing the_routing;

static const hd_cfg_opt opts[] = {
	{"HD_ROUTING_TICK_MS", "--routing-tick-ms", "1000",
	 "how often due work (SLA timers, automations) is looked for"},
	{"HD_ROUTING_VIEW_BUILD_BATCH", "--routing-view-build-batch", "5000",
	 "tickets a tick adds to a view index being built (or stale entries "
	 "it clears)"},
	{"HD_SLA_WARNING_FRACTION", "--sla-warning-fraction", "0.75",
	 "share of an SLA target after which sla.warning is emitted"},
};

static int setup(hd_svc *svc, void *ctx)
{
	routing *r = ctx;
	r->store = svc->store;
	int rc = routing_store_bind(r);
	if (!rc)
		rc = rt_bind(r);
	if (!rc)
		rc = rt_defaults(r);
	if (!rc)
		rc = hd_prom_add_collector(routing_collect, r);
	if (!rc)
		rc = hd_prom_add_collector(routing_cmds_collect, r);
	if (!rc)
		rc = hd_prom_add_collector(routing_vidx_collect, r);
	uint64_t batch = 0;
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_ROUTING_VIEW_BUILD_BATCH", 1,
				1000000, &batch);
	if (!rc)
		routing_vidx_set_batch((unsigned)batch);
	if (!rc)
		rc = routing_sla_setup(r, svc);
	uint64_t tick_ms = 0;
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_ROUTING_TICK_MS", 10, 3600000,
				&tick_ms);
	if (!rc)
		rc = routing_assign_init(r);
	if (!rc)
		rc = routing_cmds_start(r, svc);
	return rc ? rc : routing_ticker_start(r, (unsigned)tick_ms);
}

static void teardown(hd_svc *svc, void *ctx)
{
	(void)svc;
	routing_ticker_stop();
	routing_cmds_stop(ctx);
}

static const hd_svc_def def = {
	.name = "routing",
	.about = "Hana Desk routing: triggers, assignment, SLAs, business "
		 "hours, automations, views; consumes ticket events.",
	.index = 2,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_routing,
	.setup = setup,
	.teardown = teardown,
	.routes = routes,
	.apply = routing_apply,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
