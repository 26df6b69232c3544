/* Loop liveness for /healthz and /metrics; see hd/liveness.h.
 *
 * A slot's stall clock (`since_ms`, monotonic) is the later of the last
 * progress and the moment pending work reached capacity; the loop is stuck
 * when pending >= capacity and now - since_ms >= the stall time. */
#include "hd/liveness.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct hd_loop {
	_Atomic int live; /* 1 while claimed and reported */
	char name[40];
	int64_t capacity;
	_Atomic int64_t pending;
	_Atomic int64_t since_ms;
	_Atomic int reported; /* liveness.stuck logged, not yet recovered */
};

static hd_loop loops[HD_LIVENESS_MAX_LOOPS];
static hd_loop overflow = {.capacity = INT64_MAX};
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int64_t stall_ms = 30000;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int name_taken(const char *name)
{
	for (size_t i = 0; i < HD_LIVENESS_MAX_LOOPS; i++)
		if (atomic_load(&loops[i].live) &&
		    strcmp(loops[i].name, name) == 0)
			return 1;
	return 0;
}

hd_loop *hd_liveness_register(const char *name, int64_t capacity)
{
	hd_loop *l = &overflow;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < HD_LIVENESS_MAX_LOOPS && l == &overflow; i++)
		if (!atomic_load(&loops[i].live))
			l = &loops[i];
	if (l != &overflow) {
		snprintf(l->name, sizeof l->name, "%s", name);
		for (int k = 2; name_taken(l->name) && k < 100; k++)
			snprintf(l->name, sizeof l->name, "%s.%d", name, k);
		l->capacity = capacity > 0 ? capacity : 1;
		atomic_store(&l->pending, 0);
		atomic_store(&l->since_ms, mono_ms());
		atomic_store(&l->reported, 0);
		atomic_store(&l->live, 1);
	}
	pthread_mutex_unlock(&mu);
	return l;
}

void hd_liveness_forget(hd_loop *l)
{
	if (!l || l == &overflow)
		return;
	pthread_mutex_lock(&mu);
	atomic_store(&l->live, 0);
	pthread_mutex_unlock(&mu);
}

void hd_liveness_queued(hd_loop *l, int64_t n)
{
	if (!l)
		return;
	int64_t old =
		atomic_fetch_add_explicit(&l->pending, n, memory_order_relaxed);
	if (old < l->capacity && old + n >= l->capacity)
		atomic_store_explicit(&l->since_ms, mono_ms(),
				      memory_order_relaxed);
}

void hd_liveness_done(hd_loop *l, int64_t n)
{
	if (!l)
		return;
	/* The clock first: a reader that still sees the old pending count
	 * sees the fresh time. */
	atomic_store_explicit(&l->since_ms, mono_ms(), memory_order_release);
	atomic_fetch_sub_explicit(&l->pending, n, memory_order_release);
}

void hd_liveness_set_stall_ms(int64_t ms)
{
	atomic_store(&stall_ms, ms < 0 ? 0 : ms);
}

/* How long l has been blocked without progress, in ms (0: not blocked). */
static int64_t stalled_ms(hd_loop *l, int64_t now, int64_t *pending)
{
	*pending = atomic_load_explicit(&l->pending, memory_order_acquire);
	if (*pending < l->capacity)
		return 0;
	int64_t since =
		atomic_load_explicit(&l->since_ms, memory_order_acquire);
	return now > since ? now - since : 0;
}

static void note(hd_loop *l, int stuck, int64_t pending, int64_t idle)
{
	if (stuck && !atomic_exchange(&l->reported, 1))
		hd_error("liveness.stuck", "loop=%s pending=%lld idle_ms=%lld",
			 l->name, (long long)pending, (long long)idle);
	else if (!stuck && atomic_exchange(&l->reported, 0))
		hd_info("liveness.recovered", "loop=%s", l->name);
}

int hd_liveness_check(char *why, size_t cap)
{
	int64_t limit = atomic_load(&stall_ms), now = mono_ms();
	size_t used = 0;
	int rc = HD_OK;
	if (cap)
		why[0] = '\0';
	for (size_t i = 0; i < HD_LIVENESS_MAX_LOOPS && limit > 0; i++) {
		hd_loop *l = &loops[i];
		if (!atomic_load(&l->live))
			continue;
		int64_t pending, idle = stalled_ms(l, now, &pending);
		int stuck = idle >= limit;
		note(l, stuck, pending, idle);
		if (!stuck)
			continue;
		rc = HD_E_UNAVAILABLE;
		int n = used < cap ? snprintf(why + used, cap - used,
					      "stuck: %s pending=%lld "
					      "idle_ms=%lld\n",
					      l->name, (long long)pending,
					      (long long)idle)
				   : 0;
		used += n > 0 ? (size_t)n : 0;
	}
	return rc;
}

void hd_liveness_collect(void *arg, hd_buf *out)
{
	(void)arg;
	int64_t now = mono_ms();
	hd_prom_family(out, "hd_loop_stalled_seconds", "gauge",
		       "Seconds a loop with pending work has gone without "
		       "progress (0 while idle or moving).");
	for (size_t i = 0; i < HD_LIVENESS_MAX_LOOPS; i++) {
		int64_t pending;
		if (!atomic_load(&loops[i].live))
			continue;
		int64_t idle = stalled_ms(&loops[i], now, &pending);
		hd_buf_puts(out, "hd_loop_stalled_seconds{loop=\"");
		hd_prom_label_value(out, loops[i].name);
		hd_buf_printf(out, "\"} %.3f\n", (double)idle / 1000.0);
	}
	hd_prom_family(out, "hd_loop_pending", "gauge",
		       "Units of work a loop has taken or queued and not "
		       "finished (store jobs, frames, busy RPC workers).");
	for (size_t i = 0; i < HD_LIVENESS_MAX_LOOPS; i++) {
		if (!atomic_load(&loops[i].live))
			continue;
		hd_buf_puts(out, "hd_loop_pending{loop=\"");
		hd_prom_label_value(out, loops[i].name);
		hd_buf_printf(out, "\"} %lld\n",
			      (long long)atomic_load(&loops[i].pending));
	}
}
