/* Unit tests for the via an older build stored as JSON text
 * (common/via_compat.c): a ticket packed with field 24 (via.source) and 42
 * (the latest write's via), and an audit with field 7, read back with the
 * typed hd.Via, render the same via.source bytes as the text they carried,
 * and a real LMDB table of such records is upgraded once at open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store.h"
#include "hd/store_pb.h"
#include "hd/store_upgrade.h"
#include "hd/ticket_patch.h"
#include "hd/via_compat.h"
#include "unit.h"

#include <string.h>

static const char mail_src[] =
	"{\"from\":{\"address\":\"minji@example.kr\",\"name\":\"김민지\"},"
	"\"to\":{\"address\":\"help@example.kr\",\"name\":null},\"rel\":null}";
static const char rule_via[] =
	"{\"channel\":\"rule\",\"source\":{\"to\":{},\"from\":{\"id\":7,"
	"\"title\":\"VIP 라우팅\"},\"rel\":\"trigger\"}}";
static const char rule_src[] = "{\"to\":{},\"from\":{\"id\":7,"
			       "\"title\":\"VIP 라우팅\"},\"rel\":\"trigger\"}";

/* A ticket as a build before the typed via packed it. */
static void pack_old_ticket(hd_buf *b, uint64_t id, const char *source,
			    const char *update)
{
	Hd__Ticket tk = HD__TICKET__INIT;
	tk.id = id;
	tk.via_channel = "email";
	tk.subject = "배송 문의";
	assert_hd_ok(hd_pb_pack(b, &tk));
	assert_hd_ok(hd_pb_put_bytes(b, 24, source, strlen(source)));
	assert_hd_ok(hd_pb_put_bytes(b, 42, update, strlen(update)));
}

static char *source_text(const Hd__Via *v)
{
	assert_non_null(v);
	assert_true(v->has_source);
	return hd_via_source_text(v);
}

static void test_old_ticket_reads(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	pack_old_ticket(&b, 5, mail_src, rule_via);
	Hd__Ticket *tk =
		hd__ticket__unpack(NULL, b.len, (const uint8_t *)b.data);
	assert_non_null(tk);
	assert_null(tk->via);
	/* read without changing it first (routing's stored copies) */
	assert_string_equal(hd_ticket_update_channel(tk), "rule");
	bool changed = false;
	assert_hd_ok(hd_ticket_via_compat(tk, &changed));
	assert_true(changed);
	assert_int_equal(tk->base.n_unknown_fields, 0);
	char *s = source_text(tk->via);
	assert_string_equal(s, mail_src); /* byte for byte, as rendered */
	free(s);
	assert_int_equal(tk->update_via->channel, HD__VIA_CHANNEL__VIA_RULE);
	assert_string_equal(tk->update_via->rel, "trigger");
	assert_int_equal(tk->update_via->from->id, 7);
	s = source_text(tk->update_via);
	assert_string_equal(s, rule_src);
	free(s);
	assert_string_equal(hd_ticket_update_channel(tk), "rule");
	/* once: nothing left to do */
	assert_hd_ok(hd_ticket_via_compat(tk, &changed));
	assert_false(changed);
	/* repacked, the typed fields survive and the old ones are gone */
	hd_buf r;
	hd_buf_init(&r, 1 << 16);
	assert_hd_ok(hd_pb_pack(&r, tk));
	Hd__Ticket *back =
		hd__ticket__unpack(NULL, r.len, (const uint8_t *)r.data);
	assert_non_null(back);
	assert_int_equal(back->base.n_unknown_fields, 0);
	assert_string_equal(back->via->from->name, "김민지");
	hd__ticket__free_unpacked(back, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	hd_buf_release(&r);
	hd_buf_release(&b);
}

static void test_old_audit_reads(void **state)
{
	(void)state;
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	Hd__Audit au = HD__AUDIT__INIT;
	au.id = 11;
	au.via_channel = "rule";
	assert_hd_ok(hd_pb_pack(&b, &au));
	assert_hd_ok(hd_pb_put_bytes(&b, 7, rule_src, strlen(rule_src)));
	Hd__Audit *a = hd__audit__unpack(NULL, b.len, (const uint8_t *)b.data);
	assert_non_null(a);
	assert_null(a->via);
	assert_hd_ok(hd_audit_via_compat(a, NULL));
	char *s = source_text(a->via);
	assert_string_equal(s, rule_src);
	free(s);
	hd__audit__free_unpacked(a, NULL);
	hd_buf_release(&b);
}

/* Old text that is not a via (or not JSON) reads as no via, not a crash. */
static void test_old_garbage(void **state)
{
	(void)state;
	static const char *const bad[] = {"{not json", "[1,2]", "",
					  "{\"channel\":\"teleport\"}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hd_buf b;
		hd_buf_init(&b, 1 << 16);
		pack_old_ticket(&b, 5, bad[i], bad[i]);
		Hd__Ticket *tk = hd__ticket__unpack(NULL, b.len,
						    (const uint8_t *)b.data);
		assert_non_null(tk);
		assert_string_equal(hd_ticket_update_channel(tk), "");
		assert_hd_ok(hd_ticket_via_compat(tk, NULL));
		assert_int_equal(tk->base.n_unknown_fields, 0);
		assert_null(tk->update_via);
		hd__ticket__free_unpacked(tk, NULL);
		hd_buf_release(&b);
	}
}

typedef struct store_fx {
	hd_store *s;
	MDB_dbi tickets;
	uint64_t rewritten;
} store_fx;

static int put_old(hd_txn *t, void *arg)
{
	store_fx *f = arg;
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	pack_old_ticket(&b, 5, mail_src, "{\"channel\":\"email\"}");
	uint8_t key[8] = {0, 0, 0, 0, 0, 0, 0, 5};
	hd_txn_put(t, f->tickets, key, sizeof key, b.data, b.len);
	hd_buf_release(&b);
	return t->rc;
}

static int upgrade(hd_txn *t, void *arg)
{
	store_fx *f = arg;
	return hd_txn_upgrade_pb(t, f->tickets, &hd__ticket__descriptor,
				 hd_ticket_via_fix, &f->rewritten);
}

static void test_store_upgrade(void **state)
{
	(void)state;
	static const char *const dbs[] = {"tickets", NULL};
	char dir[64], path[128];
	unit_mkdtemp(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/db", dir);
	hd_store_opts o = {.dir = path,
			   .dbs = dbs,
			   .map_size = (size_t)16 << 20,
			   .source = "intake",
			   .shard = 0};
	store_fx f = {0};
	assert_hd_ok(hd_store_open(&f.s, &o));
	assert_hd_ok(hd_store_dbi(f.s, "tickets", &f.tickets));
	assert_hd_ok(hd_store_write(f.s, put_old, &f));
	assert_hd_ok(hd_store_write(f.s, upgrade, &f));
	assert_int_equal(f.rewritten, 1);
	assert_hd_ok(hd_store_write(f.s, upgrade, &f));
	assert_int_equal(f.rewritten, 0); /* once */
	hd_txn t;
	assert_hd_ok(hd_store_read(f.s, &t));
	uint8_t key[8] = {0, 0, 0, 0, 0, 0, 0, 5};
	Hd__Ticket *tk = NULL;
	assert_hd_ok(hd_txn_get_pb(&t, f.tickets, key, sizeof key,
				   &hd__ticket__descriptor, (void **)&tk));
	hd_txn_end(&t);
	assert_int_equal(tk->base.n_unknown_fields, 0);
	char *s = source_text(tk->via);
	assert_string_equal(s, mail_src);
	free(s);
	assert_int_equal(tk->update_via->channel, HD__VIA_CHANNEL__VIA_EMAIL);
	assert_false(tk->update_via->has_source);
	hd__ticket__free_unpacked(tk, NULL);
	hd_store_close(f.s);
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_ticket_reads),
		cmocka_unit_test(test_old_audit_reads),
		cmocka_unit_test(test_old_garbage),
		cmocka_unit_test(test_store_upgrade),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
