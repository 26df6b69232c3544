/* Writes made by routing's rules (principal role "system"): the audit's via
 * {"channel":"rule","source":{…}} from TicketWriteRequest.audit_via,
 * the author of a comment a rule adds, and the "latest write" fields every
 * write records on the ticket so triggers know who changed it and how. */
#include "tickets.h"
#include "users.h"

#include "hd/err.h"
#include "hd/text.h"
#include "hd/ticket_patch.h"
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
	char *text = via->has_source ? hd_via_source_text(via) : NULL;
	if (!rc && via->has_source && !text)
		rc = HD_E_NOMEM;
	if (!rc)
		rc = hd_pb_set_string(&au->via_source_json, text ? text : "");
	free(text);
	return rc;
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
	    intake_user_by_email(t, lower, &id) == HD_OK)
		ch->comment_author = id;
	return HD_OK;
}

/* {"channel":…[,"source":{…}]} as the ticket keeps it
 * (Ticket.update_via_json); malloc'd or NULL. */
static char *via_text(const char *channel, const Hd__Via *via)
{
	json_t *o = json_pack("{s:s}", "channel", channel);
	if (o && via && via->has_source)
		json_object_set_new(o, "source", hd_via_source_json(via));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
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
	char *text = via_text(channel, rule ? audit_via : NULL);
	rc = text ? hd_pb_set_string(&tk->update_via_json, text) : HD_E_NOMEM;
	free(text);
	return rc;
}
