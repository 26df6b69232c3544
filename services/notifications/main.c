/* notifications: wiring only. */
#include "notifications.h"
#include "templates.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"

#include <curl/curl.h>
#include <gmime/gmime.h>
#include <sodium.h>
#include <string.h>

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

/* Log where mail goes, once at start: off unless HD_SMTP_URL names a
 * server (a default of localhost:25 would hand a shared host's mail to
 * whoever listens there). Credentials in the URL are not logged. */
static int smtp_check(const notify_cfg *k)
{
	const char *u = k->smtp_url;
	if (!u[0]) {
		hd_warn("notify.smtp_off",
			"msg=\"HD_SMTP_URL is empty: outgoing e-mail is off; "
			"mail notifications are not sent (counted in "
			"hd_notify_mail_unsent_total)\"");
		return HD_OK;
	}
	if (strncmp(u, "smtp://", 7) != 0 && strncmp(u, "smtps://", 8) != 0) {
		hd_error("config.invalid",
			 "var=HD_SMTP_URL want=\"smtp://host:port or "
			 "smtps://host:port\"");
		hd_cfg_refuse();
		return HD_E_INVALID;
	}
	const char *host = strstr(u, "://") + 3;
	size_t len = strcspn(host, "/?#");
	const char *at = memchr(host, '@', len);
	if (at) {
		len -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	hd_info("notify.smtp_on",
		"server=%.*s://%.*s starttls=%d auth=%s from=%s",
		(int)(strstr(u, "://") - u), u, (int)len, host,
		k->smtp_starttls, k->smtp_user[0] ? "yes" : "no", k->mail_from);
	return HD_OK;
}

static int read_cfg(notify *n, const hd_cfg *c)
{
	notify_cfg *k = &n->cfg;
	uint64_t horizon_s = 0, tls = 0;
	int rc = hd_cfg_u64(c, "HD_WEBHOOK_BACKOFF_MS", 1, 86400000,
			    &k->backoff_ms);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_WEBHOOK_BACKOFF_MAX_MS", 1, 86400000,
				&k->backoff_max_ms);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_WEBHOOK_RETRY_HORIZON_S", 1, 30 * 86400,
				&horizon_s);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_WEBHOOK_TIMEOUT_MS", 100, 600000,
				&k->timeout_ms);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_WEBHOOK_CONNECT_TIMEOUT_MS", 100, 600000,
				&k->connect_ms);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_WEBHOOK_BREAKER_FAILURES", 1, 1000,
				&k->breaker_failures);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_WEBHOOK_BREAKER_COOLDOWN_MS", 1,
				86400000, &k->breaker_cooldown_ms);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_SUGGEST_WAIT_MS", 0, 600000,
				&k->suggest_wait_ms);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_DELIVERY_PARALLEL", 1, 256,
				&k->max_parallel);
	if (!rc)
		rc = hd_cfg_u64(c, "HD_SMTP_STARTTLS", 0, 1, &tls);
	k->horizon_ms = horizon_s * 1000;
	k->smtp_starttls = (int)tls;
	k->smtp_url = hd_cfg_get(c, "HD_SMTP_URL");
	k->smtp_user = hd_cfg_get(c, "HD_SMTP_USER");
	k->smtp_password = hd_cfg_get(c, "HD_SMTP_PASSWORD");
	k->mail_from = hd_cfg_get(c, "HD_MAIL_FROM");
	k->mail_domain = hd_cfg_get(c, "HD_MAIL_DOMAIN");
	k->public_url = hd_cfg_get(c, "HD_PUBLIC_URL");
	char why[160];
	if (!rc &&
	    hd_netpol_parse(&k->outbound, hd_cfg_get(c, "HD_OUTBOUND_ALLOW"),
			    why, sizeof why)) {
		hd_error("config.invalid",
			 "var=HD_OUTBOUND_ALLOW reason=\"%s\"", why);
		rc = HD_E_INVALID;
	}
	return rc ? rc : smtp_check(k);
}

static int setup(hd_svc *svc, void *ctx)
{
	notify *n = ctx;
	n->store = svc->store;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return HD_E_INTERNAL;
	g_mime_init();
	int rc = read_cfg(n, &svc->cfg);
	if (!rc)
		rc = notify_store_bind(n);
	if (!rc)
		rc = notify_queue_rebuild(n);
	if (!rc)
		rc = notify_tmpl_seed(n);
	if (!rc)
		rc = hd_prom_add_collector(notify_collect, n);
	if (!rc)
		rc = notify_sender_start(n);
	return rc;
}

static void teardown(hd_svc *svc, void *ctx)
{
	(void)svc;
	notify_sender_stop(ctx);
}

static const hd_svc_def def = {
	.name = "notifications",
	.about =
		"Hana Desk notifications: e-mail, webhooks, side conversations "
		"and the durable delivery outbox.",
	.index = 4,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.dbs = dbs,
	.publishes = 1,
	.consumes = sources,
	.ctx = &the_notify,
	.setup = setup,
	.teardown = teardown,
	.routes = routes,
	.apply = notify_apply,
};

int main(int argc, char **argv)
{
	int rc = hd_svc_main(&def, argc, argv);
	g_mime_shutdown();
	curl_global_cleanup();
	return rc;
}
