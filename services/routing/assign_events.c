/* What assignment learns from intake's directory events — users (role,
 * locale, active) and group memberships (which views also read: a group
 * view is for its groups' members) — and the tick that lets skills
 * requirements relax once a ticket has waited long enough. */
#include "assign.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

/* Keep (created) or forget agent's membership of group, both ways. */
static void set_member(hd_txn *t, const assign_dbs *db, uint64_t group,
		       uint64_t agent, bool created)
{
	uint8_t gk[16], ak[16];
	hd_key_u64(gk, group);
	hd_key_u64(gk + 8, agent);
	hd_key_u64(ak, agent);
	hd_key_u64(ak + 8, group);
	if (created) {
		hd_txn_put(t, db->members, gk, 16, "", 0);
		hd_txn_put(t, db->agent_groups, ak, 16, "", 0);
	} else { /* missing keys are fine: not sticky */
		hd_txn_del(t, db->members, gk, 16);
		hd_txn_del(t, db->agent_groups, ak, 16);
	}
}

static int on_membership(routing *r, hd_txn *t, const Hd__Envelope *ev,
			 bool created)
{
	Hd__GroupMembership *m = hd__group_membership__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!m)
		return HD_E_DECODE;
	set_member(t, &r->as, m->group_id, m->user_id, created);
	/* A new member may take waiting work at once. */
	if (created)
		as_drain_group(r, t, m->group_id, hd_now_ms());
	hd__group_membership__free_unpacked(m, NULL);
	return t->rc;
}

/* intake's one-time list of every membership (groups_snapshot.c), for a
 * copy that missed some: the same keys again, idempotently. */
static int on_snapshot(hd_txn *t, const assign_dbs *db, const Hd__Envelope *ev)
{
	Hd__GroupMembershipList *l = hd__group_membership_list__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!l)
		return HD_E_DECODE;
	for (size_t i = 0; i < l->n_group_memberships; i++)
		set_member(t, db, l->group_memberships[i]->group_id,
			   l->group_memberships[i]->user_id, true);
	hd__group_membership_list__free_unpacked(l, NULL);
	return t->rc;
}

static int on_user(routing *r, hd_txn *t, const Hd__Envelope *ev)
{
	const assign_dbs *db = &r->as;
	Hd__User *u = hd__user__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!u)
		return HD_E_DECODE;
	Hd__DirUser d = HD__DIR_USER__INIT;
	d.role = u->role;
	d.locale = u->locale;
	d.active = !u->deleted && !u->suspended &&
		   strcmp(ev->type, "user.deleted") != 0;
	bool was = as_is_agent(t, db, u->id);
	hd_txn_put_pb_id(t, db->users, u->id, &d);
	/* Promoted to agent while already marked available. */
	if (!was && as_is_agent(t, db, u->id) && as_available(t, db, u->id))
		as_drain_agent(r, t, u->id, hd_now_ms());
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

/* A deleted group assigns nothing any more: its queue empties. */
static int on_group_deleted(routing *r, hd_txn *t, const Hd__Envelope *ev)
{
	const assign_dbs *db = &r->as;
	Hd__Group *g =
		hd__group__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!g)
		return HD_E_DECODE;
	uint8_t key[8];
	hd_key_u64(key, g->id);
	hd_txn_del(t, db->groups, key, 8);
	as_requeue_group(r, t, g->id, hd_now_ms());
	/* Nobody is a member any more (views restricted to it: admins only). */
	uint64_t *agents = NULL;
	size_t n = 0;
	if (!as_list_pairs(t, db->members, g->id, &agents, &n))
		for (size_t i = 0; i < n; i++)
			set_member(t, db, g->id, agents[i], false);
	free(agents);
	hd__group__free_unpacked(g, NULL);
	return t->rc;
}

int as_event_hook(routing *r, hd_txn *t, const Hd__Envelope *ev)
{
	if (strcmp(ev->source, "intake") != 0)
		return HD_OK;
	if (!strcmp(ev->type, "group_membership.created"))
		return on_membership(r, t, ev, true);
	if (!strcmp(ev->type, "group_membership.deleted"))
		return on_membership(r, t, ev, false);
	if (!strcmp(ev->type, "group.deleted"))
		return on_group_deleted(r, t, ev);
	if (!strcmp(ev->type, "directory.memberships"))
		return on_snapshot(t, &r->as, ev);
	if (!strncmp(ev->type, "user.", 5))
		return on_user(r, t, ev);
	return HD_OK;
}

typedef struct due_groups {
	hd_txn *t;
	const assign_dbs *db;
	uint64_t due[64];
	size_t n;
} due_groups;

static int due_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	due_groups *d = arg;
	Hd__GroupRouting *g =
		hd__group_routing__unpack(NULL, v->mv_size, v->mv_data);
	if (g && !strcmp(g->strategy, "skills") &&
	    g->skills_fallback_after_seconds > 0 &&
	    as_queued(d->t, d->db, g->group_id))
		d->due[d->n++] = g->group_id;
	hd__group_routing__free_unpacked(g, NULL);
	return d->n < 64 ? HD_OK : HD_STOP;
}

int as_tick_hook(routing *r, hd_txn *t, int64_t now_ms)
{
	due_groups d = {.t = t, .db = &r->as};
	hd_txn_foreach(t, r->as.groups, NULL, 0, due_one, &d);
	uint64_t *due = d.due;
	size_t n = d.n;
	for (size_t i = 0; i < n && t->rc == HD_OK; i++)
		as_drain_group(r, t, due[i], now_ms);
	return t->rc;
}
