/* Unit tests for intake's users store (services/intake/users_store.c):
 * pages of records by offset, cursor (after and before), ids and filter,
 * and tokens kept only as hashes. A real LMDB store in a scratch dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "intake.h"
#include "hd/err.h"
#include "users.h"
#include "unit_intake_users.h"

typedef struct fixture {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	intake in;
	uint64_t ids[7];
} fixture;

static int add_users(hd_txn *t, void *arg)
{
	fixture *f = arg;
	for (int i = 0; i < 7; i++) {
		Hd__User u = HD__USER__INIT;
		char email[32];
		snprintf(email, sizeof email, "u%d@x.example", i);
		u.name = "n";
		u.email = email;
		u.role = i == 4 ? "agent" : "end-user";
		intake_next_id(t, &f->in, "next_user", &u.id);
		intake_user_put(&f->in, t, &u);
		f->ids[i] = u.id;
	}
	return t->rc;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_intake_users_open(&f->u, &f->in);
	assert_hd_ok(intake_users_bind(&f->in));
	assert_hd_ok(hd_store_write(f->in.store, add_users, f));
	*state = f;
	return 0;
}

static uint64_t id_at(const intake_dir_page *p, size_t i)
{
	return ((Hd__User *)p->items[i])->id;
}

static void scan(fixture *f, const Hd__DirListRequest *q, intake_dir_keep keep,
		 intake_dir_page *p)
{
	hd_txn t;
	assert_hd_ok(hd_store_read(f->in.store, &t));
	assert_hd_ok(intake_dir_scan(&t, f->in.dir.users, &hd__user__descriptor,
				     q, keep, NULL, p));
	hd_txn_end(&t);
}

static void test_offset(void **state)
{
	fixture *f = *state;
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	intake_dir_page p;
	q.size = 3;
	q.offset = 3;
	scan(f, &q, NULL, &p);
	assert_int_equal(p.count, 7);
	assert_int_equal(p.n, 3);
	assert_true(id_at(&p, 0) == f->ids[3] && id_at(&p, 2) == f->ids[5]);
	intake_dir_page_free(&p);
}

static void test_cursor(void **state)
{
	fixture *f = *state;
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	intake_dir_page p;
	q.size = 3;
	q.cursor = true;
	scan(f, &q, NULL, &p);
	assert_true(p.n == 3 && p.has_more && id_at(&p, 2) == f->ids[2]);
	intake_dir_page_free(&p);
	q.after_id = f->ids[5];
	scan(f, &q, NULL, &p);
	assert_true(p.n == 1 && !p.has_more && id_at(&p, 0) == f->ids[6]);
	intake_dir_page_free(&p);
	/* Backwards from the fifth: the three before it, in ascending order. */
	q.after_id = 0;
	q.before_id = f->ids[4];
	scan(f, &q, NULL, &p);
	assert_true(p.n == 3 && p.has_more);
	assert_true(id_at(&p, 0) == f->ids[1] && id_at(&p, 2) == f->ids[3]);
	intake_dir_page_free(&p);
}

static bool agents_only(const void *msg, void *arg)
{
	(void)arg;
	return strcmp(((const Hd__User *)msg)->role, "agent") == 0;
}

static void test_filter_and_ids(void **state)
{
	fixture *f = *state;
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	intake_dir_page p;
	q.size = 100;
	scan(f, &q, agents_only, &p);
	assert_true(p.count == 1 && p.n == 1 && id_at(&p, 0) == f->ids[4]);
	intake_dir_page_free(&p);
	uint64_t ids[] = {f->ids[2], 999999, f->ids[5]};
	q.ids = ids;
	q.n_ids = 3;
	scan(f, &q, NULL, &p);
	assert_true(p.n == 2 && id_at(&p, 0) == f->ids[2] &&
		    id_at(&p, 1) == f->ids[5]);
	intake_dir_page_free(&p);
}

typedef struct tok_arg {
	intake *in;
	const char *clear;
	bool oauth;
} tok_arg;

static int add_token(hd_txn *t, void *arg)
{
	tok_arg *a = arg;
	Hd__ApiToken rec = HD__API_TOKEN__INIT;
	rec.oauth = a->oauth;
	rec.user_id = 256;
	return intake_token_put(t, a->in, a->clear, &rec);
}

static void test_tokens(void **state)
{
	fixture *f = *state;
	tok_arg api = {&f->in, "api-secret", false};
	tok_arg bearer = {&f->in, "bearer-secret", true};
	assert_hd_ok(hd_store_write(f->in.store, add_token, &api));
	assert_hd_ok(hd_store_write(f->in.store, add_token, &bearer));
	hd_txn t;
	Hd__ApiToken *rec = NULL;
	assert_hd_ok(hd_store_read(f->in.store, &t));
	assert_hd_ok(intake_token_known(&f->in, &t, "api-secret"));
	assert_hd_rc(intake_token_known(&f->in, &t, "bearer-secret"),
		     HD_E_NOTFOUND);
	assert_hd_rc(intake_token_known(&f->in, &t, "nope"), HD_E_NOTFOUND);
	assert_hd_ok(intake_token_find(&f->in, &t, "bearer-secret", &rec));
	assert_true(rec->oauth && rec->user_id == 256 && rec->hash.len == 32);
	assert_true(!rec->token || !rec->token[0]); /* never the clear value */
	hd__api_token__free_unpacked(rec, NULL);
	hd_txn_end(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offset, setup,
						unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_cursor, setup,
						unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_filter_and_ids, setup,
						unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup,
						unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
