/* knowledge's copy of the directory's group memberships, kept from intake's
 * group_membership.created / .deleted, group.deleted and (once, for a store
 * from before this copy) directory.memberships events in the
 * consumer's transaction (a knowledge that was down catches up from the
 * bus), so card verifier groups and group-restricted macros are decided
 * here without asking intake or trusting a list the request carries.
 *   kb_members  u64 user id ‖ u64 group id → "" */
#include "kb_members.h"

#include "user.pb-c.h"
#include "hd/err.h"
#include "hd/store_iter.h"

#include <string.h>

const char *const kb_members_dbs[] = {"kb_members", NULL};

int kb_members_bind(hd_store *s, MDB_dbi *members)
{
	return hd_store_dbi(s, "kb_members", members);
}

static int on_membership(hd_txn *t, MDB_dbi members, const Hd__Envelope *ev,
			 bool created)
{
	Hd__GroupMembership *m = hd__group_membership__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!m)
		return HD_E_DECODE;
	uint8_t k[16];
	hd_key_u64(k, m->user_id);
	hd_key_u64(k + 8, m->group_id);
	hd__group_membership__free_unpacked(m, NULL);
	if (created)
		hd_txn_put(t, members, k, 16, "", 0);
	else /* a missing key is fine: not sticky */
		hd_txn_del(t, members, k, 16);
	return t->rc;
}

/* A deleted group's memberships go with it (intake removes them). */
typedef struct group_del {
	hd_txn *t;
	MDB_dbi members;
	uint64_t gid;
} group_del;

/* Keys are user ‖ group: a group's rows are spread over the table. */
static int del_member(void *arg, const MDB_val *k, const MDB_val *v)
{
	group_del *d = arg;
	if (k->mv_size != 16 ||
	    hd_key_get_u64((const uint8_t *)k->mv_data + 8) != d->gid)
		return HD_OK;
	return hd_txn_del(d->t, d->members, k->mv_data, 16);
}

static int on_group_deleted(hd_txn *t, MDB_dbi members, const Hd__Envelope *ev)
{
	Hd__Group *g =
		hd__group__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!g)
		return HD_E_DECODE;
	group_del d = {t, members, g->id};
	hd__group__free_unpacked(g, NULL);
	hd_txn_foreach(t, members, NULL, 0, del_member, &d);
	return t->rc;
}

/* intake's one-time list of every membership (groups_snapshot.c). */
static int on_snapshot(hd_txn *t, MDB_dbi members, const Hd__Envelope *ev)
{
	Hd__GroupMembershipList *l = hd__group_membership_list__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!l)
		return HD_E_DECODE;
	for (size_t i = 0; i < l->n_group_memberships; i++) {
		uint8_t k[16];
		hd_key_u64(k, l->group_memberships[i]->user_id);
		hd_key_u64(k + 8, l->group_memberships[i]->group_id);
		hd_txn_put(t, members, k, 16, "", 0);
	}
	hd__group_membership_list__free_unpacked(l, NULL);
	return t->rc;
}

int kb_members_apply(hd_txn *t, MDB_dbi members, const Hd__Envelope *ev)
{
	if (!strcmp(ev->type, "directory.memberships"))
		return on_snapshot(t, members, ev);
	if (!strcmp(ev->type, "group_membership.created"))
		return on_membership(t, members, ev, true);
	if (!strcmp(ev->type, "group_membership.deleted"))
		return on_membership(t, members, ev, false);
	if (!strcmp(ev->type, "group.deleted"))
		return on_group_deleted(t, members, ev);
	return HD_OK;
}

bool kb_member_of(hd_txn *t, MDB_dbi members, uint64_t user, uint64_t group)
{
	uint8_t k[16];
	MDB_val v;
	if (!user || !group)
		return false;
	hd_key_u64(k, user);
	hd_key_u64(k + 8, group);
	return hd_txn_get(t, members, k, 16, &v) == HD_OK;
}
