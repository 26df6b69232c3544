/* The durable assignment queue and the decisions taken from it. A ticket
 * waits in as_queue while its group assigns automatically and it has no
 * assignee; a drain walks the group's queue in key order (most urgent, then
 * oldest: see assign_store.c) and hands each ticket to the agent the
 * strategy picks, stopping as soon as no available agent has room for any
 * channel still queued. An assignment removes the ticket from the queue,
 * counts it in the agent's load and enqueues the command to intake, all in
 * the caller's transaction. */
#include "assign.h"
#include "commands.h"
#include "hd/store_iter.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QKEY       25 /* u64 group ‖ u8 rank ‖ i64 created ‖ u64 ticket */
#define MAX_QCHANS 32

static void queue_key(uint8_t key[QKEY], uint64_t group, const Hd__Ticket *tk)
{
	int rank = routing_priority_rank(tk->priority);
	hd_key_u64(key, group);
	key[8] = (uint8_t)(255 - (rank > 0 ? rank : 0));
	hd_key_u64(key + 9, (uint64_t)tk->created_at);
	hd_key_u64(key + 17, tk->id);
}

static size_t qchan_key(uint8_t key[8 + AS_MAX_CHANNEL], uint64_t group,
			const char *channel)
{
	size_t n = strnlen(channel, AS_MAX_CHANNEL);
	hd_key_u64(key, group);
	memcpy(key + 8, channel, n);
	return 8 + n;
}

static int qchan_add(hd_txn *t, const assign_dbs *db, uint64_t group,
		     const char *channel, int d)
{
	uint8_t key[8 + AS_MAX_CHANNEL], val[8];
	size_t klen = qchan_key(key, group, channel);
	MDB_val v;
	uint64_t n = 0;
	if (hd_txn_get(t, db->qchan, key, klen, &v) == HD_OK && v.mv_size == 8)
		n = hd_key_get_u64(v.mv_data);
	n = d < 0 && n == 0 ? 0 : n + (uint64_t)(int64_t)d;
	if (n == 0) {
		int rc = hd_txn_del(t, db->qchan, key, klen);
		return rc == HD_E_NOTFOUND ? HD_OK : rc;
	}
	hd_key_u64(val, n);
	return hd_txn_put(t, db->qchan, key, klen, val, 8);
}

/* Take ticket id out of the queue, if it is there; *entry (optional)
 * receives its entry. */
static int dequeue(hd_txn *t, const assign_dbs *db, uint64_t id,
		   Hd__QueueEntry **entry)
{
	uint8_t idk[8], qk[QKEY];
	MDB_val v;
	Hd__QueueEntry *e = NULL;
	hd_key_u64(idk, id);
	if (entry)
		*entry = NULL;
	if (hd_txn_get(t, db->waiting, idk, 8, &v) || v.mv_size != QKEY)
		return HD_OK;
	memcpy(qk, v.mv_data, QKEY);
	hd_txn_get_pb(t, db->queue, qk, QKEY, &hd__queue_entry__descriptor,
		      (void **)&e);
	if (e)
		qchan_add(t, db, hd_key_get_u64(qk), e->channel, -1);
	hd_txn_del(t, db->queue, qk, QKEY);
	hd_txn_del(t, db->waiting, idk, 8);
	if (entry)
		*entry = e;
	else
		hd__queue_entry__free_unpacked(e, NULL);
	return t->rc;
}

/* The language a requester's locale asks for: "ko-KR" → "ko". */
static void requester_language(hd_txn *t, const assign_dbs *db, uint64_t user,
			       char out[16])
{
	Hd__DirUser *u = NULL;
	out[0] = '\0';
	hd_txn_get_pb_id(t, db->users, user, &hd__dir_user__descriptor,
			 (void **)&u);
	if (u) {
		size_t n = strcspn(u->locale, "-_");
		snprintf(out, 16, "%.*s", (int)(n < 15 ? n : 15), u->locale);
	}
	hd__dir_user__free_unpacked(u, NULL);
}

/* Required skills: tags "skill_<name>", and the value of the group's skill
 * field (text: one skill; multiselect: each option). Borrowed from tk. */
static size_t required_skills(const Hd__Ticket *tk, const Hd__GroupRouting *g,
			      char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < tk->n_tags && n < max; i++)
		if (!strncmp(tk->tags[i], "skill_", 6) && tk->tags[i][6])
			out[n++] = tk->tags[i] + 6;
	for (size_t i = 0; g->skill_field_id && i < tk->n_custom_fields; i++) {
		const Hd__CustomFieldValue *f = tk->custom_fields[i];
		if (f->id != g->skill_field_id || !f->has_value)
			continue;
		if (f->text[0] && n < max)
			out[n++] = f->text;
		for (size_t k = 0; k < f->n_tags && n < max; k++)
			out[n++] = f->tags[k];
	}
	return n;
}

static int enqueue(hd_txn *t, const assign_dbs *db, const Hd__GroupRouting *g,
		   const Hd__Ticket *tk, int64_t enqueued_at)
{
	char *skills[64], lang[16];
	uint8_t qk[QKEY], idk[8];
	Hd__QueueEntry e = HD__QUEUE_ENTRY__INIT;
	e.ticket_id = tk->id;
	e.channel = tk->via_channel[0] ? tk->via_channel : "web";
	e.enqueued_at = enqueued_at;
	if (!strcmp(g->strategy, "skills")) {
		e.skills = skills;
		e.n_skills = required_skills(tk, g, skills, 64);
		requester_language(t, db, tk->requester_id, lang);
		e.language = lang;
	}
	queue_key(qk, g->group_id, tk);
	hd_key_u64(idk, tk->id);
	hd_txn_put_pb(t, db->queue, qk, QKEY, &e);
	hd_txn_put(t, db->waiting, idk, 8, qk, QKEY);
	return qchan_add(t, db, g->group_id, e.channel, 1);
}

static int assign(routing *r, hd_txn *t, const Hd__QueueEntry *e,
		  uint64_t agent, const char *via, int64_t now)
{
	const assign_dbs *db = &r->as;
	uint8_t key[8], val[8];
	Hd__AssignRecord rec = HD__ASSIGN_RECORD__INIT;
	rec.agent_id = agent;
	rec.channel = e->channel;
	rec.counted = true;
	rec.pending = true;
	dequeue(t, db, e->ticket_id, NULL);
	hd_txn_put_pb_id(t, db->tickets, e->ticket_id, &rec);
	as_load_add(t, db, agent, e->channel, 1);
	hd_key_u64(key, agent);
	hd_key_u64(val, (uint64_t)now);
	hd_txn_put(t, db->idle, key, 8, val, 8);
	/* via {channel rule, source {rel assignment, from {title}, to {}}} */
	Hd__TicketPatch p = HD__TICKET_PATCH__INIT;
	Hd__ViaParty from = HD__VIA_PARTY__INIT, to = HD__VIA_PARTY__INIT;
	Hd__Via v = HD__VIA__INIT;
	char *fields[] = {"assignee_id"}, *src[] = {"rel", "from", "to"},
	     *party[] = {"title"};
	p.fields = fields;
	p.n_fields = 1;
	p.assignee_id = agent;
	from.fields = party;
	from.n_fields = 1;
	from.title = (char *)via;
	v.channel = HD__VIA_CHANNEL__VIA_RULE;
	v.has_source = true;
	v.rel = "assignment";
	v.from = &from;
	v.to = &to;
	v.fields = src;
	v.n_fields = 3;
	return routing_cmd_enqueue_patch(t, r, e->ticket_id, &p, &v);
}

typedef struct chans {
	char (*out)[AS_MAX_CHANNEL + 1];
	size_t n, max;
} chans;

static int chan_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	chans *c = arg;
	if (c->n == c->max)
		return HD_STOP;
	snprintf(c->out[c->n++], AS_MAX_CHANNEL + 1, "%.*s",
		 (int)(k->mv_size - 8), (const char *)k->mv_data + 8);
	return HD_OK;
}

/* The channels the group has tickets queued on. */
static size_t queued_channels(hd_txn *t, const assign_dbs *db, uint64_t group,
			      char out[][AS_MAX_CHANNEL + 1], size_t max)
{
	uint8_t prefix[8];
	hd_key_u64(prefix, group);
	chans c = {out, 0, max};
	hd_txn_foreach(t, db->qchan, prefix, 8, chan_one, &c);
	return c.n;
}

static bool any_room(hd_txn *t, const assign_dbs *db, uint64_t group,
		     const as_pool *a, const as_pool *b)
{
	char ch[MAX_QCHANS][AS_MAX_CHANNEL + 1];
	size_t n = queued_channels(t, db, group, ch, MAX_QCHANS);
	for (size_t i = 0; i < n; i++)
		if (as_pool_has_room(t, db, a, ch[i]) ||
		    as_pool_has_room(t, db, b, ch[i]))
			return true;
	return false;
}

typedef struct drain {
	routing *r;
	hd_txn *t;
	const Hd__GroupRouting *g;
	as_pool members, fallback;
	bool has_fallback;
	int64_t now;
} drain;

/* Walk the queue; the cursor is reopened after each assignment because
 * assigning deletes from the queue under it. */
static int walk(drain *d)
{
	const assign_dbs *db = &d->r->as;
	uint8_t pos[QKEY];
	size_t poslen = 8;
	hd_key_u64(pos, d->g->group_id);
	bool reseek = true;
	MDB_cursor *cur = NULL;
	while (d->t->rc == HD_OK) {
		MDB_val k = {poslen, pos}, v;
		if (!cur && mdb_cursor_open(d->t->txn, db->queue, &cur))
			return hd_txn_fail(d->t, HD_E_IO);
		/* raw cursor: assigning deletes other keys under it; reseeks */
		if (mdb_cursor_get(cur, &k, &v,
				   reseek ? MDB_SET_RANGE : MDB_NEXT) ||
		    k.mv_size != QKEY || memcmp(k.mv_data, pos, 8))
			break;
		reseek = false;
		Hd__QueueEntry *e =
			hd__queue_entry__unpack(NULL, v.mv_size, v.mv_data);
		if (!e)
			continue;
		char via[AS_VIA_MAX];
		uint64_t agent = as_pick(d->t, db, d->g, &d->members,
					 d->has_fallback ? &d->fallback : NULL,
					 e, d->now, via);
		if (agent) {
			memcpy(pos, k.mv_data, QKEY);
			poslen = QKEY;
			mdb_cursor_close(cur);
			cur = NULL;
			reseek = true;
			assign(d->r, d->t, e, agent, via, d->now);
		}
		hd__queue_entry__free_unpacked(e, NULL);
		if (agent && !any_room(d->t, db, d->g->group_id, &d->members,
				       &d->fallback))
			break;
	}
	if (cur)
		mdb_cursor_close(cur);
	return d->t->rc;
}

int as_drain_group(routing *r, hd_txn *t, uint64_t group, int64_t now)
{
	const assign_dbs *db = &r->as;
	Hd__GroupRouting *g = NULL;
	int rc = as_group_routing(t, db, group, &g);
	if (rc || !as_automatic(g)) {
		hd__group_routing__free_unpacked(g, NULL);
		return rc == HD_E_CORRUPT ? HD_OK : rc;
	}
	drain d = {.r = r, .t = t, .g = g, .now = now};
	unsigned long long fb = 0;
	rc = as_pool_load(t, db, group, &d.members);
	if (!rc && !strcmp(g->strategy, "skills") &&
	    sscanf(g->fallback, "group_id:%llu", &fb) == 1 && fb) {
		d.has_fallback = true;
		rc = as_pool_load(t, db, fb, &d.fallback);
	}
	if (!rc && any_room(t, db, group, &d.members, &d.fallback))
		rc = walk(&d);
	as_pool_release(&d.members);
	as_pool_release(&d.fallback);
	hd__group_routing__free_unpacked(g, NULL);
	return rc;
}

int as_drain_agent(routing *r, hd_txn *t, uint64_t agent, int64_t now)
{
	uint64_t *groups = NULL;
	size_t n = 0;
	int rc = as_list_pairs(t, r->as.agent_groups, agent, &groups, &n);
	for (size_t i = 0; !rc && i < n; i++)
		rc = as_drain_group(r, t, groups[i], now);
	free(groups);
	return rc;
}

uint64_t as_queued(hd_txn *t, const assign_dbs *db, uint64_t group)
{
	char ch[MAX_QCHANS][AS_MAX_CHANNEL + 1];
	size_t n = queued_channels(t, db, group, ch, MAX_QCHANS);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t key[8 + AS_MAX_CHANNEL];
		MDB_val v;
		size_t klen = qchan_key(key, group, ch[i]);
		if (hd_txn_get(t, db->qchan, key, klen, &v) == HD_OK &&
		    v.mv_size == 8)
			total += hd_key_get_u64(v.mv_data);
	}
	return total;
}

static bool waits(const Hd__Ticket *tk)
{
	return !tk->deleted && !hd_ticket_solved_str(tk->status);
}

static bool counts(const Hd__Ticket *tk)
{
	Hd__TicketStatus s = hd_status_of(tk->status);
	return !tk->deleted && hd_ticket_unsolved(s) &&
	       s != HD__TICKET_STATUS__STATUS_HOLD;
}

/* Bring routing's books for tk in line with the event; returns the agent
 * whose load went down (0: none) in *freed and the assignee routing keeps
 * in *agent. A pending assignment (routing's command not yet applied) holds
 * against events that still show no assignee; any other assignee intake
 * reports wins (a human changed it). */
static int book(hd_txn *t, const assign_dbs *db, const Hd__Ticket *tk,
		uint64_t *agent, uint64_t *freed)
{
	Hd__AssignRecord *rec = NULL, nrec = HD__ASSIGN_RECORD__INIT;
	hd_txn_get_pb_id(t, db->tickets, tk->id, &hd__assign_record__descriptor,
			 (void **)&rec);
	const char *ch = tk->via_channel[0] ? tk->via_channel : "web";
	*agent = tk->assignee_id;
	*freed = 0;
	bool pending = false;
	if (rec && rec->pending && !*agent && waits(tk)) {
		*agent = rec->agent_id;
		pending = true;
	}
	bool counted = *agent && counts(tk);
	bool same = rec && rec->counted && counted && rec->agent_id == *agent &&
		    !strcmp(rec->channel, ch);
	if (rec && rec->counted && !same) {
		as_load_add(t, db, rec->agent_id, rec->channel, -1);
		*freed = rec->agent_id;
	}
	if (counted && !same)
		as_load_add(t, db, *agent, ch, 1);
	nrec.agent_id = *agent;
	nrec.channel = (char *)ch;
	nrec.counted = counted;
	nrec.pending = pending;
	uint8_t key[8];
	hd_key_u64(key, tk->id);
	if (*agent)
		hd_txn_put_pb(t, db->tickets, key, 8, &nrec);
	else if (rec)
		hd_txn_del(t, db->tickets, key, 8);
	hd__assign_record__free_unpacked(rec, NULL);
	return t->rc;
}

int as_ticket_hook(routing *r, hd_txn *t, const Hd__Envelope *ev,
		   const Hd__Ticket *before, const Hd__Ticket *after)
{
	(void)ev;
	(void)before;
	const assign_dbs *db = &r->as;
	int64_t now = hd_now_ms();
	uint64_t agent = 0, freed = 0;
	Hd__QueueEntry *was = NULL;
	int rc = book(t, db, after, &agent, &freed);
	if (!rc)
		rc = dequeue(t, db, after->id, &was);
	Hd__GroupRouting *g = NULL;
	if (!rc && !agent && waits(after) && after->group_id)
		rc = as_group_routing(t, db, after->group_id, &g);
	if (!rc && as_automatic(g)) {
		/* Re-queued after a change keeps its waiting time. */
		rc = enqueue(t, db, g, after, was ? was->enqueued_at : now);
		if (!rc)
			rc = as_drain_group(r, t, g->group_id, now);
	}
	if (!rc && freed)
		rc = as_drain_agent(r, t, freed, now);
	hd__queue_entry__free_unpacked(was, NULL);
	hd__group_routing__free_unpacked(g, NULL);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

static bool keep_unassigned(const void *msg, const void *arg)
{
	const Hd__Ticket *tk = msg;
	return tk->group_id == *(const uint64_t *)arg && !tk->assignee_id &&
	       waits(tk);
}

int as_requeue_group(routing *r, hd_txn *t, uint64_t group, int64_t now)
{
	const assign_dbs *db = &r->as;
	Hd__Ticket **tks = NULL;
	size_t n = 0;
	Hd__GroupRouting *g = NULL;
	int rc = as_group_routing(t, db, group, &g);
	if (!rc)
		rc = hd_txn_scan_pb(t, r->tickets, NULL, 0,
				    &hd__ticket__descriptor, keep_unassigned,
				    &group, (void ***)&tks, &n);
	for (size_t i = 0; i < n; i++) {
		Hd__QueueEntry *was = NULL;
		MDB_val v;
		uint8_t idk[8];
		hd_key_u64(idk, tks[i]->id);
		bool pending = hd_txn_get(t, db->tickets, idk, 8, &v) == 0;
		if (!rc)
			rc = dequeue(t, db, tks[i]->id, &was);
		if (!rc && !pending && as_automatic(g))
			rc = enqueue(t, db, g, tks[i],
				     was ? was->enqueued_at : now);
		hd__queue_entry__free_unpacked(was, NULL);
		hd__ticket__free_unpacked(tks[i], NULL);
	}
	free(tks);
	if (!rc)
		rc = as_drain_group(r, t, group, now);
	hd__group_routing__free_unpacked(g, NULL);
	return rc;
}
