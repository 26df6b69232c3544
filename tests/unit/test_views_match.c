/* Unit tests for view conditions (services/routing/views_match.c): which
 * conditions a view may hold and which tickets they select. The module is
 * pure, so it is compiled into this test directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../services/routing/views_match.c"
#include "../../services/rules/rules_rank.c"
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
