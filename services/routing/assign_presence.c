/* presence.* RPCs: an agent's working state, its history, and the states
 * an account has. Every change is stored with its business time in
 * as_presence_log and published as presence.changed (hd.PresenceChanged) in
 * the same commit; a change to an available state drains the agent's
 * groups' queues at once. */
#include "assign.h"
#include "assign_auth.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"
#include "hd/store_iter.h"

#include <stdlib.h>
#include <string.h>

#define MAX_STATE_BYTES 64
#define MAX_HISTORY     10000

typedef struct set_job {
	routing *r;
	Hd__PresenceChanged *change; /* agent_id, state in; the rest out */
	const char *trace;
	hd_rpc_rep *rep;
} set_job;

static int set_job_run(hd_txn *t, void *arg)
{
	set_job *j = arg;
	const assign_dbs *db = &j->r->as;
	Hd__PresenceChanged *c = j->change;
	Hd__PresenceState *st = NULL;
	Hd__Presence *cur = NULL, np = HD__PRESENCE__INIT;
	if (!as_is_agent(t, db, c->agent_id))
		return hd_rpc_fail(j->rep, HD_E_NOTFOUND, "id", "no agent %llu",
				   (unsigned long long)c->agent_id);
	if (hd_txn_get_pb(t, db->states, c->state, strlen(c->state),
			  &hd__presence_state__descriptor, (void **)&st))
		return hd_rpc_fail(j->rep, HD_E_INVALID, "state",
				   "unknown presence state");
	hd_txn_get_pb_id(t, db->presence, c->agent_id,
			 &hd__presence__descriptor, (void **)&cur);
	int64_t now = hd_now_ms();
	c->previous_state = strdup(cur ? cur->state : "offline");
	c->available = st->available;
	c->at = now;
	bool same = cur && !strcmp(cur->state, c->state);
	np.agent_id = c->agent_id;
	np.state = c->state;
	np.available = st->available;
	np.since = same ? cur->since : now;
	if (!same) {
		uint8_t key[24];
		uint64_t seq = 0;
		routing_next_id(t, j->r, "next_presence", &seq);
		hd_key_u64(key, c->agent_id);
		hd_key_u64(key + 8, (uint64_t)now);
		hd_key_u64(key + 16, seq);
		hd_txn_put_pb_id(t, db->presence, c->agent_id, &np);
		hd_txn_put_pb(t, db->presence_log, key, sizeof key, c);
		hd_txn_emit_pb(t, "presence.changed", c, j->trace);
		if (st->available)
			as_drain_agent(j->r, t, c->agent_id, now);
	}
	hd__presence_state__free_unpacked(st, NULL);
	hd__presence__free_unpacked(cur, NULL);
	return t->rc;
}

static int presence_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__Presence *p = hd__presence__unpack(NULL, req->len, req->payload);
	int rc = p && p->agent_id
			 ? as_need_self_or_admin(&req->principal, p->agent_id,
						 rep)
			 : hd_rpc_fail(rep, HD_E_DECODE, NULL,
				       "payload is not an hd.Presence");
	size_t n = rc ? 0 : strlen(p->state);
	if (!rc && (!n || n > MAX_STATE_BYTES)) /* LMDB keys: never empty */
		rc = hd_rpc_fail(rep, HD_E_INVALID, "state",
				 "unknown presence state");
	Hd__PresenceChanged c = HD__PRESENCE_CHANGED__INIT;
	if (!rc) {
		c.agent_id = p->agent_id;
		c.state = p->state;
		c.changed_by = req->principal.user_id;
		set_job j = {ctx, &c, req->trace_id, rep};
		rc = hd_store_write(((routing *)ctx)->store, set_job_run, &j);
	}
	if (!rc) {
		Hd__Presence out = HD__PRESENCE__INIT;
		out.agent_id = c.agent_id;
		out.state = c.state;
		out.available = c.available;
		out.since = c.at;
		rc = hd_pb_pack(&rep->payload, &out);
	}
	if (c.previous_state != protobuf_c_empty_string)
		free(c.previous_state);
	hd__presence__free_unpacked(p, NULL);
	return rc;
}

static int presence_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	const assign_dbs *db = &((routing *)ctx)->as;
	Hd__AssignId *id = hd__assign_id__unpack(NULL, req->len, req->payload);
	int rc = id && id->id ? as_need_staff(&req->principal, rep)
			      : hd_rpc_fail(rep, HD_E_DECODE, NULL, "no id");
	hd_txn t;
	Hd__Presence *p = NULL, off = HD__PRESENCE__INIT;
	if (!rc && !(rc = hd_store_read(((routing *)ctx)->store, &t))) {
		if (!as_is_agent(&t, db, id->id))
			rc = hd_rpc_fail(rep, HD_E_NOTFOUND, "id",
					 "no agent %llu",
					 (unsigned long long)id->id);
		hd_txn_get_pb_id(&t, db->presence, id->id,
				 &hd__presence__descriptor, (void **)&p);
		hd_txn_end(&t);
	}
	off.agent_id = id ? id->id : 0;
	off.state = "offline";
	if (!rc)
		rc = hd_pb_pack(&rep->payload, p ? p : &off);
	hd__presence__free_unpacked(p, NULL);
	hd__assign_id__free_unpacked(id, NULL);
	return rc;
}

static int history_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	Hd__PresenceHistory *h = arg;
	if (k->mv_size != 24 || h->n_changes >= MAX_HISTORY)
		return HD_STOP;
	Hd__PresenceChanged *c =
		hd__presence_changed__unpack(NULL, v->mv_size, v->mv_data);
	if (c)
		h->changes[h->n_changes++] = c;
	return HD_OK;
}

static int history(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__PresenceHistoryRequest *q = hd__presence_history_request__unpack(
		NULL, req->len, req->payload);
	int rc = q && q->agent_id
			 ? as_need_self_or_admin(&req->principal, q->agent_id,
						 rep)
			 : hd_rpc_fail(rep, HD_E_DECODE, NULL, "no id");
	hd_txn t;
	Hd__PresenceHistory h = HD__PRESENCE_HISTORY__INIT;
	Hd__PresenceChanged **items = NULL;
	if (!rc && !(rc = hd_store_read(((routing *)ctx)->store, &t))) {
		uint8_t from[16];
		hd_key_u64(from, q->agent_id);
		hd_key_u64(from + 8, (uint64_t)(q->since > 0 ? q->since : 0));
		items = calloc(MAX_HISTORY, sizeof *items);
		h.changes = items;
		if (items)
			rc = hd_txn_foreach_from(
				&t, ((routing *)ctx)->as.presence_log, from, 8,
				from, 16, false, history_one, &h);
		hd_txn_end(&t);
		h.changes = items;
		if (!rc)
			rc = items ? hd_pb_pack(&rep->payload, &h) : HD_E_NOMEM;
	}
	for (size_t i = 0; i < h.n_changes; i++)
		hd__presence_changed__free_unpacked(items[i], NULL);
	free(items);
	hd__presence_history_request__free_unpacked(q, NULL);
	return rc;
}

static int states_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	int rc = as_need_staff(&req->principal, rep);
	hd_txn t;
	void **items = NULL;
	size_t n = 0;
	if (!rc && !(rc = hd_store_read(((routing *)ctx)->store, &t))) {
		rc = hd_txn_scan_pb(&t, ((routing *)ctx)->as.states, NULL, 0,
				    &hd__presence_state__descriptor, NULL, NULL,
				    &items, &n);
		hd_txn_end(&t);
	}
	Hd__PresenceStateList l = HD__PRESENCE_STATE_LIST__INIT;
	l.states = (Hd__PresenceState **)items;
	l.n_states = n;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	for (size_t i = 0; i < n; i++)
		hd__presence_state__free_unpacked(items[i], NULL);
	free(items);
	return rc;
}

typedef struct state_job {
	const assign_dbs *db;
	Hd__PresenceState *s;
} state_job;

static int state_put_job(hd_txn *t, void *arg)
{
	const assign_dbs *db = ((state_job *)arg)->db;
	Hd__PresenceState *s = ((state_job *)arg)->s;
	Hd__PresenceState *old = NULL;
	hd_txn_get_pb(t, db->states, s->name, strlen(s->name),
		      &hd__presence_state__descriptor, (void **)&old);
	bool builtin = old && old->builtin;
	hd__presence_state__free_unpacked(old, NULL);
	if (builtin)
		return HD_E_CONFLICT;
	s->builtin = false;
	return hd_txn_put_pb(t, db->states, s->name, strlen(s->name), s);
}

static int state_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	int rc = as_need_admin(&req->principal, rep);
	if (rc)
		return rc;
	Hd__PresenceState *s =
		hd__presence_state__unpack(NULL, req->len, req->payload);
	size_t n = s ? strlen(s->name) : 0;
	if (!s)
		rc = hd_rpc_fail(rep, HD_E_DECODE, NULL, "not a state");
	else if (!n || n > MAX_STATE_BYTES || !hd_utf8_valid(s->name, n) ||
		 strpbrk(s->name, "\t\r\n/?#"))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "name",
				 "name is 1 to %d bytes of UTF-8 text",
				 MAX_STATE_BYTES);
	state_job j = {&((routing *)ctx)->as, s};
	if (!rc)
		rc = hd_store_write(((routing *)ctx)->store, state_put_job, &j);
	if (rc == HD_E_CONFLICT)
		hd_rpc_fail(rep, HD_E_INVALID, "name",
			    "online, away and offline cannot be changed");
	if (rc == HD_E_CONFLICT)
		rc = HD_E_INVALID;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, s);
	hd__presence_state__free_unpacked(s, NULL);
	return rc;
}

const hd_rpc_route routing_presence_routes[] = {
	{"presence.get", presence_get},    {"presence.put", presence_put},
	{"presence.history", history},     {"presence.states", states_list},
	{"presence.state_put", state_put}, {NULL, NULL},
};
