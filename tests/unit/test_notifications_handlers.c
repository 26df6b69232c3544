/* Handler-level tests of notifications' webhooks (webhooks_rpc.c):
 * webhooks.save, .get, .signing_secret and .delete called directly on a
 * fresh store; credentials never leave in a plain get, an update that
 * leaves one blank keeps it, and bad definitions are refused naming the
 * field. Links libnotifications.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "notifications.h"

#include "notify.pb-c.h"

#include <sodium.h>

#include "unit_svc.h"

static const char *const *const dbs[] = {notify_dbs, NULL};
static const hd_rpc_route *const routes[] = {notify_webhook_routes, NULL};

typedef struct fx {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	notify n;
	hd_principal admin, agent;
} fx;

static int setup(void **state)
{
	assert_true(sodium_init() >= 0);
	fx *f = calloc(1, sizeof *f);
	f->n.store = unit_store_open(&f->u, dbs, "notifications");
	assert_hd_ok(notify_store_bind(&f->n));
	f->admin = unit_who("admin", 1);
	f->agent = unit_who("agent", 2);
	*state = f;
	return 0;
}

typedef struct hook {
	Hd__Webhook w;
	Hd__WebhookAuth a;
	char *subs[1];
} hook;

static void hook_init(hook *h, const char *token)
{
	hd__webhook__init(&h->w);
	hd__webhook_auth__init(&h->a);
	h->w.name = "주문 알림";
	h->w.endpoint = "https://example.com/hook";
	h->w.http_method = "POST";
	h->w.request_format = "json";
	h->w.status = "active";
	h->subs[0] = "conditional_ticket_events";
	h->w.subscriptions = h->subs;
	h->w.n_subscriptions = 1;
	h->a.type = "bearer_token";
	h->a.token = (char *)token;
	h->w.authentication = &h->a;
}

/* Call method with msg as who; on HD_OK the reply as a Webhook. */
static Hd__Webhook *call_hook(fx *f, const char *method,
			      const ProtobufCMessage *msg,
			      const hd_principal *who, int want)
{
	hd_rpc_rep rep;
	assert_rep_rc(unit_call(routes, &f->n, method, msg, who, &rep), &rep,
		      want);
	Hd__Webhook *w =
		want ? NULL : unit_rep_decode(&rep, &hd__webhook__descriptor);
	unit_rep_release(&rep);
	return w;
}

static void test_save_get_keeps_secrets_in(void **state)
{
	fx *f = *state;
	hook h;
	hook_init(&h, "tok-비밀");
	Hd__Webhook *saved =
		call_hook(f, "webhooks.save", &h.w.base, &f->admin, HD_OK);
	assert_int_equal(strlen(saved->id), 26); /* a ULID */
	assert_int_equal(saved->created_by, 1);
	assert_true(saved->created_at > 0);
	assert_string_equal(saved->signing_secret, "");
	assert_string_equal(saved->authentication->token, "");

	Hd__WebhookId id = HD__WEBHOOK_ID__INIT;
	id.id = saved->id;
	Hd__Webhook *got =
		call_hook(f, "webhooks.get", &id.base, &f->admin, HD_OK);
	assert_string_equal(got->name, "주문 알림");
	assert_string_equal(got->endpoint, "https://example.com/hook");
	assert_string_equal(got->authentication->token, "");
	hd__webhook__free_unpacked(got, NULL);
	got = call_hook(f, "webhooks.signing_secret", &id.base, &f->admin,
			HD_OK);
	assert_true(strlen(got->signing_secret) >= 40);
	assert_string_equal(got->authentication->token, "tok-비밀");
	char secret[64];
	snprintf(secret, sizeof secret, "%s", got->signing_secret);
	hd__webhook__free_unpacked(got, NULL);

	/* An update with the token left blank keeps the stored token and
	 * secret. */
	hook_init(&h, "");
	h.w.id = saved->id;
	h.w.name = "새 이름";
	hd__webhook__free_unpacked(
		call_hook(f, "webhooks.save", &h.w.base, &f->admin, HD_OK),
		NULL);
	got = call_hook(f, "webhooks.signing_secret", &id.base, &f->admin,
			HD_OK);
	assert_string_equal(got->name, "새 이름");
	assert_string_equal(got->authentication->token, "tok-비밀");
	assert_string_equal(got->signing_secret, secret);
	assert_int_equal(got->created_at, saved->created_at);
	hd__webhook__free_unpacked(got, NULL);

	/* Deleted: gone. */
	hd_rpc_rep rep;
	assert_hd_ok(unit_call(routes, &f->n, "webhooks.delete", &id.base,
			       &f->admin, &rep));
	unit_rep_release(&rep);
	call_hook(f, "webhooks.get", &id.base, &f->admin, HD_E_NOTFOUND);
	hd__webhook__free_unpacked(saved, NULL);
}

static void test_save_refused(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	hook h;
	hook_init(&h, "t");
	call_hook(f, "webhooks.save", &h.w.base, &f->agent, HD_E_FORBIDDEN);
	static const struct {
		const char *endpoint, *method, *status, *field;
	} bad[] = {
		{"ftp://example.com/x", "POST", "active", "endpoint"},
		{"https://example.com/x", "FETCH", "active", "http_method"},
		{"https://example.com/x", "POST", "paused", "status"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hook_init(&h, "t");
		h.w.endpoint = (char *)bad[i].endpoint;
		h.w.http_method = (char *)bad[i].method;
		h.w.status = (char *)bad[i].status;
		assert_rep_rc(unit_call(routes, &f->n, "webhooks.save",
					&h.w.base, &f->admin, &rep),
			      &rep, HD_E_INVALID);
		assert_string_equal(rep.field, bad[i].field);
		unit_rep_release(&rep);
	}
	hook_init(&h, "t");
	h.w.name = "";
	assert_rep_rc(unit_call(routes, &f->n, "webhooks.save", &h.w.base,
				&f->admin, &rep),
		      &rep, HD_E_INVALID);
	assert_string_equal(rep.field, "name");
	unit_rep_release(&rep);
	static const uint8_t junk[] = {0xff, 0xff, 0xff};
	assert_rep_rc(unit_call_raw(routes, &f->n, "webhooks.save", junk,
				    sizeof junk, &f->admin, &rep),
		      &rep, HD_E_DECODE);
	unit_rep_release(&rep);
	/* Nothing was stored. */
	Hd__WebhookListRequest lr = HD__WEBHOOK_LIST_REQUEST__INIT;
	assert_hd_ok(unit_call(routes, &f->n, "webhooks.list", &lr.base,
			       &f->admin, &rep));
	Hd__WebhookList *l =
		unit_rep_decode(&rep, &hd__webhook_list__descriptor);
	assert_int_equal(l->n_webhooks, 0);
	hd__webhook_list__free_unpacked(l, NULL);
	unit_rep_release(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_get_keeps_secrets_in,
						setup, unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_save_refused, setup,
						unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
