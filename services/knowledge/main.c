/* knowledge: wiring only. */
#include "knowledge.h"

#include "hd/prom.h"

static const char *const *const dbs[] = {hc_dbs, kbs_dbs, NULL};
static const char *const sources[] = {"intake", NULL};
static kb the_kb;
static const hd_rpc_route *const routes[] = {hc_categories_routes,
					     hc_articles_routes,
					     hc_translations_routes,
					     hc_list_routes,
					     hc_search_routes,
					     hc_deflection_routes,
					     NULL};

static int setup(hd_svc *svc, void *ctx)
{
	kb *k = ctx;
	k->store = svc->store;
	int rc = kb_store_bind(k);
	return rc ? rc : hd_prom_add_collector(kb_collect, k);
}

static const hd_svc_def def = {
	.name = "knowledge",
	.about = "Hana Desk knowledge: help center, knowledge cards, macros, "
		 "Korean-aware search and article suggestions.",
	.index = 3,
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_kb,
	.setup = setup,
	.routes = routes,
	.apply = kb_apply,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
