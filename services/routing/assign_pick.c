/* The assignment strategies over a pool of available agents:
 *   round_robin   the next agent after the group's persisted pointer (by
 *                 id, wrapping) that has room on the ticket's channel;
 *   least_loaded  the lowest load/capacity on the ticket's channel, ties to
 *                 the longest idle (oldest last assignment), then lowest id;
 *   skills        least_loaded among the agents having every required skill
 *                 and the requester's language; once the ticket has waited
 *                 skills_fallback_after_seconds (business clock) the
 *                 requirement is dropped and the fallback pool (any member,
 *                 or another group's members) qualifies.
 * Only agents whose presence is available and whose load on the channel is
 * below capacity are ever picked. */
#include "assign.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool room(hd_txn *t, const assign_dbs *db, const as_agent *a,
		 const char *channel)
{
	return as_load_get(t, db, a->id, channel) <
	       as_capacity(a->profile, channel);
}

int as_pool_load(hd_txn *t, const assign_dbs *db, uint64_t group, as_pool *p)
{
	uint64_t *ids = NULL;
	size_t n = 0;
	memset(p, 0, sizeof *p);
	int rc = as_list_pairs(t, db->members, group, &ids, &n);
	if (!rc && n && !(p->a = calloc(n, sizeof *p->a)))
		rc = HD_E_NOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		if (!as_available(t, db, ids[i]) || !as_is_agent(t, db, ids[i]))
			continue;
		as_agent *a = &p->a[p->n++];
		a->id = ids[i];
		hd_txn_get_pb_id(t, db->profiles, ids[i],
				 &hd__agent_profile__descriptor,
				 (void **)&a->profile);
		MDB_val v;
		uint8_t key[8];
		hd_key_u64(key, ids[i]);
		if (hd_txn_get(t, db->idle, key, 8, &v) == HD_OK &&
		    v.mv_size == 8)
			a->last_assigned = (int64_t)hd_key_get_u64(v.mv_data);
	}
	free(ids);
	if (rc)
		as_pool_release(p);
	return rc;
}

void as_pool_release(as_pool *p)
{
	for (size_t i = 0; p && i < p->n; i++)
		hd__agent_profile__free_unpacked(p->a[i].profile, NULL);
	if (p)
		free(p->a);
	if (p)
		memset(p, 0, sizeof *p);
}

bool as_pool_has_room(hd_txn *t, const assign_dbs *db, const as_pool *p,
		      const char *channel)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (room(t, db, &p->a[i], channel))
			return true;
	return false;
}

static bool has_str(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static bool qualifies(const as_agent *a, const Hd__QueueEntry *e)
{
	const Hd__AgentProfile *p = a->profile;
	size_t nskills = p ? p->n_skills : 0;
	for (size_t i = 0; i < e->n_skills; i++)
		if (!nskills || !has_str(p->skills, p->n_skills, e->skills[i]))
			return false;
	return !e->language[0] ||
	       (p && has_str(p->languages, p->n_languages, e->language));
}

/* Is a a better least-loaded choice than b? */
static bool lighter(hd_txn *t, const assign_dbs *db, const as_agent *a,
		    const as_agent *b, const char *ch)
{
	uint64_t la = as_load_get(t, db, a->id, ch),
		 lb = as_load_get(t, db, b->id, ch);
	uint64_t ca = as_capacity(a->profile, ch),
		 cb = as_capacity(b->profile, ch);
	if (la * cb != lb * ca)
		return la * cb < lb * ca;
	if (a->last_assigned != b->last_assigned)
		return a->last_assigned < b->last_assigned;
	return a->id < b->id;
}

static uint64_t least_loaded(hd_txn *t, const assign_dbs *db, const as_pool *p,
			     const Hd__QueueEntry *e, bool need_skills)
{
	const as_agent *best = NULL;
	for (size_t i = 0; p && i < p->n; i++) {
		const as_agent *a = &p->a[i];
		if (!room(t, db, a, e->channel) ||
		    (need_skills && !qualifies(a, e)))
			continue;
		if (!best || lighter(t, db, a, best, e->channel))
			best = a;
	}
	return best ? best->id : 0;
}

static uint64_t round_robin(hd_txn *t, const assign_dbs *db, const as_pool *p,
			    uint64_t group, const char *channel)
{
	uint8_t key[8];
	MDB_val v;
	uint64_t last = 0;
	hd_key_u64(key, group);
	if (hd_txn_get(t, db->rr, key, 8, &v) == HD_OK && v.mv_size == 8)
		last = hd_key_get_u64(v.mv_data);
	/* The pool is ordered by id: start after the pointer, wrap once. */
	size_t start = 0;
	while (start < p->n && p->a[start].id <= last)
		start++;
	for (size_t k = 0; k < p->n; k++) {
		const as_agent *a = &p->a[(start + k) % p->n];
		if (!room(t, db, a, channel))
			continue;
		uint8_t val[8];
		hd_key_u64(val, a->id);
		hd_txn_put(t, db->rr, key, 8, val, 8);
		return a->id;
	}
	return 0;
}

uint64_t as_pick(hd_txn *t, const assign_dbs *db, const Hd__GroupRouting *g,
		 const as_pool *members, const as_pool *fallback,
		 const Hd__QueueEntry *e, int64_t now, char *via)
{
	uint64_t id = 0;
	snprintf(via, AS_VIA_MAX, "%s", g->strategy);
	if (!strcmp(g->strategy, "round_robin"))
		return round_robin(t, db, members, g->group_id, e->channel);
	if (!strcmp(g->strategy, "least_loaded"))
		return least_loaded(t, db, members, e, false);
	if (strcmp(g->strategy, "skills") != 0)
		return 0;
	id = least_loaded(t, db, members, e, true);
	int64_t wait_ms = g->skills_fallback_after_seconds * 1000;
	if (!id && g->skills_fallback_after_seconds > 0 &&
	    now - e->enqueued_at >= wait_ms) {
		snprintf(via, AS_VIA_MAX, "skills_fallback");
		id = least_loaded(t, db, fallback ? fallback : members, e,
				  false);
	}
	return id;
}
