/* intake: wiring only — the service as one table (hd/svc.h). */
#include "intake.h"
#include "live.h"
#include "tickets.h"
#include "trig_copy.h"
#include "users.h"

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

static const char *const sources[] = {"intake@0", "routing", NULL};

static intake the_intake;

#define BIND(name) {#name, intake_##name##_open, NULL}
#define START(name) {#name ".start", intake_##name##_run, intake_##name##_close}
/* Every module binds its sub-databases before the first admin is made and
 * before anything starts. Additions go on lines of their own. */
/* clang-format off */
static const hd_svc_module modules[] = {
	{"intake", intake_core_open, NULL},
	BIND(tickets),
	BIND(users),
	BIND(fields),
	BIND(search),
	BIND(live),
	BIND(mail),
	BIND(email),
	BIND(session),
	BIND(pwreset),
	BIND(signin),
	BIND(addresses),
	BIND(csat),
	BIND(import),
	BIND(trig),
	{"trig.ready", intake_trig_ready_open, NULL},
	{"admin", intake_admin_open, NULL},
	START(tickets),
	START(search),
	START(mail),
	{"groups.snapshot", intake_groups_snapshot_open, NULL},
	{NULL, NULL, NULL}};
/* clang-format on */

/* Shards other than 0 take field and form definitions from shard 0's
 * events (fields_events.c; shard 0 skips itself); every shard takes the
 * trigger definitions it evaluates from routing (trig_copy.c). */
static const hd_svc_event events[] = {{"intake", NULL, intake_defs_apply},
				      {"routing", NULL, intake_trig_apply},
				      {NULL, NULL, NULL}};

static const hd_svc_peer peers[] = {HD_SVC_PEER("intake", "INTAKE", 1),
				    HD_SVC_PEER("routing", "ROUTING", 0),
				    {NULL}};

static const hd_svc_def def = {
	.name = "intake",
	.about = "Hana Desk intake: tickets, users and tokens; publishes "
		 "ticket.*, comment.* and user.* events.",
	.index = 1,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.peers = peers,
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_intake,
	.modules = modules,
	.routes = routes,
	.events = events,
};

int main(int argc, char **argv)
{
	return hd_svc_main(&def, argc, argv);
}
