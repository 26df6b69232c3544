/* Time samples for medians and percentiles: one row per ticket and Seoul
 * day (mr_keys.c has the layout). Exact quantiles over sorted samples: a
 * 90-day report reads one row per measured ticket, which at our volumes is
 * cheaper and simpler than a sketch and never approximates. */
#include "mr.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

enum { SAMPLE_KEY = 17, SAMPLE_HEAD = 25 };

static void sample_key(uint8_t k[SAMPLE_KEY], int kind, int64_t day,
		       uint64_t ticket)
{
	k[0] = (uint8_t)kind;
	hd_key_u64(k + 1, (uint64_t)day ^ (1ULL << 63));
	hd_key_u64(k + 9, ticket);
}

void mr_sample_put(metrics *m, hd_txn *t, int kind, int64_t day,
		   uint64_t ticket, uint64_t secs, const mr_dims *d)
{
	uint8_t k[SAMPLE_KEY], v[SAMPLE_HEAD + 8 * MR_MAX_TAGS];
	size_t n = d->no_tags ? 0 : d->ntags;
	sample_key(k, kind, day, ticket);
	hd_key_u64(v, secs);
	hd_key_u64(v + 8, d->group);
	hd_key_u64(v + 16, d->agent);
	v[24] = (uint8_t)d->channel;
	for (size_t i = 0; i < n; i++)
		hd_key_u64(v + SAMPLE_HEAD + 8 * i, d->tags[i]);
	hd_txn_put(t, m->mr->samples, k, sizeof k, v, SAMPLE_HEAD + 8 * n);
}

void mr_sample_del(metrics *m, hd_txn *t, int kind, int64_t day,
		   uint64_t ticket)
{
	uint8_t k[SAMPLE_KEY];
	sample_key(k, kind, day, ticket);
	hd_txn_del(t, m->mr->samples, k, sizeof k);
}

static int passes(const uint8_t *v, size_t len, const mr_filter *f,
		  uint64_t agent)
{
	if (f->group && hd_key_get_u64(v + 8) != f->group)
		return 0;
	uint64_t who = hd_key_get_u64(v + 16);
	if ((f->agent && who != f->agent) || (agent && who != agent))
		return 0;
	if (f->channel && v[24] != f->channel)
		return 0;
	if (!f->tag)
		return 1;
	for (size_t off = SAMPLE_HEAD; off + 8 <= len; off += 8)
		if (hd_key_get_u64(v + off) == f->tag)
			return 1;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int push(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		uint64_t *p = realloc(*v, nc * sizeof *p);
		if (!p)
			return HD_E_NOMEM;
		*v = p;
		*cap = nc;
	}
	(*v)[(*n)++] = x;
	return HD_OK;
}

/* A sample's value: its calendar seconds, or (biz) its business seconds
 * over the interval the ticket's state places it at: first reply and
 * resolution start at creation; handle time ends at the latest solve,
 * which is the solve that wrote the sample. */
static uint64_t value_of(metrics *m, hd_txn *t, int kind, const mr_filter *f,
			 int biz, uint64_t ticket, uint64_t secs)
{
	uint8_t k[8];
	MDB_val v;
	Hd__MrTicket *s = NULL;
	hd_key_u64(k, ticket);
	if (biz && f->bh && hd_txn_get(t, m->mr->tickets, k, 8, &v) == HD_OK)
		s = hd__mr_ticket__unpack(NULL, v.mv_size, v.mv_data);
	if (!s)
		return secs;
	int64_t from = s->created_at, to = from + (int64_t)secs * 1000;
	if (kind == MR_S_HANDLE) {
		to = s->solved_at;
		from = to - (int64_t)secs * 1000;
	}
	hd__mr_ticket__free_unpacked(s, NULL);
	return to > from ? (uint64_t)(hd_bh_between(f->bh, from, to) / 1000)
			 : 0;
}

typedef int (*sample_fn)(void *arg, uint64_t agent, uint64_t value);

typedef struct sample_walk {
	metrics *m;
	hd_txn *t;
	int kind;
	const mr_filter *f;
	uint64_t agent;
	int biz;
	sample_fn fn;
	void *arg;
} sample_walk;

static int sample_one(void *arg, const MDB_val *key, const MDB_val *val)
{
	sample_walk *w = arg;
	const uint8_t *p = key->mv_data;
	if (key->mv_size != SAMPLE_KEY)
		return HD_STOP;
	int64_t day = (int64_t)(hd_key_get_u64(p + 1) ^ (1ULL << 63));
	if (day >= w->f->end)
		return HD_STOP;
	if (val->mv_size < SAMPLE_HEAD ||
	    !passes(val->mv_data, val->mv_size, w->f, w->agent))
		return HD_OK;
	return w->fn(w->arg, hd_key_get_u64((const uint8_t *)val->mv_data + 16),
		     value_of(w->m, w->t, w->kind, w->f, w->biz,
			      hd_key_get_u64(p + 9),
			      hd_key_get_u64(val->mv_data)));
}

/* fn for every sample of kind in f's range passing f (and of agent). */
static int sample_scan(metrics *m, hd_txn *t, int kind, const mr_filter *f,
		       uint64_t agent, int biz, sample_fn fn, void *arg)
{
	uint8_t k[SAMPLE_KEY];
	/* Days are local days: start at the day that holds f->start. */
	sample_key(k, kind, mr_bucket(f->start, MR_G_DAY), 0);
	sample_walk w = {m, t, kind, f, agent, biz, fn, arg};
	return hd_txn_foreach_from(t, m->mr->samples, k, 1, k, sizeof k, false,
				   sample_one, &w);
}

typedef struct values {
	uint64_t *v;
	size_t n, cap;
} values;

static int push_value(void *arg, uint64_t agent, uint64_t value)
{
	values *s = arg;
	return push(&s->v, &s->n, &s->cap, value);
}

static int sample_collect(metrics *m, hd_txn *t, int kind, const mr_filter *f,
			  uint64_t agent, int biz, uint64_t **out, size_t *n)
{
	values s = {0};
	int rc = sample_scan(m, t, kind, f, agent, biz, push_value, &s);
	if (rc) {
		free(s.v);
		s = (values){0};
	} else if (s.n) {
		qsort(s.v, s.n, sizeof *s.v, cmp_u64);
	}
	*out = s.v;
	*n = s.n;
	return rc;
}

typedef struct pairs {
	mr_agent_sample *v;
	size_t n, cap;
} pairs;

static int push_pair(void *arg, uint64_t agent, uint64_t value)
{
	pairs *s = arg;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		mr_agent_sample *p = realloc(s->v, nc * sizeof *p);
		if (!p)
			return HD_E_NOMEM;
		s->v = p;
		s->cap = nc;
	}
	s->v[s->n++] = (mr_agent_sample){agent, value};
	return HD_OK;
}

static int by_agent_value(const void *a, const void *b)
{
	const mr_agent_sample *x = a, *y = b;
	if (x->agent != y->agent)
		return (x->agent > y->agent) - (x->agent < y->agent);
	return (x->value > y->value) - (x->value < y->value);
}

int mr_sample_by_agent(metrics *m, hd_txn *t, int kind, const mr_filter *f,
		       mr_agent_sample **out, size_t *n)
{
	pairs s = {0};
	int rc = sample_scan(m, t, kind, f, 0, 1, push_pair, &s);
	if (rc) {
		free(s.v);
		s = (pairs){0};
	} else if (s.n) {
		qsort(s.v, s.n, sizeof *s.v, by_agent_value);
	}
	*out = s.v;
	*n = s.n;
	return rc;
}

int mr_sample_collect(metrics *m, hd_txn *t, int kind, const mr_filter *f,
		      uint64_t agent, uint64_t **out, size_t *n)
{
	return sample_collect(m, t, kind, f, agent, 0, out, n);
}

int mr_sample_collect_biz(metrics *m, hd_txn *t, int kind, const mr_filter *f,
			  uint64_t agent, uint64_t **out, size_t *n)
{
	return sample_collect(m, t, kind, f, agent, 1, out, n);
}

uint64_t mr_percentile(const uint64_t *v, size_t n, unsigned p)
{
	if (!n)
		return 0;
	size_t rank = ((size_t)p * n + 99) / 100; /* ceil(p/100 · n) */
	return v[rank ? rank - 1 : 0];
}
