/* The bh.* RPCs: business-hours schedules and their workweek (API.md §8);
 * holidays and the iCalendar import are bh_holidays.c's. Staff read, admins
 * write. Each write is one group-commit job that validates the typed values
 * against the stored record, emits the schedule as an event (bh_events.c)
 * and answers a BhAnswer the gateway renders. */
#include "bh_api.h"

#include "hd/err.h"
#include "hd/req_decode.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAME 255

static const Hd__BhSchedule no_schedule = HD__BH_SCHEDULE__INIT;

bool bh_has(const Hd__BhCall *c, const char *field)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (!strcmp(c->fields[i], field))
			return true;
	return false;
}

int bh_name_ok(const char *s, hd_rpc_rep *rep, const char *field)
{
	if (!s || !s[0] || strlen(s) > MAX_NAME)
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s must be a non-empty string of at most "
				   "%d bytes",
				   field, MAX_NAME);
	return HD_OK;
}

/* in's intervals, checked and sorted by start (as bizhours keeps them), as
 * s's. */
static int set_intervals(Hd__BhSchedule *s, const Hd__BhSchedule *in,
			 hd_rpc_rep *rep)
{
	hd_bizhours b;
	int rc = hd_bh_init(&b, "Etc/UTC");
	if (!rc)
		rc = bh_intervals_read(in->intervals, in->n_intervals, &b, rep,
				       "intervals");
	Hd__BhInterval **iv = rc ? NULL : calloc(b.niv ? b.niv : 1, sizeof *iv);
	if (!rc && !iv)
		rc = HD_E_NOMEM;
	size_t n = 0;
	for (; !rc && n < b.niv; n++) {
		if (!(iv[n] = hd_pb_new(&hd__bh_interval__descriptor))) {
			rc = HD_E_NOMEM;
			break;
		}
		iv[n]->start_time = (uint32_t)b.iv[n].start_min;
		iv[n]->end_time = (uint32_t)b.iv[n].end_min;
	}
	hd_bh_release(&b);
	/* on failure drop what was built, else s's old list */
	Hd__BhInterval **drop = rc ? iv : s->intervals;
	size_t ndrop = rc ? n : s->n_intervals;
	if (!rc) {
		s->intervals = iv;
		s->n_intervals = n;
	}
	for (size_t i = 0; i < ndrop; i++)
		hd__bh_interval__free_unpacked(drop[i], NULL);
	free(drop);
	return rc;
}

/* Apply the fields the call gave (name, time_zone, intervals) to s. */
static int schedule_merge(Hd__BhSchedule *s, const Hd__BhCall *c,
			  hd_rpc_rep *rep)
{
	const Hd__BhSchedule *in = c->schedule ? c->schedule : &no_schedule;
	int rc = HD_OK;
	if (bh_has(c, "name") && !(rc = bh_name_ok(in->name, rep, "name")))
		rc = hd_pb_set_string(&s->name, in->name);
	if (!rc && bh_has(c, "time_zone")) {
		if (!hd_bh_zone_name(in->time_zone))
			rc = hd_rpc_fail(rep, HD_E_INVALID, "time_zone",
					 "time_zone is not a known time zone "
					 "(IANA name, e.g. Asia/Seoul)");
		else
			rc = hd_pb_set_string(&s->time_zone, in->time_zone);
	}
	if (!rc && bh_has(c, "intervals"))
		rc = set_intervals(s, in, rep);
	if (!rc && !s->name[0])
		rc = hd_rpc_fail(rep, HD_E_INVALID, "name", "name is required");
	return rc;
}

int bh_load(bh_job *j, hd_txn *t)
{
	int rc = bh_get(t, &j->r->sla, j->c->id, &j->s);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(j->rep, rc, NULL, "no such schedule");
	return rc;
}

int bh_save(bh_job *j, hd_txn *t)
{
	j->s->updated_at = hd_now_ms();
	j->id = j->s->id;
	int rc = bh_put(t, &j->r->sla, j->s);
	return rc ? rc : bh_emit_saved(t, j->s);
}

static int sched_create(bh_job *j, hd_txn *t)
{
	j->s = hd_pb_new(&hd__bh_schedule__descriptor);
	int rc = j->s ? hd_pb_set_string(&j->s->time_zone, "Asia/Seoul")
		      : HD_E_NOMEM;
	if (!rc)
		rc = schedule_merge(j->s, j->c, j->rep);
	if (!rc)
		rc = routing_next_id(t, j->r, "next_schedule", &j->s->id);
	if (!rc) {
		j->s->created_at = hd_now_ms();
		rc = bh_save(j, t);
	}
	j->answer = BH_ANSWER_SCHEDULE;
	return rc;
}

static int sched_update(bh_job *j, hd_txn *t)
{
	int rc = bh_load(j, t);
	if (!rc)
		rc = schedule_merge(j->s, j->c, j->rep);
	if (!rc)
		rc = bh_save(j, t);
	j->answer = BH_ANSWER_SCHEDULE;
	return rc;
}

static int sched_delete(bh_job *j, hd_txn *t)
{
	int rc = bh_load(j, t);
	uint8_t key[8];
	hd_key_u64(key, j->c->id);
	if (!rc)
		rc = hd_txn_del(t, j->r->sla.schedules, key, 8);
	if (!rc)
		rc = bh_emit_deleted(t, j->c->id);
	return rc;
}

static int workweek(bh_job *j, hd_txn *t)
{
	int rc = bh_has(j->c, "intervals")
			 ? HD_OK
			 : hd_rpc_fail(j->rep, HD_E_INVALID, "intervals",
				       "intervals is required");
	if (!rc)
		rc = bh_load(j, t);
	if (!rc)
		rc = set_intervals(
			j->s, j->c->schedule ? j->c->schedule : &no_schedule,
			j->rep);
	if (!rc)
		rc = bh_save(j, t);
	j->answer = BH_ANSWER_SCHEDULE;
	return rc;
}

/* Read-only answers: list, get, holidays list/get. */
static int read_answer(bh_job *j, hd_txn *t)
{
	const char *method = j->method;
	if (!strcmp(method, "bh.schedules.list")) {
		j->answer = BH_ANSWER_LIST;
		return bh_all(t, &j->r->sla, &j->all);
	}
	int rc = bh_load(j, t);
	if (!rc && !strcmp(method, "bh.schedules.get")) {
		j->answer = BH_ANSWER_SCHEDULE;
	} else if (!rc && !strcmp(method, "bh.holidays.list")) {
		j->answer = BH_ANSWER_HOLIDAYS;
		j->h_from = 0;
		j->h_n = j->s->n_holidays;
	} else if (!rc) {
		rc = bh_find_holiday(j, &j->h_from);
		j->h_n = 1;
		j->answer = BH_ANSWER_HOLIDAYS;
	}
	return rc;
}

static int run(hd_txn *t, void *arg)
{
	bh_job *j = arg;
	return j->fn(j, t);
}

static int answer(bh_job *j, hd_rpc_rep *rep)
{
	Hd__BhAnswer a = HD__BH_ANSWER__INIT;
	a.id = j->id;
	if (j->answer == BH_ANSWER_LIST) {
		a.schedules = j->all.schedules;
		a.n_schedules = j->all.n_schedules;
	} else if (j->answer == BH_ANSWER_SCHEDULE) {
		a.schedules = &j->s;
		a.n_schedules = 1;
	} else if (j->answer == BH_ANSWER_HOLIDAYS) {
		a.holidays = j->s->holidays + j->h_from;
		a.n_holidays = j->h_n;
	}
	return hd_pb_pack(&rep->payload, &a);
}

static bool staff(const hd_principal *p)
{
	return p->role == HD__USER_ROLE__ROLE_AGENT ||
	       hd_role_is_admin(p->role);
}

/* Serve req: write (admins only) when not NULL, else read (staff). */
static int serve(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		 bh_job_fn write)
{
	if (!(write ? hd_role_is_admin(req->principal.role)
		    : staff(&req->principal)))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   write ? "schedules are changed by admins"
					 : "schedules are for agents and "
					   "admins");
	bh_job j = {.r = ctx, .rep = rep, .method = req->method};
	Hd__BhCall *c = NULL;
	j.fn = write ? write : read_answer;
	hd__bh_answer__init(&j.all);
	int rc = hd_req_decode(req, rep, &hd__bh_call__descriptor, (void **)&c);
	j.c = c;
	if (!rc)
		rc = sla_run(ctx, write != NULL, run, &j);
	if (!rc)
		rc = answer(&j, rep);
	hd_pb_free_repeated(&j.all.base);
	hd__bh_schedule__free_unpacked(j.s, NULL);
	hd__bh_call__free_unpacked(c, NULL);
	return rc;
}

#define BH_RPC(name, fn)                                                       \
	static int name(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)     \
	{                                                                      \
		return serve(ctx, req, rep, fn);                               \
	}
BH_RPC(rpc_read, NULL)
BH_RPC(rpc_create, sched_create)
BH_RPC(rpc_update, sched_update)
BH_RPC(rpc_delete, sched_delete)
BH_RPC(rpc_workweek, workweek)
BH_RPC(rpc_hol_create, bh_hol_create)
BH_RPC(rpc_hol_update, bh_hol_update)
BH_RPC(rpc_hol_delete, bh_hol_delete)
BH_RPC(rpc_hol_import, bh_hol_import)

const hd_rpc_route routing_bh_routes[] = {
	{"bh.schedules.list", rpc_read},
	{"bh.schedules.get", rpc_read},
	{"bh.schedules.create", rpc_create},
	{"bh.schedules.update", rpc_update},
	{"bh.schedules.delete", rpc_delete},
	{"bh.workweek", rpc_workweek},
	{"bh.holidays.list", rpc_read},
	{"bh.holidays.get", rpc_read},
	{"bh.holidays.create", rpc_hol_create},
	{"bh.holidays.update", rpc_hol_update},
	{"bh.holidays.delete", rpc_hol_delete},
	{"bh.holidays.import", rpc_hol_import},
	{NULL, NULL},
};
