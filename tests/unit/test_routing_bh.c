/* Routing's business-hours schedules as typed records (bh_store.c,
 * bh_api.c, bh_holidays.c): a store written by an older version (schedules
 * as JSON text) opens and reads back typed, once; the bh.* RPCs take a
 * BhCall and answer a BhAnswer; the schedule.saved event keeps its old
 * shape (no created_at, no holiday ids). Fresh store per test; links
 * librouting.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sla.h"

#include "common.pb-c.h"
#include "hd/store_pb.h"

#include "unit_svc.h"

static const char *const own_dbs[] = {"tickets", "meta", NULL};
static const char *const *const dbs[] = {own_dbs, routing_sla_dbs, NULL};
static const hd_rpc_route *const routes[] = {routing_bh_routes, NULL};

/* What an older version stored: JSON text, times in ms. */
static const char old_json[] =
	"{\"time_zone\":\"Asia/Seoul\",\"intervals\":[{\"start_time\":1980,"
	"\"end_time\":2160},{\"start_time\":2220,\"end_time\":2520}],"
	"\"holidays\":[{\"id\":7,\"name\":\"설날\",\"start_date\":\"2026-02-"
	"16\",\"end_date\":\"2026-02-18\"}],\"name\":\"서울 본사\",\"id\":3,"
	"\"created_at\":1767225600000,\"updated_at\":1767229200000}";

typedef struct fx {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	routing r;
	hd_principal admin, agent;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->r.store = unit_store_open(&f->u, dbs, "routing");
	const hd_dbi_ref refs[] = {
		{"tickets", &f->r.tickets}, {"meta", &f->r.meta}, {NULL, NULL}};
	assert_hd_ok(hd_store_dbis(f->r.store, refs));
	assert_hd_ok(sla_bind(f->r.store, &f->r.sla));
	f->admin = unit_who("admin", 1);
	f->agent = unit_who("agent", 9);
	*state = f;
	return 0;
}

static int put_old(hd_txn *t, void *arg)
{
	const sla_db *db = arg;
	uint8_t key[8];
	hd_key_u64(key, 3);
	return hd_txn_put(t, db->schedules, key, 8, old_json, strlen(old_json));
}

typedef struct upgrade_job {
	const sla_db *db;
	uint64_t *rewritten;
} upgrade_job;

static int upgrade_run(hd_txn *t, void *arg)
{
	const upgrade_job *j = arg;
	return bh_upgrade(t, j->db, j->rewritten);
}

static int upgrade(fx *f, uint64_t *rewritten)
{
	upgrade_job j = {&f->r.sla, rewritten};
	return hd_store_write(f->r.store, upgrade_run, &j);
}

static Hd__BhSchedule *read_back(fx *f, uint64_t id)
{
	hd_txn t;
	Hd__BhSchedule *s = NULL;
	assert_hd_ok(hd_store_read(f->r.store, &t));
	assert_hd_ok(bh_get(&t, &f->r.sla, id, &s));
	hd_txn_end(&t);
	return s;
}

static void test_old_json_store_reads_back_typed(void **state)
{
	fx *f = *state;
	uint64_t n = 99;
	assert_hd_ok(hd_store_write(f->r.store, put_old, &f->r.sla));
	assert_hd_ok(upgrade(f, &n));
	assert_int_equal(n, 1);
	Hd__BhSchedule *s = read_back(f, 3);
	assert_int_equal(s->id, 3);
	assert_string_equal(s->name, "서울 본사");
	assert_string_equal(s->time_zone, "Asia/Seoul");
	assert_int_equal(s->created_at, 1767225600000);
	assert_int_equal(s->updated_at, 1767229200000);
	assert_int_equal(s->n_intervals, 2);
	assert_int_equal(s->intervals[1]->start_time, 2220);
	assert_int_equal(s->intervals[1]->end_time, 2520);
	assert_int_equal(s->n_holidays, 1);
	assert_int_equal(s->holidays[0]->id, 7);
	assert_string_equal(s->holidays[0]->name, "설날");
	assert_string_equal(s->holidays[0]->end_date, "2026-02-18");
	hd__bh_schedule__free_unpacked(s, NULL);

	/* Once: a second open rewrites nothing. */
	assert_hd_ok(upgrade(f, &n));
	assert_int_equal(n, 0);

	/* The SLA clocks read the typed record: the default schedule (the
	 * lowest id) is open on Monday 2026-01-05 10:00 KST (01:00 UTC). */
	hd_txn t;
	hd_bizhours b;
	uint64_t used = 0;
	assert_hd_ok(hd_store_read(f->r.store, &t));
	assert_hd_ok(bh_schedule_load(&t, &f->r.sla, 0, &b, &used));
	hd_txn_end(&t);
	assert_int_equal(used, 3);
	assert_true(hd_bh_is_open(&b, 1767574800000));
	assert_false(hd_bh_is_open(&b, 1767574800000 - 3 * 3600000));
	hd_bh_release(&b);
}

static int put_junk(hd_txn *t, void *arg)
{
	const sla_db *db = arg;
	uint8_t key[8];
	hd_key_u64(key, 4);
	return hd_txn_put(t, db->schedules, key, 8, "{\"id\":", 6);
}

static void test_broken_json_fails_the_upgrade(void **state)
{
	fx *f = *state;
	assert_hd_ok(hd_store_write(f->r.store, put_junk, &f->r.sla));
	assert_hd_rc(upgrade(f, NULL), HD_E_CORRUPT);
}

/* The last schedule.saved event's payload. */
typedef struct last_event {
	Hd__BhSchedule *s;
	size_t n;
} last_event;

static int on_event(void *arg, uint64_t seq, const uint8_t *env, size_t len)
{
	last_event *l = arg;
	Hd__Envelope *e = hd__envelope__unpack(NULL, len, env);
	assert_non_null(e);
	if (!strcmp(e->type, "schedule.saved")) {
		hd__bh_schedule__free_unpacked(l->s, NULL);
		l->s = hd__bh_schedule__unpack(NULL, e->payload.len,
					       e->payload.data);
		l->n++;
	}
	hd__envelope__free_unpacked(e, NULL);
	return HD_OK;
}

static Hd__BhAnswer *call(fx *f, const char *method, Hd__BhCall *c,
			  const hd_principal *who)
{
	hd_rpc_rep rep;
	int rc = unit_call(routes, &f->r, method, &c->base, who, &rep);
	if (rc)
		fail_msg("%s: %s (%s: %s)", method, hd_errname(rc), rep.field,
			 rep.message);
	Hd__BhAnswer *a = unit_rep_decode(&rep, &hd__bh_answer__descriptor);
	unit_rep_release(&rep);
	return a;
}

static void test_rpcs_typed(void **state)
{
	fx *f = *state;
	Hd__BhCall c = HD__BH_CALL__INIT;
	Hd__BhSchedule in = HD__BH_SCHEDULE__INIT;
	Hd__BhInterval iv = HD__BH_INTERVAL__INIT;
	Hd__BhInterval *ivp[] = {&iv};
	char *fields[] = {"name", "intervals"};
	in.name = "부산 지점";
	in.intervals = ivp;
	in.n_intervals = 1;
	iv.start_time = 1980;
	iv.end_time = 2460;
	c.schedule = &in;
	c.fields = fields;
	c.n_fields = 2;
	Hd__BhAnswer *a = call(f, "bh.schedules.create", &c, &f->admin);
	assert_int_equal(a->n_schedules, 1);
	uint64_t id = a->id;
	assert_int_equal(a->schedules[0]->id, id);
	assert_string_equal(a->schedules[0]->time_zone, "Asia/Seoul");
	assert_true(a->schedules[0]->created_at > 0);
	hd__bh_answer__free_unpacked(a, NULL);

	/* A holiday: its id answers; the event carries it without ids. */
	Hd__BhHoliday h = HD__BH_HOLIDAY__INIT;
	Hd__BhCall hc = HD__BH_CALL__INIT;
	h.name = "창립기념일";
	h.start_date = "2026-04-10";
	h.end_date = "2026-04-10";
	hc.id = id;
	hc.holiday = &h;
	a = call(f, "bh.holidays.create", &hc, &f->admin);
	assert_int_equal(a->n_holidays, 1);
	assert_true(a->holidays[0]->id > 0);
	assert_int_equal(a->id, a->holidays[0]->id);
	hd__bh_answer__free_unpacked(a, NULL);
	last_event l = {0};
	assert_hd_ok(hd_store_events_since(f->r.store, 0, 100, 1 << 20,
					   on_event, &l));
	assert_int_equal(l.n, 2);
	assert_int_equal(l.s->id, id);
	assert_int_equal(l.s->created_at, 0);
	assert_int_equal(l.s->n_holidays, 1);
	assert_int_equal(l.s->holidays[0]->id, 0);
	assert_string_equal(l.s->holidays[0]->name, "창립기념일");
	hd__bh_schedule__free_unpacked(l.s, NULL);

	/* Values are checked; agents only read. */
	hd_rpc_rep rep;
	Hd__BhCall bad = HD__BH_CALL__INIT;
	char *tz[] = {"time_zone"};
	Hd__BhSchedule bz = HD__BH_SCHEDULE__INIT;
	bz.time_zone = "Mars/Olympus";
	bad.id = id;
	bad.schedule = &bz;
	bad.fields = tz;
	bad.n_fields = 1;
	assert_rep_rc(unit_call(routes, &f->r, "bh.schedules.update", &bad.base,
				&f->admin, &rep),
		      &rep, HD_E_INVALID);
	assert_string_equal(rep.field, "time_zone");
	unit_rep_release(&rep);
	assert_rep_rc(unit_call(routes, &f->r, "bh.schedules.update", &c.base,
				&f->agent, &rep),
		      &rep, HD_E_FORBIDDEN);
	unit_rep_release(&rep);
	Hd__BhCall get = HD__BH_CALL__INIT;
	get.id = id;
	a = call(f, "bh.schedules.get", &get, &f->agent);
	assert_string_equal(a->schedules[0]->name, "부산 지점");
	assert_string_equal(a->schedules[0]->time_zone, "Asia/Seoul");
	assert_int_equal(a->schedules[0]->n_holidays, 1);
	hd__bh_answer__free_unpacked(a, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_old_json_store_reads_back_typed, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_broken_json_fails_the_upgrade, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_rpcs_typed, setup,
						unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
