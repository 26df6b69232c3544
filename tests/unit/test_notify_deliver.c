/* Unit tests for notifications' delivery engine: the webhook signature
 * (API.md §11), what an attempt's result means (deliver_policy.c), the
 * circuit breaker (deliver_breaker.c), and a trigger's webhook body rendered
 * now or when first sent (webhooks_events.c) over a real LMDB store in a
 * scratch directory. The modules are compiled in directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deliver.h"
#include "hd/log.h"
#include "hd/prom.h"
#include "hd/err.h"
#include "notifications.h"
#include "hd/obj_mac.h"
#include "hd/pbwire.h"
#include "hd/placeholder.h"
#include "hd/time_iso.h"
#include "unit.h"

#define NOW ((int64_t)1800000000000)

/* Expected values computed with Python's hmac:
 *   base64.b64encode(hmac.new(secret.encode(), ts.encode() + body.encode(),
 *                             hashlib.sha256).digest()) */
static void signature_known_vectors(void **state)
{
	(void)state;
	char sig[64];
	const char *body = "{\"티켓\":1,\"제목\":\"배송\"}";
	assert_hd_ok(notify_sign("whsec-하나", "1700000000", body, strlen(body),
				 sig, sizeof sig));
	assert_string_equal(sig,
			    "4xkeKc9h/uxNgiFmabFJrq+rhbhG3gQ9Ib2osq7VNxw=");
	/* GET and DELETE sign an empty body. */
	assert_hd_ok(
		notify_sign("secret", "1700000000", "", 0, sig, sizeof sig));
	assert_string_equal(sig,
			    "SyJ/iDGzdj0GaQF1GtTFg+0IgyvxkkpOxQwuhxsehYY=");
	/* The body's length counts, not its NUL: a prefix signs differently. */
	assert_hd_ok(notify_sign("whsec-하나", "1700000000", body,
				 strlen(body) - 1, sig, sizeof sig));
	assert_string_not_equal(sig,
				"4xkeKc9h/uxNgiFmabFJrq+rhbhG3gQ9Ib2osq7VNxw=");
	char small[40];
	assert_hd_rc(notify_sign("secret", "1", "", 0, small, sizeof small),
		     HD_E_TOOBIG);
}

static const notify_cfg cfg = {
	.backoff_ms = 1000,
	.backoff_max_ms = 60000,
	.horizon_ms = 86400000,
	.breaker_failures = 3,
	.breaker_cooldown_ms = 5000,
	.max_parallel = 64,
};

typedef struct verdict_row {
	const char *kind;
	int code, transport_err;
	const char *want;
} verdict_row;

static void classify_table(void **state)
{
	(void)state;
	static const verdict_row rows[] = {
		{"webhook", 200, 0, "delivered"},
		{"webhook", 204, 0, "delivered"},
		{"chat", 201, 0, "delivered"},
		{"webhook", 500, 0, "retry"},
		{"webhook", 502, 0, "retry"},
		{"webhook", 503, 0, "retry"},
		{"webhook", 408, 0, "retry"},
		{"webhook", 429, 0, "retry"},
		{"webhook", 400, 0, "dead"},
		{"webhook", 401, 0, "dead"},
		{"webhook", 404, 0, "dead"},
		{"webhook", 410, 0, "dead"},
		{"webhook", 422, 0, "dead"},
		{"webhook", 301, 0, "dead"}, /* redirects are not followed */
		{"webhook", 0, 7, "retry"},  /* CURLE_COULDNT_CONNECT */
		{"webhook", 0, 28, "retry"}, /* CURLE_OPERATION_TIMEDOUT */
		{"webhook", 0, 52, "retry"}, /* CURLE_GOT_NOTHING */
		{"mail", 250, 0, "delivered"},
		{"mail", 0, 7, "retry"},    /* SMTP server down */
		{"mail", 451, 56, "retry"}, /* transient SMTP reply */
		{"mail", 550, 55, "dead"},  /* permanent SMTP reply */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		Hd__Delivery d = HD__DELIVERY__INIT;
		d.kind = (char *)rows[i].kind;
		d.created_at = NOW - 1000;
		notify_outcome o = {.status_code = rows[i].code,
				    .transport_err = rows[i].transport_err,
				    .retry_after_ms = -1};
		int64_t next = -1;
		const char *got = notify_classify(&cfg, &o, &d, NOW, &next);
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("%s %d/%d: got %s, want %s", rows[i].kind,
				 rows[i].code, rows[i].transport_err, got,
				 rows[i].want);
		if (strcmp(got, "retry") == 0)
			assert_true(next > NOW);
		else
			assert_int_equal(next, 0);
	}
}

/* Exponential backoff with equal jitter: attempt n waits between half and
 * all of backoff * 2^(n-1), capped at backoff_max. */
static void classify_backoff_and_retry_after(void **state)
{
	(void)state;
	Hd__Delivery d = HD__DELIVERY__INIT;
	d.kind = "webhook";
	d.created_at = NOW;
	notify_outcome o = {.status_code = 503, .retry_after_ms = -1};
	for (uint32_t a = 0; a < 12; a++) {
		d.attempts = a;
		int64_t full = (int64_t)cfg.backoff_ms << a;
		if (full > (int64_t)cfg.backoff_max_ms)
			full = (int64_t)cfg.backoff_max_ms;
		for (int k = 0; k < 20; k++) {
			int64_t next = 0;
			assert_string_equal(
				notify_classify(&cfg, &o, &d, NOW, &next),
				"retry");
			assert_in_range(next - NOW, full - full / 2, full);
		}
	}
	/* 429 waits exactly as long as Retry-After says. */
	o.status_code = 429;
	o.retry_after_ms = 7000;
	int64_t next = 0;
	assert_string_equal(notify_classify(&cfg, &o, &d, NOW, &next), "retry");
	assert_int_equal(next, NOW + 7000);
	/* A retry that would land past the horizon is given up instead. */
	d.created_at = NOW - (int64_t)cfg.horizon_ms + 3000;
	assert_string_equal(notify_classify(&cfg, &o, &d, NOW, &next), "dead");
	o.status_code = 0;
	o.transport_err = 7;
	d.created_at = NOW - (int64_t)cfg.horizon_ms;
	assert_string_equal(notify_classify(&cfg, &o, &d, NOW, &next), "dead");
}

static void breaker_opens_once_and_probes(void **state)
{
	(void)state;
	notify_breakers *b = calloc(1, sizeof *b);
	const char *h = "smtp://127.0.0.1:25", *other = "http://127.0.0.1:8080";
	int64_t t = NOW;
	assert_true(notify_breaker_admit(b, h, 1, t));
	notify_breaker_result(b, &cfg, h, 1, 0, t);
	notify_breaker_result(b, &cfg, h, 2, 1, t); /* a success resets */
	for (uint64_t id = 3; id < 6; id++) {
		assert_false(notify_breaker_blocked(b, h, t));
		notify_breaker_result(b, &cfg, h, id, 0, t);
	}
	/* Three failures in a row: open for the cooldown. */
	assert_true(notify_breaker_blocked(b, h, t));
	assert_false(notify_breaker_admit(b, h, 6, t + 4999));
	assert_false(notify_breaker_blocked(b, other, t));
	/* Late failures of transfers started before it opened count nothing
	 * and do not push the cooldown out. */
	for (uint64_t id = 7; id < 20; id++)
		notify_breaker_result(b, &cfg, h, id, 0, t + 4000);
	assert_true(b->v[0].open && b->v[0].fails == 3);
	assert_int_equal(b->v[0].open_until, t + 5000);
	/* Cooldown over: exactly one probe. */
	assert_false(notify_breaker_blocked(b, h, t + 5000));
	assert_true(notify_breaker_admit(b, h, 30, t + 5000));
	assert_true(notify_breaker_blocked(b, h, t + 5001));
	assert_false(notify_breaker_admit(b, h, 31, t + 5001));
	/* The probe fails: another cooldown from then. */
	notify_breaker_result(b, &cfg, h, 30, 0, t + 6000);
	assert_true(notify_breaker_blocked(b, h, t + 10999));
	assert_true(notify_breaker_admit(b, h, 32, t + 11000));
	/* The next probe succeeds: closed, and every transfer may start. */
	notify_breaker_result(b, &cfg, h, 32, 1, t + 11100);
	assert_false(b->v[0].open);
	assert_true(notify_breaker_admit(b, h, 33, t + 11100));
	assert_true(notify_breaker_admit(b, h, 34, t + 11100));
	free(b);
}

typedef struct fixture {
	char dir[64];
	notify n;
	Hd__Webhook hook;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	unit_mkdtemp(f->dir, sizeof f->dir);
	hd_store_opts o = {
		.dir = f->dir, .dbs = notify_dbs, .map_size = (size_t)64 << 20};
	assert_hd_ok(hd_store_open(&f->n.store, &o));
	assert_hd_ok(notify_store_bind(&f->n));
	hd__webhook__init(&f->hook);
	f->hook.id = "01HZY3M8Q2V7K9T4N6W1B5C0DE";
	f->hook.status = "active";
	f->hook.endpoint = "http://127.0.0.1:9/hook";
	f->hook.http_method = "POST";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	hd_store_close(f->n.store);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static int put_hook(hd_txn *t, void *arg)
{
	fixture *f = arg;
	return notify_put_pb(t, f->n.webhooks, f->hook.id, strlen(f->hook.id),
			     &f->hook);
}

static int put_ticket(hd_txn *t, void *arg)
{
	fixture *f = arg;
	Hd__Ticket tk = HD__TICKET__INIT;
	Hd__User u = HD__USER__INIT;
	tk.id = 42;
	tk.subject = "따옴표 \"인용\" \\ 역슬래시";
	tk.description = "첫 줄\n둘째 줄";
	tk.requester_id = 7;
	u.id = 7;
	u.name = "정하은";
	notify_put_pb_u64(t, f->n.tickets, tk.id, &tk);
	return notify_put_pb_u64(t, f->n.users, u.id, &u);
}

static const char body_tmpl[] =
	"{\"id\":\"{{ticket.id}}\",\"제목\":\"{{ticket.title}}\","
	"\"설명\":\"{{ticket.description}}\","
	"\"요청자\":\"{{ticket.requester.name}}\"}";
static const char body_want[] =
	"{\"id\":\"42\",\"제목\":\"따옴표 \\\"인용\\\" \\\\ 역슬래시\","
	"\"설명\":\"첫 줄\\u000a둘째 줄\",\"요청자\":\"정하은\"}";

static int fire_rule(hd_txn *t, void *arg)
{
	fixture *f = arg;
	int rc = notify_webhook_rule(&f->n, t, f->hook.id, 42, body_tmpl);
	if (!rc)
		rc = notify_webhook_rule(&f->n, t, "01HZY3M8Q2V7K9T4N6W1B5C0XX",
					 42, body_tmpl); /* deleted: nothing */
	return rc;
}

static Hd__Delivery *only_delivery(fixture *f, uint64_t *count)
{
	hd_txn t;
	Hd__Delivery *d = NULL;
	assert_hd_ok(hd_store_read(f->n.store, &t));
	MDB_stat st;
	assert_int_equal(mdb_stat(t.txn, f->n.queue, &st), 0);
	*count = st.ms_entries;
	uint64_t id = 0;
	hd_store_get_u64(f->n.store, f->n.counters, "next_id", &id);
	notify_get_pb_u64(&t, f->n.deliveries, id, &hd__delivery__descriptor,
			  (void **)&d);
	hd_txn_end(&t);
	assert_non_null(d);
	return d;
}

/* The ticket's copy has not arrived: the template waits, unrendered. */
static void rule_body_waits_for_ticket(void **state)
{
	fixture *f = *state;
	uint64_t queued = 0;
	assert_hd_ok(hd_store_write(f->n.store, put_hook, f));
	assert_hd_ok(hd_store_write(f->n.store, fire_rule, f));
	Hd__Delivery *d = only_delivery(f, &queued);
	assert_int_equal(queued, 1);
	assert_string_equal(d->template_, "webhook_rule");
	assert_string_equal(d->body, body_tmpl);
	assert_string_equal(d->event_type, "conditional_ticket_events");
	/* When it is sent, the copy is there: rendered with JSON escaping. */
	assert_hd_ok(hd_store_write(f->n.store, put_ticket, f));
	hd_txn t;
	char *out = NULL;
	assert_hd_ok(hd_store_read(f->n.store, &t));
	assert_hd_ok(notify_webhook_render(&f->n, &t, 42, d->body, &out));
	hd_txn_end(&t);
	assert_string_equal(out, body_want);
	free(out);
	hd__delivery__free_unpacked(d, NULL);
}

/* The copy is there: rendered at once, as the rule saw the ticket. */
static void rule_body_rendered_now(void **state)
{
	fixture *f = *state;
	uint64_t queued = 0;
	assert_hd_ok(hd_store_write(f->n.store, put_hook, f));
	assert_hd_ok(hd_store_write(f->n.store, put_ticket, f));
	assert_hd_ok(hd_store_write(f->n.store, fire_rule, f));
	Hd__Delivery *d = only_delivery(f, &queued);
	assert_int_equal(queued, 1);
	assert_string_equal(d->template_, "");
	assert_string_equal(d->body, body_want);
	hd__delivery__free_unpacked(d, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signature_known_vectors),
		cmocka_unit_test(classify_table),
		cmocka_unit_test(classify_backoff_and_retry_after),
		cmocka_unit_test(breaker_opens_once_and_probes),
		cmocka_unit_test_setup_teardown(rule_body_waits_for_ticket,
						setup, teardown),
		cmocka_unit_test_setup_teardown(rule_body_rendered_now, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
