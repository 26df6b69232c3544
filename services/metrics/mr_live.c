/* The live wallboard: queue per group, longest wait, today's calls. The
 * figures are copies of durable counters read inside the applying
 * transaction (so a batch retried after a failed commit sets them right
 * again) and kept in memory under a mutex; metrics.live formats them
 * without touching the store, so a poll costs microseconds. */
#include "mr.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_iter.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The slot of group, inserted in id order; NULL when the table is full.
 * Caller holds mu. */
static mr_live_group *slot(mr_state *s, uint64_t group)
{
	size_t lo = 0, hi = s->ngroups;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->groups[mid].group < group)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->ngroups && s->groups[lo].group == group)
		return &s->groups[lo];
	if (s->ngroups == MR_MAX_GROUPS)
		return NULL;
	memmove(&s->groups[lo + 1], &s->groups[lo],
		(s->ngroups - lo) * sizeof *s->groups);
	s->ngroups++;
	s->groups[lo] = (mr_live_group){.group = group};
	return &s->groups[lo];
}

void mr_live_set_group(metrics *m, hd_txn *t, uint64_t group)
{
	uint64_t queue, open;
	int64_t oldest, ignored;
	mr_open_get(m, t, MR_O_QUEUE, group, &queue, &oldest);
	mr_open_get(m, t, MR_O_GROUP, group, &open, &ignored);
	if (t->rc)
		return;
	pthread_mutex_lock(&m->mr->mu);
	mr_live_group *g = slot(m->mr, group);
	if (g) {
		g->queue = queue;
		g->open = open;
		g->oldest = oldest;
	}
	pthread_mutex_unlock(&m->mr->mu);
}

typedef struct day_calls {
	int64_t day;
	uint64_t inbound, answered;
} day_calls;

static void add_call(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	(void)b;
	day_calls *d = arg;
	if (bucket != d->day || c != 0 || v <= 0)
		return;
	d->inbound += (uint64_t)v;
	if (a == 1) /* answered */
		d->answered += (uint64_t)v;
}

void mr_live_calls(metrics *m, hd_txn *t, int64_t at)
{
	day_calls d = {.day = mr_bucket(at, MR_G_DAY)};
	mr_filter all = {.dim = MR_D_ALL};
	/* A late call of an earlier day changes nothing on the board; the
	 * business clock may also have been moved back (tests). */
	if (d.day < m->mr->calls_day &&
	    d.day != mr_bucket(hd_now_ms(), MR_G_DAY))
		return;
	if (mr_roll_scan(m, t, MR_CALLS, MR_G_DAY, &all, d.day,
			 mr_next_day(d.day), add_call, &d) ||
	    !d.inbound)
		return;
	pthread_mutex_lock(&m->mr->mu);
	m->mr->calls_day = d.day;
	m->mr->calls_inbound = d.inbound;
	m->mr->calls_answered = d.answered;
	pthread_mutex_unlock(&m->mr->mu);
}

typedef struct live_load {
	metrics *m;
	hd_txn *t;
} live_load;

/* A group's count key is its id after the tag; anything else ends them. */
static int live_group(void *arg, const MDB_val *k, const MDB_val *v)
{
	live_load *g = arg;
	if (k->mv_size != 9)
		return HD_STOP;
	mr_live_set_group(g->m, g->t,
			  hd_key_get_u64((const uint8_t *)k->mv_data + 1));
	return HD_OK;
}

/* Every group with open work, read from the counts db at start. */
int mr_live_load(metrics *m)
{
	hd_txn t;
	int rc = hd_store_read(m->store, &t);
	if (rc)
		return rc;
	uint8_t k[9] = {MR_O_GROUP};
	live_load g = {m, &t};
	rc = hd_txn_foreach_from(&t, m->mr->counts, k, 1, k, sizeof k, false,
				 live_group, &g);
	if (rc) {
		hd_txn_end(&t);
		return rc;
	}
	mr_live_calls(m, &t, hd_now_ms());
	mr_live_sla(m, &t, hd_now_ms());
	mr_presence_load(m, &t);
	hd_txn_end(&t);
	return HD_OK;
}

/* The board's figures at now (caller holds mu): queues of groups with
 * open work, today's calls and SLA targets, agents per presence state. */
static int board(mr_state *s, int64_t now, Hd__LiveBoard *b)
{
	int64_t longest = 0;
	b->time_ms = now;
	for (size_t i = 0; i < s->ngroups; i++) {
		const mr_live_group *g = &s->groups[i];
		if (!g->open)
			continue;
		int64_t wait = g->oldest && now > g->oldest
				       ? (now - g->oldest) / 1000
				       : 0;
		longest = wait > longest ? wait : longest;
		Hd__LiveQueue *q = mr_push(&b->queues, &b->n_queues, sizeof *q);
		if (!q)
			return HD_E_NOMEM;
		hd__live_queue__init(q);
		q->group_id = g->group;
		q->queued = g->queue;
		q->open = g->open;
		q->longest_wait_seconds = wait;
	}
	b->longest_wait_seconds = longest;
	if (s->calls_day == mr_bucket(now, MR_G_DAY)) {
		b->calls_inbound = s->calls_inbound;
		b->calls_answered = s->calls_answered;
	}
	if (s->sla_day == mr_bucket(now, MR_G_DAY)) {
		b->sla_achieved = s->sla_achieved;
		b->sla_breached = s->sla_breached;
	}
	return mr_live_presence_rows(s, b);
}

int mr_live(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	(void)req;
	metrics *m = ctx;
	Hd__ReportReply r = HD__REPORT_REPLY__INIT;
	Hd__LiveBoard *b = malloc(sizeof *b);
	int rc = b ? HD_OK : HD_E_NOMEM;
	if (b) {
		hd__live_board__init(b);
		r.live = b;
		r.name = "live";
		pthread_mutex_lock(&m->mr->mu);
		rc = board(m->mr, hd_now_ms(), b);
		pthread_mutex_unlock(&m->mr->mu);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &r);
	hd__live_board__free_unpacked(b, NULL);
	return rc;
}
