/* knowledge: wiring only — the service as one table (hd/svc.h). */
#include "knowledge.h"

#include "cards.h"
#include "macros.h"

static const char *const *const dbs[] = {
	hc_dbs, kbs_dbs, kb_cards_dbs, kb_macros_dbs, kb_members_dbs, NULL};
static const char *const sources[] = {"intake", NULL};
static kb the_kb;

static const hd_svc_peer peers[] = {HD_SVC_PEER("knowledge", "KNOWLEDGE", 0),
				    HD_SVC_PEER("intake", "INTAKE", 1),
				    {NULL}};

static const hd_svc_module modules[] = {
	{"knowledge", kb_open, NULL}, /* help center, staff list */
	{"cards", kb_cards_open, NULL},
	{"macros", kb_macros_open, NULL},
	{"prom", kb_prom_open, NULL},
	{NULL, NULL, NULL}};

/* clang-format off */
static const hd_rpc_route *const routes[] = {
	hc_categories_routes,
	hc_articles_routes,
	hc_translations_routes,
	hc_list_routes,
	hc_search_routes,
	hc_deflection_routes,
	kb_card_routes,
	kb_macro_routes,
	NULL};
/* clang-format on */

static const hd_svc_event events[] = {
	{"intake", NULL, kb_on_member_event},
	{"intake", "ticket.created", kb_on_ticket_created},
	{NULL, NULL, NULL}};

static const hd_svc_tick ticks[] = {
	{"knowledge.card_sweep", "HD_CARD_SWEEP_MS", 1, kb_cards_sweep_tick},
	{NULL, NULL, 0, NULL}};

static const hd_svc_def def = {
	.name = "knowledge",
	.about = "Hana Desk knowledge: help center, knowledge cards, macros, "
		 "Korean-aware search and article suggestions.",
	.index = 3,
	.opts = kb_cards_opts,
	.nopts = KB_CARDS_NOPTS,
	.peers = peers,
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_kb,
	.modules = modules,
	.routes = routes,
	.events = events,
	.ticks = ticks,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
