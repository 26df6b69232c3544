/* Agents' presence for the reports: presence.changed (routing) closes the
 * agent's previous state's interval and adds its seconds to MR_PRESENCE
 * day rollups (split at local midnights), remembers the new state and
 * keeps the per-state agent counts the wallboard shows. Instants are
 * truncated to whole seconds before subtracting, so request latency within
 * a second never shifts a count. The open interval is added at read time,
 * clipped to the report's end or now. Names db kinds: 3 state hash →
 * name, 4 agent → since u64 | state, 5 state hash → agents u64. */
#include "mr.h"

#include "hd/err.h"
#include "routing.pb-c.h"

#include <stdlib.h>
#include <string.h>

enum { NAME_STATE = 3, AGENT_NOW = 4, STATE_COUNT = 5 };

static void name_key(uint8_t k[9], int kind, uint64_t id)
{
	k[0] = (uint8_t)kind;
	hd_key_u64(k + 1, id);
}

/* Add the whole seconds of [from, to) (ms) under agent/state by day. */
static void add_span(metrics *m, hd_txn *t, uint64_t agent, uint64_t state,
		     int64_t from, int64_t to)
{
	mr_dims d = {.agent = agent};
	from = from / 1000 * 1000;
	to = to / 1000 * 1000;
	while (from < to && !t->rc) {
		int64_t next = mr_next_day(mr_bucket(from, MR_G_DAY));
		int64_t end = next < to ? next : to;
		mr_roll_add(m, t, MR_PRESENCE, 1u << MR_G_DAY, &d, from, agent,
			    state, 0, (end - from) / 1000);
		from = end;
	}
}

static uint64_t state_count(metrics *m, hd_txn *t, uint64_t state, int delta)
{
	uint8_t k[9], v[8];
	MDB_val cur;
	uint64_t n = 0;
	name_key(k, STATE_COUNT, state);
	if (hd_txn_get(t, m->mr->names, k, 9, &cur) == HD_OK &&
	    cur.mv_size == 8)
		n = hd_key_get_u64(cur.mv_data);
	n = delta < 0 && n == 0 ? 0 : n + (uint64_t)(int64_t)delta;
	hd_key_u64(v, n);
	hd_txn_put(t, m->mr->names, k, 9, v, 8);
	return n;
}

int mr_on_presence(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__PresenceChanged *p = hd__presence_changed__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!p)
		return HD_E_DECODE;
	uint8_t k[9];
	MDB_val cur;
	size_t n = strlen(p->state);
	uint64_t state = mr_hash(p->state, n);
	name_key(k, AGENT_NOW, p->agent_id);
	if (hd_txn_get(t, m->mr->names, k, 9, &cur) == HD_OK &&
	    cur.mv_size > 8) {
		int64_t since = (int64_t)hd_key_get_u64(cur.mv_data);
		const char *old = (const char *)cur.mv_data + 8;
		size_t on = cur.mv_size - 8;
		uint64_t prev = mr_hash(old, on);
		char *oldname = strndup(old, on);
		add_span(m, t, p->agent_id, prev, since, p->at);
		if (oldname)
			mr_live_presence(m, oldname,
					 state_count(m, t, prev, -1));
		free(oldname);
	}
	uint8_t *v = malloc(8 + n), nk[9];
	if (!v) {
		hd__presence_changed__free_unpacked(p, NULL);
		return hd_txn_fail(t, HD_E_NOMEM);
	}
	hd_key_u64(v, (uint64_t)p->at);
	memcpy(v + 8, p->state, n);
	hd_txn_put(t, m->mr->names, k, 9, v, 8 + n);
	free(v);
	name_key(nk, NAME_STATE, state);
	hd_txn_put(t, m->mr->names, nk, 9, p->state, n);
	mr_live_presence(m, p->state, state_count(m, t, state, 1));
	hd__presence_changed__free_unpacked(p, NULL);
	return t->rc;
}

typedef struct secs {
	uint64_t state[MR_MAX_STATES];
	int64_t ms[MR_MAX_STATES];
	size_t n;
} secs;

static void secs_add(secs *s, uint64_t state, int64_t ms)
{
	size_t i;
	for (i = 0; i < s->n && s->state[i] != state; i++)
		;
	if (i == s->n) {
		if (s->n == MR_MAX_STATES)
			return;
		s->state[s->n++] = state;
	}
	s->ms[i] += ms;
}

static void roll_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	secs_add(arg, b, v * 1000);
}

int mr_presence_times(metrics *m, hd_txn *t, const mr_filter *f, uint64_t agent,
		      Hd__AgentRow *row)
{
	secs s = {.n = 0};
	mr_filter one = *f;
	uint8_t k[9];
	MDB_val cur;
	one.dim = MR_D_AGENT;
	one.dval = agent;
	mr_roll_scan(m, t, MR_PRESENCE, MR_G_DAY, &one,
		     mr_bucket(f->start, MR_G_DAY), f->end, roll_add, &s);
	name_key(k, AGENT_NOW, agent);
	if (hd_txn_get(t, m->mr->names, k, 9, &cur) == HD_OK &&
	    cur.mv_size > 8) {
		int64_t since = (int64_t)hd_key_get_u64(cur.mv_data) / 1000 *
				1000,
			now = hd_now_ms() / 1000 * 1000;
		int64_t from = since > f->start ? since : f->start;
		int64_t to = now < f->end ? now : f->end;
		if (to > from)
			secs_add(&s,
				 mr_hash((const char *)cur.mv_data + 8,
					 cur.mv_size - 8),
				 to - from);
	}
	for (size_t i = 0; i < s.n; i++) {
		name_key(k, NAME_STATE, s.state[i]);
		if (s.ms[i] <= 0 ||
		    hd_txn_get(t, m->mr->names, k, 9, &cur) != HD_OK)
			continue;
		Hd__StateSeconds *x =
			mr_push(&row->time_in_states, &row->n_time_in_states,
				sizeof *x);
		if (x)
			hd__state_seconds__init(x);
		if (!x || !(x->state = strndup(cur.mv_data, cur.mv_size)))
			return HD_E_NOMEM;
		x->seconds = s.ms[i] / 1000;
	}
	return HD_OK;
}

typedef struct agent_cb {
	void (*fn)(void *arg, uint64_t agent);
	void *arg;
} agent_cb;

static void roll_agent(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		       uint64_t c, int64_t v)
{
	const agent_cb *cb = arg;
	cb->fn(cb->arg, a);
}

typedef struct agent_now {
	int64_t end;
	void (*fn)(void *arg, uint64_t agent);
	void *arg;
} agent_now;

static int agent_now_one(void *arg, const MDB_val *key, const MDB_val *val)
{
	agent_now *a = arg;
	if (key->mv_size != 9)
		return HD_STOP;
	if (val->mv_size > 8 && (int64_t)hd_key_get_u64(val->mv_data) < a->end)
		a->fn(a->arg,
		      hd_key_get_u64((const uint8_t *)key->mv_data + 1));
	return HD_OK;
}

int mr_presence_agents(metrics *m, hd_txn *t, const mr_filter *f,
		       void (*fn)(void *arg, uint64_t agent), void *arg)
{
	agent_cb cb = {fn, arg};
	int rc = mr_roll_scan(m, t, MR_PRESENCE, MR_G_DAY, f,
			      mr_bucket(f->start, MR_G_DAY), f->end, roll_agent,
			      &cb);
	if (rc || f->nfilters)
		return rc; /* the current state is known by agent only */
	uint8_t k[1] = {AGENT_NOW};
	agent_now a = {f->end, fn, arg};
	return hd_txn_foreach(t, m->mr->names, k, 1, agent_now_one, &a);
}

typedef struct state_load {
	metrics *m;
	hd_txn *t;
} state_load;

static int state_one(void *arg, const MDB_val *key, const MDB_val *val)
{
	state_load *l = arg;
	const uint8_t *kp = key->mv_data;
	uint8_t nk[9];
	MDB_val name;
	if (key->mv_size != 9)
		return HD_STOP;
	name_key(nk, NAME_STATE, hd_key_get_u64(kp + 1));
	if (val->mv_size != 8 ||
	    hd_txn_get(l->t, l->m->mr->names, nk, 9, &name) != HD_OK)
		return HD_OK;
	char *s = strndup(name.mv_data, name.mv_size);
	if (s)
		mr_live_presence(l->m, s, hd_key_get_u64(val->mv_data));
	free(s);
	return HD_OK;
}

int mr_presence_load(metrics *m, hd_txn *t)
{
	uint8_t k[1] = {STATE_COUNT};
	state_load l = {m, t};
	return hd_txn_foreach(t, m->mr->names, k, 1, state_one, &l);
}
