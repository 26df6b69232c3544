/* The SLA module's sub-databases and RPC helpers. Key layout (integers
 * big-endian):
 *   bh_schedules  u64 schedule id → hd.BhSchedule (bh_store.c)
 *   sla_policies  u64 policy id   → hd.SlaPolicy (sla_policy.c; JSON
 *                 text before, upgraded at open)
 *   sla_state     u64 ticket id   → hd.SlaTicketState: the ticket's clocks
 *                 (sla_clock.c, sla_state.c; JSON text before, upgraded)
 *   sla_timers    i64 due ‖ u64 ticket ‖ u8 kind ‖ u8 metric → ""
 *   sla_users     u64 user id     → role ("agent", "admin", "end-user")
 * Counters in routing's meta: next_schedule, next_holiday, next_sla_policy;
 * and sla_policy_gen, the generation of sla_policies (sla_cache.c). */
#include "sla.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/req_decode.h"
#include "hd/log.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

const char *const routing_sla_dbs[] = {"bh_schedules", "sla_policies",
				       "sla_state",    "sla_timers",
				       "sla_users",    NULL};

static int policy_fix(const json_t *o, ProtobufCMessage **out)
{
	Hd__SlaPolicy *p = NULL;
	int rc = sla_policy_of_json(o, &p);
	*out = p ? &p->base : NULL;
	return rc;
}

static int state_fix(const json_t *o, ProtobufCMessage **out)
{
	Hd__SlaTicketState *s = NULL;
	int rc = sla_state_of_json(o, &s);
	*out = s ? &s->base : NULL;
	return rc;
}

/* Records of versions that stored JSON become protobuf, once. */
static int upgrade(hd_txn *t, void *arg)
{
	routing *r = arg;
	const sla_db *db = &r->sla;
	uint64_t n = 0, m = 0;
	int rc = sla_upgrade_json(t, db->policies, policy_fix, &n);
	if (!rc && n) /* rewritten policies are a write like any other */
		rc = sla_policy_gen_bump(t, r);
	if (!rc)
		rc = sla_upgrade_json(t, db->state, state_fix, &m);
	if (!rc && (n || m))
		hd_info("routing.sla_upgraded", "policies=%llu states=%llu",
			(unsigned long long)n, (unsigned long long)m);
	return rc;
}

int routing_sla_upgrade(routing *r)
{
	return hd_store_write(r->store, upgrade, r);
}

int sla_bind(hd_store *s, sla_db *d)
{
	const hd_dbi_ref dbs[] = {
		{"bh_schedules", &d->schedules}, {"sla_policies", &d->policies},
		{"sla_state", &d->state},        {"sla_timers", &d->timers},
		{"sla_users", &d->users},        {NULL, NULL}};
	d->warning_fraction = 0.75;
	return hd_store_dbis(s, dbs);
}

int routing_sla_setup(routing *r, hd_svc *svc)
{
	sla_db *d = &r->sla;
	int rc = sla_bind(r->store, d);
	const char *f = hd_cfg_get(&svc->cfg, "HD_SLA_WARNING_FRACTION");
	char *end = NULL;
	if (f)
		d->warning_fraction = strtod(f, &end);
	if (!rc && f &&
	    (end == f || *end || !(d->warning_fraction > 0) ||
	     !(d->warning_fraction < 1))) {
		hd_error("routing.bad_config",
			 "HD_SLA_WARNING_FRACTION=%s want=0<f<1", f);
		rc = HD_E_INVALID;
	}
	/* Schedules first: the policies and clocks upgraded next may use them. */
	if (!rc)
		rc = bh_open(r);
	return rc ? rc : routing_sla_upgrade(r);
}

void sla_user_role(hd_txn *t, const sla_db *db, uint64_t user_id, char out[16])
{
	uint8_t key[8];
	MDB_val v;
	out[0] = '\0';
	hd_key_u64(key, user_id);
	if (hd_txn_get(t, db->users, key, 8, &v) == HD_OK && v.mv_size < 16) {
		memcpy(out, v.mv_data, v.mv_size);
		out[v.mv_size] = '\0';
	}
}

bool sla_is_staff(const hd_principal *p)
{
	return p->role == HD__USER_ROLE__ROLE_AGENT || sla_is_admin(p);
}

bool sla_is_admin(const hd_principal *p)
{
	return hd_role_is_admin(p->role);
}

int sla_call_unpack(const hd_rpc_req *req, hd_rpc_rep *rep, Hd__SlaCall **out)
{
	return hd_req_decode(req, rep, &hd__sla_call__descriptor, (void **)out);
}

Hd__Ticket *sla_ticket_copy(hd_txn *t, routing *r, uint64_t id)
{
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, id);
	if (hd_txn_get(t, r->tickets, key, 8, &v))
		return NULL;
	return hd__ticket__unpack(NULL, v.mv_size, v.mv_data);
}

typedef struct run_job {
	routing *r;
	hd_write_fn fn;
	void *arg;
} run_job;

/* Every change to policies or schedules re-times the open tickets. */
static int run_write(hd_txn *t, void *arg)
{
	run_job *j = arg;
	int rc = j->fn(t, j->arg);
	if (!rc && !t->rc)
		rc = sla_refresh_all(j->r, t);
	return rc ? rc : t->rc;
}

int sla_run(routing *r, bool write, hd_write_fn fn, void *arg)
{
	if (write) {
		run_job j = {r, fn, arg};
		return hd_store_write(r->store, run_write, &j);
	}
	hd_txn t;
	int rc = hd_store_read(r->store, &t);
	if (!rc) {
		rc = fn(&t, arg);
		hd_txn_end(&t);
	}
	return rc;
}

static int sla_job_run(hd_txn *t, void *arg)
{
	sla_job *j = arg;
	return j->fn(j, t);
}

int sla_serve(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
	      sla_job_fn write, sla_job_fn read, const char *what)
{
	if (!(write ? sla_is_admin(&req->principal)
		    : sla_is_staff(&req->principal)))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   write ? "%s are changed by admins"
					 : "%s are for agents and admins",
				   what);
	Hd__SlaCall *c = NULL;
	int rc = sla_call_unpack(req, rep, &c);
	sla_job j = {ctx, c,   rep,  req->method, write ? write : read,
		     0,   {0}, false};
	if (!rc)
		rc = sla_run(ctx, write != NULL, sla_job_run, &j);
	if (!rc)
		rc = sla_policies_answer(&j);
	sla_policies_release(&j.pols);
	hd__sla_call__free_unpacked(c, NULL);
	return rc;
}
