/* The tick thread (see hooks.h): one write job per tick runs every tick
 * hook. Ticks are driven by the wall clock; the hooks read business time. */
#include "hooks.h"

#include "hd/err.h"
#include "hd/liveness.h"
#include "hd/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

static struct {
	routing *r;
	unsigned tick_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stop;
	bool started;
	hd_loop *live; /* "routing.tick": busy while a tick runs */
} ticker = {.lock = PTHREAD_MUTEX_INITIALIZER,
	    .wake = PTHREAD_COND_INITIALIZER};

static int tick_job(hd_txn *t, void *arg)
{
	routing *r = arg;
	int64_t now = hd_now_ms();
	for (size_t i = 0; routing_tick_hooks[i] && t->rc == HD_OK; i++)
		hd_txn_fail(t, routing_tick_hooks[i](r, t, now));
	return t->rc;
}

static void *ticker_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&ticker.stop)) {
		if (routing_tick_hooks[0]) {
			hd_liveness_queued(ticker.live, 1);
			int rc = hd_store_write(ticker.r->store, tick_job,
						ticker.r);
			hd_liveness_done(ticker.live, 1);
			if (rc && rc != HD_E_CLOSED)
				hd_warn("routing.tick_failed", "err=%s",
					hd_errname(rc));
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		long ns = ts.tv_nsec + (long)(ticker.tick_ms % 1000) * 1000000;
		ts.tv_sec += ticker.tick_ms / 1000 + ns / 1000000000;
		ts.tv_nsec = ns % 1000000000;
		pthread_mutex_lock(&ticker.lock);
		if (!atomic_load(&ticker.stop))
			pthread_cond_timedwait(&ticker.wake, &ticker.lock, &ts);
		pthread_mutex_unlock(&ticker.lock);
	}
	return NULL;
}

int routing_ticker_start(routing *r, unsigned tick_ms)
{
	ticker.r = r;
	ticker.tick_ms = tick_ms ? tick_ms : 1000;
	atomic_store(&ticker.stop, false);
	ticker.live = hd_liveness_register("routing.tick", 1);
	if (pthread_create(&ticker.thread, NULL, ticker_main, NULL)) {
		hd_liveness_forget(ticker.live);
		ticker.live = NULL;
		return HD_E_NOMEM;
	}
	ticker.started = true;
	return HD_OK;
}

void routing_ticker_stop(void)
{
	atomic_store(&ticker.stop, true);
	pthread_mutex_lock(&ticker.lock);
	pthread_cond_broadcast(&ticker.wake);
	pthread_mutex_unlock(&ticker.lock);
	if (ticker.started)
		pthread_join(ticker.thread, NULL);
	ticker.started = false;
	hd_liveness_forget(ticker.live);
	ticker.live = NULL;
}
