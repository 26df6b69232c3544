/* Unit tests for knowledge's copy of group memberships
 * (services/knowledge/kb_members.c): created / deleted memberships, a
 * deleted group takes its memberships along, intake's one-time snapshot,
 * and applying an event twice is the same as once. A real LMDB store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kb_members.h"
#include "user.pb-c.h"
#include "hd/err.h"
#include "unit_svc.h"

typedef struct fixture {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	MDB_dbi members;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_store_open(&f->u,
			(const char *const *const[]){kb_members_dbs, NULL},
			NULL);
	assert_hd_ok(kb_members_bind(f->u.store, &f->members));
	*state = f;
	return 0;
}

typedef struct job {
	MDB_dbi members;
	const char *type;
	uint8_t buf[4096];
	size_t len;
} job;

static int apply_job(hd_txn *t, void *arg)
{
	job *j = arg;
	Hd__Envelope ev = HD__ENVELOPE__INIT;
	ev.type = (char *)j->type;
	ev.payload.data = j->buf;
	ev.payload.len = j->len;
	return kb_members_apply(t, j->members, &ev);
}

static void apply(fixture *f, const char *type, const ProtobufCMessage *m)
{
	job j = {.members = f->members, .type = type};
	j.len = protobuf_c_message_pack(m, j.buf);
	assert_hd_ok(hd_store_write(f->u.store, apply_job, &j));
}

static void membership(fixture *f, const char *type, uint64_t user,
		       uint64_t group)
{
	Hd__GroupMembership m = HD__GROUP_MEMBERSHIP__INIT;
	m.user_id = user;
	m.group_id = group;
	apply(f, type, &m.base);
}

static bool member(fixture *f, uint64_t user, uint64_t group)
{
	hd_txn t;
	assert_hd_ok(hd_store_read(f->u.store, &t));
	bool yes = kb_member_of(&t, f->members, user, group);
	hd_txn_end(&t);
	return yes;
}

static void test_created_and_deleted(void **state)
{
	fixture *f = *state;
	membership(f, "group_membership.created", 5, 9);
	membership(f, "group_membership.created", 5, 9); /* twice: once */
	membership(f, "group_membership.created", 6, 9);
	assert_true(member(f, 5, 9) && member(f, 6, 9));
	assert_false(member(f, 5, 8) || member(f, 9, 5) || member(f, 0, 9));
	membership(f, "group_membership.deleted", 5, 9);
	membership(f, "group_membership.deleted", 5, 9); /* missing: fine */
	assert_false(member(f, 5, 9));
	assert_true(member(f, 6, 9));
}

static void test_deleted_group_takes_its_memberships(void **state)
{
	fixture *f = *state;
	membership(f, "group_membership.created", 5, 9);
	membership(f, "group_membership.created", 6, 9);
	membership(f, "group_membership.created", 6, 10);
	Hd__Group g = HD__GROUP__INIT;
	g.id = 9;
	apply(f, "group.deleted", &g.base);
	assert_false(member(f, 5, 9) || member(f, 6, 9));
	assert_true(member(f, 6, 10));
}

static void test_snapshot(void **state)
{
	fixture *f = *state;
	Hd__GroupMembership a = HD__GROUP_MEMBERSHIP__INIT,
			    b = HD__GROUP_MEMBERSHIP__INIT;
	a.user_id = 1, a.group_id = 2;
	b.user_id = 3, b.group_id = 4;
	Hd__GroupMembership *both[] = {&a, &b};
	Hd__GroupMembershipList l = HD__GROUP_MEMBERSHIP_LIST__INIT;
	l.group_memberships = both;
	l.n_group_memberships = 2;
	apply(f, "directory.memberships", &l.base);
	assert_true(member(f, 1, 2) && member(f, 3, 4));
	assert_false(member(f, 1, 4));
}

static int bad_job(hd_txn *t, void *arg)
{
	const fixture *f = arg;
	Hd__Envelope ev = HD__ENVELOPE__INIT;
	static uint8_t junk[] = {0xff, 0xff, 0xff};
	ev.type = "group_membership.created";
	ev.payload.data = junk;
	ev.payload.len = sizeof junk;
	assert_int_equal(kb_members_apply(t, f->members, &ev), HD_E_DECODE);
	ev.type = "ticket.created"; /* not ours */
	assert_hd_ok(kb_members_apply(t, f->members, &ev));
	return HD_OK;
}

static void test_bad_payload_is_a_decode_error(void **state)
{
	fixture *f = *state;
	assert_hd_ok(hd_store_write(f->u.store, bad_job, f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_created_and_deleted, setup,
						unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_deleted_group_takes_its_memberships, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_snapshot, setup,
						unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_payload_is_a_decode_error, setup,
			unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
