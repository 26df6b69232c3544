/* The decoded SLA policies routing keeps between ticket events
 * (sla_cache.c): after every kind of write to the policies — create,
 * update, reorder, delete, the upgrade at open, and a write that was
 * undone — a ticket event must pick the policy the stored ones say, and a
 * reader on another thread must get the list its own snapshot holds while
 * policies change. Real LMDB, the slas.policies.* RPCs and routing's
 * ticket hook. Links librouting.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "routing.h"
#include "sla.h"
#include "views_index.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include "unit.h"
#include "unit_routing.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static const hd_rpc_route *const routes[] = {routing_sla_routes, NULL};

typedef struct fx {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	routing r;
	hd_principal admin;
	uint64_t next_ticket;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	unit_routing_open(&f->u, &f->r);
	f->admin = unit_who("admin", 1);
	f->next_ticket = 100;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	sla_cache_release(&f->r);
	return unit_store_teardown(state);
}

/* A policy for tickets tagged tag ("" = every unsolved ticket), one
 * first-reply target. */
typedef struct spec {
	Hd__RuleValue solved, tag;
	Hd__SlaCondition status, tagged, *all[2];
	Hd__SlaTarget target, *targets[1];
	Hd__SlaPolicy p;
} spec;

static void spec_init(spec *s, const char *title, const char *tag)
{
	hd__rule_value__init(&s->solved);
	hd__rule_value__init(&s->tag);
	s->solved.kind = s->tag.kind = HD__RULE_VALUE__KIND__VALUE_TEXT;
	s->solved.text = "solved";
	s->tag.text = (char *)tag;
	hd__sla_condition__init(&s->status);
	hd__sla_condition__init(&s->tagged);
	s->status.field = "status";
	s->status.operator_ = "less_than";
	s->status.value = &s->solved;
	s->tagged.field = "current_tags";
	s->tagged.operator_ = "includes";
	s->tagged.value = &s->tag;
	s->all[0] = &s->status;
	s->all[1] = &s->tagged;
	hd__sla_target__init(&s->target);
	s->target.priority = HD__TICKET_PRIORITY__PRIORITY_NORMAL;
	s->target.metric = HD__SLA_METRIC__SLA_FIRST_REPLY_TIME;
	s->target.target = 60;
	s->targets[0] = &s->target;
	hd__sla_policy__init(&s->p);
	s->p.title = (char *)title;
	s->p.all = s->all;
	s->p.n_all = tag[0] ? 2 : 1;
	s->p.policy_metrics = s->targets;
	s->p.n_policy_metrics = 1;
}

/* slas.policies.<method> with call c; the answer's id. */
static uint64_t sla_call(fx *f, const char *method, Hd__SlaCall *c)
{
	hd_rpc_rep rep;
	int rc = unit_call(routes, &f->r, method, &c->base, &f->admin, &rep);
	if (rc)
		fail_msg("%s: %s %s", method, hd_strerror(rc), rep.message);
	Hd__SlaAnswer *a = unit_rep_decode(&rep, &hd__sla_answer__descriptor);
	uint64_t id = a->id;
	hd__sla_answer__free_unpacked(a, NULL);
	unit_rep_release(&rep);
	return id;
}

static uint64_t create(fx *f, const char *title, const char *tag)
{
	static char *fields[] = {"title", "filter", "policy_metrics"};
	spec s;
	spec_init(&s, title, tag);
	Hd__SlaCall c = HD__SLA_CALL__INIT;
	c.policy = &s.p;
	c.fields = fields;
	c.n_fields = 3;
	return sla_call(f, "slas.policies.create", &c);
}

/* One field of policy id changed by slas.policies.update: "filter" (to
 * "tagged tag") or "title". */
static void update(fx *f, uint64_t id, char *field, const char *title,
		   const char *tag)
{
	char *fields[] = {field};
	spec s;
	spec_init(&s, title, tag);
	Hd__SlaCall c = HD__SLA_CALL__INIT;
	c.id = id;
	c.policy = &s.p;
	c.fields = fields;
	c.n_fields = 1;
	sla_call(f, "slas.policies.update", &c);
}

static void refilter(fx *f, uint64_t id, const char *tag)
{
	update(f, id, "filter", "", tag);
}

static void retitle(fx *f, uint64_t id, const char *title)
{
	update(f, id, "title", title, "");
}

static void reorder(fx *f, uint64_t first, uint64_t second)
{
	uint64_t ids[2] = {first, second};
	Hd__SlaCall c = HD__SLA_CALL__INIT;
	c.policy_ids = ids;
	c.n_policy_ids = 2;
	sla_call(f, "slas.policies.reorder", &c);
}

static void delete (fx *f, uint64_t id)
{
	Hd__SlaCall c = HD__SLA_CALL__INIT;
	c.id = id;
	sla_call(f, "slas.policies.delete", &c);
}

typedef struct event {
	fx *f;
	uint64_t id;
	char *tag;
} event;

/* A new ticket tagged e->tag through routing's ticket hook. */
static int ticket_event(hd_txn *t, void *arg)
{
	event *e = arg;
	Hd__Ticket tk = HD__TICKET__INIT;
	char *tags[1] = {e->tag};
	tk.id = e->id;
	tk.subject = "환불 요청";
	tk.status = "open";
	tk.priority = "normal";
	tk.requester_id = 77;
	tk.tags = tags;
	tk.n_tags = e->tag[0] ? 1 : 0;
	tk.created_at = tk.updated_at = 1800000000000;
	uint8_t key[8];
	hd_key_u64(key, tk.id);
	hd_txn_put_pb(t, e->f->r.tickets, key, 8, &tk.base);
	Hd__Envelope ev = HD__ENVELOPE__INIT;
	ev.type = "ticket.created";
	return routing_sla_ticket_hook(&e->f->r, t, &ev, NULL, &tk);
}

/* The policy a new ticket tagged tag measures against (0: none), as its
 * stored state says. */
static uint64_t policy_chosen(fx *f, const char *tag)
{
	event e = {f, f->next_ticket++, (char *)tag};
	assert_hd_ok(hd_store_write(f->r.store, ticket_event, &e));
	hd_txn t;
	Hd__SlaTicketState *st = NULL;
	assert_hd_ok(hd_store_read(f->r.store, &t));
	assert_hd_ok(sla_state_get(&t, &f->r.sla, e.id, &st));
	hd_txn_end(&t);
	uint64_t id = st->policy_id;
	hd__sla_ticket_state__free_unpacked(st, NULL);
	return id;
}

static void test_every_write_is_seen(void **state)
{
	fx *f = *state;
	uint64_t vip = create(f, "VIP 고객", "vip");
	uint64_t all = create(f, "기본 SLA", "");
	assert_int_equal(policy_chosen(f, "vip"), vip);
	assert_int_equal(policy_chosen(f, ""), all);

	refilter(f, vip, "gold"); /* update */
	assert_int_equal(policy_chosen(f, "vip"), all);
	assert_int_equal(policy_chosen(f, "gold"), vip);
	refilter(f, vip, "vip");
	assert_int_equal(policy_chosen(f, "vip"), vip);

	reorder(f, all, vip);
	assert_int_equal(policy_chosen(f, "vip"), all);
	reorder(f, vip, all);
	assert_int_equal(policy_chosen(f, "vip"), vip);

	uint64_t gold = create(f, "골드", "gold"); /* create, last */
	assert_int_equal(policy_chosen(f, "gold"), all);
	reorder(f, gold, vip);
	assert_int_equal(policy_chosen(f, "gold"), gold);

	delete (f, vip);
	assert_int_equal(policy_chosen(f, "vip"), all);
	delete (f, all);
	assert_int_equal(policy_chosen(f, "vip"), 0);
	assert_int_equal(policy_chosen(f, "gold"), gold);
}

/* A write that changes a policy, evaluates a ticket (so the changed list
 * is decoded inside it) and is then undone. On the writer thread: errors
 * other than the planned HD_E_CONFLICT go back to the test. */
static int undone(hd_txn *t, void *arg)
{
	event *e = arg;
	Hd__SlaPolicy *p = NULL;
	int rc = sla_policy_get(t, &e->f->r.sla, 1, &p);
	if (!rc) {
		size_t n = p->n_all;
		p->n_all = 1; /* every unsolved ticket */
		rc = sla_policy_put(t, &e->f->r, p);
		p->n_all = n;
	}
	hd__sla_policy__free_unpacked(p, NULL);
	if (!rc)
		rc = ticket_event(t, e);
	return rc ? rc : HD_E_CONFLICT;
}

/* The generation an undone write used must not come back: the next write
 * would find the undone write's list under it. */
static void test_undone_write_is_forgotten(void **state)
{
	fx *f = *state;
	uint64_t vip = create(f, "VIP 고객", "vip");
	uint64_t all = create(f, "기본 SLA", "");
	assert_int_equal(policy_chosen(f, ""), all);
	event e = {f, f->next_ticket++, ""};
	assert_int_equal(hd_store_write(f->r.store, undone, &e), HD_E_CONFLICT);
	/* No ticket event between: the next write's own refresh of the open
	 * tickets is the first lookup after the undone write. */
	retitle(f, all, "기본 SLA (평일)");
	assert_int_equal(policy_chosen(f, ""), all);
	assert_int_equal(policy_chosen(f, "vip"), vip);
}

/* Policies stored as JSON by older versions, typed at open: the list
 * decoded before the upgrade must not outlive it. */
static int put_json(hd_txn *t, void *arg)
{
	fx *f = arg;
	static const char json[] =
		"{\"description\":\"\",\"filter\":{\"all\":[{\"field\":"
		"\"status\",\"operator\":\"less_than\",\"value\":\"solved\"}],"
		"\"any\":[]},\"policy_metrics\":[{\"priority\":\"normal\","
		"\"metric\":\"first_reply_time\",\"target\":30,"
		"\"business_hours\":false}],\"hd_escalations\":[],"
		"\"hd_schedule_id\":0,\"title\":\"예전 정책\",\"id\":9,"
		"\"position\":0,\"created_at\":1800000000000,"
		"\"updated_at\":1800000000000}";
	uint8_t key[8];
	hd_key_u64(key, 9);
	return hd_txn_put(t, f->r.sla.policies, key, 8, json, sizeof json - 1);
}

static void test_upgrade_is_seen(void **state)
{
	fx *f = *state;
	uint64_t all = create(f, "기본 SLA", "");
	assert_int_equal(policy_chosen(f, ""), all);
	/* An older version's record, written behind routing's back as the
	 * upgrade test does: a JSON policy, which decodes as nothing. */
	assert_hd_ok(hd_store_write(f->r.store, put_json, f));
	assert_hd_ok(routing_sla_upgrade(&f->r));
	assert_int_equal(policy_chosen(f, ""), 9);
}

typedef struct race {
	fx *f;
	atomic_bool done;
	atomic_uint reads;
	unsigned mismatches;
} race;

/* Each read transaction's shared list against the one it decodes itself. */
static void *reader(void *arg)
{
	race *rc = arg;
	while (!atomic_load(&rc->done)) {
		hd_txn t;
		sla_policy_set *s = NULL;
		sla_policies own;
		if (hd_store_read(rc->f->r.store, &t))
			break;
		int e1 = sla_policy_set_get(&t, &rc->f->r, &s);
		int e2 = sla_policies_in_order(&t, &rc->f->r.sla, &own);
		hd_txn_end(&t);
		bool same = !e1 && !e2 && s->pols.n == own.n;
		for (size_t i = 0; same && i < own.n; i++)
			same = s->pols.v[i]->id == own.v[i]->id &&
			       !strcmp(s->pols.v[i]->title, own.v[i]->title) &&
			       s->pols.v[i]->n_all == own.v[i]->n_all;
		rc->mismatches += !same;
		rc->reads++;
		sla_policy_set_drop(s);
		sla_policies_release(&own);
	}
	return NULL;
}

static bool read_once(void *arg)
{
	race *rc = arg;
	return atomic_load(&rc->reads) > 0;
}

static void test_readers_see_their_snapshot(void **state)
{
	fx *f = *state;
	uint64_t a = create(f, "A", "vip");
	uint64_t b = create(f, "B", "");
	race rc = {.f = f};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, reader, &rc), 0);
	for (int i = 0; i < 40; i++) {
		char title[32];
		snprintf(title, sizeof title, "A %d", i);
		retitle(f, a, title);
		refilter(f, a, i % 2 ? "vip" : "");
		reorder(f, i % 2 ? a : b, i % 2 ? b : a);
		assert_int_equal(policy_chosen(f, "vip"), i % 2 ? a : b);
	}
	bool read = unit_wait(read_once, &rc, 60000);
	atomic_store(&rc.done, true);
	pthread_join(th, NULL);
	printf("sla cache: %u reads, %u mismatches\n", atomic_load(&rc.reads),
	       rc.mismatches);
	assert_true(read);
	assert_int_equal(rc.mismatches, 0);
}

int main(void)
{
	unit_log_quiet();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_write_is_seen, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_undone_write_is_forgotten,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_is_seen, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_readers_see_their_snapshot,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
