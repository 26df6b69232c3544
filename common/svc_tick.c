/* Tick jobs; see svc_tick.h. Ticks follow the wall clock (a job reads
 * business time itself); a stop wakes a waiting thread at once. */
#include "svc_tick.h"

#include "hd/err.h"
#include "hd/liveness.h"
#include "hd/log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct hd_svc_ticker {
	hd_svc *svc;
	const hd_svc_tick *job;
	uint64_t period_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	bool stop, started;
	hd_loop *live; /* busy while the job runs */
};

static void wait_period(struct hd_svc_ticker *k)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ns = (uint64_t)ts.tv_nsec + (k->period_ms % 1000) * 1000000;
	ts.tv_sec += (time_t)(k->period_ms / 1000 + ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	pthread_mutex_lock(&k->mu);
	if (!k->stop)
		pthread_cond_timedwait(&k->wake, &k->mu, &ts);
	pthread_mutex_unlock(&k->mu);
}

static bool stopping(struct hd_svc_ticker *k)
{
	pthread_mutex_lock(&k->mu);
	bool stop = k->stop;
	pthread_mutex_unlock(&k->mu);
	return stop;
}

static void *ticker_main(void *arg)
{
	struct hd_svc_ticker *k = arg;
	while (!stopping(k)) {
		/* Only while the service runs: after SIGTERM the store is about
		 * to close. */
		if (atomic_load(&k->svc->ready)) {
			hd_liveness_queued(k->live, 1);
			int rc = k->job->fn(k->svc, k->svc->def->ctx);
			hd_liveness_done(k->live, 1);
			if (rc && rc != HD_E_CLOSED)
				hd_warn("service.tick_failed", "job=%s err=%s",
					k->job->name, hd_errname(rc));
		}
		wait_period(k);
	}
	return NULL;
}

static size_t count_ticks(const hd_svc_tick *t)
{
	size_t n = 0;
	while (t && t[n].name)
		n++;
	return n;
}

int hd_svc_ticks_start(hd_svc *svc)
{
	size_t n = count_ticks(svc->def->ticks);
	if (!n)
		return HD_OK;
	svc->tickers = calloc(n, sizeof *svc->tickers);
	if (!svc->tickers)
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct hd_svc_ticker *k = &svc->tickers[i];
		const hd_svc_tick *job = &svc->def->ticks[i];
		uint64_t period = 0;
		int rc = hd_cfg_u64(&svc->cfg, job->period_env, job->min_ms,
				    86400000, &period);
		if (rc)
			return rc;
		k->svc = svc;
		k->job = job;
		k->period_ms = period;
		pthread_mutex_init(&k->mu, NULL);
		pthread_cond_init(&k->wake, NULL);
		k->live = hd_liveness_register(k->job->name, 1);
		if (pthread_create(&k->thread, NULL, ticker_main, k) != 0)
			return HD_E_NOMEM;
		k->started = true;
	}
	return HD_OK;
}

void hd_svc_ticks_stop(hd_svc *svc)
{
	size_t n = count_ticks(svc->def ? svc->def->ticks : NULL);
	for (size_t i = 0; svc->tickers && i < n; i++) {
		struct hd_svc_ticker *k = &svc->tickers[i];
		if (!k->job) /* never set up: the start failed before it */
			continue;
		pthread_mutex_lock(&k->mu);
		k->stop = true;
		pthread_cond_broadcast(&k->wake);
		pthread_mutex_unlock(&k->mu);
		if (k->started)
			pthread_join(k->thread, NULL);
		hd_liveness_forget(k->live);
		pthread_cond_destroy(&k->wake);
		pthread_mutex_destroy(&k->mu);
	}
	free(svc->tickers);
	svc->tickers = NULL;
}
