/* knowledge: wiring only. */
#include "knowledge.h"

#include "cards.h"
#include "macros.h"

#include "hd/prom.h"

static const char *const *const dbs[] = {
	hc_dbs, kbs_dbs, kb_cards_dbs, kb_macros_dbs, kb_members_dbs, NULL};
static const char *const sources[] = {"intake", NULL};
static kb the_kb;
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

static int setup(hd_svc *svc, void *ctx)
{
	kb *k = ctx;
	k->store = svc->store;
	int rc = kb_store_bind(k);
	rc = rc ? rc : kb_cards_setup(k, svc);
	rc = rc ? rc : kb_macros_setup(k, svc);
	return rc ? rc : hd_prom_add_collector(kb_collect, k);
}

static void teardown(hd_svc *svc, void *ctx)
{
	kb_cards_teardown(ctx);
}

static const hd_svc_def def = {
	.name = "knowledge",
	.about = "Hana Desk knowledge: help center, knowledge cards, macros, "
		 "Korean-aware search and article suggestions.",
	.index = 3,
	.opts = kb_cards_opts,
	.nopts = KB_CARDS_NOPTS,
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_kb,
	.setup = setup,
	.teardown = teardown,
	.routes = routes,
	.apply = kb_apply,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
