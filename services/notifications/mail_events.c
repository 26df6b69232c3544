/* Events → e-mail deliveries:
 *   ticket.created            request_received → requester, held back up
 *                             to HD_SUGGEST_WAIT_MS for kb.suggested
 *                             (request_received_anon, quoting nothing,
 *                             for anonymous web requests)
 *   ticket.created/updated    assignment → the new assignee
 *   comment.created           agent_reply → requester and CCs, when public
 *                             and written by an agent or admin
 *   sla.warning/breached      → the ticket group's managers: its members
 *                             whose role is admin (else the assignee)
 *   kb.card_expired           card_due → the verifier, or every member of
 *                             the verifying group
 *   rule.notification         user / group targets → the rule's own text
 *   password.reset            password_reset (the link) → the account
 *   signin.link               signin_link (a customer's one-time sign-in
 *                             link to /hc/{locale}/signin/) → the account
 *   email.verification        email_verify (the link) or email_in_use →
 *                             the new address, never the account's own
 *   address.verify            address_verify (the token in the subject) →
 *                             the support address being verified
 *   ticket.created/updated    csat_survey → the requester, when solved
 *                             (csat_survey.c)
 * kb.suggested is stored for the request_received mail to pick up. The
 * acknowledgement (request_received) is skipped for a channel the "mail"
 * settings turned it off for. */
#include "templates.h"

#include "hd/err.h"
#include "hd/time_iso.h"
#include "hd/vocab.h"

#include "address.pb-c.h"
#include "alerts.pb-c.h"
#include "user.pb-c.h"

#include <string.h>

static Hd__Ticket *old_ticket(notify *n, hd_txn *t, uint64_t id)
{
	Hd__Ticket *tk = NULL;
	notify_get_pb_u64(t, n->tickets, id, &hd__ticket__descriptor,
			  (void **)&tk);
	return tk;
}

/* Filed by an anonymous web request (via.source.rel "anonymous"): nobody
 * proved the address, so its acknowledgement quotes nothing the filer
 * wrote — no subject, name or suggestions — or it would be a phishing
 * relay. */
static bool anonymous(const Hd__Ticket *tk)
{
	return hd_via_of(tk->via_channel) == HD__VIA_CHANNEL__VIA_WEB &&
	       tk->via && strcmp(tk->via->rel, "anonymous") == 0;
}

static int on_ticket(notify *n, hd_txn *t, const notify_event *e)
{
	int created = strcmp(e->ev->type, "ticket.created") == 0;
	const Hd__Ticket *tk = e->ticket;
	if (tk->by_import) /* Zendesk's ticket import sends no mail */
		return HD_OK;
	Hd__Ticket *old = created ? NULL : old_ticket(n, t, tk->id);
	int rc = HD_OK;
	bool anon = anonymous(tk);
	if (created && notify_ack_on(n, t, tk->via_channel))
		rc = notify_mail_user(n, t, tk->requester_id, tk->id,
				      anon ? "request_received_anon"
					   : "request_received",
				      NULL, n->cfg.suggest_wait_ms);
	if (!rc)
		rc = notify_csat_on_ticket(n, t, tk, old, anon);
	if (!rc && tk->assignee_id &&
	    (!old || old->assignee_id != tk->assignee_id))
		rc = notify_mail_user(n, t, tk->assignee_id, tk->id,
				      "assignment", NULL, 0);
	hd__ticket__free_unpacked(old, NULL);
	return rc;
}

static int is_agent(notify *n, hd_txn *t, uint64_t user_id)
{
	Hd__User *u = NULL;
	if (notify_get_pb_u64(t, n->users, user_id, &hd__user__descriptor,
			      (void **)&u))
		return 0;
	int agent = hd_role_is_agent_str(u->role);
	hd__user__free_unpacked(u, NULL);
	return agent;
}

static int on_comment(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__Comment *c = e->comment;
	Hd__Ticket *tk = old_ticket(n, t, c->ticket_id);
	int rc = HD_OK;
	if (c->public_ && !c->by_import && tk && is_agent(n, t, c->author_id)) {
		Hd__User *a = NULL;
		notify_get_pb_u64(t, n->users, c->author_id,
				  &hd__user__descriptor, (void **)&a);
		json_t *vars =
			json_pack("{s:{s:s, s:s, s:{s:s}}}", "comment", "body",
				  c->body, "html_body", c->html_body, "author",
				  "name", a ? a->name : "");
		hd__user__free_unpacked(a, NULL);
		if (tk->requester_id != c->author_id)
			rc = notify_mail_user(n, t, tk->requester_id, tk->id,
					      "agent_reply", json_incref(vars),
					      0);
		for (size_t i = 0; i < tk->n_email_cc_ids && !rc; i++)
			if (tk->email_cc_ids[i] != c->author_id &&
			    tk->email_cc_ids[i] != tk->requester_id)
				rc = notify_mail_user(n, t, tk->email_cc_ids[i],
						      tk->id, "agent_reply",
						      json_incref(vars), 0);
		json_decref(vars);
	}
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

typedef struct group_mail {
	notify *n;
	hd_txn *t;
	uint64_t ticket_id;
	const char *tmpl;
	json_t *vars;
	int admins_only;
	unsigned sent;
	int rc;
} group_mail;

static int group_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	group_mail *g = arg;
	(void)v;
	uint64_t uid = hd_key_get_u64((const uint8_t *)k->mv_data + 8);
	if (g->admins_only) {
		Hd__User *u = NULL;
		int admin = 0;
		if (notify_get_pb_u64(g->t, g->n->users, uid,
				      &hd__user__descriptor, (void **)&u) == 0)
			admin = hd_role_of(u->role) ==
				HD__USER_ROLE__ROLE_ADMIN;
		hd__user__free_unpacked(u, NULL);
		if (!admin)
			return 0;
	}
	g->sent++;
	g->rc = notify_mail_user(g->n, g->t, uid, g->ticket_id, g->tmpl,
				 json_incref(g->vars), 0);
	return g->rc;
}

/* Mail every member (or every admin member) of group; *sent counts them. */
static int mail_group(notify *n, hd_txn *t, uint64_t group, uint64_t ticket_id,
		      const char *tmpl, json_t *vars, int admins_only,
		      unsigned *sent)
{
	uint8_t prefix[8];
	group_mail g = {n, t, ticket_id, tmpl, vars, admins_only, 0, HD_OK};
	hd_key_u64(prefix, group);
	int rc = group ? hd_txn_foreach(t, n->members, prefix, 8, group_one, &g)
		       : HD_OK;
	if (sent)
		*sent = g.sent;
	return rc ? rc : g.rc;
}

static int on_sla(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__SlaAlert *a = e->sla;
	char when[21];
	hd_time_iso(a->breach_at, when);
	const char *tmpl = strcmp(e->ev->type, "sla.warning") == 0
				   ? "sla_warning"
				   : "sla_breached";
	json_t *vars = json_pack("{s:{s:s, s:s, s:s, s:s}}", "sla", "metric",
				 a->metric, "policy_title", a->policy_title,
				 "breach_at", when, "priority", a->priority);
	unsigned sent = 0;
	int rc = mail_group(n, t, a->group_id, a->ticket_id, tmpl, vars, 1,
			    &sent);
	if (!rc && !sent && a->assignee_id)
		rc = notify_mail_user(n, t, a->assignee_id, a->ticket_id, tmpl,
				      json_incref(vars), 0);
	json_decref(vars);
	return rc;
}

static int on_card(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__CardExpired *c = e->card;
	json_t *vars = json_pack("{s:{s:I, s:s}}", "card", "id",
				 (json_int_t)c->card_id, "title", c->title);
	int rc = c->verifier_user_id
			 ? notify_mail_user(n, t, c->verifier_user_id, 0,
					    "card_due", json_incref(vars), 0)
			 : mail_group(n, t, c->verifier_group_id, 0, "card_due",
				      vars, 0, NULL);
	json_decref(vars);
	return rc;
}

static int on_suggested(notify *n, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__KbSuggested *s = hd__kb_suggested__unpack(NULL, ev->payload.len,
						      ev->payload.data);
	if (!s)
		return HD_E_DECODE;
	uint8_t k[8];
	hd_key_u64(k, s->ticket_id);
	hd_txn_put(t, n->suggestions, k, 8, ev->payload.data, ev->payload.len);
	hd__kb_suggested__free_unpacked(s, NULL);
	return t->rc;
}

/* The user a rule named: an id, or a role resolved on the ticket. */
static uint64_t rule_user(notify *n, hd_txn *t, const Hd__RuleNotification *r)
{
	if (r->target_id)
		return r->target_id;
	Hd__Ticket *tk = old_ticket(n, t, r->ticket_id);
	uint64_t id = 0;
	if (tk && strcmp(r->target_role, "requester_id") == 0)
		id = tk->requester_id;
	else if (tk && strcmp(r->target_role, "assignee_id") == 0)
		id = tk->assignee_id;
	hd__ticket__free_unpacked(tk, NULL);
	return id;
}

static int on_rule(notify *n, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__RuleNotification *r = hd__rule_notification__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!r)
		return HD_E_DECODE;
	int rc = HD_OK;
	json_t *vars =
		json_pack("{s:{s:s, s:s, s:s}}", "rule", "subject", r->subject,
			  "body", r->body, "title", r->rule_title);
	if (strcmp(r->target_kind, "webhook") == 0) {
		rc = notify_webhook_rule(n, t, r->target_webhook_id,
					 r->ticket_id, r->body);
	} else if (strcmp(r->target_kind, "user") == 0) {
		uint64_t uid = rule_user(n, t, r);
		if (uid)
			rc = notify_mail_user(n, t, uid, r->ticket_id, "rule",
					      json_incref(vars), 0);
	} else if (strcmp(r->target_kind, "group") == 0) {
		rc = mail_group(n, t, r->target_id, r->ticket_id, "rule", vars,
				0, NULL);
	}
	json_decref(vars);
	hd__rule_notification__free_unpacked(r, NULL);
	return rc;
}

/* Mail to the template tmpl whose one variable is a link: {var: {url:
 * HD_PUBLIC_URL + route + token}}. */
static int mail_link(notify *n, hd_txn *t, const notify_addressee *to,
		     const char *tmpl, const char *var, const char *route,
		     const char *token)
{
	char url[600];
	notify_public_link(n, route, token, url, sizeof url);
	return notify_mail_to(n, t, to, 0, tmpl,
			      json_pack("{s:{s:s}}", var, "url", url), 0);
}

/* The link in the confirmation mail: the gateway route. */
static int on_email_verification(notify *n, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__EmailVerificationMail *m = hd__email_verification_mail__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!m)
		return HD_E_DECODE;
	notify_addressee to = {m->user_id, m->email, m->name, m->locale};
	int rc = mail_link(
		n, t, &to, m->in_use ? "email_in_use" : "email_verify",
		"verify", "/api/v2/hd/email_verifications/", m->token);
	hd__email_verification_mail__free_unpacked(m, NULL);
	return rc;
}

/* intake's mailed one-time links (mailed_link.c) come as
 * hd.PasswordResetMail: mail one with route, or route_en for an English
 * locale when the link has a page per language. */
static int on_one_time_link(notify *n, hd_txn *t, const Hd__Envelope *ev,
			    const char *tmpl, const char *var,
			    const char *route, const char *route_en)
{
	Hd__PasswordResetMail *m = hd__password_reset_mail__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!m)
		return HD_E_DECODE;
	if (route_en && strncmp(m->locale, "en", 2) == 0)
		route = route_en;
	notify_addressee to = {m->user_id, m->email, m->name, m->locale};
	int rc = mail_link(n, t, &to, tmpl, var, route, m->token);
	hd__password_reset_mail__free_unpacked(m, NULL);
	return rc;
}

/* The password reset link opens the workspace's reset screen (a hash
 * route: the token stays out of server logs and Referer headers). */
static int on_password_reset(notify *n, hd_txn *t, const Hd__Envelope *ev)
{
	return on_one_time_link(n, t, ev, "password_reset", "reset",
				"/agent/#/password_reset/", NULL);
}

/* The help center's sign-in link: the page's language when the customer
 * asked from one, else the account's. */
static int on_signin_link(notify *n, hd_txn *t, const Hd__Envelope *ev)
{
	return on_one_time_link(n, t, ev, "signin_link", "signin",
				"/hc/ko/signin/", "/hc/en/signin/");
}

/* A support address's verification: the token in the subject, so the
 * mail proves forwarding when it comes back in (intake's mail pipeline). */
static int on_address_verify(notify *n, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__AddressVerifyMail *m = hd__address_verify_mail__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!m)
		return HD_E_DECODE;
	notify_addressee to = {0, m->email, m->name, "ko"};
	int rc = notify_mail_to(n, t, &to, 0, "address_verify",
				json_pack("{s:{s:s, s:s}}", "address", "email",
					  m->email, "token", m->token),
				0);
	hd__address_verify_mail__free_unpacked(m, NULL);
	return rc;
}

/* The events decoded once in handlers.c. */
static int on_decoded(notify *n, hd_txn *t, const notify_event *e)
{
	const char *type = e->ev->type;
	if (e->ticket && (strcmp(type, "ticket.created") == 0 ||
			  strcmp(type, "ticket.updated") == 0))
		return on_ticket(n, t, e);
	if (e->comment)
		return on_comment(n, t, e);
	if (e->sla)
		return on_sla(n, t, e);
	return e->card ? on_card(n, t, e) : HD_OK;
}

int notify_mail_apply(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__Envelope *ev = e->ev;
	static const struct {
		const char *type;
		int (*fn)(notify *, hd_txn *, const Hd__Envelope *);
	} table[] = {
		{"kb.suggested", on_suggested},
		{"rule.notification", on_rule},
		{"email.verification", on_email_verification},
		{"password.reset", on_password_reset},
		{"signin.link", on_signin_link},
		{"address.verify", on_address_verify},
	};
	if (e->ticket || e->comment || e->sla || e->card)
		return on_decoded(n, t, e);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(ev->type, table[i].type) == 0)
			return table[i].fn(n, t, ev);
	return HD_OK;
}
