/* The SLA policies in position order, with their filters as view
 * conditions (sla_filter_build), made once per generation instead of once
 * per ticket event. routing's meta holds the generation of
 * sla_policies (GEN_KEY, u64 big-endian; missing = 0); every write to that
 * table stores a new one in the same transaction (sla_policy_put,
 * sla_policy_del, the upgrade at open), and a lookup reads it from its own
 * transaction and takes the cached list only when it carries that number.
 *
 * Why a cached list is always the one the reading transaction would
 * decode: a generation value is stored by exactly one put of this routing
 * context (the counter of values handed out, sla_gen_issued, is the
 * context's; the service has one context per process and store) — a new
 * one is max(the value the writer sees, every value handed out before)
 * + 1, so an aborted or failed write's number is never handed out
 * again (a plain increment would reuse it after the abort, with other
 * policies behind it) — and no transaction changes a policy without
 * storing a new generation after it. So every transaction that sees
 * generation g sees the table exactly as it was right after g was stored:
 * the committed state for readers, or the writer's own uncommitted one,
 * which no other transaction can see with g. Values a previous process
 * committed (or 0, a store older than the generation) are below every
 * value this process hands out, and only the policies committed with them
 * can be seen beside them. The list is built from the caller's own
 * transaction, so whatever it holds is what that snapshot decodes.
 *
 * Thread rule: lookups come from the group-commit writer (ticket hooks,
 * refresh after a policy change) and may come from any RPC thread; one
 * lock guards the cached pointer, the reference counts and the last value
 * handed out. Decoding happens outside it; the lists are never changed
 * after they are built, so holders read them without the lock. */
#include "sla.h"

#include "hd/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define GEN_KEY "sla_policy_gen"

/* One lock for every routing instance: it is held for a few pointer and
 * counter updates only, and needs no set-up or teardown in contexts that
 * start zeroed (the service's static one, the unit tests'). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The generation t sees in *g: 0 when none was stored yet. A failed
 * transaction's error: its reads tell nothing. */
static int gen_of(hd_txn *t, const routing *r, uint64_t *g)
{
	MDB_val v;
	int rc = hd_txn_get(t, r->meta, GEN_KEY, strlen(GEN_KEY), &v);
	*g = 0;
	if (rc == HD_E_NOTFOUND)
		return t->rc;
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return HD_E_CORRUPT;
	*g = hd_key_get_u64(v.mv_data);
	return HD_OK;
}

int sla_policy_gen_bump(hd_txn *t, routing *r)
{
	uint64_t seen = 0;
	int rc = gen_of(t, r, &seen);
	if (rc)
		return hd_txn_fail(t, rc);
	pthread_mutex_lock(&lock);
	uint64_t g = (seen > r->sla_gen_issued ? seen : r->sla_gen_issued) + 1;
	r->sla_gen_issued = g;
	pthread_mutex_unlock(&lock);
	uint8_t v[8];
	hd_key_u64(v, g);
	return hd_txn_put(t, r->meta, GEN_KEY, strlen(GEN_KEY), v, 8);
}

void sla_policy_set_drop(sla_policy_set *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&lock);
	unsigned left = --s->refs;
	pthread_mutex_unlock(&lock);
	if (left)
		return;
	for (size_t i = 0; s->filters && i < s->pols.n; i++)
		sla_filter_free(s->filters[i]);
	free(s->filters);
	sla_policies_release(&s->pols);
	free(s);
}

/* s's policies and their filters, from t. */
static int build(hd_txn *t, routing *r, sla_policy_set *s)
{
	int rc = sla_policies_in_order(t, &r->sla, &s->pols);
	if (!rc && !(s->filters = calloc(s->pols.n ? s->pols.n : 1,
					 sizeof *s->filters)))
		rc = HD_E_NOMEM;
	for (size_t i = 0; !rc && i < s->pols.n; i++)
		rc = sla_filter_build(s->pols.v[i], &s->filters[i]);
	return rc;
}

/* The cached list when it is of generation g, with a reference for the
 * caller; NULL otherwise. */
static sla_policy_set *cached(routing *r, uint64_t g)
{
	sla_policy_set *s = NULL;
	pthread_mutex_lock(&lock);
	if (r->sla_cached && r->sla_cached->gen == g) {
		s = r->sla_cached;
		s->refs++;
	}
	pthread_mutex_unlock(&lock);
	return s;
}

/* s (one reference, the caller's) becomes the cached list, replacing any
 * other: the latest lookup's generation is the likeliest next one. */
static void install(routing *r, sla_policy_set *s)
{
	pthread_mutex_lock(&lock);
	sla_policy_set *old = r->sla_cached;
	r->sla_cached = s;
	s->refs++;
	pthread_mutex_unlock(&lock);
	sla_policy_set_drop(old);
}

int sla_policy_set_get(hd_txn *t, routing *r, sla_policy_set **out)
{
	uint64_t g = 0;
	int rc = gen_of(t, r, &g);
	*out = NULL;
	if (rc || (*out = cached(r, g)))
		return rc;
	sla_policy_set *s = calloc(1, sizeof *s);
	if (!s)
		return HD_E_NOMEM;
	s->refs = 1;
	if ((rc = build(t, r, s))) {
		sla_policy_set_drop(s);
		return rc;
	}
	s->gen = g;
	install(r, s);
	*out = s;
	return HD_OK;
}

void sla_cache_release(routing *r)
{
	pthread_mutex_lock(&lock);
	sla_policy_set *old = r->sla_cached;
	r->sla_cached = NULL;
	pthread_mutex_unlock(&lock);
	sla_policy_set_drop(old);
}
