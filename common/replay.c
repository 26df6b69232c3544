/* The replay window of authenticated RPC requests: nonces of the last two
 * generations in open-addressing sets of their first 8 bytes. See
 * hd/frame_auth.h. Only requests with a valid tag get here, so an outsider
 * cannot fill the sets. */
#include "hd/err.h"
#include "hd/frame_auth.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MIN_SLOTS 1024

typedef struct generation {
	uint64_t *slots; /* 0 = empty */
	size_t cap, n;
	int64_t started_ms;
	int64_t max_ts; /* newest timestamp remembered here */
} generation;

struct hd_replay {
	pthread_mutex_t mu;
	int64_t window_ms;
	size_t max_entries;
	generation cur, prev;
	int64_t floor_ts; /* timestamps <= this were possibly forgotten */
};

static uint64_t nonce_key(const uint8_t nonce[HD_AUTH_NONCE_BYTES])
{
	uint64_t k;
	memcpy(&k, nonce, sizeof k);
	return k ? k : 1;
}

static int gen_has(const generation *g, uint64_t k)
{
	if (!g->cap)
		return 0;
	for (size_t i = k & (g->cap - 1);; i = (i + 1) & (g->cap - 1)) {
		if (g->slots[i] == k)
			return 1;
		if (!g->slots[i])
			return 0;
	}
}

static void gen_put(generation *g, uint64_t k)
{
	size_t i = k & (g->cap - 1);
	while (g->slots[i] && g->slots[i] != k)
		i = (i + 1) & (g->cap - 1);
	g->n += !g->slots[i];
	g->slots[i] = k;
}

/* Keep the load under one half. */
static int gen_reserve(generation *g)
{
	if (g->cap && (g->n + 1) * 2 <= g->cap)
		return HD_OK;
	size_t cap = g->cap ? g->cap * 2 : MIN_SLOTS;
	uint64_t *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return HD_E_NOMEM;
	generation grown = {.slots = slots, .cap = cap};
	for (size_t i = 0; i < g->cap; i++)
		if (g->slots[i])
			gen_put(&grown, g->slots[i]);
	free(g->slots);
	g->slots = slots;
	g->cap = cap;
	return HD_OK;
}

/* Forget the older generation; its timestamps become the floor. */
static void rotate(hd_replay *r, int64_t now_ms)
{
	if (r->prev.n && r->prev.max_ts > r->floor_ts)
		r->floor_ts = r->prev.max_ts;
	free(r->prev.slots);
	r->prev = r->cur;
	r->cur = (generation){.started_ms = now_ms, .max_ts = INT64_MIN};
}

int hd_replay_new(hd_replay **out, int64_t window_ms, size_t max_entries)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return HD_E_NOMEM;
	pthread_mutex_init(&(*out)->mu, NULL);
	(*out)->window_ms = window_ms;
	(*out)->max_entries = max_entries ? max_entries : 1;
	(*out)->floor_ts = INT64_MIN;
	(*out)->cur.max_ts = (*out)->prev.max_ts = INT64_MIN;
	(*out)->cur.started_ms = INT64_MIN / 2;
	return HD_OK;
}

void hd_replay_free(hd_replay *r)
{
	if (!r)
		return;
	free(r->cur.slots);
	free(r->prev.slots);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

int hd_replay_check(hd_replay *r, int64_t ts_ms,
		    const uint8_t nonce[HD_AUTH_NONCE_BYTES], int64_t now_ms)
{
	if (ts_ms < now_ms - r->window_ms || ts_ms > now_ms + r->window_ms)
		return HD_E_TIMEDOUT;
	uint64_t k = nonce_key(nonce);
	int rc = HD_OK;
	pthread_mutex_lock(&r->mu);
	/* An entry lives at least two windows: long enough that its own
	 * timestamp has left the window before it is forgotten. */
	if (now_ms - r->cur.started_ms >= 2 * r->window_ms)
		rotate(r, now_ms);
	if (r->cur.n >= r->max_entries)
		rotate(r, now_ms);
	if (ts_ms <= r->floor_ts)
		rc = HD_E_TIMEDOUT;
	else if (gen_has(&r->cur, k) || gen_has(&r->prev, k))
		rc = HD_E_CONFLICT;
	else if ((rc = gen_reserve(&r->cur)) == HD_OK) {
		gen_put(&r->cur, k);
		if (ts_ms > r->cur.max_ts)
			r->cur.max_ts = ts_ms;
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}
