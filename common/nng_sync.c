/* Blocking context I/O for nng 1.5.2; see nng_sync.h. */
#include "nng_sync.h"

#include "hd/log.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#define LSAN_ON()  __lsan_enable()
#else
#define LSAN_OFF() ((void)0)
#define LSAN_ON()  ((void)0)
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

int hd_nng_ctx_send(nng_ctx ctx, nng_msg *msg, nng_duration timeout)
{
	nng_aio *aio = NULL;
	int rc = nng_aio_alloc(&aio, NULL, NULL);
	if (rc)
		return rc;
	nng_aio_set_timeout(aio, timeout);
	nng_aio_set_msg(aio, msg);
	nng_ctx_send(ctx, aio);
	nng_aio_wait(aio);
	rc = nng_aio_result(aio);
	nng_aio_free(aio);
	return rc;
}

int hd_nng_ctx_recv(nng_ctx ctx, nng_msg **out, nng_duration timeout)
{
	nng_aio *aio = NULL;
	*out = NULL;
	int rc = nng_aio_alloc(&aio, NULL, NULL);
	if (rc)
		return rc;
	nng_aio_set_timeout(aio, timeout);
	nng_ctx_recv(ctx, aio);
	nng_aio_wait(aio);
	rc = nng_aio_result(aio);
	if (rc == 0)
		*out = nng_aio_get_msg(aio);
	nng_aio_free(aio);
	return rc;
}

/* Once one close was stuck, nng 1.5.2 is usually wedged for every later
 * close of the process too (chaos saw four sockets in a row each time out):
 * those get a short grace instead of the full wait each, so a stop with
 * many sockets costs one deadline, not the sum of them. */
#define STUCK_GRACE_MS 100
static atomic_int close_stuck;

static void *close_main(void *arg)
{
	nng_socket *s = arg;
	nng_close(*s);
	free(s);
	return NULL;
}

void hd_nng_close_by(nng_socket s, int ms)
{
	if (atomic_load(&close_stuck) && ms > STUCK_GRACE_MS)
		ms = STUCK_GRACE_MS;
	nng_socket *copy = malloc(sizeof *copy);
	pthread_t t;
	if (!copy || (*copy = s, pthread_create(&t, NULL, close_main, copy))) {
		free(copy);
		nng_close(s);
		return;
	}
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	if (pthread_timedjoin_np(t, NULL, &deadline) != 0) {
		atomic_store(&close_stuck, 1);
		hd_warn("nng.close_stuck", "socket=%u waited_ms=%d", s.id, ms);
		pthread_detach(t);
	}
}

int hd_nng_dial(nng_socket s, const char *url, nng_dialer *d, int flags)
{
	LSAN_OFF();
	int rc = nng_dial(s, url, d, flags);
	LSAN_ON();
	return rc;
}

int hd_nng_listen(nng_socket s, const char *url, nng_listener *l, int flags)
{
	LSAN_OFF();
	int rc = nng_listen(s, url, l, flags);
	LSAN_ON();
	return rc;
}
