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

static int add_all(const intake *in, hd_txn *t, Hd__GroupMembershipList *l)
{
	int rc = hd_txn_scan_pb(t, in->dir.memberships, NULL, 0,
				&hd__group_membership__descriptor, NULL, NULL,
				(void ***)&l->group_memberships,
				&l->n_group_memberships);
	return rc;
}

static int snapshot_write(hd_txn *t, void *arg)
{
	intake *in = arg;
	MDB_val v;
	if (hd_txn_get(t, in->meta, SENT_KEY, strlen(SENT_KEY), &v) == HD_OK)
		return HD_OK;
	Hd__GroupMembershipList l = HD__GROUP_MEMBERSHIP_LIST__INIT;
	int rc = add_all(in, t, &l);
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
