/* Unit tests for intake's one-time membership snapshot
 * (services/intake/groups_snapshot.c): a store from before knowledge kept
 * its own copy sends every membership once, as one directory.memberships
 * event; a second start sends nothing; a new store only marks it. A real
 * LMDB store in a scratch dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "intake.h"
#include "users.h"
#include "common.pb-c.h"
#include "hd/err.h"
#include "unit_intake_users.h"

typedef struct fixture {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	intake in;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_intake_users_open(&f->u, &f->in);
	assert_hd_ok(intake_users_bind(&f->in));
	*state = f;
	return 0;
}

static int add_members(hd_txn *t, void *arg)
{
	for (uint64_t i = 1; i <= 3; i++) {
		Hd__GroupMembership m = HD__GROUP_MEMBERSHIP__INIT;
		m.id = i;
		m.user_id = 100 + i;
		m.group_id = 7;
		intake_put_pb(t, ((fixture *)arg)->in.dir.memberships, m.id,
			      &m);
	}
	return t->rc;
}

typedef struct seen {
	unsigned n;
	char type[64];
	size_t members;
	uint64_t last_user;
} seen;

static int on_event(void *arg, uint64_t seq, const uint8_t *env, size_t len)
{
	seen *s = arg;
	Hd__Envelope *e = hd__envelope__unpack(NULL, len, env);
	assert_non_null(e);
	snprintf(s->type, sizeof s->type, "%s", e->type);
	Hd__GroupMembershipList *l = hd__group_membership_list__unpack(
		NULL, e->payload.len, e->payload.data);
	assert_non_null(l);
	s->members = l->n_group_memberships;
	s->last_user = l->group_memberships[s->members - 1]->user_id;
	s->n++;
	hd__group_membership_list__free_unpacked(l, NULL);
	hd__envelope__free_unpacked(e, NULL);
	return HD_OK;
}

static void test_old_store_sends_every_membership_once(void **state)
{
	fixture *f = *state;
	assert_hd_ok(hd_store_write(f->in.store, add_members, f));
	assert_int_equal(hd_store_latest_seq(f->in.store), 0);
	assert_hd_ok(intake_groups_snapshot(&f->in));
	assert_hd_ok(intake_groups_snapshot(&f->in)); /* a second start */
	seen s = {0};
	assert_hd_ok(hd_store_events_since(f->in.store, 0, 100, 1 << 20,
					   on_event, &s));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.type, "directory.memberships");
	assert_int_equal(s.members, 3);
	assert_int_equal(s.last_user, 103);
}

static void test_new_store_only_marks_it(void **state)
{
	fixture *f = *state;
	assert_hd_ok(intake_groups_snapshot(&f->in));
	assert_hd_ok(hd_store_write(f->in.store, add_members, f));
	assert_hd_ok(intake_groups_snapshot(&f->in)); /* events carry these */
	assert_int_equal(hd_store_latest_seq(f->in.store), 0);
}

static void test_other_shards_send_nothing(void **state)
{
	fixture *f = *state;
	f->in.shard = 1;
	assert_hd_ok(hd_store_write(f->in.store, add_members, f));
	assert_hd_ok(intake_groups_snapshot(&f->in));
	assert_int_equal(hd_store_latest_seq(f->in.store), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_old_store_sends_every_membership_once, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_new_store_only_marks_it,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_other_shards_send_nothing,
						setup, unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
