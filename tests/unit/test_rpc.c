/* Unit tests for RPC over nng req/rep (common/rpc_server.c, rpc_client.c)
 * on ipc:// sockets inside a fresh scratch directory per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/log.h"
#include "hd/rpc.h"
#include "hd/store.h"
#include "rpc.pb-c.h"
#include "unit_rpc.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define TIMEOUT_MS 5000

/* ---- handlers ---- */

static _Atomic int slow_entered, slow_done;

static int h_echo(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return hd_buf_append(&rep->payload, req->payload, req->len);
}

static int h_fail(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	/* A half-built reply must not reach the caller with the error. */
	int rc = hd_buf_puts(&rep->payload, "partial");
	return rc ? rc
		  : hd_rpc_fail(rep, HD_E_INVALID, "subject",
				"subject is required (got %zu bytes)",
				req->len);
}

static int h_bare(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return HD_E_CONFLICT; /* no message: the error's own text is sent */
}

static int h_behind(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return hd_rpc_fail(rep, HD_E_BEHIND, "after_seq", "trimmed");
}

static int h_whoami(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	const hd_principal *p = &req->principal;
	int64_t left = req->deadline_ms - hd_now_ms();
	return hd_buf_printf(
		&rep->payload, "%llu|%s|%llu|%s|%s|%s",
		(unsigned long long)p->user_id, hd_role_name(p->role),
		(unsigned long long)p->organization_id, p->email, req->trace_id,
		left > 0 && left <= 60000 ? "dl" : "no");
}

static int h_ctx(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return hd_buf_puts(&rep->payload, ctx);
}

static int h_slow(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	atomic_store(&slow_entered, 1);
	unit_sleep_ms(300);
	atomic_store(&slow_done, 1);
	return HD_OK;
}

static const hd_rpc_route routes[] = {
	{"echo", h_echo},     {"fail", h_fail},     {"bare", h_bare},
	{"behind", h_behind}, {"whoami", h_whoami}, {"ctx", h_ctx},
	{"slow", h_slow},     {NULL, NULL},
};

static const hd_rpc_route more_routes[] = {
	{"ctx", h_ctx}, /* shadowed by the first table's row */
	{"ctx2", h_ctx},
	{NULL, NULL},
};

/* ---- fixture ---- */

typedef unit_rpc fixture;

/* Both route tables served, a client connected. */
static int setup(void **state)
{
	if (unit_rpc_setup(state))
		return -1;
	fixture *f = *state;
	if (hd_rpc_server_new(&f->srv) ||
	    hd_rpc_server_add(f->srv, routes, "first") ||
	    hd_rpc_server_add(f->srv, more_routes, "second") ||
	    hd_rpc_server_start(f->srv, f->url, 4) ||
	    hd_rpc_client_open(&f->cli, f->url)) {
		unit_rpc_teardown(state);
		return -1;
	}
	return 0;
}

/* Call and require transport success. */
static void call(fixture *f, const char *method, const void *p, size_t len,
		 const hd_principal *who, hd_rpc_result *res)
{
	assert_hd_ok(hd_rpc_call(f->cli, method, p, len, who, "trace-9",
				 TIMEOUT_MS, res));
}

/* ---- tests ---- */

static void test_echo(void **state)
{
	fixture *f = *state;
	hd_rpc_result res;
	call(f, "echo", "hello", 5, NULL, &res);
	assert_hd_ok(res.rc);
	assert_int_equal(res.len, 5);
	assert_memory_equal(res.payload, "hello", 5);
	assert_string_equal(res.message, "");
	assert_string_equal(res.field, "");
	hd_rpc_result_release(&res);
	assert_null(res.payload);

	call(f, "echo", NULL, 0, NULL, &res);
	assert_hd_ok(res.rc);
	assert_int_equal(res.len, 0);
	hd_rpc_result_release(&res);

	/* A megabyte of every byte value. */
	size_t n = (size_t)1 << 20;
	uint8_t *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 7);
	call(f, "echo", big, n, NULL, &res);
	assert_hd_ok(res.rc);
	assert_int_equal(res.len, n);
	assert_memory_equal(res.payload, big, n);
	hd_rpc_result_release(&res);
	free(big);
	assert_true(hd_rpc_server_served(f->srv) >= 3);
}

static void test_unknown_method(void **state)
{
	fixture *f = *state;
	hd_rpc_result res;
	call(f, "tickets.frobnicate", "x", 1, NULL, &res);
	assert_hd_rc(res.rc, HD_E_NOTFOUND);
	if (!strstr(res.message, "tickets.frobnicate"))
		fail_msg("message does not name the method: \"%s\"",
			 res.message);
	assert_int_equal(res.len, 0);
	hd_rpc_result_release(&res);
}

static void test_handler_error(void **state)
{
	fixture *f = *state;
	hd_rpc_result res;
	call(f, "fail", "abc", 3, NULL, &res);
	assert_hd_rc(res.rc, HD_E_INVALID);
	assert_string_equal(res.field, "subject");
	assert_string_equal(res.message, "subject is required (got 3 bytes)");
	assert_int_equal(res.len, 0); /* "partial" is dropped */
	assert_null(res.payload);
	hd_rpc_result_release(&res);

	call(f, "bare", NULL, 0, NULL, &res);
	assert_hd_rc(res.rc, HD_E_CONFLICT);
	assert_string_equal(res.message, hd_strerror(HD_E_CONFLICT));
	assert_string_equal(res.field, "");
	hd_rpc_result_release(&res);

	call(f, "behind", NULL, 0, NULL, &res);
	assert_hd_rc(res.rc, HD_E_BEHIND);
	assert_string_equal(res.field, "after_seq");
	assert_string_equal(res.message, "trimmed");
	hd_rpc_result_release(&res);
}

/* whoami asked over a raw req socket with the request as a peer of the
 * release before the role enum packs it: the role only as its spelling. */
static char *whoami_from_older_peer(fixture *f, const char *role_name)
{
	Hd__RpcRequest req = HD__RPC_REQUEST__INIT;
	Hd__Principal p = HD__PRINCIPAL__INIT;
	uint8_t nonce[HD_AUTH_NONCE_BYTES] = {0};
	nng_socket s;
	nng_msg *msg = NULL;
	p.user_id = 42;
	p.role_name = (char *)role_name;
	req.method = "whoami";
	req.trace_id = "old";
	req.principal = &p;
	assert_int_equal(nng_req0_open(&s), 0);
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, TIMEOUT_MS);
	assert_int_equal(nng_dial(s, f->url, NULL, 0), 0);
	assert_int_equal(
		nng_msg_alloc(&msg, hd__rpc_request__get_packed_size(&req)), 0);
	hd__rpc_request__pack(&req, nng_msg_body(msg));
	assert_hd_ok(hd_auth_rpc_seal_request(msg, nonce));
	assert_int_equal(nng_sendmsg(s, msg, 0), 0);
	assert_int_equal(nng_recvmsg(s, &msg, 0), 0);
	assert_hd_ok(hd_auth_rpc_open_reply(msg, nonce));
	Hd__RpcReply *rep = hd__rpc_reply__unpack(NULL, nng_msg_len(msg),
						  nng_msg_body(msg));
	nng_msg_free(msg);
	nng_close(s);
	assert_non_null(rep);
	assert_int_equal(rep->status, HD__STATUS__OK);
	char *got = strndup((char *)rep->payload.data, rep->payload.len);
	hd__rpc_reply__free_unpacked(rep, NULL);
	return got;
}

static void test_principal_from_older_peer(void **state)
{
	fixture *f = *state;
	char *got = whoami_from_older_peer(f, "admin");
	assert_non_null(strstr(got, "42|admin|"));
	free(got);
	/* a word that is no role grants nothing */
	got = whoami_from_older_peer(f, "root");
	assert_non_null(strstr(got, "42||"));
	free(got);
}

static void test_principal(void **state)
{
	fixture *f = *state;
	hd_principal who = {.user_id = 42, .organization_id = 7};
	who.role = HD__USER_ROLE__ROLE_AGENT;
	snprintf(who.email, sizeof who.email, "김@예시.한국");
	hd_rpc_result res;
	call(f, "whoami", NULL, 0, &who, &res);
	assert_hd_ok(res.rc);
	char *got = strndup((char *)res.payload, res.len);
	assert_string_equal(got, "42|agent|7|김@예시.한국|trace-9|dl");
	free(got);
	hd_rpc_result_release(&res);

	/* No principal: zeros and empty strings, never garbage. */
	assert_hd_ok(hd_rpc_call(f->cli, "whoami", NULL, 0, NULL, NULL,
				 TIMEOUT_MS, &res));
	assert_hd_ok(res.rc);
	got = strndup((char *)res.payload, res.len);
	assert_string_equal(got, "0||0|||dl");
	free(got);
	hd_rpc_result_release(&res);
}

static void add_late(void *srv)
{
	hd_rpc_server_add(srv, more_routes, NULL);
}

static void test_route_tables(void **state)
{
	fixture *f = *state;
	hd_rpc_result res;
	call(f, "ctx", NULL, 0, NULL, &res);
	assert_hd_ok(res.rc);
	assert_int_equal(res.len, 5);
	assert_memory_equal(res.payload, "first", 5);
	hd_rpc_result_release(&res);
	call(f, "ctx2", NULL, 0, NULL, &res);
	assert_hd_ok(res.rc);
	assert_int_equal(res.len, 6);
	assert_memory_equal(res.payload, "second", 6);
	hd_rpc_result_release(&res);

	/* Tables are fixed once the server runs: adding one then is a bug,
	 * which a debug build stops at (HD_ASSERT). */
	assert_true(unit_aborts(add_late, f->srv));

	hd_rpc_server *srv = NULL;
	assert_hd_ok(hd_rpc_server_new(&srv));
	int rc = HD_OK, added = 0;
	for (int i = 0; i < 100 && rc == HD_OK; i++) {
		rc = hd_rpc_server_add(srv, routes, NULL);
		added += rc == HD_OK;
	}
	assert_hd_rc(rc, HD_E_TOOBIG);
	assert_true(added >= 2);
	hd_rpc_server_stop(srv); /* never started: fine */
	hd_rpc_server_stop(NULL);
}

#define CLIENTS 16
#define CALLS   50

typedef struct caller {
	fixture *f;
	int id;
	int bad; /* calls that failed or came back wrong */
	int first_err;
} caller;

static void *caller_main(void *arg)
{
	caller *c = arg;
	for (int i = 0; i < CALLS; i++) {
		char p[32];
		int n = snprintf(p, sizeof p, "client-%d-call-%d", c->id, i);
		hd_rpc_result res;
		int rc = hd_rpc_call(c->f->cli, "echo", p, (size_t)n, NULL,
				     NULL, TIMEOUT_MS, &res);
		if (rc == HD_OK)
			rc = res.rc;
		if (rc || res.len != (size_t)n || memcmp(res.payload, p, n)) {
			c->bad++;
			if (!c->first_err)
				c->first_err = rc ? rc : HD_E_INTERNAL;
		}
		hd_rpc_result_release(&res);
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	fixture *f = *state;
	uint64_t before = hd_rpc_server_served(f->srv);
	pthread_t th[CLIENTS];
	caller c[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		c[i] = (caller){.f = f, .id = i};
		assert_int_equal(
			pthread_create(&th[i], NULL, caller_main, &c[i]), 0);
	}
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < CLIENTS; i++)
		if (c[i].bad)
			fail_msg("client %d: %d bad calls, first: %s", i,
				 c[i].bad, hd_strerror(c[i].first_err));
	assert_int_equal(hd_rpc_server_served(f->srv) - before,
			 CLIENTS * CALLS);
}

static void test_nobody_listening(void **state)
{
	fixture *f = *state;
	char url[128];
	unit_ipc_url(url, sizeof url, f->dir, "nobody");
	hd_rpc_client *cli = NULL;
	assert_hd_ok(hd_rpc_client_open(&cli, url)); /* dials in background */
	hd_rpc_result res;
	int64_t t0 = unit_now_ms();
	int rc = hd_rpc_call(cli, "echo", "x", 1, NULL, NULL, 300, &res);
	int64_t took = unit_now_ms() - t0;
	if (rc != HD_E_UNAVAILABLE && rc != HD_E_TIMEDOUT)
		fail_msg("want a transport error, got %s", hd_strerror(rc));
	if (took > 300 + 500)
		fail_msg("took %lld ms for a 300 ms timeout", (long long)took);
	assert_null(res.payload);
	hd_rpc_client_close(cli);

	assert_true(hd_rpc_client_open(&cli, "nonsense://x") != HD_OK);
	assert_null(cli);
	hd_rpc_client_close(NULL);
}

static void test_peer_starts_later(void **state)
{
	fixture *f = *state;
	char url[128];
	unit_ipc_url(url, sizeof url, f->dir, "later");
	hd_rpc_client *cli = NULL;
	assert_hd_ok(hd_rpc_client_open(&cli, url));
	unit_sleep_ms(100);
	hd_rpc_server *srv = NULL;
	assert_hd_ok(hd_rpc_server_new(&srv));
	assert_hd_ok(hd_rpc_server_add(srv, routes, NULL));
	assert_hd_ok(hd_rpc_server_start(srv, url, 1));
	hd_rpc_result res;
	assert_hd_ok(
		hd_rpc_call(cli, "echo", "late", 4, NULL, NULL, 3000, &res));
	assert_hd_ok(res.rc);
	assert_memory_equal(res.payload, "late", 4);
	hd_rpc_result_release(&res);
	hd_rpc_client_close(cli);
	hd_rpc_server_stop(srv);
}

static void test_listen_errors(void **state)
{
	fixture *f = *state;
	char url[128];
	unit_ipc_url(url, sizeof url, f->dir, "dup");
	hd_rpc_server *live = NULL, *srv = NULL;
	assert_hd_ok(hd_rpc_server_new(&live));
	assert_hd_ok(hd_rpc_server_add(live, routes, NULL));
	assert_hd_ok(hd_rpc_server_start(live, url, 1));
	/* nng 1.5.2 probes a busy ipc path with a bare connect, and the live
	 * listener stops accepting after that probe (nng issue #1518, fixed
	 * in 1.6.0): `live` is not called again, the fixture's server is not
	 * involved. */
	assert_hd_ok(hd_rpc_server_new(&srv));
	assert_hd_ok(hd_rpc_server_add(srv, routes, NULL));
	assert_hd_rc(hd_rpc_server_start(srv, url, 1), HD_E_UNAVAILABLE);
	hd_rpc_server_stop(srv);
	hd_rpc_server_stop(live);

	assert_hd_ok(hd_rpc_server_new(&srv));
	assert_hd_rc(hd_rpc_server_start(srv, "bogus://nowhere", 1),
		     HD_E_INVALID);
	hd_rpc_server_stop(srv);
}

static void test_garbage_request(void **state)
{
	fixture *f = *state;
	nng_socket s;
	assert_int_equal(nng_req0_open(&s), 0);
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, TIMEOUT_MS);
	assert_int_equal(nng_dial(s, f->url, NULL, 0), 0);
	const char junk[] = "\xff\xff\xff garbage, not a request";
	/* Garbage from a peer holding the cluster key: INVALID; the same
	 * without a tag: UNAUTHORIZED, before any decoding. */
	for (int sealed = 1; sealed >= 0; sealed--) {
		uint8_t nonce[HD_AUTH_NONCE_BYTES] = {0};
		nng_msg *msg = NULL;
		assert_int_equal(nng_msg_alloc(&msg, 0), 0);
		assert_int_equal(nng_msg_append(msg, junk, sizeof junk), 0);
		if (sealed)
			assert_hd_ok(hd_auth_rpc_seal_request(msg, nonce));
		assert_int_equal(nng_sendmsg(s, msg, 0), 0);
		assert_int_equal(nng_recvmsg(s, &msg, 0), 0);
		assert_hd_ok(hd_auth_rpc_open_reply(msg, nonce));
		Hd__RpcReply *rep = hd__rpc_reply__unpack(
			NULL, nng_msg_len(msg), nng_msg_body(msg));
		nng_msg_free(msg);
		assert_non_null(rep);
		assert_int_equal(rep->status,
				 sealed ? HD__STATUS__INVALID
					: HD__STATUS__UNAUTHORIZED);
		assert_true(rep->message[0] != '\0');
		hd__rpc_reply__free_unpacked(rep, NULL);
	}
	nng_close(s);

	/* The server goes on serving. */
	hd_rpc_result res;
	call(f, "echo", "still", 5, NULL, &res);
	assert_hd_ok(res.rc);
	hd_rpc_result_release(&res);
}

typedef struct slow_call {
	hd_rpc_client *cli;
	int rc;
} slow_call;

static void *slow_main(void *arg)
{
	slow_call *s = arg;
	hd_rpc_result res;
	s->rc = hd_rpc_call(s->cli, "slow", NULL, 0, NULL, NULL, 1000, &res);
	hd_rpc_result_release(&res);
	return NULL;
}

static bool entered(void *arg)
{
	return atomic_load(&slow_entered);
}

static void test_stop_clean(void **state)
{
	fixture *f = *state;
	atomic_store(&slow_entered, 0);
	atomic_store(&slow_done, 0);
	slow_call sc = {.cli = f->cli};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, slow_main, &sc), 0);
	if (!unit_wait(entered, NULL, TIMEOUT_MS))
		fail_msg("slow handler never ran");
	int64_t t0 = unit_now_ms();
	hd_rpc_server_stop(f->srv);
	f->srv = NULL;
	/* Stop let the in-flight handler finish, and did not hang. */
	assert_int_equal(atomic_load(&slow_done), 1);
	assert_true(unit_now_ms() - t0 < 3000);
	pthread_join(th, NULL);

	/* Afterwards nothing answers: a transport error, not a hang. */
	hd_rpc_result res;
	int rc = hd_rpc_call(f->cli, "echo", "x", 1, NULL, NULL, 300, &res);
	if (rc != HD_E_UNAVAILABLE && rc != HD_E_TIMEDOUT)
		fail_msg("want a transport error, got %s", hd_strerror(rc));
	hd_rpc_result_release(&res);

	/* The address is free again. */
	assert_hd_ok(hd_rpc_server_new(&f->srv));
	assert_hd_ok(hd_rpc_server_add(f->srv, routes, NULL));
	assert_hd_ok(hd_rpc_server_start(f->srv, f->url, 2));
	assert_hd_ok(hd_rpc_call(f->cli, "echo", "back", 4, NULL, NULL,
				 TIMEOUT_MS, &res));
	assert_hd_ok(res.rc);
	hd_rpc_result_release(&res);
}

typedef struct pending_call {
	hd_rpc_client *cli;
	int rc;
	int64_t took;
} pending_call;

static void *pending_main(void *arg)
{
	pending_call *p = arg;
	hd_rpc_result res;
	int64_t t0 = unit_now_ms();
	p->rc = hd_rpc_call(p->cli, "echo", "x", 1, NULL, NULL, 10000, &res);
	p->took = unit_now_ms() - t0;
	hd_rpc_result_release(&res);
	return NULL;
}

static void test_client_abort(void **state)
{
	fixture *f = *state;
	char url[128];
	unit_ipc_url(url, sizeof url, f->dir, "dead");
	hd_rpc_client *cli = NULL;
	assert_hd_ok(hd_rpc_client_open(&cli, url));
	pending_call p = {.cli = cli};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, pending_main, &p), 0);
	unit_sleep_ms(200); /* let the call wait for a peer */
	hd_rpc_client_abort(cli);
	pthread_join(th, NULL);
	assert_hd_rc(p.rc, HD_E_CLOSED);
	if (p.took > 2000)
		fail_msg("aborted call took %lld ms", (long long)p.took);
	/* Later calls fail at once. */
	hd_rpc_result res;
	int64_t t0 = unit_now_ms();
	assert_hd_rc(hd_rpc_call(cli, "echo", "x", 1, NULL, NULL, 5000, &res),
		     HD_E_CLOSED);
	assert_true(unit_now_ms() - t0 < 1000);
	hd_rpc_client_abort(cli); /* twice is fine */
	hd_rpc_client_close(cli);
	hd_rpc_client_abort(NULL);

	/* Aborting one client leaves the others alone. */
	call(f, "echo", "ok", 2, NULL, &res);
	assert_hd_ok(res.rc);
	hd_rpc_result_release(&res);
}

/* Start, serve, stop, many times over, closing client or server first:
 * nng 1.5.2 could hang or crash in close when workers were inside calls. */
static void test_stop_rounds(void **state)
{
	fixture *f = *state;
	char url[128];
	unit_ipc_url(url, sizeof url, f->dir, "rounds");
	for (int i = 0; i < 40; i++) {
		hd_rpc_server *srv = NULL;
		hd_rpc_client *cli = NULL;
		hd_rpc_result res;
		assert_hd_ok(hd_rpc_server_new(&srv));
		assert_hd_ok(hd_rpc_server_add(srv, routes, NULL));
		assert_hd_ok(hd_rpc_server_start(srv, url, 4));
		assert_hd_ok(hd_rpc_client_open(&cli, url));
		for (int k = 0; k < 3; k++) {
			assert_hd_ok(hd_rpc_call(cli, "echo", "r", 1, NULL,
						 NULL, TIMEOUT_MS, &res));
			assert_hd_ok(res.rc);
			hd_rpc_result_release(&res);
		}
		if (i % 2) {
			hd_rpc_server_stop(srv);
			hd_rpc_client_close(cli);
		} else {
			hd_rpc_client_close(cli);
			hd_rpc_server_stop(srv);
		}
	}
}

int main(void)
{
	unit_log_quiet();
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, unit_rpc_teardown)
	const struct CMUnitTest tests[] = {
		T(test_echo),
		T(test_unknown_method),
		T(test_handler_error),
		T(test_principal),
		T(test_principal_from_older_peer),
		T(test_route_tables),
		T(test_concurrent),
		T(test_nobody_listening),
		T(test_peer_starts_later),
		T(test_listen_errors),
		T(test_garbage_request),
		T(test_stop_clean),
		T(test_client_abort),
		T(test_stop_rounds),
	};
#undef T
	return cmocka_run_group_tests_name("rpc", tests, NULL, NULL);
}
