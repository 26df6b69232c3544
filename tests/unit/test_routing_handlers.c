/* Handler-level tests of routing's views (views.c, views_exec.c): a view
 * saved through views.save, then views.tickets over routing's copy of the
 * tickets, called directly on a fresh store; conditions checked on save,
 * end-users and unknown views refused; who sees a group or personal view;
 * views.count_many (views_count.c).
 * Links librouting.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assign.h"
#include "routing.h"
#include "views_index.h"

#include "hd/store_pb.h"

#include "unit_svc.h"

static const char *const own_dbs[] = {"tickets", "unassigned", "views",
				      "meta",    "commands",   NULL};
static const char *const *const dbs[] = {own_dbs, routing_vidx_dbs,
					 routing_assign_dbs, NULL};
static const hd_rpc_route *const routes[] = {routing_view_routes, NULL};

typedef struct fx {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	routing r;
	hd_principal admin, agent, user;
} fx;

typedef struct put_job {
	routing *r;
	Hd__Ticket *tk;
} put_job;

/* routing's copy of a ticket, as routing_apply stores it. */
static int put_ticket(hd_txn *t, void *arg)
{
	put_job *j = arg;
	uint8_t key[8], buf[1024];
	size_t n = hd__ticket__get_packed_size(j->tk);
	assert_true(n <= sizeof buf);
	hd__ticket__pack(j->tk, buf);
	hd_key_u64(key, j->tk->id);
	return hd_txn_put(t, j->r->tickets, key, 8, buf, n);
}

static void seed(fx *f, uint64_t id, const char *status, const char *prio,
		 uint64_t assignee)
{
	Hd__Ticket tk = HD__TICKET__INIT;
	tk.id = id;
	tk.subject = "배송 문의";
	tk.status = (char *)status;
	tk.priority = (char *)prio;
	tk.assignee_id = assignee;
	tk.requester_id = 77;
	tk.created_at = 1800000000000 + (int64_t)id;
	tk.updated_at = tk.created_at;
	put_job j = {&f->r, &tk};
	assert_hd_ok(hd_store_write(f->r.store, put_ticket, &j));
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->r.store = unit_store_open(&f->u, dbs, "routing");
	assert_hd_ok(routing_store_bind(&f->r));
	/* The memberships views read (assign_events.c fills them). */
	assert_hd_ok(hd_store_dbi(f->r.store, "as_agent_groups",
				  &f->r.as.agent_groups));
	f->admin = unit_who("admin", 1);
	f->agent = unit_who("agent", 9);
	f->user = unit_who("end-user", 77);
	seed(f, 256, "open", "high", 9);
	seed(f, 512, "new", "low", 0);
	seed(f, 768, "solved", "high", 9);
	seed(f, 1024, "pending", "urgent", 9);
	*state = f;
	return 0;
}

/* Save a view with one "all" condition; returns rc, the id in *id. */
static int save_view(fx *f, const hd_principal *who, const char *field,
		     const char *op, const char *value, uint64_t *id,
		     hd_rpc_rep *rep)
{
	Hd__ViewCondition c = HD__VIEW_CONDITION__INIT;
	Hd__ViewCondition *all[1] = {&c};
	Hd__View v = HD__VIEW__INIT;
	c.field = (char *)field;
	c.operator_ = (char *)op;
	c.value = (char *)value;
	v.title = "내 티켓";
	v.active = true;
	v.all = all;
	v.n_all = 1;
	v.sort_by = "id";
	v.sort_order = "asc";
	int rc = unit_call(routes, &f->r, "views.save", &v.base, who, rep);
	if (!rc) {
		Hd__View *got = unit_rep_decode(rep, &hd__view__descriptor);
		*id = got->id;
		assert_string_equal(got->title, "내 티켓");
		hd__view__free_unpacked(got, NULL);
	}
	return rc;
}

static void test_view_tickets_match_conditions(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0;
	assert_hd_ok(save_view(f, &f->admin, "status", "less_than", "solved",
			       &id, &rep));
	unit_rep_release(&rep);
	assert_true(id > 0);
	Hd__ViewTicketsRequest q = HD__VIEW_TICKETS_REQUEST__INIT;
	q.id = id;
	q.limit = 10;
	assert_hd_ok(unit_call(routes, &f->r, "views.tickets", &q.base,
			       &f->agent, &rep));
	Hd__ViewTickets *vt =
		unit_rep_decode(&rep, &hd__view_tickets__descriptor);
	/* new, open and pending; not solved. */
	assert_int_equal(vt->count, 3);
	assert_int_equal(vt->n_tickets, 3);
	assert_int_equal(vt->tickets[0]->id, 256);
	assert_int_equal(vt->tickets[1]->id, 512);
	assert_int_equal(vt->tickets[2]->id, 1024);
	assert_non_null(vt->view);
	assert_int_equal(vt->view->id, id);
	hd__view_tickets__free_unpacked(vt, NULL);
	unit_rep_release(&rep);

	/* limit 1 from offset 1: the count stays, one ticket comes. */
	q.offset = 1;
	q.limit = 1;
	assert_hd_ok(unit_call(routes, &f->r, "views.tickets", &q.base,
			       &f->agent, &rep));
	vt = unit_rep_decode(&rep, &hd__view_tickets__descriptor);
	assert_int_equal(vt->count, 3);
	assert_int_equal(vt->n_tickets, 1);
	assert_int_equal(vt->tickets[0]->id, 512);
	hd__view_tickets__free_unpacked(vt, NULL);
	unit_rep_release(&rep);
}

static void test_view_tickets_refused(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	Hd__ViewTicketsRequest q = HD__VIEW_TICKETS_REQUEST__INIT;
	q.id = 4242;
	assert_rep_rc(unit_call(routes, &f->r, "views.tickets", &q.base,
				&f->user, &rep),
		      &rep, HD_E_FORBIDDEN);
	unit_rep_release(&rep);
	assert_rep_rc(unit_call(routes, &f->r, "views.tickets", &q.base,
				&f->agent, &rep),
		      &rep, HD_E_NOTFOUND);
	unit_rep_release(&rep);
	static const uint8_t junk[] = {0xff, 0xff, 0xff};
	assert_rep_rc(unit_call_raw(routes, &f->r, "views.tickets", junk,
				    sizeof junk, &f->agent, &rep),
		      &rep, HD_E_DECODE);
	assert_non_null(strstr(rep.message, "ViewTicketsRequest"));
	unit_rep_release(&rep);
}

static void test_view_save_checks_conditions(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t id = 0;
	assert_rep_rc(
		save_view(f, &f->admin, "no_such_field", "is", "x", &id, &rep),
		&rep, HD_E_INVALID);
	assert_true(rep.field[0] != '\0');
	unit_rep_release(&rep);
	assert_rep_rc(save_view(f, &f->user, "status", "is", "open", &id, &rep),
		      &rep, HD_E_FORBIDDEN);
	unit_rep_release(&rep);
	/* Nothing was saved: the list is empty. */
	assert_hd_ok(
		unit_call(routes, &f->r, "views.list", NULL, &f->admin, &rep));
	Hd__ViewList *l = unit_rep_decode(&rep, &hd__view_list__descriptor);
	assert_int_equal(l->n_views, 0);
	hd__view_list__free_unpacked(l, NULL);
	unit_rep_release(&rep);
}

/* Save a view restricted to type ("User" | "Group") id; HD_OK or the
 * refusal, the id in *id. */
static int save_restricted(fx *f, const hd_principal *who, const char *type,
			   uint64_t rid, uint64_t *id, hd_rpc_rep *rep)
{
	Hd__ViewCondition c = HD__VIEW_CONDITION__INIT;
	Hd__ViewCondition *all[1] = {&c};
	Hd__ViewRestriction res = HD__VIEW_RESTRICTION__INIT;
	uint64_t ids[1] = {rid};
	Hd__View v = HD__VIEW__INIT;
	c.field = "status";
	c.operator_ = "is";
	c.value = "open";
	v.title = (char *)type;
	v.all = all;
	v.n_all = 1;
	v.active = true;
	res.type = (char *)type;
	res.id = rid;
	if (!strcmp(type, "Group")) {
		res.ids = ids;
		res.n_ids = 1;
	}
	v.restriction = &res;
	int rc = unit_call(routes, &f->r, "views.save", &v.base, who, rep);
	if (!rc) {
		Hd__View *got = unit_rep_decode(rep, &hd__view__descriptor);
		*id = got->id;
		hd__view__free_unpacked(got, NULL);
	}
	return rc;
}

static int get_rc(fx *f, const hd_principal *who, const char *method,
		  uint64_t id)
{
	hd_rpc_rep rep;
	Hd__ViewTicketsRequest q = HD__VIEW_TICKETS_REQUEST__INIT;
	Hd__ViewId vi = HD__VIEW_ID__INIT;
	q.id = vi.id = id;
	int rc = unit_call(routes, &f->r, method,
			   !strcmp(method, "views.get") ? &vi.base : &q.base,
			   who, &rep);
	unit_rep_release(&rep);
	return rc;
}

/* The ids views.list answers who, in order, into ids (at most 8). */
static size_t list_ids(fx *f, const hd_principal *who, uint64_t *ids)
{
	hd_rpc_rep rep;
	assert_hd_ok(unit_call(routes, &f->r, "views.list", NULL, who, &rep));
	Hd__ViewList *l = unit_rep_decode(&rep, &hd__view_list__descriptor);
	size_t n = l->n_views;
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		ids[i] = l->views[i]->id;
	hd__view_list__free_unpacked(l, NULL);
	unit_rep_release(&rep);
	return n;
}

typedef struct member {
	const routing *r;
	uint64_t agent, group;
} member;

static int put_member(hd_txn *t, void *arg)
{
	const member *m = arg;
	uint8_t key[16];
	hd_key_u64(key, m->agent);
	hd_key_u64(key + 8, m->group);
	return hd_txn_put(t, m->r->as.agent_groups, key, 16, "", 0);
}

static void test_view_visible_by_group_and_owner(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t group = 0, mine = 0, agents = 0, ids[8];
	assert_hd_ok(save_restricted(f, &f->admin, "Group", 5, &group, &rep));
	unit_rep_release(&rep);
	assert_hd_ok(save_restricted(f, &f->admin, "User", 1, &mine, &rep));
	unit_rep_release(&rep);
	assert_hd_ok(save_restricted(f, &f->agent, "User", 9, &agents, &rep));
	unit_rep_release(&rep);
	/* Not (yet) in group 5: the group view does not exist for agent 9. */
	assert_int_equal(get_rc(f, &f->agent, "views.get", group),
			 HD_E_NOTFOUND);
	assert_int_equal(get_rc(f, &f->agent, "views.tickets", group),
			 HD_E_NOTFOUND);
	assert_int_equal(list_ids(f, &f->agent, ids), 1);
	assert_int_equal(ids[0], agents);
	/* A member sees it. */
	member m = {&f->r, 9, 5};
	assert_hd_ok(hd_store_write(f->r.store, put_member, &m));
	assert_hd_ok(get_rc(f, &f->agent, "views.get", group));
	assert_hd_ok(get_rc(f, &f->agent, "views.tickets", group));
	assert_int_equal(list_ids(f, &f->agent, ids), 2);
	/* The admin sees the group view and her own, not the agent's. */
	assert_int_equal(list_ids(f, &f->admin, ids), 2);
	assert_int_equal(ids[0], group);
	assert_int_equal(ids[1], mine);
	assert_int_equal(get_rc(f, &f->admin, "views.get", agents),
			 HD_E_NOTFOUND);
	assert_int_equal(get_rc(f, &f->admin, "views.tickets", agents),
			 HD_E_NOTFOUND);
	assert_int_equal(get_rc(f, &f->agent, "views.get", mine),
			 HD_E_NOTFOUND);
	/* Nor does she save a personal view for the agent. */
	assert_rep_rc(save_restricted(f, &f->admin, "User", 9, &agents, &rep),
		      &rep, HD_E_FORBIDDEN);
	assert_string_equal(rep.field, "restriction");
	unit_rep_release(&rep);
}

/* views.count_many into got[0..*n) (at most 8) as id, count pairs. */
static int count_many(fx *f, const hd_principal *who, uint64_t *ids,
		      size_t nids, uint64_t got[][2], size_t *n)
{
	hd_rpc_rep rep;
	Hd__ViewCountsRequest q = HD__VIEW_COUNTS_REQUEST__INIT;
	q.ids = ids;
	q.n_ids = nids;
	*n = 0;
	int rc = unit_call(routes, &f->r, "views.count_many", &q.base, who,
			   &rep);
	if (!rc) {
		Hd__ViewCounts *vc =
			unit_rep_decode(&rep, &hd__view_counts__descriptor);
		assert_true(vc->n_counts <= 8);
		for (size_t i = 0; i < vc->n_counts; i++) {
			got[i][0] = vc->counts[i]->id;
			got[i][1] = vc->counts[i]->count;
			assert_false(vc->counts[i]->building);
		}
		*n = vc->n_counts;
		hd__view_counts__free_unpacked(vc, NULL);
	}
	unit_rep_release(&rep);
	return rc;
}

/* One RPC answers what views.tickets would for each visible id, in the
 * order asked, a repeated id once; hidden and unknown ids left out. */
static void test_view_count_many(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	uint64_t open = 0, group = 0, agents = 0, got[8][2];
	size_t n = 0;
	assert_hd_ok(save_view(f, &f->admin, "status", "less_than", "solved",
			       &open, &rep));
	unit_rep_release(&rep);
	assert_hd_ok(save_restricted(f, &f->admin, "Group", 5, &group, &rep));
	unit_rep_release(&rep);
	assert_hd_ok(save_restricted(f, &f->agent, "User", 9, &agents, &rep));
	unit_rep_release(&rep);
	uint64_t ids[] = {agents, group, 4242, open, agents};
	assert_hd_ok(count_many(f, &f->agent, ids, 5, got, &n));
	assert_int_equal(n, 2);
	assert_int_equal(got[0][0], agents);
	assert_int_equal(got[0][1], 1); /* status is open: 256 */
	assert_int_equal(got[1][0], open);
	assert_int_equal(got[1][1], 3);
	assert_hd_ok(count_many(f, &f->admin, ids, 5, got, &n));
	assert_int_equal(n, 2);
	assert_int_equal(got[0][0], group);
	assert_int_equal(got[0][1], 1);
	assert_int_equal(got[1][0], open);
	assert_hd_ok(count_many(f, &f->admin, NULL, 0, got, &n));
	assert_int_equal(n, 0);
	assert_int_equal(count_many(f, &f->user, ids, 5, got, &n),
			 HD_E_FORBIDDEN);
	uint64_t many[101] = {0};
	Hd__ViewCountsRequest q = HD__VIEW_COUNTS_REQUEST__INIT;
	q.ids = many;
	q.n_ids = 101;
	assert_rep_rc(unit_call(routes, &f->r, "views.count_many", &q.base,
				&f->admin, &rep),
		      &rep, HD_E_INVALID);
	assert_string_equal(rep.field, "ids");
	unit_rep_release(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_view_tickets_match_conditions, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_view_tickets_refused,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_view_save_checks_conditions, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_view_visible_by_group_and_owner, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_view_count_many, setup,
						unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
