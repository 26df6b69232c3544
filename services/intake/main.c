/* intake: wiring only — config, modules, bootstrap. */
#include "intake.h"
#include "pw_pool.h"
#include "live.h"
#include "tickets.h"
#include "trig_copy.h"
#include "users.h"

#include "common.pb-c.h"
#include "hd/err.h"

#include <string.h>

static const char *const meta_dbs[] = {"meta", NULL};
/* Additions go on lines of their own, so they merge cleanly. */
/* clang-format off */
static const char *const *const dbs[] = {meta_dbs,
					 intake_tickets_dbs,
					 intake_users_dbs,
					 intake_fields_dbs,
					 intake_search_dbs,
					 intake_live_dbs,
					 intake_mail_dbs,
					 intake_tk_by_created_dbs,
					 intake_email_dbs,
					 intake_session_dbs,
					 intake_pwreset_dbs,
					 intake_signin_dbs,
					 intake_addresses_dbs,
					 intake_csat_dbs,
					 intake_import_dbs,
					 intake_trig_dbs,
					 NULL};
static const hd_rpc_route *const routes[] = {
	intake_tickets_routes,
	intake_users_routes,
	intake_fields_routes,
	intake_search_routes,
	intake_live_routes,
	intake_mail_routes,
	intake_rating_routes,
	intake_email_routes,
	intake_session_routes,
	intake_session_admin_routes, /* sessions_admin.c */
	intake_pwreset_routes,
	intake_signin_routes,
	intake_addresses_routes,
	intake_csat_routes,
	intake_import_routes,
	NULL};

typedef struct module {
	int (*bind)(intake *in);
	int (*start)(intake *in);
	void (*stop)(intake *in);
} module;

#define MODULE(name)                                                           \
	{                                                                      \
		intake_##name##_bind, intake_##name##_start,                   \
			intake_##name##_stop                                   \
	}
static const module modules[] = {MODULE(tickets), MODULE(users), MODULE(fields),
				 MODULE(search),
				 MODULE(live),
				 MODULE(mail),
				 MODULE(email),
				 MODULE(session),
				 MODULE(pwreset),
				 MODULE(signin),
				 MODULE(addresses),
				 MODULE(csat),
				 MODULE(import),
				 };
/* clang-format on */
#define NMODULES (sizeof modules / sizeof modules[0])

static const hd_cfg_opt opts[] = {
	{"HD_ADMIN_EMAIL", "--admin-email", "admin@hana.local",
	 "e-mail of the admin created on first start"},
	{"HD_ADMIN_TOKEN", "--admin-token", "",
	 "API token of that admin (empty: generate, print once, save 0600)"},
	{"HD_CHAT_FOLLOWUP_MINUTES", "--chat-followup-minutes", "30",
	 "a visitor's next chat within this many minutes joins the open "
	 "chat ticket"},
	{"HD_MAIL_FROM", "--mail-from", "support@hana.local",
	 "our own address: inbound mail from it is ignored (no loops)"},
	{"HD_PW_WORKERS", "--pw-workers", "2",
	 "password hashes (argon2id, 19 MiB each) computed at once"},
	{"HD_PW_QUEUE", "--pw-queue", "4",
	 "password checks that may wait for a worker (more: 503 at once)"},
	{"HD_EMAIL_VERIFY_MINUTES", "--email-verify-minutes", "1440",
	 "an end-user's link confirming a new e-mail address works this "
	 "long, once"},
	{"HD_SESSION_IDLE_MINUTES", "--session-idle-minutes", "480",
	 "a browser session (hd_session cookie) ends after this long unused"},
	{"HD_PASSWORD_RESET_MINUTES", "--password-reset-minutes", "60",
	 "a password reset link works this long, once"},
	{"HD_SIGNIN_LINK_MINUTES", "--signin-link-minutes", "15",
	 "a customer's e-mailed sign-in link (help center) works this long, "
	 "once"},
	{"HD_SEARCH_VERIFY", "--search-verify", "0",
	 "1: answer each search from the postings and also by reading every "
	 "doc, and count disagreements (tests; slow)"},
};

/* Shards other than 0 take field and form definitions from shard 0's
 * events (fields_events.c; shard 0 skips itself); every shard takes the
 * trigger definitions it evaluates from routing (trig_copy.c). */
static const char *const sources[] = {"intake@0", "routing", NULL};

static intake the_intake;

/* One apply for both sources: each event goes to the copy it feeds. */
static int apply_event(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	if (strcmp(ev->source, "routing") == 0)
		return intake_trig_apply(ctx, t, ev);
	return intake_defs_apply(ctx, t, ev);
}

static int setup(hd_svc *svc, void *ctx)
{
	intake *in = ctx;
	in->svc = svc;
	in->store = svc->store;
	in->shard = svc->shard;
	in->shards = svc->shards;
	int rc = intake_pw_pool_init(&svc->cfg);
	if (!rc)
		rc = hd_store_dbi(in->store, "meta", &in->meta);
	for (size_t i = 0; i < NMODULES && rc == HD_OK; i++)
		rc = modules[i].bind(in);
	if (rc == HD_OK)
		rc = intake_trig_bind(in);
	svc->ready_check = intake_trig_ready;
	svc->ready_arg = in;
	if (rc == HD_OK && in->shard == INTAKE_DIRECTORY_SHARD)
		rc = intake_bootstrap_admin(
			in, hd_cfg_get(&svc->cfg, "HD_ADMIN_EMAIL"),
			hd_cfg_get(&svc->cfg, "HD_ADMIN_TOKEN"),
			hd_cfg_get(&svc->cfg, "HD_DATA"));
	for (size_t i = 0; i < NMODULES && rc == HD_OK; i++)
		rc = modules[i].start(in);
	if (rc == HD_OK) /* groups_snapshot.c */
		rc = intake_groups_snapshot(in);
	return rc;
}

static void teardown(hd_svc *svc, void *ctx)
{
	(void)svc;
	for (size_t i = NMODULES; i-- > 0;)
		modules[i].stop(ctx);
}

static const hd_svc_def def = {
	.name = "intake",
	.about = "Hana Desk intake: tickets, users and tokens; publishes "
		 "ticket.*, comment.* and user.* events.",
	.index = 1,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.apply = apply_event,
	.ctx = &the_intake,
	.setup = setup,
	.teardown = teardown,
	.routes = routes,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
