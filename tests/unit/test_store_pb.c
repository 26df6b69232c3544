/* Unit tests for the protobuf store helpers (common/store_pb.c,
 * common/store_dbis.c, common/req_decode.c) on a real LMDB store in a fresh
 * scratch directory: records by u64 id, the size cap, events with a
 * protobuf payload, freeing a stack list, binding sub-databases from a
 * table, and decoding a request payload or refusing it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alerts.pb-c.h"
#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/req_decode.h"
#include "hd/store.h"
#include "hd/store_pb.h"
#include "knowledge.pb-c.h"
#include "unit_db.h"

static const char *const dbs[] = {"cards", "meta", NULL};

typedef struct fixture {
	unit_db db; /* first: unit_db_teardown frees the fixture */
	MDB_dbi cards, meta;
} fixture;

static int setup(void **state)
{
	fixture *f = unit_db_new(sizeof *f, "db");
	if (!f)
		return -1;
	hd_store_opts o = {.dbs = dbs, .source = "knowledge", .shard = 1};
	const hd_dbi_ref refs[] = {
		{"cards", &f->cards}, {"meta", &f->meta}, {NULL, NULL}};
	if (unit_db_open(&f->db, o) || hd_store_dbis(f->db.s, refs))
		return -1;
	*state = f;
	return 0;
}

typedef struct put_arg {
	fixture *f;
	const Hd__CardExpired *msg;
	const char *event; /* also emit msg as this event type when set */
} put_arg;

static int put_job(hd_txn *t, void *arg)
{
	put_arg *a = arg;
	hd_txn_put_pb_id(t, a->f->cards, a->msg->card_id, a->msg);
	if (a->event)
		hd_txn_emit_pb(t, a->event, a->msg, "trace-pb");
	return t->rc;
}

static int get_card(fixture *f, uint64_t id, Hd__CardExpired **out)
{
	hd_txn t;
	int rc = hd_store_read(f->db.s, &t);
	if (rc)
		return rc;
	rc = hd_txn_get_pb_id(&t, f->cards, id, &hd__card_expired__descriptor,
			      (void **)out);
	hd_txn_end(&t);
	return rc;
}

static void test_dbis_table(void **state)
{
	fixture *f = *state;
	MDB_dbi x;
	const hd_dbi_ref bad[] = {{"cards", &x}, {"nope", &x}, {NULL, NULL}};
	assert_hd_rc(hd_store_dbis(f->db.s, bad), HD_E_NOTFOUND);
	assert_int_equal(x, f->cards); /* rows before the bad one are bound */
}

static void test_put_get_by_id(void **state)
{
	fixture *f = *state;
	Hd__CardExpired m = HD__CARD_EXPIRED__INIT, *got = NULL;
	m.card_id = 42;
	m.title = "배송 지연 안내";
	m.due_at = 1700000000000;
	put_arg a = {f, &m, NULL};
	assert_hd_ok(hd_store_write(f->db.s, put_job, &a));
	assert_hd_ok(get_card(f, 42, &got));
	assert_string_equal(got->title, "배송 지연 안내");
	assert_int_equal(got->due_at, 1700000000000);
	hd__card_expired__free_unpacked(got, NULL);
	assert_hd_rc(get_card(f, 43, &got), HD_E_NOTFOUND);
	assert_null(got);
}

static int junk_job(hd_txn *t, void *arg)
{
	fixture *f = arg;
	/* a field header promising more bytes than there are */
	static const uint8_t junk[] = {0x12, 0x7f, 'x'};
	uint8_t key[8];
	hd_key_u64(key, 7);
	return hd_txn_put(t, f->cards, key, sizeof key, junk, sizeof junk);
}

static void test_corrupt_value(void **state)
{
	fixture *f = *state;
	Hd__CardExpired *got = NULL;
	assert_hd_ok(hd_store_write(f->db.s, junk_job, f));
	assert_hd_rc(get_card(f, 7, &got), HD_E_CORRUPT);
	assert_null(got);
}

static int max_job(hd_txn *t, void *arg)
{
	fixture *f = arg;
	Hd__CardExpired m = HD__CARD_EXPIRED__INIT;
	m.title = "제목이 너무 긴 카드";
	uint8_t key[8];
	hd_key_u64(key, 1);
	return hd_txn_put_pb_max(t, f->cards, key, sizeof key, &m, 8);
}

static void test_cap_fails_the_job(void **state)
{
	fixture *f = *state;
	Hd__CardExpired *got = NULL;
	assert_hd_rc(hd_store_write(f->db.s, max_job, f), HD_E_TOOBIG);
	assert_hd_rc(get_card(f, 1, &got),
		     HD_E_NOTFOUND); /* nothing half-written */
}

typedef struct seen {
	char type[32];
	char trace[16];
	Hd__CardExpired *msg;
	size_t n;
} seen;

static int collect(void *arg, uint64_t seq, const uint8_t *env, size_t len)
{
	seen *s = arg;
	Hd__Envelope *e = hd__envelope__unpack(NULL, len, env);
	if (!e)
		return HD_E_DECODE;
	snprintf(s->type, sizeof s->type, "%s", e->type);
	snprintf(s->trace, sizeof s->trace, "%s", e->trace_id);
	s->msg =
		hd__card_expired__unpack(NULL, e->payload.len, e->payload.data);
	s->n++;
	hd__envelope__free_unpacked(e, NULL);
	(void)seq;
	return HD_OK;
}

static void test_emit_pb(void **state)
{
	fixture *f = *state;
	Hd__CardExpired m = HD__CARD_EXPIRED__INIT;
	m.card_id = 9;
	m.owner_id = 3;
	put_arg a = {f, &m, "kb.card_expired"};
	assert_hd_ok(hd_store_write(f->db.s, put_job, &a));
	seen s = {0};
	assert_hd_ok(
		hd_store_events_since(f->db.s, 0, 10, 1 << 20, collect, &s));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.type, "kb.card_expired");
	assert_string_equal(s.trace, "trace-pb");
	assert_non_null(s.msg);
	assert_int_equal(s.msg->card_id, 9);
	assert_int_equal(s.msg->owner_id, 3);
	hd__card_expired__free_unpacked(s.msg, NULL);
}

static void test_free_repeated(void **state)
{
	(void)state;
	Hd__KbSuggested l = HD__KB_SUGGESTED__INIT;
	l.suggestions = calloc(3, sizeof *l.suggestions);
	assert_non_null(l.suggestions);
	for (size_t i = 0; i < 3; i++) {
		l.suggestions[i] = hd_pb_new(&hd__kb_suggestion__descriptor);
		assert_non_null(l.suggestions[i]);
		assert_hd_ok(
			hd_pb_set_string(&l.suggestions[i]->title, "문서"));
	}
	l.n_suggestions = 3;
	l.ticket_id = 5;
	hd_pb_free_repeated(&l.base); /* LeakSanitizer checks the rest */
	assert_null(l.suggestions);
	assert_int_equal(l.n_suggestions, 0);
	assert_int_equal(l.ticket_id, 5);
	hd_pb_free_repeated(&l.base); /* empty: nothing to do */
}

/* The one protobuf string setter tickets and rules use: replaces and frees
 * the old heap string (LeakSanitizer checks), never frees protobuf-c's
 * shared empty default, takes NULL as "". */
static void test_set_string(void **state)
{
	(void)state;
	Hd__KbSuggestion *m = hd_pb_new(&hd__kb_suggestion__descriptor);
	assert_non_null(m);
	assert_ptr_equal(m->title, protobuf_c_empty_string);
	assert_hd_ok(hd_pb_set_string(&m->title, "환불 요청"));
	assert_string_equal(m->title, "환불 요청");
	assert_ptr_not_equal(m->title, protobuf_c_empty_string);
	assert_hd_ok(hd_pb_set_string(&m->title, "second"));
	assert_string_equal(m->title, "second");
	assert_hd_ok(hd_pb_set_string(&m->title, NULL));
	assert_string_equal(m->title, "");
	assert_ptr_not_equal(m->title, protobuf_c_empty_string);
	hd__kb_suggestion__free_unpacked(m, NULL);
	/* A message on the stack starts at the shared default too. */
	Hd__KbSuggestion st = HD__KB_SUGGESTION__INIT;
	assert_hd_ok(hd_pb_set_string(&st.title, "x"));
	assert_string_equal(st.title, "x");
	free(st.title);
}

static void test_req_decode(void **state)
{
	(void)state;
	Hd__HcId id = HD__HC_ID__INIT;
	id.id = 77;
	uint8_t buf[16];
	hd_rpc_req req = {.method = "hc.articles.get",
			  .payload = buf,
			  .len = hd__hc_id__pack(&id, buf)};
	hd_rpc_rep rep = {0};
	Hd__HcId *got = NULL;
	assert_hd_ok(hd_req_decode(&req, &rep, &hd__hc_id__descriptor,
				   (void **)&got));
	assert_int_equal(got->id, 77);
	hd__hc_id__free_unpacked(got, NULL);
	static const uint8_t junk[] = {0x0a, 0x05, 0x01};
	req.payload = junk;
	req.len = sizeof junk;
	assert_hd_rc(hd_req_decode(&req, &rep, &hd__hc_id__descriptor,
				   (void **)&got),
		     HD_E_DECODE);
	assert_null(got);
	assert_string_equal(rep.message, "payload is not an hd.HcId");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dbis_table, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_put_get_by_id, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_value, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_cap_fails_the_job, setup,
						unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_emit_pb, setup,
						unit_db_teardown),
		cmocka_unit_test(test_free_repeated),
		cmocka_unit_test(test_set_string),
		cmocka_unit_test(test_req_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
