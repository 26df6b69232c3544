/* The copies of intake's tickets, users and group memberships that
 * templates and recipients are resolved from. Payloads are validated by
 * decoding and stored as they came (no re-encoding). */
#include "notifications.h"

#include "hd/err.h"

#include "user.pb-c.h"

#include <string.h>

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int copy_ticket(notify *n, hd_txn *t, const notify_event *e)
{
	uint8_t k[8];
	hd_key_u64(k, e->ticket->id);
	hd_txn_put(t, n->tickets, k, 8, e->ev->payload.data,
		   e->ev->payload.len);
	return t->rc;
}

static int copy_user(notify *n, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__User *u = hd__user__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!u)
		return HD_E_DECODE;
	uint8_t k[8];
	hd_key_u64(k, u->id);
	hd_txn_put(t, n->users, k, 8, ev->payload.data, ev->payload.len);
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

static int copy_membership(notify *n, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__GroupMembership *m = hd__group_membership__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!m)
		return HD_E_DECODE;
	uint8_t k[16];
	hd_key_u64(k, m->group_id);
	hd_key_u64(k + 8, m->user_id);
	if (strcmp(ev->type, "group_membership.deleted") == 0)
		hd_txn_del(t, n->members, k, 16);
	else
		hd_txn_put(t, n->members, k, 16, "", 0);
	hd__group_membership__free_unpacked(m, NULL);
	return t->rc;
}

int notify_copy_apply(notify *n, hd_txn *t, const notify_event *e)
{
	const Hd__Envelope *ev = e->ev;
	if (e->ticket)
		return copy_ticket(n, t, e);
	if (starts(ev->type, "user."))
		return copy_user(n, t, ev);
	if (starts(ev->type, "group_membership."))
		return copy_membership(n, t, ev);
	return HD_OK;
}
