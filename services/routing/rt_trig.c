/* The facts of one ticket update, as the trigger preview (rt_preview.c)
 * shows them. Triggers themselves run inside intake's ticket write
 * (services/intake/tickets_trig.c); routing owns their definitions and
 * publishes them (rt_rules.c) but no longer fires them. */
#include "rt_rules.h"

#include "hd/err.h"
#include "hd/via_compat.h"

#include <string.h>

static const char *role_of(const Hd__Ticket *tk)
{
	Hd__UserRole role = hd_role_of(tk->updater_role);
	if (role == HD__USER_ROLE__ROLE_END_USER)
		return "end_user";
	if (hd_role_is_agent(role))
		return tk->updater_role;
	return "";
}

void rt_trig_facts(hd_txn *t, const rt_dbs *db, rt_facts *f,
		   const Hd__Ticket *work, const Hd__Ticket *before,
		   const Hd__Ticket *after, bool created, const Hd__Comment *cm,
		   char locale[RT_LOCALE_MAX])
{
	const char *channel = hd_ticket_update_channel(after);
	*f = (rt_facts){
		.tk = work,
		.before = before,
		.created = created,
		.comment = cm        ? cm->body
			   : created ? after->description
				     : NULL,
		.comment_public = cm ? cm->public_ : true,
		.role = role_of(after),
		.updater_id = after->updater_id,
		.via = channel[0] ? channel : after->via_channel,
		.requester_locale =
			rt_locale_of(t, db, after->requester_id, locale),
		.now_ms = hd_now_ms(),
	};
}
