/* Unit tests for view conditions (services/routing/views_match.c): which
 * conditions a view may hold and which tickets they select. The module is
 * pure, so it is compiled into this test directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "routing.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "unit.h"

typedef struct cond3 {
	const char *field, *op, *value;
} cond3;

/* A view over up to 4 all and 4 any conditions, in caller storage. */
typedef struct view_buf {
	Hd__View v;
	Hd__ViewCondition c[8];
	Hd__ViewCondition *all[4], *any[4];
} view_buf;

static Hd__View *make_view(view_buf *b, const cond3 *all, const cond3 *any)
{
	hd__view__init(&b->v);
	b->v.title = "t";
	b->v.all = b->all;
	b->v.any = b->any;
	for (size_t i = 0; all && all[i].field; i++) {
		hd__view_condition__init(&b->c[i]);
		b->c[i].field = (char *)all[i].field;
		b->c[i].operator_ = (char *)all[i].op;
		b->c[i].value = (char *)all[i].value;
		b->all[b->v.n_all++] = &b->c[i];
	}
	for (size_t i = 0; any && any[i].field; i++) {
		Hd__ViewCondition *c = &b->c[4 + i];
		hd__view_condition__init(c);
		c->field = (char *)any[i].field;
		c->operator_ = (char *)any[i].op;
		c->value = (char *)any[i].value;
		b->any[b->v.n_any++] = c;
	}
	return &b->v;
}

static int check(const cond3 *all, const cond3 *any)
{
	view_buf b;
	hd_rpc_rep rep;
	memset(&rep, 0, sizeof rep);
	return routing_view_check(make_view(&b, all, any), &rep);
}

static void test_check(void **state)
{
	(void)state;
	assert_hd_ok(
		check((cond3[]){{"status", "less_than", "solved"}, {0}}, NULL));
	assert_hd_ok(
		check((cond3[]){{"assignee_id", "is", "current_user"},
				{"custom_fields_7", "is", "x"},
				{0}},
		      (cond3[]){{"current_tags", "includes", "a b"}, {0}}));
	assert_hd_rc(check((cond3[]){{"priority", "is", "high"}, {0}}, NULL),
		     HD_E_INVALID);
	assert_hd_rc(check(NULL, (cond3[]){{"status", "is", "new"}, {0}}),
		     HD_E_INVALID);
	assert_hd_rc(check((cond3[]){{"status", "is", "nope"}, {0}}, NULL),
		     HD_E_INVALID);
	assert_hd_rc(
		check((cond3[]){{"group_id", "is", "current_user"}, {0}}, NULL),
		HD_E_INVALID);
	assert_hd_rc(check((cond3[]){{"status", "is", "new"},
				     {"custom_fields_x", "is", "1"},
				     {0}},
			   NULL),
		     HD_E_INVALID);
}

static int check_restriction(const char *type, uint64_t id, uint64_t *ids,
			     size_t n_ids)
{
	view_buf b;
	hd_rpc_rep rep;
	Hd__ViewRestriction res = HD__VIEW_RESTRICTION__INIT;
	memset(&rep, 0, sizeof rep);
	res.type = (char *)type;
	res.id = id;
	res.ids = ids;
	res.n_ids = n_ids;
	Hd__View *v =
		make_view(&b, (cond3[]){{"status", "is", "new"}, {0}}, NULL);
	v->restriction = &res;
	int rc = routing_view_check(v, &rep);
	hd_buf_release(&rep.payload);
	return rc;
}

static void test_restriction(void **state)
{
	(void)state;
	uint64_t ids[] = {3, 4}, zero[] = {0};
	assert_hd_ok(check_restriction("User", 7, NULL, 0));
	assert_hd_ok(check_restriction("Group", 3, ids, 2));
	assert_hd_ok(check_restriction("Group", 0, ids, 2));
	assert_hd_rc(check_restriction("Team", 7, NULL, 0), HD_E_INVALID);
	assert_hd_rc(check_restriction("user", 7, NULL, 0), HD_E_INVALID);
	assert_hd_rc(check_restriction("User", 0, NULL, 0), HD_E_INVALID);
	assert_hd_rc(check_restriction("Group", 3, zero, 1), HD_E_INVALID);
}

/* A view stored before ViewRestriction, with restriction_json (field 12),
 * reads back typed after routing_view_upgrade; the old bytes are gone. */
static void test_upgrade_restriction_json(void **state)
{
	(void)state;
	static const char old[] = "{\"type\":\"Group\",\"id\":3,"
				  "\"ids\":[3,9]}";
	view_buf b;
	hd_buf buf;
	hd_buf_init(&buf, 1 << 16);
	Hd__View *v =
		make_view(&b, (cond3[]){{"status", "is", "new"}, {0}}, NULL);
	v->id = 5;
	assert_hd_ok(hd_pb_pack(&buf, v));
	assert_hd_ok(hd_pb_put_bytes(&buf, 12, old, strlen(old)));
	Hd__View *got = hd__view__unpack(NULL, buf.len, (uint8_t *)buf.data);
	assert_non_null(got);
	assert_null(got->restriction);
	bool changed = false;
	assert_hd_ok(routing_view_upgrade(&got->base, &changed));
	assert_true(changed);
	assert_non_null(got->restriction);
	assert_string_equal(got->restriction->type, "Group");
	assert_int_equal(got->restriction->id, 3);
	assert_int_equal(got->restriction->n_ids, 2);
	assert_int_equal(got->restriction->ids[1], 9);
	assert_int_equal(got->base.n_unknown_fields, 0);
	assert_hd_ok(routing_view_upgrade(&got->base, &changed));
	assert_false(changed);
	hd__view__free_unpacked(got, NULL);
	hd_buf_release(&buf);
}

static bool matches(const cond3 *all, const cond3 *any, const Hd__Ticket *tk,
		    uint64_t me)
{
	view_buf b;
	hd_principal who = {.user_id = me};
	return routing_view_match(make_view(&b, all, any), tk, &who);
}

static void test_match(void **state)
{
	(void)state;
	char *tags[] = {"vip", "gold"};
	Hd__Ticket tk = HD__TICKET__INIT;
	tk.status = "pending";
	tk.priority = "high";
	tk.assignee_id = 42;
	tk.tags = tags;
	tk.n_tags = 2;
	assert_true(matches((cond3[]){{"status", "less_than", "solved"}, {0}},
			    NULL, &tk, 1));
	assert_false(matches((cond3[]){{"status", "less_than", "pending"}, {0}},
			     NULL, &tk, 1));
	assert_true(matches((cond3[]){{"status", "greater_than", "open"}, {0}},
			    NULL, &tk, 1));
	assert_true(
		matches((cond3[]){{"assignee_id", "is", "current_user"}, {0}},
			NULL, &tk, 42));
	assert_false(
		matches((cond3[]){{"assignee_id", "is", "current_user"}, {0}},
			NULL, &tk, 7));
	assert_false(matches((cond3[]){{"assignee_id", "is", ""}, {0}}, NULL,
			     &tk, 7));
	assert_true(matches((cond3[]){{"status", "is_not", "closed"}, {0}},
			    (cond3[]){{"priority", "is", "urgent"},
				      {"current_tags", "includes", "x gold"},
				      {0}},
			    &tk, 1));
	assert_false(matches((cond3[]){{"status", "is_not", "closed"}, {0}},
			     (cond3[]){{"priority", "greater_than", "high"},
				       {"current_tags", "not_includes", "vip"},
				       {0}},
			     &tk, 1));
	tk.deleted = 1;
	assert_false(matches((cond3[]){{"status", "is", "pending"}, {0}}, NULL,
			     &tk, 1));
}

static void test_ranks(void **state)
{
	(void)state;
	assert_int_equal(routing_status_rank("new"), 0);
	assert_int_equal(routing_status_rank("closed"), 5);
	assert_int_equal(routing_status_rank("x"), -1);
	assert_int_equal(routing_priority_rank(""), 0);
	assert_int_equal(routing_priority_rank("urgent"), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_ranks),
		cmocka_unit_test(test_restriction),
		cmocka_unit_test(test_upgrade_restriction_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
