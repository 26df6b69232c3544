/* The settings admins keep about mail (key layout in templates.h), typed
 * (proto/mail_admin.proto), checked and completed with defaults here:
 *   csat: enabled (off), delay_minutes (1440) after the solve, link_days
 *         (14), channels surveyed (email, web, api, chat, voice), and per
 *         group a rule that turns it off or gives it its own delay;
 *   mail: acknowledgements per channel (a channel not named is on), and
 *         senders: the sender of mail about a ticket is the one whose
 *         recipient is the support address the ticket came in to, else the
 *         one of its brand, else the one of brand 0 with no recipient, else
 *         "Hana Desk" <HD_MAIL_FROM>.
 * settings.get (agents and admins) answers them, settings.put (admins)
 * replaces them whole and answers what was stored. */
#include "templates.h"

#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"
#include "hd/vocab.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DELAY_MIN (60 * 24 * 30)
#define MAX_LINK_DAYS 90
#define MAX_GROUPS    500
#define MAX_SENDERS   100
#define MAX_CHANNELS  32

static char *const default_channels[] = {"email", "web", "api", "chat",
					 "voice"};

Hd__NotifySettings *notify_settings(notify *n, hd_txn *t, const char *name)
{
	Hd__NotifySettings *s = NULL;
	if (notify_get_pb(t, n->settings, name, strlen(name),
			  &hd__notify_settings__descriptor,
			  (void **)&s) != HD_OK)
		return NULL;
	if (!s->csat && !s->mail)
		notify_settings_legacy(
			s); /* stored as JSON by an older build */
	return s;
}

/* ---- checking what an admin sent ---- */

static int bad(hd_rpc_rep *rep, const char *field, const char *msg)
{
	return hd_rpc_fail(rep, HD_E_INVALID, field, "%s: %s", field, msg);
}

static int word(const char *s)
{
	size_t n = strlen(s);
	return n && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz_") == n;
}

static bool named(const Hd__NotifySettings *s, const char *field)
{
	for (size_t i = 0; i < s->n_fields; i++)
		if (strcmp(s->fields[i], field) == 0)
			return true;
	return false;
}

static int in_range(hd_rpc_rep *rep, const char *field, int64_t v, int64_t lo,
		    int64_t hi)
{
	if (v >= lo && v <= hi)
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_INVALID, field,
			   "%s: must be between %lld and %lld", field,
			   (long long)lo, (long long)hi);
}

static int check_csat(Hd__NotifySettings *s, Hd__CsatSettings *c,
		      hd_rpc_rep *rep)
{
	if (!named(s, "delay_minutes"))
		c->delay_minutes = 1440;
	if (!named(s, "link_days"))
		c->link_days = 14;
	int rc = in_range(rep, "delay_minutes", c->delay_minutes, 0,
			  MAX_DELAY_MIN);
	if (!rc)
		rc = in_range(rep, "link_days", c->link_days, 1, MAX_LINK_DAYS);
	if (rc)
		return rc;
	if (c->n_channels > MAX_CHANNELS)
		return bad(rep, "channels", "must be a list of channel names");
	for (size_t i = 0; i < c->n_channels; i++)
		if (!word(c->channels[i]))
			return bad(rep, "channels",
				   "must be channel names (email, web, api, "
				   "chat, voice, …)");
	if (c->n_groups > MAX_GROUPS)
		return bad(rep, "groups", "must be a list of rules");
	for (size_t i = 0; i < c->n_groups; i++) {
		Hd__CsatGroupRule *g = c->groups[i];
		if (g->group_id <= 0)
			return bad(rep, "groups",
				   "group_id must be a group's id");
		if (!g->has_enabled)
			g->enabled = 1;
		g->has_enabled = 0;
		if (g->has_delay &&
		    (rc = in_range(rep, "delay_minutes", g->delay_minutes, 0,
				   MAX_DELAY_MIN)))
			return rc;
	}
	return HD_OK;
}

static int plain(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n <= max && hd_utf8_valid(s, n) && !strpbrk(s, "\r\n<>\"");
}

static int address(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);
	return n >= 3 && n <= 254 && at && at != s && at[1] &&
	       !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n<>\"(),;:\\[]");
}

static int check_mail(Hd__MailSettings *m, hd_rpc_rep *rep)
{
	for (size_t i = 0; i < m->n_acknowledgements; i++)
		if (!word(m->acknowledgements[i]->channel))
			return bad(rep, "acknowledgements",
				   "must map channel names to true or false");
	if (m->n_senders > MAX_SENDERS)
		return bad(rep, "senders", "must be a list of senders");
	for (size_t i = 0; i < m->n_senders; i++) {
		const Hd__MailSender *v = m->senders[i];
		if ((v->recipient[0] && !address(v->recipient)) ||
		    v->brand_id < 0 || !v->name[0] || !plain(v->name, 200) ||
		    !address(v->address))
			return bad(rep, "senders",
				   "each needs a brand_id (0 or null: the "
				   "default), a name of one line and an e-mail "
				   "address (and may name the recipient: a "
				   "support address)");
	}
	return HD_OK;
}

/* ---- reading what the settings say ---- */

bool notify_ack_on(notify *n, hd_txn *t, const char *channel)
{
	Hd__NotifySettings *s = notify_settings(n, t, "mail");
	bool on = true;
	for (size_t i = 0; s && s->mail && i < s->mail->n_acknowledgements; i++)
		if (strcmp(s->mail->acknowledgements[i]->channel, channel) == 0)
			on = s->mail->acknowledgements[i]->enabled;
	hd__notify_settings__free_unpacked(s, NULL);
	return on;
}

/* How well sender v fits: 3 its recipient, 2 its brand, 1 the default,
 * 0 not at all. */
static int fit(const Hd__MailSender *v, uint64_t brand_id,
	       const char *recipient)
{
	if (v->recipient[0])
		return recipient && strcasecmp(v->recipient, recipient) == 0
			       ? 3
			       : 0;
	if (v->brand_id)
		return (uint64_t)v->brand_id == brand_id ? 2 : 0;
	return 1;
}

void notify_sender_of(notify *n, hd_txn *t, uint64_t brand_id,
		      const char *recipient, char *name, char *addr, size_t cap)
{
	Hd__NotifySettings *s = notify_settings(n, t, "mail");
	const Hd__MailSender *pick = NULL;
	int best = 0;
	for (size_t i = 0; s && s->mail && i < s->mail->n_senders; i++) {
		int f = fit(s->mail->senders[i], brand_id, recipient);
		if (f > best) {
			best = f;
			pick = s->mail->senders[i];
		}
	}
	snprintf(name, cap, "%s", pick ? pick->name : "Hana Desk");
	snprintf(addr, cap, "%s", pick ? pick->address : n->cfg.mail_from);
	hd__notify_settings__free_unpacked(s, NULL);
}

/* ---- RPCs ---- */

static Hd__NotifySettings *decode(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__NotifySettings *s =
		hd__notify_settings__unpack(NULL, req->len, req->payload);
	if (!s)
		hd_rpc_fail(rep, HD_E_DECODE, "",
			    "payload is not an hd.NotifySettings");
	else if (strcmp(s->name, "csat") && strcmp(s->name, "mail")) {
		hd_rpc_fail(rep, HD_E_NOTFOUND, "name", "no such settings: %s",
			    s->name);
		hd__notify_settings__free_unpacked(s, NULL);
		s = NULL;
	}
	return s;
}

/* Answer the stored settings, or the defaults when none are. */
static int reply(hd_rpc_rep *rep, const char *name,
		 const Hd__NotifySettings *stored)
{
	Hd__NotifySettings out = HD__NOTIFY_SETTINGS__INIT;
	Hd__CsatSettings csat = HD__CSAT_SETTINGS__INIT;
	Hd__MailSettings mail = HD__MAIL_SETTINGS__INIT;
	if (stored && (stored->csat || stored->mail))
		return hd_pb_pack(&rep->payload, stored);
	out.name = (char *)name;
	if (strcmp(name, "csat") == 0) {
		csat.delay_minutes = 1440;
		csat.link_days = 14;
		csat.channels = (char **)default_channels;
		csat.n_channels =
			sizeof default_channels / sizeof default_channels[0];
		out.csat = &csat;
	} else {
		out.mail = &mail;
	}
	return hd_pb_pack(&rep->payload, &out);
}

static int settings_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	if (!hd_role_is_staff(req->principal.role))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "",
				   "agents and admins only");
	Hd__NotifySettings *s = decode(req, rep);
	hd_txn t;
	int rc = s ? hd_store_read(n->store, &t) : HD_E_DECODE;
	if (!rc) {
		Hd__NotifySettings *stored = notify_settings(n, &t, s->name);
		hd_txn_end(&t);
		rc = reply(rep, s->name, stored);
		hd__notify_settings__free_unpacked(stored, NULL);
	}
	hd__notify_settings__free_unpacked(s, NULL);
	return rc;
}

typedef struct put_job {
	notify *n;
	Hd__NotifySettings *s;
} put_job;

static int put_fn(hd_txn *t, void *arg)
{
	put_job *j = arg;
	return notify_put_pb(t, j->n->settings, j->s->name, strlen(j->s->name),
			     j->s);
}

/* The defaults of keys the request did not name; then the checks. */
static int normalize(Hd__NotifySettings *s, hd_rpc_rep *rep)
{
	if (strcmp(s->name, "csat") == 0) {
		if (!s->csat || s->mail)
			return bad(rep, "csat", "must be an object");
		if (!named(s, "channels") && !s->csat->n_channels) {
			s->csat->n_channels = 0;
			for (size_t i = 0; i < 5; i++)
				if (notify_settings_add_channel(
					    s->csat, default_channels[i]))
					return HD_E_NOMEM;
		}
		return check_csat(s, s->csat, rep);
	}
	if (!s->mail || s->csat)
		return bad(rep, "mail", "must be an object");
	return check_mail(s->mail, rep);
}

static int settings_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	if (!hd_role_is_admin(req->principal.role))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "", "admins only");
	Hd__NotifySettings *s = decode(req, rep);
	int rc = s ? normalize(s, rep) : HD_E_DECODE;
	if (!rc) {
		for (size_t i = 0; i < s->n_fields; i++)
			free(s->fields[i]);
		free(s->fields);
		s->fields = NULL;
		s->n_fields = 0;
		s->updated_at = hd_now_ms();
		s->updated_by = req->principal.user_id;
		put_job j = {n, s};
		rc = hd_store_write(n->store, put_fn, &j);
	}
	if (!rc)
		rc = reply(rep, s->name, s);
	hd__notify_settings__free_unpacked(s, NULL);
	return rc;
}

const hd_rpc_route notify_settings_routes[] = {
	{"settings.get", settings_get},
	{"settings.put", settings_put},
	{NULL, NULL},
};
