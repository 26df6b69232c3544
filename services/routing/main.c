/* routing: wiring only — the service as one table (hd/svc.h). */
#include "assign.h"
#include "commands.h"
#include "hooks.h"
#include "routing.h"
#include "rt_rules.h"
#include "sla.h"
#include "views_index.h"

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

static const hd_svc_peer peers[] = {
	HD_SVC_PEER("routing", "ROUTING", 0),
	HD_SVC_PEER("intake", "INTAKE", 1), /* events, and commands.c's RPCs */
	{NULL}};

/* In this order: the rules before their defaults are seeded, the views
 * index's batch before the tick starts building. */
static const hd_svc_module modules[] = {
	{"routing", routing_open, NULL},
	{"rules", routing_rules_open, NULL},
	{"views_index", routing_vidx_open, NULL},
	{"sla", routing_sla_open, routing_sla_close},
	{"assign", routing_assign_open, NULL},
	{"commands", routing_cmds_open, routing_cmds_close},
	{NULL, NULL, NULL}};

/* Ticket copies, the queue, views and the ticket hooks (handlers.c). */
static const hd_svc_event events[] = {{"intake", NULL, routing_apply},
				      {NULL, NULL, NULL}};

/* SLA timers, automations, view index builds: hooks.h's tick hooks. */
static const hd_svc_tick ticks[] = {
	{"routing.tick", "HD_ROUTING_TICK_MS", 10, routing_tick},
	{NULL, NULL, 0, NULL}};

static const hd_svc_def def = {
	.name = "routing",
	.about = "Hana Desk routing: triggers, assignment, SLAs, business "
		 "hours, automations, views; consumes ticket events.",
	.index = 2,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.peers = peers,
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_routing,
	.modules = modules,
	.routes = routes,
	.events = events,
	.ticks = ticks,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
