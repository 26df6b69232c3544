/* Every group membership as one "directory.memberships" event
 * (hd.GroupMembershipList), emitted once per store by the directory shard
 * at start. Consumers that keep a copy of the memberships from the
 * group_membership.* events (knowledge: kb_members.c) but started keeping
 * it after some were made take this as their starting point; the events
 * after it apply on top. A new store has none to send and only marks it. */
#include "intake.h"
#include "users.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "user.pb-c.h"

#include <stdlib.h>
#include <string.h>

#define SENT_KEY "membership_snapshot"

static int add_all(hd_txn *t, Hd__GroupMembershipList *l)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = hd_err_from_mdb(
		mdb_cursor_open(t->txn, intake_dir.memberships, &cur));
	if (rc)
		return rc;
	size_t cap = 0;
	int mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	for (; mrc == 0 && !rc; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Hd__GroupMembership *m = hd__group_membership__unpack(
			NULL, v.mv_size, v.mv_data);
		if (!m) {
			rc = HD_E_CORRUPT;
			break;
		}
		if (l->n_group_memberships == cap) {
			size_t nc = cap ? cap * 2 : 64;
			void *p = realloc(l->group_memberships,
					  nc * sizeof *l->group_memberships);
			if (!p) {
				hd__group_membership__free_unpacked(m, NULL);
				rc = HD_E_NOMEM;
				break;
			}
			l->group_memberships = p;
			cap = nc;
		}
		l->group_memberships[l->n_group_memberships++] = m;
	}
	mdb_cursor_close(cur);
	if (!rc && mrc != MDB_NOTFOUND)
		rc = hd_err_from_mdb(mrc);
	return rc;
}

static int snapshot_write(hd_txn *t, void *arg)
{
	intake *in = arg;
	MDB_val v;
	if (hd_txn_get(t, in->meta, SENT_KEY, strlen(SENT_KEY), &v) == HD_OK)
		return HD_OK;
	Hd__GroupMembershipList l = HD__GROUP_MEMBERSHIP_LIST__INIT;
	int rc = add_all(t, &l);
	if (!rc && l.n_group_memberships)
		rc = hd_txn_emit_pb(t, "directory.memberships", &l, NULL);
	if (!rc)
		rc = hd_txn_add_u64(t, in->meta, SENT_KEY, 1, NULL);
	for (size_t i = 0; i < l.n_group_memberships; i++)
		hd__group_membership__free_unpacked(l.group_memberships[i],
						    NULL);
	free(l.group_memberships);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

int intake_groups_snapshot(intake *in)
{
	if (in->shard != INTAKE_DIRECTORY_SHARD)
		return HD_OK;
	return hd_store_write(in->store, snapshot_write, in);
}
