/* The per-user rate limit: a fixed one-minute window per authenticated user
 * in a small hash table (collisions share a window, which errs towards
 * limiting). Each gateway counts on its own. Thread-safe: one mutex. */
#include "gw_users.h"

#include "hd/err.h"
#include "hd/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define RL_SLOTS  4096
#define WINDOW_MS 60000

typedef struct rl_slot {
	int64_t window_start;
	unsigned used;
} rl_slot;

typedef struct rl_table {
	pthread_mutex_t mu;
	unsigned limit;
	rl_slot slots[RL_SLOTS];
} rl_table;

/* Signed-in users by id; anonymous callers (POST /requests without
 * credentials) by client IP, with their own limit. */
struct gw_ratelimit {
	rl_table users, anon;
};

int gw_ratelimit_init(gw_ratelimit **out, unsigned per_minute,
		      unsigned anon_per_minute)
{
	gw_ratelimit *l = calloc(1, sizeof *l);
	if (!l)
		return HD_E_NOMEM;
	pthread_mutex_init(&l->users.mu, NULL);
	pthread_mutex_init(&l->anon.mu, NULL);
	l->users.limit = per_minute ? per_minute : 700;
	l->anon.limit = anon_per_minute ? anon_per_minute : 10;
	*out = l;
	return HD_OK;
}

void gw_ratelimit_free(gw_ratelimit *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->users.mu);
	pthread_mutex_destroy(&l->anon.mu);
	free(l);
}

static void take(rl_table *tb, uint64_t key, gw_rate *out)
{
	int64_t now = hd_wall_ms();
	out->limit = tb->limit;
	out->remaining = tb->limit;
	out->reset = WINDOW_MS / 1000;
	out->limited = false;
	if (!key)
		return;
	pthread_mutex_lock(&tb->mu);
	rl_slot *s = &tb->slots[(key * 0x9E3779B97F4A7C15ull) >> 52];
	/* Only an expired window resets: users whose ids collide keep
	 * counting together instead of resetting each other's count. */
	if (now - s->window_start >= WINDOW_MS) {
		s->window_start = now;
		s->used = 0;
	}
	if (s->used < tb->limit)
		s->used++;
	else
		out->limited = true;
	out->remaining = tb->limit - s->used;
	int64_t left = s->window_start + WINDOW_MS - now;
	out->reset = (unsigned)((left + 999) / 1000);
	if (out->reset == 0)
		out->reset = 1;
	pthread_mutex_unlock(&tb->mu);
}

void gw_ratelimit_take(gw_ratelimit *l, uint64_t user_id, gw_rate *out)
{
	take(&l->users, user_id, out);
}

void gw_ratelimit_take_anon(gw_ratelimit *l, uint64_t ip_key, gw_rate *out)
{
	take(&l->anon, ip_key, out);
}

void gw_ratelimit_headers(struct MHD_Response *resp, const gw_rate *r)
{
	char limit[16], left[16], reset[16];
	if (!r->limit)
		return;
	snprintf(limit, sizeof limit, "%u", r->limit);
	snprintf(left, sizeof left, "%u", r->remaining);
	snprintf(reset, sizeof reset, "%u", r->reset);
	MHD_add_response_header(resp, "x-rate-limit", limit);
	MHD_add_response_header(resp, "x-rate-limit-remaining", left);
	MHD_add_response_header(resp, "ratelimit-limit", limit);
	MHD_add_response_header(resp, "ratelimit-remaining", left);
	MHD_add_response_header(resp, "ratelimit-reset", reset);
	MHD_add_response_header(resp, "rate-limit", limit);
	MHD_add_response_header(resp, "rate-limit-remaining", left);
	MHD_add_response_header(resp, "rate-limit-reset", reset);
	if (r->limited)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
					reset);
}
