/* intake: wiring only — config, store, bootstrap, routes. */
#include "intake.h"

#include "hd/err.h"

#include <sodium.h>

static const char *const dbs[] = {"tickets", "users", "users_by_email",
				  "tokens",  "meta",  NULL};

static const hd_cfg_opt opts[] = {
	{"HD_ADMIN_EMAIL", "--admin-email", "admin@hana.local",
	 "e-mail of the admin created on first start"},
	{"HD_ADMIN_TOKEN", "--admin-token", "",
	 "API token of that admin (empty: generate, print once, save 0600)"},
};

static intake the_intake;

static int setup(hd_svc *svc, void *ctx)
{
	intake *in = ctx;
	in->svc = svc;
	in->store = svc->store;
	in->shard = svc->shard;
	int rc = sodium_init() < 0 ? HD_E_INTERNAL : intake_store_bind(in);
	if (rc == HD_OK && in->shard == INTAKE_DIRECTORY_SHARD)
		rc = intake_bootstrap_admin(
			in, hd_cfg_get(&svc->cfg, "HD_ADMIN_EMAIL"),
			hd_cfg_get(&svc->cfg, "HD_ADMIN_TOKEN"),
			hd_cfg_get(&svc->cfg, "HD_DATA"));
	return rc;
}

static const hd_svc_def def = {
	.name = "intake",
	.about = "Hana Desk intake: tickets, users and tokens; publishes "
		 "ticket.* and user.* events.",
	.index = 1,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.dbs = dbs,
	.publishes = 1,
	.ctx = &the_intake,
	.setup = setup,
	.routes = intake_routes,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
