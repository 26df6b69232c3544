/* The last group memberships read for each staff member, so endpoints that
 * filter by the caller's groups (macros, cards) keep working while intake
 * shard 0 is unreachable, as the cached credentials do (auth.c). Bounded:
 * SLOTS entries, direct-mapped by user id (a collision replaces). */
#include "gw_kb.h"

#include "hd/clock.h"

#include <pthread.h>
#include <string.h>

#define SLOTS 512

typedef struct entry {
	uint64_t user;
	int64_t read_ms; /* 0: empty */
	size_t n;
	uint64_t ids[GW_MAX_GROUPS];
} entry;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static entry table[SLOTS];

void gw_groups_remember(uint64_t user, const uint64_t *ids, size_t n)
{
	pthread_mutex_lock(&mu);
	entry *e = &table[user % SLOTS];
	e->user = user;
	e->read_ms = hd_wall_ms();
	e->n = n < GW_MAX_GROUPS ? n : GW_MAX_GROUPS;
	memcpy(e->ids, ids, e->n * sizeof *ids);
	pthread_mutex_unlock(&mu);
}

int gw_groups_recall(uint64_t user, int64_t max_age_ms, uint64_t *ids,
		     size_t *n)
{
	int hit = 0;
	pthread_mutex_lock(&mu);
	entry *e = &table[user % SLOTS];
	if (e->read_ms && e->user == user &&
	    hd_wall_ms() - e->read_ms < max_age_ms) {
		memcpy(ids, e->ids, e->n * sizeof *ids);
		*n = e->n;
		hit = 1;
	}
	pthread_mutex_unlock(&mu);
	return hit;
}
