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

#include <string.h>

static MDB_dbi members;
const char *const kb_members_dbs[] = {"kb_members", NULL};

int kb_members_bind(hd_store *s)
{
	return hd_store_dbi(s, "kb_members", &members);
}

static int on_membership(hd_txn *t, const Hd__Envelope *ev, bool created)
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
static int on_group_deleted(hd_txn *t, const Hd__Envelope *ev)
{
	Hd__Group *g =
		hd__group__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!g)
		return HD_E_DECODE;
	uint64_t gid = g->id;
	hd__group__free_unpacked(g, NULL);
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, members, &cur));
	if (rc)
		return hd_txn_fail(t, rc);
	int mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	while (mrc == 0) {
		if (k.mv_size == 16 &&
		    hd_key_get_u64((const uint8_t *)k.mv_data + 8) == gid &&
		    (mrc = mdb_cursor_del(cur, 0)) != 0)
			break;
		mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return hd_txn_fail(t, hd_err_from_mdb(mrc));
	return t->rc;
}

/* intake's one-time list of every membership (groups_snapshot.c). */
static int on_snapshot(hd_txn *t, const Hd__Envelope *ev)
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

int kb_members_apply(hd_txn *t, const Hd__Envelope *ev)
{
	if (!strcmp(ev->type, "directory.memberships"))
		return on_snapshot(t, ev);
	if (!strcmp(ev->type, "group_membership.created"))
		return on_membership(t, ev, true);
	if (!strcmp(ev->type, "group_membership.deleted"))
		return on_membership(t, ev, false);
	if (!strcmp(ev->type, "group.deleted"))
		return on_group_deleted(t, ev);
	return HD_OK;
}

bool kb_member_of(hd_txn *t, uint64_t user, uint64_t group)
{
	uint8_t k[16];
	MDB_val v;
	if (!user || !group)
		return false;
	hd_key_u64(k, user);
	hd_key_u64(k + 8, group);
	return hd_txn_get(t, members, k, 16, &v) == HD_OK;
}
