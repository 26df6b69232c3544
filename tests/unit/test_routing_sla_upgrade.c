/* A routing store from before SLA policies and ticket clocks were typed:
 * policies and per-ticket state stored as JSON text open and read back as
 * hd.SlaPolicy / hd.SlaTicketState (routing_sla_upgrade, run by
 * routing_sla_setup at open), the RPCs answer from them, and a second
 * open rewrites nothing. Links librouting.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "routing.h"
#include "sla.h"
#include "views_index.h"

#include "hd/store_pb.h"
#include "hd/svc.h"

#include "unit_routing.h"

static const hd_rpc_route *const routes[] = {routing_sla_routes, NULL};

typedef struct fx {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	routing r;
} fx;

/* What sla_api.c and sla_clock.c stored as JSON (key order as written). */
static const char old_policy[] =
	"{\"description\":\"평일 기준\",\"filter\":{\"all\":[{\"field\":"
	"\"status\",\"operator\":\"less_than\",\"value\":\"solved\"},{"
	"\"field\":"
	"\"group_id\",\"operator\":\"is_not\",\"value\":7}],\"any\":[]},"
	"\"policy_metrics\":[{\"priority\":\"normal\",\"metric\":\"first_"
	"reply_time\",\"target\":60,\"business_hours\":false},{\"priority\":"
	"\"urgent\",\"metric\":\"requester_wait_time\",\"target\":120,"
	"\"business_hours\":true}],\"hd_escalations\":[{\"on\":\"warning\","
	"\"metric\":\"first_reply_time\",\"actions\":[{\"field\":\"priority\","
	"\"value\":\"urgent\"},{\"field\":\"notification_user\",\"value\":[\"as"
	"signee_id\",\"SLA 경고\",\"본문\"]}]}],\"hd_schedule_id\":0,\"title\":"
	"\"기본 SLA\",\"id\":1,\"position\":3,\"created_at\":1800000000000,"
	"\"updated_at\":1800000001000}";

static const char old_state[] =
	"{\"clocks\":{\"first_reply_time\":{\"stage\":\"active\",\"since\":"
	"1800000000000,\"spans\":[],\"warned\":false,\"breached\":false},"
	"\"requester_wait_time\":{\"stage\":\"paused\",\"since\":1800000000000,"
	"\"spans\":[[1800000000000,1800000600000]],\"warned\":true,\"breached\""
	":false,\"fold_cal\":1000,\"fold_biz\":500,\"achieved_sent\":true}},"
	"\"policy_id\":1,\"schedule_id\":0,\"targets\":[{\"priority\":"
	"\"normal\""
	",\"metric\":\"first_reply_time\",\"target\":60,\"business_hours\":"
	"false}],\"timers\":[[1800002700000,0,0,1800003600000],[1800003600000,"
	"1,0,1800003600000]]}";

static int put_raw(hd_txn *t, void *arg)
{
	const sla_db *db = arg;
	uint8_t key[8];
	hd_key_u64(key, 1);
	hd_txn_put(t, db->policies, key, 8, old_policy, sizeof old_policy - 1);
	hd_key_u64(key, 42);
	hd_txn_put(t, db->state, key, 8, old_state, sizeof old_state - 1);
	return t->rc;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	unit_routing_open(&f->u, &f->r);
	assert_hd_ok(hd_store_write(f->r.store, put_raw, &f->r.sla));
	*state = f;
	return 0;
}

static void *read_pb(fx *f, MDB_dbi dbi, uint64_t id,
		     const ProtobufCMessageDescriptor *desc)
{
	hd_txn t;
	void *m = NULL;
	assert_hd_ok(hd_store_read(f->r.store, &t));
	int rc = hd_txn_get_pb_id(&t, dbi, id, desc, &m);
	hd_txn_end(&t);
	if (rc)
		fail_msg("record %llu: %s", (unsigned long long)id,
			 hd_strerror(rc));
	return m;
}

static void check_policy(const Hd__SlaPolicy *p)
{
	assert_int_equal(p->id, 1);
	assert_string_equal(p->title, "기본 SLA");
	assert_string_equal(p->description, "평일 기준");
	assert_int_equal(p->position, 3);
	assert_int_equal(p->created_at, 1800000000000);
	assert_int_equal(p->updated_at, 1800000001000);
	assert_int_equal(p->n_all, 2);
	assert_int_equal(p->n_any, 0);
	assert_string_equal(p->all[0]->operator_, "less_than");
	assert_int_equal(p->all[0]->value->kind,
			 HD__RULE_VALUE__KIND__VALUE_TEXT);
	assert_string_equal(p->all[0]->value->text, "solved");
	assert_int_equal(p->all[1]->value->kind,
			 HD__RULE_VALUE__KIND__VALUE_NUMBER);
	assert_string_equal(p->all[1]->value->text, "7");
	assert_int_equal(p->n_policy_metrics, 2);
	assert_int_equal(p->policy_metrics[1]->priority,
			 HD__TICKET_PRIORITY__PRIORITY_URGENT);
	assert_int_equal(p->policy_metrics[1]->metric,
			 HD__SLA_METRIC__SLA_REQUESTER_WAIT_TIME);
	assert_int_equal(p->policy_metrics[1]->target, 120);
	assert_true(p->policy_metrics[1]->business_hours);
	assert_int_equal(p->n_escalations, 1);
	const Hd__SlaEscalation *e = p->escalations[0];
	assert_int_equal(e->on, HD__SLA_ESCALATION__ON__ON_WARNING);
	assert_int_equal(e->metric, HD__SLA_METRIC__SLA_FIRST_REPLY_TIME);
	assert_int_equal(e->n_actions, 2);
	assert_int_equal(e->actions[1]->value->kind,
			 HD__RULE_VALUE__KIND__VALUE_LIST);
	assert_int_equal(e->actions[1]->value->n_items, 3);
	assert_string_equal(e->actions[1]->value->items[1]->text, "SLA 경고");
}

/* The open itself (the module's setup, as main.c runs it). */
static void test_json_records_open_typed(void **state)
{
	fx *f = *state;
	hd_svc *svc = calloc(1, sizeof *svc); /* no configuration given */
	assert_non_null(svc);
	assert_hd_ok(routing_sla_setup(&f->r, svc));
	free(svc);

	Hd__SlaPolicy *p =
		read_pb(f, f->r.sla.policies, 1, &hd__sla_policy__descriptor);
	check_policy(p);
	hd__sla_policy__free_unpacked(p, NULL);

	Hd__SlaTicketState *s = read_pb(f, f->r.sla.state, 42,
					&hd__sla_ticket_state__descriptor);
	assert_int_equal(s->policy_id, 1);
	assert_int_equal(s->n_clocks, 2);
	const Hd__SlaClock *frt = sla_clock_find(s, 0);
	const Hd__SlaClock *rwt = sla_clock_find(s, 4);
	assert_non_null(frt);
	assert_non_null(rwt);
	assert_int_equal(frt->stage, HD__SLA_CLOCK__STAGE__STAGE_ACTIVE);
	assert_int_equal(frt->since, 1800000000000);
	assert_int_equal(rwt->stage, HD__SLA_CLOCK__STAGE__STAGE_PAUSED);
	assert_int_equal(rwt->n_spans, 1);
	assert_int_equal(rwt->spans[0]->to, 1800000600000);
	assert_int_equal(rwt->fold_cal, 1000);
	assert_int_equal(rwt->fold_biz, 500);
	assert_true(rwt->warned && rwt->achieved_sent && !rwt->breached);
	assert_int_equal(s->n_targets, 1);
	assert_int_equal(s->targets[0]->priority,
			 HD__TICKET_PRIORITY__PRIORITY_NORMAL);
	assert_int_equal(s->targets[0]->target, 60);
	assert_int_equal(s->n_timers, 2);
	assert_int_equal(s->timers[1]->kind, 1);
	assert_int_equal(s->timers[1]->metric,
			 HD__SLA_METRIC__SLA_FIRST_REPLY_TIME);
	assert_int_equal(s->timers[1]->breach_at, 1800003600000);
	hd__sla_ticket_state__free_unpacked(s, NULL);
}

/* The RPCs answer from the upgraded records. */
static void test_rpcs_read_upgraded(void **state)
{
	fx *f = *state;
	assert_hd_ok(routing_sla_upgrade(&f->r));
	hd_principal agent = unit_who("agent", 9);
	hd_rpc_rep rep;
	Hd__SlaCall c = HD__SLA_CALL__INIT;
	c.id = 1;
	assert_rep_rc(unit_call(routes, &f->r, "slas.policies.get", &c.base,
				&agent, &rep),
		      &rep, HD_OK);
	Hd__SlaAnswer *a = unit_rep_decode(&rep, &hd__sla_answer__descriptor);
	assert_int_equal(a->n_policies, 1);
	check_policy(a->policies[0]);
	hd__sla_answer__free_unpacked(a, NULL);
	unit_rep_release(&rep);

	uint64_t ids[1] = {42};
	c.ids = ids;
	c.n_ids = 1;
	assert_rep_rc(
		unit_call(routes, &f->r, "slas.ticket", &c.base, &agent, &rep),
		&rep, HD_OK);
	a = unit_rep_decode(&rep, &hd__sla_answer__descriptor);
	assert_int_equal(a->n_tickets, 1);
	assert_int_equal(a->tickets[0]->ticket_id, 42);
	assert_int_equal(a->tickets[0]->n_policy_metrics, 1);
	const Hd__SlaMetricState *m = a->tickets[0]->policy_metrics[0];
	assert_int_equal(m->metric, HD__SLA_METRIC__SLA_FIRST_REPLY_TIME);
	assert_int_equal(m->stage, HD__SLA_CLOCK__STAGE__STAGE_ACTIVE);
	assert_int_equal(m->breach_at, 1800003600000);
	hd__sla_answer__free_unpacked(a, NULL);
	unit_rep_release(&rep);
}

typedef struct rewrites {
	const sla_db *db;
	uint64_t n;
} rewrites;

static int count_rewrites(hd_txn *t, void *arg)
{
	rewrites *w = arg;
	return sla_upgrade_json(t, w->db->policies, NULL, &w->n);
}

/* Once upgraded, nothing is JSON any more: a second pass (fix NULL would
 * crash if it were called) rewrites nothing. */
static void test_upgrade_runs_once(void **state)
{
	fx *f = *state;
	assert_hd_ok(routing_sla_upgrade(&f->r));
	assert_hd_ok(routing_sla_upgrade(&f->r));
	rewrites w = {&f->r.sla, 99};
	assert_hd_ok(hd_store_write(f->r.store, count_rewrites, &w));
	assert_int_equal(w.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_records_open_typed,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_rpcs_read_upgraded, setup,
						unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_runs_once, setup,
						unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
