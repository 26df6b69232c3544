/* Unit tests for users' custom field values (common/user_fields.c) and the
 * upgrade of user records an older build stored with them as JSON text
 * (User field 16): intake types them when its users module binds, once
 * per store, in a real LMDB store in a scratch dir; and the gateway's
 * conversion keeps Zendesk's JSON byte for byte and names a key whose
 * value it cannot hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "intake.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/user_fields.h"
#include "users.h"
#include "unit_intake_users.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	intake in;
} fixture;

/* Old records: the current User of id with field 16 = text appended. */
typedef struct old {
	uint64_t id;
	const char *text;
} old;

static const old olds[] = {
	{256, "{\"tier\":\"gold\",\"n\":12,\"r\":2.0,\"ok\":true,\"none\":null,"
	      "\"list\":[\"a\",1],\"한글 키\":\"값\"}"},
	{512, "{\"deep\":{\"a\":1},\"nested\":[[1]],\"k\":\"v\"}"},
	{768, "not json"},
	{1024, "[1,2]"},
	{0, NULL},
};

static int put_olds(hd_txn *t, void *arg)
{
	MDB_dbi users;
	int rc = hd_store_dbi(((fixture *)arg)->in.store, "users", &users);
	for (size_t i = 0; !rc && olds[i].text; i++) {
		Hd__User u = HD__USER__INIT;
		hd_buf b;
		uint8_t key[8];
		u.id = olds[i].id;
		u.name = "옛 사용자";
		u.role = "end-user";
		hd_buf_init(&b, 4096);
		rc = hd_pb_pack(&b, &u);
		if (!rc)
			rc = hd_pb_put_bytes(&b, 16, olds[i].text,
					     strlen(olds[i].text));
		hd_key_u64(key, u.id);
		if (!rc)
			rc = hd_txn_put(t, users, key, 8, b.data, b.len);
		hd_buf_release(&b);
	}
	return rc ? rc : t->rc;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_intake_users_open(&f->u, &f->in);
	assert_hd_ok(hd_store_write(f->in.store, put_olds, f));
	*state = f;
	return 0;
}

/* The user's values as the gateway renders them. */
static char *shown(fixture *f, uint64_t id, size_t *unknown)
{
	hd_txn t;
	Hd__User *u = NULL;
	assert_hd_ok(hd_store_read(f->in.store, &t));
	assert_hd_ok(intake_user_get(&f->in, &t, id, &u));
	hd_txn_end(&t);
	json_t *o = hd_user_fields_json(u->user_fields, u->n_user_fields);
	char *text = json_dumps(o, JSON_COMPACT);
	*unknown = u->base.n_unknown_fields;
	json_decref(o);
	hd__user__free_unpacked(u, NULL);
	return text;
}

static void expect(fixture *f, uint64_t id, const char *want)
{
	size_t unknown = 99;
	char *got = shown(f, id, &unknown);
	assert_string_equal(got, want);
	assert_int_equal(unknown, 0); /* the old text is gone */
	free(got);
}

static void test_upgrade_at_bind(void **state)
{
	fixture *f = *state;
	assert_hd_ok(intake_users_bind(&f->in));
	/* the same JSON the gateway showed from the old text */
	expect(f, 256, olds[0].text);
	/* what the typed form cannot hold is kept as its JSON text */
	expect(f, 512,
	       "{\"deep\":\"{\\\"a\\\":1}\",\"nested\":\"[[1]]\",\"k\":\"v\"}");
	/* text that was no object showed {} and still does */
	expect(f, 768, "{}");
	expect(f, 1024, "{}");
}

static void test_upgrade_once(void **state)
{
	fixture *f = *state;
	assert_hd_ok(intake_users_bind(&f->in));
	/* An old record written after the store was upgraded (cannot happen
	 * but through a downgrade) is left as it is: the meta flag says the
	 * store's records are typed, so the scan runs once. */
	assert_hd_ok(hd_store_write(f->in.store, put_olds, f));
	assert_hd_ok(intake_users_bind(&f->in));
	size_t unknown = 0;
	char *got = shown(f, 256, &unknown);
	assert_string_equal(got, "{}");
	assert_int_equal(unknown, 1);
	free(got);
}

/* Zendesk's object → typed → the same bytes, for every JSON type. */
static void test_round_trip(void **state)
{
	(void)state;
	static const char *const bodies[] = {
		"{}",
		"{\"a\":\"x\",\"b\":1,\"c\":-3,\"d\":1.5,\"e\":2.0,\"f\":1e300,"
		"\"g\":-0.0,\"h\":true,\"i\":false,\"j\":null,\"k\":[],"
		"\"l\":[1,2.5,null,true,\"s\"],\"m\":12345678901234,"
		"\"한글\":\"값 \\\"인용\\\"\\n\",\"\":\"\"}",
		NULL};
	for (size_t i = 0; bodies[i]; i++) {
		json_t *in = json_loads(bodies[i], 0, NULL);
		char *want = json_dumps(in, JSON_COMPACT);
		Hd__UserFieldValue **v = NULL;
		size_t n = 0;
		const char *bad = NULL;
		assert_hd_ok(hd_user_fields_from_json(in, &v, &n, &bad));
		json_t *out = hd_user_fields_json(v, n);
		char *got = json_dumps(out, JSON_COMPACT);
		assert_string_equal(got, want);
		free(got);
		free(want);
		json_decref(out);
		json_decref(in);
		hd_user_fields_free(v, n);
	}
}

static void test_refuses_naming_the_key(void **state)
{
	(void)state;
	static const struct {
		const char *body, *key;
	} cases[] = {
		{"{\"ok\":1,\"obj\":{\"a\":1}}", "obj"},
		{"{\"deep\":[[1]],\"ok\":1}", "deep"},
		{"{\"열쇠\":[{\"a\":1}]}", "열쇠"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *in = json_loads(cases[i].body, 0, NULL);
		Hd__UserFieldValue **v = NULL;
		size_t n = 0;
		const char *bad = NULL;
		assert_hd_rc(hd_user_fields_from_json(in, &v, &n, &bad),
			     HD_E_INVALID);
		assert_string_equal(bad, cases[i].key);
		assert_null(v);
		json_decref(in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_upgrade_at_bind, setup,
						unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_once, setup,
						unit_store_teardown),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refuses_naming_the_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
