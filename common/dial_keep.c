/* Kept dials: see hd/dial_keep.h. Every keeper is in one registry under one
 * lock; pipe callbacks look their keeper up there, so a callback that nng
 * runs after hd_dial_keep_close (it reads the callback pointer under its
 * own lock, then calls it unlocked) touches nothing freed. */
#include "hd/dial_keep.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"
#include "nng_sync.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEEP_PIPES     8 /* per URL: one, a few overlapping while it changes */
#define TEND_PERIOD_MS 250

typedef struct kept_url {
	char url[256];
	nng_dialer dialer;
	unsigned pipes;
	uint32_t pipe_ids[KEEP_PIPES];
	int64_t idle_since_ms; /* no pipe since then (or the dial) */
} kept_url;

struct hd_dial_keep {
	nng_socket sock;
	kept_url *urls;
	size_t n, cap;
	/* Written under reg.mu, read lock-free by hd_dial_keep_state: the
	 * gateway asks on every call it makes. */
	_Atomic unsigned pipes;
	_Atomic uint64_t connects, redials;
	_Atomic int64_t changed_ms;
	hd_dial_keep *next;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t wake;
	hd_dial_keep *list;
	pthread_t thread;
	bool running;
	uintptr_t gen; /* the running tender's; changed to stop it */
} reg = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static int64_t now_ms(void)
{
	return hd_prom_now_us() / 1000;
}

static bool registered(const hd_dial_keep *k)
{
	for (const hd_dial_keep *it = reg.list; it; it = it->next)
		if (it == k)
			return true;
	return false;
}

static kept_url *url_of_dialer(hd_dial_keep *k, nng_dialer d)
{
	for (size_t i = 0; i < k->n; i++)
		if (nng_dialer_id(k->urls[i].dialer) == nng_dialer_id(d))
			return &k->urls[i];
	return NULL;
}

static void pipe_added(hd_dial_keep *k, uint32_t id, nng_dialer d)
{
	kept_url *u = url_of_dialer(k, d);
	k->connects++;
	for (size_t i = 0; u && i < KEEP_PIPES; i++)
		if (!u->pipe_ids[i]) {
			u->pipe_ids[i] = id;
			u->pipes++;
			k->pipes++;
			return;
		}
}

/* nng runs REM_POST also for a pipe that closed before its ADD_POST, so
 * only pipes seen being added are counted down. */
static void pipe_removed(hd_dial_keep *k, uint32_t id, int64_t now)
{
	for (size_t u = 0; u < k->n; u++)
		for (size_t i = 0; i < KEEP_PIPES; i++)
			if (k->urls[u].pipe_ids[i] == id) {
				k->urls[u].pipe_ids[i] = 0;
				if (--k->urls[u].pipes == 0)
					k->urls[u].idle_since_ms = now;
				k->pipes--;
				return;
			}
}

static void on_pipe(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	hd_dial_keep *k = arg;
	uint32_t id = (uint32_t)nng_pipe_id(p);
	nng_dialer d = nng_pipe_dialer(p);
	int64_t now = now_ms();
	pthread_mutex_lock(&reg.mu);
	if (registered(k)) {
		if (ev == NNG_PIPE_EV_ADD_POST)
			pipe_added(k, id, d);
		else
			pipe_removed(k, id, now);
		k->changed_ms = now;
	}
	pthread_mutex_unlock(&reg.mu);
}

/* Give every URL idle past HD_DIAL_KEEP_MS a new dialer; the old ones go
 * into old[] to be closed outside the lock (closing waits for nng's
 * callbacks, which take the lock). The caller holds reg.mu. */
static size_t renew_idle(nng_dialer *old, size_t cap, int64_t now)
{
	size_t n = 0;
	for (hd_dial_keep *k = reg.list; k; k = k->next)
		for (size_t i = 0; i < k->n && n < cap; i++) {
			kept_url *u = &k->urls[i];
			if (u->pipes ||
			    now - u->idle_since_ms < HD_DIAL_KEEP_MS)
				continue;
			nng_dialer fresh;
			if (hd_nng_dial(k->sock, u->url, &fresh,
					NNG_FLAG_NONBLOCK))
				continue; /* try again next round */
			old[n++] = u->dialer;
			u->dialer = fresh;
			u->idle_since_ms = now;
			k->redials++;
		}
	return n;
}

static void *tend(void *arg)
{
	uintptr_t gen = (uintptr_t)arg;
	nng_dialer old[64];
	pthread_mutex_lock(&reg.mu);
	while (reg.gen == gen) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += TEND_PERIOD_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&reg.wake, &reg.mu, &until);
		if (reg.gen != gen)
			break;
		size_t n =
			renew_idle(old, sizeof old / sizeof old[0], now_ms());
		pthread_mutex_unlock(&reg.mu);
		for (size_t i = 0; i < n; i++)
			nng_dialer_close(old[i]);
		if (n)
			hd_debug("dial.renewed", "dialers=%zu", n);
		pthread_mutex_lock(&reg.mu);
	}
	pthread_mutex_unlock(&reg.mu);
	return NULL;
}

int hd_dial_keep_open(hd_dial_keep **out, nng_socket s, size_t max_urls)
{
	hd_dial_keep *k = calloc(1, sizeof *k);
	*out = NULL;
	if (k)
		k->urls = calloc(max_urls ? max_urls : 1, sizeof *k->urls);
	if (!k || !k->urls) {
		free(k);
		return HD_E_NOMEM;
	}
	k->cap = max_urls;
	k->sock = s;
	k->changed_ms = now_ms();
	pthread_mutex_lock(&reg.mu);
	if (!reg.running) {
		reg.gen++;
		if (pthread_create(&reg.thread, NULL, tend, (void *)reg.gen)) {
			pthread_mutex_unlock(&reg.mu);
			free(k->urls);
			free(k);
			return HD_E_NOMEM;
		}
		reg.running = true;
	}
	k->next = reg.list;
	reg.list = k;
	pthread_mutex_unlock(&reg.mu);
	nng_pipe_notify(s, NNG_PIPE_EV_ADD_POST, on_pipe, k);
	nng_pipe_notify(s, NNG_PIPE_EV_REM_POST, on_pipe, k);
	*out = k;
	return HD_OK;
}

int hd_dial_keep_add(hd_dial_keep *k, const char *url)
{
	pthread_mutex_lock(&reg.mu);
	if (k->n == k->cap || strlen(url) >= sizeof k->urls[0].url) {
		pthread_mutex_unlock(&reg.mu);
		return HD_E_INVALID;
	}
	kept_url *u = &k->urls[k->n];
	memset(u, 0, sizeof *u);
	snprintf(u->url, sizeof u->url, "%s", url);
	int rc = hd_err_from_nng(
		hd_nng_dial(k->sock, url, &u->dialer, NNG_FLAG_NONBLOCK));
	if (rc == HD_OK) {
		u->idle_since_ms = now_ms();
		k->n++;
	}
	pthread_mutex_unlock(&reg.mu);
	return rc;
}

void hd_dial_keep_close(hd_dial_keep *k)
{
	if (!k)
		return;
	nng_pipe_notify(k->sock, NNG_PIPE_EV_ADD_POST, NULL, NULL);
	nng_pipe_notify(k->sock, NNG_PIPE_EV_REM_POST, NULL, NULL);
	bool last = false;
	pthread_mutex_lock(&reg.mu);
	for (hd_dial_keep **it = &reg.list; *it; it = &(*it)->next)
		if (*it == k) {
			*it = k->next;
			break;
		}
	if (!reg.list && reg.running) {
		reg.gen++; /* the tender ends at its next look */
		reg.running = false;
		last = true;
		pthread_cond_broadcast(&reg.wake);
	}
	pthread_t t = reg.thread;
	pthread_mutex_unlock(&reg.mu);
	free(k->urls);
	free(k);
	if (last)
		pthread_join(t, NULL);
}

void hd_dial_keep_state(hd_dial_keep *k, hd_dial_state *out)
{
	out->pipes = atomic_load(&k->pipes);
	out->connects = atomic_load(&k->connects);
	out->changed_ms = atomic_load(&k->changed_ms);
	out->redials = atomic_load(&k->redials);
}
