/* The wallboard's SLA figures: today's (local day) achieved and breached
 * targets, re-read from the day rollup inside the applying transaction
 * like the call figures (mr_live.c), so the board never drifts from the
 * store. */
#include "mr.h"

typedef struct day_sla {
	int64_t day;
	uint64_t achieved, breached;
} day_sla;

static void add_sla(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		    uint64_t c, int64_t v)
{
	day_sla *d = arg;
	unsigned kind = (unsigned)(c >> 8) & 0xff; /* see MR_SLA in mr.h */
	if (bucket != d->day || v <= 0)
		return;
	if (kind == 1)
		d->breached += (uint64_t)v;
	else if (kind == 2)
		d->achieved += (uint64_t)v;
}

void mr_live_sla(metrics *m, hd_txn *t, int64_t at)
{
	day_sla d = {.day = mr_bucket(at, MR_G_DAY)};
	mr_filter all = {.dim = MR_D_ALL};
	/* Only today's figures are shown; the business clock may have been
	 * moved back (tests), so "today" is the clock's, not the latest. */
	if (d.day < m->mr->sla_day && d.day != mr_bucket(hd_now_ms(), MR_G_DAY))
		return;
	if (mr_roll_scan(m, t, MR_SLA, MR_G_DAY, &all, d.day,
			 mr_next_day(d.day), add_sla, &d) ||
	    (!d.achieved && !d.breached))
		return;
	pthread_mutex_lock(&m->mr->mu);
	m->mr->sla_day = d.day;
	m->mr->sla_achieved = d.achieved;
	m->mr->sla_breached = d.breached;
	pthread_mutex_unlock(&m->mr->mu);
}
