/* Assignment's store. Key layout (integers big-endian):
 *   as_groups        u64 group                        → hd.GroupRouting
 *   as_profiles      u64 agent                        → hd.AgentProfile
 *   as_members       u64 group ‖ u64 agent            → ""
 *   as_agent_groups  u64 agent ‖ u64 group            → ""
 *   as_users         u64 user                         → hd.DirUser
 *   as_presence      u64 agent                        → hd.Presence
 *   as_presence_log  u64 agent ‖ i64 at ‖ u64 seq     → hd.PresenceChanged
 *   as_states        state name (UTF-8)               → hd.PresenceState
 *   as_tickets       u64 ticket                       → hd.AssignRecord
 *   as_queue         u64 group ‖ u8 255-priority rank ‖ i64 created_at ‖
 *                    u64 ticket                       → hd.QueueEntry
 *   as_waiting       u64 ticket                       → its as_queue key
 *   as_qchan         u64 group ‖ channel              → u64 queued tickets
 *   as_load          u64 agent ‖ channel              → u64 open tickets
 *   as_rr            u64 group                        → u64 last agent picked
 *   as_idle          u64 agent                        → i64 last assignment
 * The queue's key order is the assignment order: most urgent first (urgent,
 * high, normal, low, none), then oldest created_at, then lowest id. */
#include "assign.h"

#include "hd/err.h"
#include "hd/prom.h"

#include <stdlib.h>
#include <string.h>

const char *const routing_assign_dbs[] = {
	"as_groups",  "as_profiles", "as_members",      "as_agent_groups",
	"as_users",   "as_presence", "as_presence_log", "as_states",
	"as_tickets", "as_queue",    "as_waiting",      "as_qchan",
	"as_load",    "as_rr",       "as_idle",         NULL};

/* The seeded working states (Korean contact-centre practice): only
 * 상담준비 ("ready") receives work besides online. */
static const Hd__PresenceState seeds[] = {
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "online", 1,
	 1},
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "away", 0,
	 1},
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "offline", 0,
	 1},
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "상담준비",
	 1, 0},
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "통화중", 0,
	 0},
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "후처리", 0,
	 0},
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "회의", 0,
	 0},
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "자리비움",
	 0, 0},
	{PROTOBUF_C_MESSAGE_INIT(&hd__presence_state__descriptor), "교육", 0,
	 0},
};

static size_t load_key(uint8_t key[8 + AS_MAX_CHANNEL], uint64_t agent,
		       const char *channel)
{
	size_t n = strnlen(channel, AS_MAX_CHANNEL);
	hd_key_u64(key, agent);
	memcpy(key + 8, channel, n);
	return 8 + n;
}

uint64_t as_load_get(hd_txn *t, const assign_dbs *db, uint64_t agent,
		     const char *channel)
{
	uint8_t key[8 + AS_MAX_CHANNEL];
	MDB_val v;
	size_t klen = load_key(key, agent, channel);
	if (hd_txn_get(t, db->load, key, klen, &v) || v.mv_size != 8)
		return 0;
	return hd_key_get_u64(v.mv_data);
}

int as_load_add(hd_txn *t, const assign_dbs *db, uint64_t agent,
		const char *channel, int delta)
{
	uint8_t key[8 + AS_MAX_CHANNEL], val[8];
	size_t klen = load_key(key, agent, channel);
	uint64_t n = as_load_get(t, db, agent, channel);
	/* Never below zero: a correction for a ticket counted before this
	 * bookkeeping existed must not wrap. */
	n = delta < 0 && n < (uint64_t)-delta ? 0 : n + (uint64_t)delta;
	if (n == 0)
		return hd_txn_del(t, db->load, key, klen) == HD_E_NOTFOUND
			       ? HD_OK
			       : t->rc;
	hd_key_u64(val, n);
	return hd_txn_put(t, db->load, key, klen, val, 8);
}

uint32_t as_capacity(const Hd__AgentProfile *p, const char *channel)
{
	uint32_t def = AS_DEFAULT_CAPACITY;
	for (size_t i = 0; p && i < p->n_capacity; i++) {
		if (!strcmp(p->capacity[i]->channel, channel))
			return p->capacity[i]->max;
		if (!strcmp(p->capacity[i]->channel, "default"))
			def = p->capacity[i]->max;
	}
	return def;
}

bool as_member_of(hd_txn *t, const assign_dbs *db, uint64_t agent,
		  uint64_t group)
{
	uint8_t key[16];
	MDB_val v;
	hd_key_u64(key, agent);
	hd_key_u64(key + 8, group);
	return agent && group &&
	       hd_txn_get(t, db->agent_groups, key, 16, &v) == HD_OK;
}

bool as_is_agent(hd_txn *t, const assign_dbs *db, uint64_t id)
{
	Hd__DirUser *u = NULL;
	hd_txn_get_pb_id(t, db->users, id, &hd__dir_user__descriptor,
			 (void **)&u);
	bool ok = u && u->active && hd_role_is_agent_str(u->role);
	hd__dir_user__free_unpacked(u, NULL);
	return ok;
}

bool as_available(hd_txn *t, const assign_dbs *db, uint64_t agent)
{
	Hd__Presence *p = NULL;
	hd_txn_get_pb_id(t, db->presence, agent, &hd__presence__descriptor,
			 (void **)&p);
	bool ok = p && p->available;
	hd__presence__free_unpacked(p, NULL);
	return ok;
}

typedef struct pairs {
	uint64_t *ids;
	size_t n, cap;
} pairs;

static int pair_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	pairs *p = arg;
	if (k->mv_size != 16)
		return HD_STOP;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		uint64_t *grown = realloc(p->ids, cap * sizeof *grown);
		if (!grown)
			return HD_E_NOMEM;
		p->ids = grown;
		p->cap = cap;
	}
	p->ids[p->n++] = hd_key_get_u64((const uint8_t *)k->mv_data + 8);
	return HD_OK;
}

int as_list_pairs(hd_txn *t, MDB_dbi dbi, uint64_t id, uint64_t **ids,
		  size_t *n)
{
	uint8_t prefix[8];
	hd_key_u64(prefix, id);
	pairs p = {0};
	int rc = hd_txn_foreach(t, dbi, prefix, 8, pair_one, &p);
	*ids = p.ids;
	*n = p.n;
	return rc;
}

int as_group_routing(hd_txn *t, const assign_dbs *db, uint64_t group,
		     Hd__GroupRouting **out)
{
	int rc = hd_txn_get_pb_id(t, db->groups, group,
				  &hd__group_routing__descriptor, (void **)out);
	if (rc != HD_E_NOTFOUND)
		return rc;
	*out = malloc(sizeof **out);
	if (!*out)
		return HD_E_NOMEM;
	hd__group_routing__init(*out);
	(*out)->group_id = group;
	(*out)->strategy = strdup("manual");
	(*out)->fallback = strdup("any_member");
	if (!(*out)->strategy || !(*out)->fallback) {
		hd__group_routing__free_unpacked(*out, NULL);
		*out = NULL;
		return HD_E_NOMEM;
	}
	return HD_OK;
}

bool as_automatic(const Hd__GroupRouting *g)
{
	return g && strcmp(g->strategy, "manual") != 0 && g->strategy[0];
}

static int seed_job(hd_txn *t, void *arg)
{
	const assign_dbs *db = arg;
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		MDB_val v;
		const char *name = seeds[i].name;
		if (hd_txn_get(t, db->states, name, strlen(name), &v) == HD_OK)
			continue; /* an admin may have changed a custom one */
		hd_txn_put_pb(t, db->states, name, strlen(name), &seeds[i]);
	}
	return t->rc;
}

static void collect(void *ctx, hd_buf *out)
{
	const routing *r = ctx;
	uint64_t n = 0;
	if (hd_store_count(r->store, r->as.queue, &n))
		return;
	hd_prom_family(out, "hd_routing_assignment_queue", "gauge",
		       "Tickets in groups with automatic assignment waiting "
		       "for an available agent.");
	hd_buf_printf(out, "hd_routing_assignment_queue %llu\n",
		      (unsigned long long)n);
}

int routing_assign_init(routing *r)
{
	MDB_dbi *slots[] = {
		&r->as.groups,       &r->as.profiles, &r->as.members,
		&r->as.agent_groups, &r->as.users,    &r->as.presence,
		&r->as.presence_log, &r->as.states,   &r->as.tickets,
		&r->as.queue,        &r->as.waiting,  &r->as.qchan,
		&r->as.load,         &r->as.rr,       &r->as.idle};
	int rc = HD_OK;
	for (size_t i = 0; routing_assign_dbs[i] && !rc; i++)
		rc = hd_store_dbi(r->store, routing_assign_dbs[i], slots[i]);
	if (!rc)
		rc = hd_store_write(r->store, seed_job, &r->as);
	return rc ? rc : hd_prom_add_collector(collect, r);
}
