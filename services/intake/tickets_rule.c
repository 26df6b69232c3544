/* Writes made by routing's rules (principal role "system"): the audit's via
 * {"channel":"rule","source":{…}} from TicketWriteRequest.audit_via_json,
 * the author of a comment a rule adds, and the "latest write" fields every
 * write records on the ticket so triggers know who changed it and how. */
#include "tickets.h"
#include "users.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_VIA_JSON 4096

bool tk_is_system(const hd_principal *who)
{
	return who->role == HD__USER_ROLE__ROLE_SYSTEM;
}

int tk_rule_audit_via(const hd_principal *who, const char *via_json,
		      Hd__Audit *au, hd_rpc_rep *rep)
{
	if (!tk_is_system(who) || !via_json || !via_json[0])
		return HD_OK;
	json_t *via = strlen(via_json) <= MAX_VIA_JSON
			      ? json_loads(via_json, 0, NULL)
			      : NULL;
	json_t *ch = json_object_get(via, "channel");
	json_t *src = json_object_get(via, "source");
	int rc = HD_OK;
	if (!json_is_string(ch) || (src && !json_is_object(src))) {
		rc = hd_rpc_fail(rep, HD_E_INVALID, "audit_via_json",
				 "audit_via_json: must be {\"channel\":\"…\","
				 "\"source\":{…}}");
	} else {
		rc = hd_pb_set_string(&au->via_channel, json_string_value(ch));
		char *text = src ? json_dumps(src, JSON_COMPACT) : NULL;
		if (!rc && src && !text)
			rc = HD_E_NOMEM;
		if (!rc)
			rc = hd_pb_set_string(&au->via_source_json,
					      text ? text : "");
		free(text);
	}
	json_decref(via);
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

/* The latest write's updater and via: a rule's via as given, a write that
 * named its via (mail, the portal) that channel, any other write "api". */
int tk_note_updater(Hd__Ticket *tk, const hd_principal *who,
		    const Hd__TicketWriteRequest *wr, const json_t *obj,
		    bool creating)
{
	tk->updater_id = who->user_id;
	tk->by_import = false; /* only the import's own write carries it */
	int rc = hd_pb_set_string(&tk->updater_role, hd_role_name(who->role));
	if (rc)
		return rc;
	if (tk_is_system(who) && wr->audit_via_json[0] &&
	    strlen(wr->audit_via_json) <= MAX_VIA_JSON)
		return hd_pb_set_string(&tk->update_via_json,
					wr->audit_via_json);
	const char *channel = creating || json_object_get(obj, "via")
				      ? tk->via_channel
				      : "api";
	json_t *via = json_pack("{s:s}", "channel", channel);
	char *text = via ? json_dumps(via, JSON_COMPACT) : NULL;
	rc = text ? hd_pb_set_string(&tk->update_via_json, text) : HD_E_NOMEM;
	free(text);
	json_decref(via);
	return rc;
}
