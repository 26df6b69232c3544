/* The SLA module's hooks (hooks.h): users' roles from user.* events (so a
 * comment's author is known as agent or end-user), comments and ticket
 * changes moving the clocks, each followed by a refresh of the ticket's
 * targets and timers in the same transaction. */
#include "sla.h"

#include "hd/err.h"
#include "user.pb-c.h"

#include <string.h>

static int learn_role(hd_txn *t, const sla_db *db, const Hd__Envelope *ev)
{
	Hd__User *u = hd__user__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!u)
		return HD_OK; /* not ours to judge; the directory owns it */
	uint8_t key[8];
	hd_key_u64(key, u->id);
	if (u->role && strlen(u->role) < 16)
		hd_txn_put(t, db->users, key, 8, u->role, strlen(u->role));
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

static int on_comment(routing *r, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__Comment *c =
		hd__comment__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!c)
		return HD_OK;
	Hd__Ticket *tk = sla_ticket_copy(t, r, c->ticket_id);
	Hd__SlaTicketState *state = NULL;
	int rc = tk ? sla_state_get(t, &r->sla, tk->id, &state) : HD_OK;
	if (tk && !rc)
		rc = sla_clock_comment(t, &r->sla, c, tk, state);
	if (tk && !rc)
		rc = sla_refresh(r, t, tk, state);
	hd__sla_ticket_state__free_unpacked(state, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	hd__comment__free_unpacked(c, NULL);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

int routing_sla_event_hook(routing *r, hd_txn *t, const Hd__Envelope *ev)
{
	if (!strcmp(ev->type, "user.created") ||
	    !strcmp(ev->type, "user.updated"))
		return learn_role(t, &r->sla, ev);
	if (!strcmp(ev->type, "comment.created"))
		return on_comment(r, t, ev);
	return HD_OK;
}

int routing_sla_ticket_hook(routing *r, hd_txn *t, const Hd__Envelope *ev,
			    const Hd__Ticket *before, const Hd__Ticket *after)
{
	if (after->deleted || !strcmp(ev->type, "ticket.deleted"))
		return sla_forget(t, &r->sla, after->id);
	Hd__SlaTicketState *state = NULL;
	int rc = sla_state_get(t, &r->sla, after->id, &state);
	if (!rc)
		rc = sla_clock_ticket(t, &r->sla, before, after, state);
	if (!rc)
		rc = sla_refresh(r, t, after, state);
	hd__sla_ticket_state__free_unpacked(state, NULL);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}
