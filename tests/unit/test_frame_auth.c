/* Cluster authentication trailers (common/frame_auth.c) and the replay
 * window (common/replay.c), on bytes and on nng messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "unit.h"

#include <nng/nng.h>
#include <sodium.h>
#include <string.h>

static const uint8_t key_a[HD_CLUSTER_KEY_BYTES] = {1, 2, 3};
static const uint8_t key_b[HD_CLUSTER_KEY_BYTES] = {9, 9, 9};
static const uint8_t body[] = "\x0a\x05users\x2a\x05"
			      "admin";

static int setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	hd_cluster_key_set(key_a);
	return 0;
}

/* A sealed message verifies; any flipped bit, a shorter message, another
 * kind or another key does not. */
static void test_seal_verify(void **state)
{
	(void)state;
	uint8_t msg[sizeof body + HD_AUTH_TRAILER_BYTES];
	memcpy(msg, body, sizeof body);
	assert_hd_ok(hd_auth_seal(HD_AUTH_RPC_REQUEST, body, sizeof body,
				  1234567, NULL, msg + sizeof body));
	size_t blen = 0;
	int64_t ts = 0;
	uint8_t nonce[HD_AUTH_NONCE_BYTES];
	assert_hd_ok(hd_auth_verify(HD_AUTH_RPC_REQUEST, msg, sizeof msg, NULL,
				    &blen, &ts, nonce));
	assert_int_equal(blen, sizeof body);
	assert_int_equal(ts, 1234567);
	assert_memory_equal(nonce, msg + sizeof body + 8, sizeof nonce);
	for (size_t bit = 0; bit < sizeof msg * 8; bit += 7) {
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_hd_rc(hd_auth_verify(HD_AUTH_RPC_REQUEST, msg,
					    sizeof msg, NULL, NULL, NULL, NULL),
			     HD_E_UNAUTHORIZED);
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_hd_rc(hd_auth_verify(HD_AUTH_RPC_REQUEST, msg, sizeof msg - 1,
				    NULL, NULL, NULL, NULL),
		     HD_E_UNAUTHORIZED);
	assert_hd_rc(hd_auth_verify(HD_AUTH_RPC_REQUEST, msg, 10, NULL, NULL,
				    NULL, NULL),
		     HD_E_UNAUTHORIZED);
	/* A request's tag is no bus frame's tag. */
	assert_hd_rc(hd_auth_verify(HD_AUTH_BUS, msg, sizeof msg, NULL, NULL,
				    NULL, NULL),
		     HD_E_UNAUTHORIZED);
	hd_cluster_key_set(key_b);
	assert_hd_rc(hd_auth_verify(HD_AUTH_RPC_REQUEST, msg, sizeof msg, NULL,
				    NULL, NULL, NULL),
		     HD_E_UNAUTHORIZED);
	hd_cluster_key_set(key_a);
	assert_hd_ok(hd_auth_verify(HD_AUTH_RPC_REQUEST, msg, sizeof msg, NULL,
				    NULL, NULL, NULL));
}

/* A reply is bound to its request's nonce: an old reply replayed to a new
 * request does not verify. */
static void test_reply_bound_to_request(void **state)
{
	(void)state;
	uint8_t n1[HD_AUTH_NONCE_BYTES], n2[HD_AUTH_NONCE_BYTES];
	randombytes_buf(n1, sizeof n1);
	randombytes_buf(n2, sizeof n2);
	uint8_t msg[sizeof body + HD_AUTH_TRAILER_BYTES];
	memcpy(msg, body, sizeof body);
	assert_hd_ok(hd_auth_seal(HD_AUTH_RPC_REPLY, body, sizeof body, 1, n1,
				  msg + sizeof body));
	assert_hd_ok(hd_auth_verify(HD_AUTH_RPC_REPLY, msg, sizeof msg, n1,
				    NULL, NULL, NULL));
	assert_hd_rc(hd_auth_verify(HD_AUTH_RPC_REPLY, msg, sizeof msg, n2,
				    NULL, NULL, NULL),
		     HD_E_UNAUTHORIZED);
}

static void nonce_of(uint8_t n[HD_AUTH_NONCE_BYTES], uint64_t i)
{
	memset(n, 0, HD_AUTH_NONCE_BYTES);
	memcpy(n, &i, sizeof i);
}

/* Inside ±window a nonce is taken once; outside it nothing is. */
static void test_replay_window(void **state)
{
	(void)state;
	hd_replay *r = NULL;
	const int64_t w = 60000, now = 1700000000000;
	uint8_t n[HD_AUTH_NONCE_BYTES];
	assert_hd_ok(hd_replay_new(&r, w, 1000));
	nonce_of(n, 1);
	assert_hd_ok(hd_replay_check(r, now, n, now));
	assert_hd_rc(hd_replay_check(r, now, n, now), HD_E_CONFLICT);
	/* Replayed later with the same timestamp: still refused. */
	assert_hd_rc(hd_replay_check(r, now, n, now + w), HD_E_CONFLICT);
	assert_hd_rc(hd_replay_check(r, now, n, now + w + 1), HD_E_TIMEDOUT);
	nonce_of(n, 2);
	assert_hd_rc(hd_replay_check(r, now - w - 1, n, now), HD_E_TIMEDOUT);
	assert_hd_rc(hd_replay_check(r, now + w + 1, n, now), HD_E_TIMEDOUT);
	assert_hd_ok(hd_replay_check(r, now - w, n, now));
	/* A timestamp from the future (a fast clock) is remembered across the
	 * rotation that happens while it is still in the window. */
	nonce_of(n, 3);
	assert_hd_ok(hd_replay_check(r, now + w, n, now));
	for (int64_t t = now; t <= now + 2 * w; t += w / 2)
		assert_hd_rc(hd_replay_check(r, now + w, n, t), HD_E_CONFLICT);
	hd_replay_free(r);
}

/* Over capacity the oldest generation is forgotten early; nothing it held
 * can be replayed, because its timestamps become the floor. */
static void test_replay_capacity_fails_closed(void **state)
{
	(void)state;
	hd_replay *r = NULL;
	const int64_t w = 60000, now = 1700000000000;
	uint8_t n[HD_AUTH_NONCE_BYTES];
	assert_hd_ok(hd_replay_new(&r, w, 100));
	for (uint64_t i = 1; i <= 250; i++) {
		nonce_of(n, i);
		assert_hd_ok(
			hd_replay_check(r, now + (int64_t)i, n, now + 300));
	}
	/* Every one of the 250 is refused again: remembered, or at or below
	 * the floor of the forgotten generation. */
	for (uint64_t i = 1; i <= 250; i++) {
		nonce_of(n, i);
		int rc = hd_replay_check(r, now + (int64_t)i, n, now + 300);
		assert_true(rc == HD_E_CONFLICT || rc == HD_E_TIMEDOUT);
	}
	/* Newer requests still pass. */
	nonce_of(n, 1000);
	assert_hd_ok(hd_replay_check(r, now + 400, n, now + 400));
	hd_replay_free(r);
}

/* On nng messages: seal appends, open verifies and strips; a request is
 * opened once only (the process-wide replay window). */
static void test_nng_messages(void **state)
{
	(void)state;
	nng_msg *m = NULL, *copy = NULL;
	uint8_t sent[HD_AUTH_NONCE_BYTES], got[HD_AUTH_NONCE_BYTES];
	assert_int_equal(nng_msg_alloc(&m, 0), 0);
	assert_int_equal(nng_msg_append(m, body, sizeof body), 0);
	assert_hd_ok(hd_auth_rpc_seal_request(m, sent));
	assert_int_equal(nng_msg_len(m), sizeof body + HD_AUTH_TRAILER_BYTES);
	assert_int_equal(nng_msg_dup(&copy, m), 0);
	assert_hd_ok(hd_auth_rpc_open_request(m, got));
	assert_memory_equal(sent, got, sizeof sent);
	assert_int_equal(nng_msg_len(m), sizeof body);
	assert_memory_equal(nng_msg_body(m), body, sizeof body);
	assert_hd_rc(hd_auth_rpc_open_request(copy, got), HD_E_UNAUTHORIZED);
	nng_msg_free(copy);
	/* Bus: a frame without a tag is refused and left as it was. */
	assert_hd_rc(hd_auth_bus_open(m), HD_E_UNAUTHORIZED);
	assert_int_equal(nng_msg_len(m), sizeof body);
	assert_hd_ok(hd_auth_bus_seal(m));
	assert_hd_ok(hd_auth_bus_open(m));
	assert_int_equal(nng_msg_len(m), sizeof body);
	nng_msg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_verify),
		cmocka_unit_test(test_reply_bound_to_request),
		cmocka_unit_test(test_replay_window),
		cmocka_unit_test(test_replay_capacity_fails_closed),
		cmocka_unit_test(test_nng_messages),
	};
	return cmocka_run_group_tests_name("frame_auth", tests, setup, NULL);
}
