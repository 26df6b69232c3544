/* assign.* RPCs: a group's routing, an agent's profile, a group's load.
 * Admins change routing and profiles; agents read them (an agent its own
 * profile); writes run as group-commit jobs that also drain the queue, so a
 * change that makes room assigns waiting tickets in the same commit. */
#include "assign.h"
#include "assign_auth.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/req_decode.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SKILLS      100
#define MAX_SKILL_BYTES 64
#define MAX_CAPACITY    1000
#define MAX_FALLBACK_S  (366LL * 24 * 3600)

static int check_routing(const ProtobufCMessage *m, hd_rpc_rep *rep)
{
	const Hd__GroupRouting *g = (const Hd__GroupRouting *)m;
	static const char *const strategies[] = {"round_robin", "least_loaded",
						 "skills", "manual", NULL};
	bool ok = false;
	for (size_t i = 0; strategies[i]; i++)
		ok = ok || !strcmp(g->strategy, strategies[i]);
	unsigned long long fb = 0;
	char tail = 0;
	if (!ok)
		return hd_rpc_fail(rep, HD_E_INVALID, "strategy",
				   "strategy must be round_robin, "
				   "least_loaded, skills or manual");
	if (g->skills_fallback_after_seconds < 0 ||
	    g->skills_fallback_after_seconds > MAX_FALLBACK_S)
		return hd_rpc_fail(rep, HD_E_INVALID,
				   "skills_fallback_after_seconds",
				   "must be 0 to a year in seconds");
	if (strcmp(g->fallback, "any_member") != 0 &&
	    (sscanf(g->fallback, "group_id:%llu%c", &fb, &tail) != 1 || !fb))
		return hd_rpc_fail(rep, HD_E_INVALID, "fallback",
				   "fallback must be any_member or "
				   "group_id:<id>");
	return HD_OK;
}

static int check_profile(const ProtobufCMessage *m, hd_rpc_rep *rep)
{
	const Hd__AgentProfile *p = (const Hd__AgentProfile *)m;
	if (p->n_skills > MAX_SKILLS || p->n_languages > MAX_SKILLS)
		return hd_rpc_fail(rep, HD_E_INVALID, "skills",
				   "at most %d skills and languages",
				   MAX_SKILLS);
	for (size_t i = 0; i < p->n_skills + p->n_languages; i++) {
		const char *s = i < p->n_skills ? p->skills[i]
						: p->languages[i - p->n_skills];
		size_t n = strlen(s);
		if (!n || n > MAX_SKILL_BYTES || !hd_utf8_valid(s, n))
			return hd_rpc_fail(rep, HD_E_INVALID,
					   i < p->n_skills ? "skills"
							   : "languages",
					   "each is 1 to %d bytes of UTF-8",
					   MAX_SKILL_BYTES);
	}
	for (size_t i = 0; i < p->n_capacity; i++) {
		size_t n = strlen(p->capacity[i]->channel);
		if (!n || n > AS_MAX_CHANNEL ||
		    p->capacity[i]->max > MAX_CAPACITY)
			return hd_rpc_fail(rep, HD_E_INVALID, "capacity",
					   "capacity is {channel: 0..%d}",
					   MAX_CAPACITY);
	}
	return HD_OK;
}

typedef struct put_job {
	routing *r;
	ProtobufCMessage *msg;
	hd_rpc_rep *rep;
} put_job;

static int routing_put_job(hd_txn *t, void *arg)
{
	put_job *j = arg;
	Hd__GroupRouting *g = (Hd__GroupRouting *)j->msg;
	const assign_dbs *db = &j->r->as;
	int64_t now = hd_now_ms();
	g->updated_at = now;
	hd_txn_put_pb_id(t, db->groups, g->group_id, g);
	return t->rc ? t->rc : as_requeue_group(j->r, t, g->group_id, now);
}

static int profile_put_job(hd_txn *t, void *arg)
{
	put_job *j = arg;
	Hd__AgentProfile *p = (Hd__AgentProfile *)j->msg;
	const assign_dbs *db = &j->r->as;
	int64_t now = hd_now_ms();
	if (!as_is_agent(t, db, p->agent_id))
		return hd_rpc_fail(j->rep, HD_E_NOTFOUND, "id", "no agent %llu",
				   (unsigned long long)p->agent_id);
	p->updated_at = now;
	hd_txn_put_pb_id(t, db->profiles, p->agent_id, p);
	return t->rc ? t->rc : as_drain_agent(j->r, t, p->agent_id, now);
}

/* What the admin-only puts differ in. */
typedef struct put_kind {
	const ProtobufCMessageDescriptor *desc;
	uint64_t (*id)(const ProtobufCMessage *m); /* 0: not a valid payload */
	int (*check)(const ProtobufCMessage *m, hd_rpc_rep *rep);
	hd_write_fn job;
} put_kind;

/* Decode, check, store with the kind's write job (which also drains the
 * queue) and answer the stored message. */
static int admin_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		     const put_kind *k)
{
	ProtobufCMessage *m = NULL;
	int rc = as_need_admin(&req->principal, rep);
	if (!rc)
		rc = hd_req_decode(req, rep, k->desc, (void **)&m);
	if (!rc && !k->id(m))
		rc = hd_rpc_fail(rep, HD_E_DECODE, NULL, "payload is not an %s",
				 k->desc->name);
	if (!rc)
		rc = k->check(m, rep);
	put_job j = {ctx, m, rep};
	if (!rc)
		rc = hd_store_write(((routing *)ctx)->store, k->job, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, m);
	protobuf_c_message_free_unpacked(m, NULL);
	return rc;
}

static uint64_t group_id(const ProtobufCMessage *m)
{
	return ((const Hd__GroupRouting *)m)->group_id;
}

static int group_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	static const put_kind k = {&hd__group_routing__descriptor, group_id,
				   check_routing, routing_put_job};
	return admin_put(ctx, req, rep, &k);
}

static int group_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	int rc = as_need_staff(&req->principal, rep);
	Hd__AssignId *id =
		rc ? NULL : hd__assign_id__unpack(NULL, req->len, req->payload);
	if (!rc && (!id || !id->id))
		rc = hd_rpc_fail(rep, HD_E_DECODE, NULL, "no group id");
	hd_txn t;
	Hd__GroupRouting *g = NULL;
	if (!rc && !(rc = hd_store_read(((routing *)ctx)->store, &t))) {
		rc = as_group_routing(&t, &((routing *)ctx)->as, id->id, &g);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, g);
	hd__group_routing__free_unpacked(g, NULL);
	hd__assign_id__free_unpacked(id, NULL);
	return rc;
}

static uint64_t agent_id(const ProtobufCMessage *m)
{
	return ((const Hd__AgentProfile *)m)->agent_id;
}

static int profile_put(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	static const put_kind k = {&hd__agent_profile__descriptor, agent_id,
				   check_profile, profile_put_job};
	return admin_put(ctx, req, rep, &k);
}

static int profile_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	const assign_dbs *db = &((routing *)ctx)->as;
	Hd__AssignId *id = hd__assign_id__unpack(NULL, req->len, req->payload);
	int rc = id && id->id
			 ? as_need_self_or_admin(&req->principal, id->id, rep)
			 : hd_rpc_fail(rep, HD_E_DECODE, NULL, "no id");
	hd_txn t;
	Hd__AgentProfile *p = NULL, empty = HD__AGENT_PROFILE__INIT;
	if (!rc && !(rc = hd_store_read(((routing *)ctx)->store, &t))) {
		if (!as_is_agent(&t, db, id->id))
			rc = hd_rpc_fail(rep, HD_E_NOTFOUND, "id",
					 "no agent %llu",
					 (unsigned long long)id->id);
		else
			hd_txn_get_pb_id(&t, db->profiles, id->id,
					 &hd__agent_profile__descriptor,
					 (void **)&p);
		hd_txn_end(&t);
	}
	empty.agent_id = id ? id->id : 0;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, p ? p : &empty);
	hd__agent_profile__free_unpacked(p, NULL);
	hd__assign_id__free_unpacked(id, NULL);
	return rc;
}

/* One member's row of the load report; strings borrowed from prof/pres. */
static int load_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	Hd__AgentLoad *a = arg;
	if (k->mv_size <= 8 || v->mv_size != 8 || a->n_load >= 32)
		return HD_STOP;
	Hd__ChannelLoad *cl = a->load[a->n_load++];
	cl->channel = strndup((const char *)k->mv_data + 8, k->mv_size - 8);
	cl->count = hd_key_get_u64(v->mv_data);
	return cl->channel ? HD_OK : HD_E_NOMEM;
}

static int agent_load(hd_txn *t, const assign_dbs *db, uint64_t agent,
		      Hd__AgentLoad *a, Hd__Presence **pres,
		      Hd__AgentProfile **prof)
{
	hd_txn_get_pb_id(t, db->presence, agent, &hd__presence__descriptor,
			 (void **)pres);
	hd_txn_get_pb_id(t, db->profiles, agent, &hd__agent_profile__descriptor,
			 (void **)prof);
	a->agent_id = agent;
	a->state = *pres ? (*pres)->state : "offline";
	a->available = *pres && (*pres)->available;
	if (*prof) {
		a->capacity = (*prof)->capacity;
		a->n_capacity = (*prof)->n_capacity;
	}
	uint8_t prefix[8];
	hd_key_u64(prefix, agent);
	return hd_txn_foreach(t, db->load, prefix, 8, load_one, a);
}

static int group_load(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	const assign_dbs *db = &((routing *)ctx)->as;
	int rc = as_need_staff(&req->principal, rep);
	Hd__AssignId *id =
		rc ? NULL : hd__assign_id__unpack(NULL, req->len, req->payload);
	if (!rc && (!id || !id->id))
		rc = hd_rpc_fail(rep, HD_E_DECODE, NULL, "no group id");
	hd_txn t;
	uint64_t *ids = NULL;
	size_t n = 0;
	if (!rc)
		rc = hd_store_read(((routing *)ctx)->store, &t);
	if (rc) {
		hd__assign_id__free_unpacked(id, NULL);
		return rc;
	}
	Hd__GroupLoad gl = HD__GROUP_LOAD__INIT;
	gl.group_id = id->id;
	gl.queued = as_queued(&t, db, id->id);
	rc = as_list_pairs(&t, db->members, id->id, &ids, &n);
	Hd__AgentLoad *rows = calloc(n ? n : 1, sizeof *rows);
	Hd__AgentLoad **ptrs = calloc(n ? n : 1, sizeof *ptrs);
	Hd__ChannelLoad *cls = calloc((n ? n : 1) * 32, sizeof *cls);
	Hd__ChannelLoad **clp = calloc((n ? n : 1) * 32, sizeof *clp);
	Hd__Presence **pres = calloc(n ? n : 1, sizeof *pres);
	Hd__AgentProfile **prof = calloc(n ? n : 1, sizeof *prof);
	if (!rc && !(rows && ptrs && cls && clp && pres && prof))
		rc = HD_E_NOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		hd__agent_load__init(&rows[i]);
		rows[i].load = clp + i * 32;
		for (size_t c = 0; c < 32; c++) {
			hd__channel_load__init(&cls[i * 32 + c]);
			clp[i * 32 + c] = &cls[i * 32 + c];
		}
		ptrs[i] = &rows[i];
		rc = agent_load(&t, db, ids[i], &rows[i], &pres[i], &prof[i]);
		gl.n_agents++;
	}
	gl.agents = ptrs;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &gl);
	hd_txn_end(&t);
	for (size_t i = 0; i < gl.n_agents; i++) {
		for (size_t c = 0; c < rows[i].n_load; c++)
			free(rows[i].load[c]->channel);
		hd__presence__free_unpacked(pres[i], NULL);
		hd__agent_profile__free_unpacked(prof[i], NULL);
	}
	free(rows);
	free(ptrs);
	free(cls);
	free(clp);
	free(pres);
	free(prof);
	free(ids);
	hd__assign_id__free_unpacked(id, NULL);
	return rc;
}

const hd_rpc_route routing_assign_routes[] = {
	{"assign.group_get", group_get},
	{"assign.group_put", group_put},
	{"assign.profile_get", profile_get},
	{"assign.profile_put", profile_put},
	{"assign.group_load", group_load},
	{NULL, NULL},
};
