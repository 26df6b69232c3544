/* notifications: wiring only — the service as one table (hd/svc.h). */
#include "notifications.h"
#include "templates.h"

#include <curl/curl.h>
#include <gmime/gmime.h>

static const char *const *const dbs[] = {notify_dbs, NULL};
/* routing and knowledge may publish nothing yet: the consumer just keeps
 * asking them (a source with no events is never an error). */
static const char *const sources[] = {"intake", "routing", "knowledge", NULL};
static const hd_rpc_route *const routes[] = {
	notify_webhook_routes, notify_delivery_routes, notify_sc_routes,
	notify_tmpl_routes,    notify_settings_routes, NULL};
static notify the_notify;

static const hd_cfg_opt opts[] = {
	{"HD_SMTP_URL", "--smtp-url", "",
	 "SMTP server for outgoing mail (smtp://host:port or smtps://…); "
	 "empty: outgoing e-mail is off"},
	{"HD_SMTP_STARTTLS", "--smtp-starttls", "0",
	 "1: require STARTTLS on smtp://"},
	{"HD_SMTP_USER", "--smtp-user", "", "SMTP AUTH user (empty: none)"},
	{"HD_SMTP_PASSWORD", "--smtp-password", "", "SMTP AUTH password"},
	{"HD_MAIL_FROM", "--mail-from", "support@hana.local",
	 "envelope and From: address of outgoing mail"},
	{"HD_MAIL_DOMAIN", "--mail-domain", "hana.local",
	 "domain of the Message-IDs we generate"},
	{"HD_PUBLIC_URL", "--public-url", "http://localhost:8080",
	 "the gateway's public base URL, for links in mail (e-mail "
	 "confirmation)"},
	{"HD_WEBHOOK_BACKOFF_MS", "--webhook-backoff-ms", "10000",
	 "first retry delay; doubles per attempt, with jitter"},
	{"HD_WEBHOOK_BACKOFF_MAX_MS", "--webhook-backoff-max-ms", "3600000",
	 "longest single retry delay"},
	{"HD_WEBHOOK_RETRY_HORIZON_S", "--webhook-retry-horizon-s", "86400",
	 "stop retrying a delivery this long after it was queued"},
	{"HD_WEBHOOK_TIMEOUT_MS", "--webhook-timeout-ms", "10000",
	 "total time allowed for one delivery attempt"},
	{"HD_WEBHOOK_CONNECT_TIMEOUT_MS", "--webhook-connect-timeout-ms",
	 "5000", "connect timeout of one delivery attempt"},
	{"HD_WEBHOOK_BREAKER_FAILURES", "--webhook-breaker-failures", "5",
	 "consecutive failures that open a receiver's circuit"},
	{"HD_WEBHOOK_BREAKER_COOLDOWN_MS", "--webhook-breaker-cooldown-ms",
	 "30000", "how long an open circuit waits before trying again"},
	{"HD_SUGGEST_WAIT_MS", "--suggest-wait-ms", "2000",
	 "hold the request-received mail this long for article suggestions"},
	{"HD_DELIVERY_PARALLEL", "--delivery-parallel", "64",
	 "deliveries in flight at once (1-256)"},
	{"HD_OUTBOUND_ALLOW", "--outbound-allow", "",
	 "CIDRs webhooks and chat may reach although internal (loopback, "
	 "private, link-local, unique-local, CGNAT); e.g. 10.0.5.0/24"},
};

static const hd_svc_peer peers[] = {
	HD_SVC_PEER("notifications", "NOTIFICATIONS", 0),
	HD_SVC_PEER("intake", "INTAKE", 1),
	HD_SVC_PEER("routing", "ROUTING", 0),
	HD_SVC_PEER("knowledge", "KNOWLEDGE", 0),
	{NULL}};

/* The outbox is rebuilt and the templates seeded before the sender
 * starts; the sender stops first. */
static const hd_svc_module modules[] = {
	{"notifications", notify_open, NULL}, /* libraries, config.c */
	{"outbox", notify_outbox_open, NULL},
	{"templates", notify_tmpl_open, NULL},
	{"prom", notify_prom_open, NULL},
	{"sender", notify_sender_open, notify_sender_close},
	{NULL, NULL, NULL}};

/* Webhooks, mail and the copies, then a kick of the sender (handlers.c). */
static const hd_svc_event events[] = {{NULL, NULL, notify_apply},
				      {NULL, NULL, NULL}};

static const hd_svc_def def = {
	.name = "notifications",
	.about =
		"Hana Desk notifications: e-mail, webhooks, side conversations "
		"and the durable delivery outbox.",
	.index = 4,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.peers = peers,
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_notify,
	.modules = modules,
	.routes = routes,
	.events = events,
};

int main(int argc, char **argv)
{
	int rc = hd_svc_main(&def, argc, argv);
	/* Process-wide, after the consumer's last apply (notify_open). */
	g_mime_shutdown();
	curl_global_cleanup();
	return rc;
}
