/* Writes made by routing's rules (principal role "system"): the audit's via
 * {"channel":"rule","source":{…}} from TicketWriteRequest.audit_via,
 * the author of a comment a rule adds, and the "latest write" fields every
 * write records on the ticket so triggers know who changed it and how. */
#include "tickets.h"
#include "users.h"

#include "hd/err.h"
#include "hd/text.h"
#include "hd/ticket_patch.h"
#include "hd/via_compat.h"
#include "hd/vocab.h"

#include <stdlib.h>
#include <string.h>

bool tk_is_system(const hd_principal *who)
{
	return who->role == HD__USER_ROLE__ROLE_SYSTEM;
}

int tk_rule_audit_via(const hd_principal *who, const Hd__Via *via,
		      Hd__Audit *au, hd_rpc_rep *rep)
{
	if (!tk_is_system(who) || !via)
		return HD_OK;
	const char *ch = hd_via_name(via->channel);
	if (!ch[0])
		return hd_rpc_fail(rep, HD_E_INVALID, "audit_via",
				   "audit_via: needs a channel");
	int rc = hd_pb_set_string(&au->via_channel, ch);
	if (rc || !via->has_source)
		return rc;
	hd__via__free_unpacked(au->via, NULL);
	au->via = hd_via_copy(via);
	return au->via ? HD_OK : HD_E_NOMEM;
}

/* A rule's comment is written by the ticket's assignee when routing names
 * one (author_id), else by the account owner: the bootstrap admin. */
int tk_rule_author(hd_txn *t, intake *in, const hd_principal *who,
		   tk_change *ch)
{
	if (!tk_is_system(who) || !ch->comment_body || ch->comment_author)
		return HD_OK;
	const char *email = hd_cfg_get(&in->svc->cfg, "HD_ADMIN_EMAIL");
	char lower[256];
	uint64_t id = 0;
	if (email && hd_ascii_lower(email, lower, sizeof lower) &&
	    intake_user_by_email(in, t, lower, &id) == HD_OK)
		ch->comment_author = id;
	return HD_OK;
}

/* The latest write's via as the ticket keeps it (Ticket.update_via): the
 * channel, and a rule's source; NULL when out of memory. */
static Hd__Via *update_via(const char *channel, const Hd__Via *rule)
{
	Hd__Via *v =
		rule && rule->has_source ? hd_via_copy(rule) : hd_via_new();
	if (v)
		v->channel = hd_via_of(channel);
	return v;
}

/* The latest write's updater and via: a rule's via as given, a write that
 * named its via (mail, the portal) that channel, any other write "api". */
int tk_note_updater(Hd__Ticket *tk, const hd_principal *who,
		    const Hd__Via *audit_via, const Hd__TicketPatch *p,
		    bool creating)
{
	tk->updater_id = who->user_id;
	tk->by_import = false; /* only the import's own write carries it */
	int rc = hd_pb_set_string(&tk->updater_role, hd_role_name(who->role));
	if (rc)
		return rc;
	bool rule = tk_is_system(who) && audit_via &&
		    hd_via_name(audit_via->channel)[0];
	const char *channel = rule ? hd_via_name(audit_via->channel)
			      : creating || hd_patch_has(p, "via")
				      ? tk->via_channel
				      : "api";
	Hd__Via *v = update_via(channel, rule ? audit_via : NULL);
	if (!v)
		return HD_E_NOMEM;
	hd__via__free_unpacked(tk->update_via, NULL);
	tk->update_via = v;
	return HD_OK;
}
