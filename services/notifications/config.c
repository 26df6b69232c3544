/* notifications' configuration, read once at start into n->cfg (main.c's
 * "notifications" module). */
#include "notifications.h"

#include "hd/err.h"
#include "hd/log.h"

#include <string.h>

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

int notify_read_cfg(notify *n, const hd_cfg *c)
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
