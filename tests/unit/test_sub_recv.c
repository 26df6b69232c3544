/* A subscriber's frame wait that a stop ends (common/sub_recv.c): a stop
 * during the wait ends it long before its timeout, a wait begun after the
 * stop returns at once, and a frame published is received. The timeout is
 * 20 s so that "ended by the stop" cannot be the timeout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/sub_recv.h"
#include "unit.h"

#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#define TIMEOUT_MS 20000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct waiter {
	hd_sub_recv *r;
	_Atomic int started;
	nng_msg *got;
} waiter;

static void *wait_one(void *arg)
{
	waiter *w = arg;
	atomic_store(&w->started, 1);
	w->got = hd_sub_recv_next(w->r);
	return NULL;
}

static void open_sub(nng_socket *sub, hd_sub_recv *r)
{
	assert_int_equal(nng_sub0_open(sub), 0);
	assert_int_equal(nng_socket_set(*sub, NNG_OPT_SUB_SUBSCRIBE, "", 0), 0);
	assert_int_equal(hd_sub_recv_open(r, *sub, TIMEOUT_MS), HD_OK);
}

static void test_stop_ends_a_wait(void **state)
{
	(void)state;
	nng_socket sub;
	hd_sub_recv r;
	open_sub(&sub, &r);
	waiter w = {.r = &r};
	pthread_t th;
	double t0 = now_s();
	assert_int_equal(pthread_create(&th, NULL, wait_one, &w), 0);
	while (!atomic_load(&w.started))
		sched_yield();
	hd_sub_recv_stop(&r);
	pthread_join(th, NULL);
	assert_null(w.got);
	assert_true(now_s() - t0 < TIMEOUT_MS / 2000.0);
	/* after the stop, a new wait returns at once */
	t0 = now_s();
	assert_null(hd_sub_recv_next(&r));
	assert_true(now_s() - t0 < TIMEOUT_MS / 2000.0);
	hd_sub_recv_close(&r);
	hd_sub_recv_close(&r); /* twice is fine */
	nng_close(sub);
}

static void test_a_frame_arrives(void **state)
{
	(void)state;
	nng_socket pub, sub;
	hd_sub_recv r;
	open_sub(&sub, &r);
	assert_int_equal(nng_pub0_open(&pub), 0);
	assert_int_equal(nng_listen(pub, "inproc://test_sub_recv", NULL, 0), 0);
	assert_int_equal(nng_dial(sub, "inproc://test_sub_recv", NULL, 0), 0);
	nng_msg *got = NULL;
	/* pub/sub drops frames sent before the pipe is up: send until one
	 * arrives (each wait is short for this) */
	hd_sub_recv quick;
	assert_int_equal(hd_sub_recv_open(&quick, sub, 50), HD_OK);
	for (int i = 0; i < 400 && !got; i++) {
		assert_int_equal(nng_send(pub, "hello", 5, 0), 0);
		got = hd_sub_recv_next(&quick);
	}
	assert_non_null(got);
	assert_int_equal(nng_msg_len(got), 5);
	assert_memory_equal(nng_msg_body(got), "hello", 5);
	nng_msg_free(got);
	hd_sub_recv_close(&quick);
	hd_sub_recv_close(&r);
	nng_close(pub);
	nng_close(sub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_ends_a_wait),
		cmocka_unit_test(test_a_frame_arrives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
