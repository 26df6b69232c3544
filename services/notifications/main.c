/* notifications: wiring only. */
#include "notifications.h"

#include "hd/prom.h"

static const char *const own_dbs[] = {"requesters", "counters", NULL};
static const char *const *const dbs[] = {own_dbs, NULL};
static const char *const sources[] = {"intake", NULL};
static notify the_notify;

static int setup(hd_svc *svc, void *ctx)
{
	notify *n = ctx;
	n->store = svc->store;
	int rc = notify_store_bind(n);
	return rc ? rc : hd_prom_add_collector(notify_collect, n);
}

static const hd_svc_def def = {
	.name = "notifications",
	.about =
		"Hana Desk notifications: e-mail, webhooks, side conversations "
		"and the durable delivery outbox.",
	.index = 4,
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_notify,
	.setup = setup,
	.apply = notify_apply,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
