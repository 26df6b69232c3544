/* Reports on unsolved work: backlog (unsolved tickets by group and status at
 * the end of each interval) and assignment (status across groups, assigned
 * or not, at end_time). Both sum the backlog deltas: whole days before the
 * range, then the interval's buckets, so a 90-day backlog reads a few
 * hundred day rows, never the events. */
#include "mr.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

typedef struct gstate {
	uint64_t group;
	int64_t st[5];       /* by status code 1..4 */
	int64_t assigned[5]; /* of those, assigned */
} gstate;

typedef struct delta {
	int64_t bucket, v;
	uint64_t group, status, assigned;
} delta;

typedef struct walk {
	gstate g[MR_MAX_GROUPS];
	size_t ng;
	delta *d;
	size_t nd, capd;
	int nomem;
} walk;

static gstate *group_of(walk *w, uint64_t group)
{
	for (size_t i = 0; i < w->ng; i++)
		if (w->g[i].group == group)
			return &w->g[i];
	if (w->ng == MR_MAX_GROUPS)
		return NULL;
	w->g[w->ng] = (gstate){.group = group};
	return &w->g[w->ng++];
}

static void apply(walk *w, uint64_t group, uint64_t status, uint64_t assigned,
		  int64_t v)
{
	gstate *g = group_of(w, group);
	if (!g || status < MR_NEW || status > MR_HOLD)
		return;
	g->st[status] += v;
	if (assigned)
		g->assigned[status] += v;
}

static void sum_row(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		    uint64_t c, int64_t v)
{
	apply(arg, a, b, c, v);
}

static void keep_row(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	walk *w = arg;
	if (w->nd == w->capd) {
		size_t nc = w->capd ? w->capd * 2 : 256;
		delta *p = realloc(w->d, nc * sizeof *p);
		if (!p) {
			w->nomem = 1;
			return;
		}
		w->d = p;
		w->capd = nc;
	}
	w->d[w->nd++] = (delta){bucket, v, a, b, c};
}

static int by_group(const void *a, const void *b)
{
	const gstate *x = a, *y = b;
	return (x->group > y->group) - (x->group < y->group);
}

/* A new row of group's counts s (and assigned a) in *arr. */
static Hd__StatusCounts *counts_row(Hd__StatusCounts ***arr, size_t *n,
				    int64_t time, uint64_t group,
				    const int64_t *s, int64_t a)
{
	Hd__StatusCounts *x = mr_push(arr, n, sizeof *x);
	if (!x)
		return NULL;
	hd__status_counts__init(x);
	x->time_ms = time;
	x->group_id = group;
	x->status_new = s[1];
	x->status_open = s[2];
	x->status_pending = s[3];
	x->status_hold = s[4];
	x->assigned = a;
	return x;
}

static int backlog_rows(walk *w, int64_t bucket, Hd__ReportReply *r)
{
	qsort(w->g, w->ng, sizeof *w->g, by_group);
	for (size_t i = 0; i < w->ng; i++) {
		const int64_t *s = w->g[i].st;
		if (!(s[1] + s[2] + s[3] + s[4]))
			continue;
		if (!counts_row(&r->backlog, &r->n_backlog, bucket,
				w->g[i].group, s, 0))
			return HD_E_NOMEM;
	}
	return HD_OK;
}

/* Whole days before `until` (a day boundary) into w's totals. */
static int sum_days_before(metrics *m, hd_txn *t, const mr_filter *f,
			   int64_t until, walk *w)
{
	return mr_roll_scan(m, t, MR_BACKLOG, MR_G_DAY, f, INT64_MIN / 2, until,
			    sum_row, w);
}

int mr_rep_backlog(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		   hd_rpc_rep *rep)
{
	int64_t first = mr_bucket(f->start, f->gran);
	int64_t day = mr_bucket(first, MR_G_DAY);
	int64_t step = f->gran == MR_G_MINUTE ? MR_MINUTE_MS
		       : f->gran == MR_G_HOUR ? MR_HOUR_MS
					      : MR_DAY_MS;
	walk *w = calloc(1, sizeof *w);
	if (!w)
		return HD_E_NOMEM;
	int rc = mr_report_head(out->r, "backlog", f);
	if (!rc)
		rc = sum_days_before(m, t, f, day, w);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_BACKLOG, f->gran, f, day, f->end,
				  keep_row, w);
	if (!rc && w->nomem)
		rc = HD_E_NOMEM;
	size_t i = 0;
	for (int64_t b = day; !rc && b < f->end;
	     b = f->gran == MR_G_DAY ? mr_next_day(b) : b + step) {
		for (; i < w->nd && w->d[i].bucket <= b; i++)
			apply(w, w->d[i].group, w->d[i].status,
			      w->d[i].assigned, w->d[i].v);
		if (b >= first)
			rc = backlog_rows(w, b, out->r);
	}
	free(w->d);
	free(w);
	return rc;
}

int mr_rep_assignment(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		      hd_rpc_rep *rep)
{
	walk *w = calloc(1, sizeof *w);
	if (!w)
		return HD_E_NOMEM;
	/* Whole days, then the minutes of the last partial day. */
	int64_t day = mr_bucket(f->end, MR_G_DAY);
	int rc = mr_report_head(out->r, "assignment", f);
	if (!rc)
		rc = sum_days_before(m, t, f, day, w);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_BACKLOG, MR_G_MINUTE, f, day, f->end,
				  sum_row, w);
	qsort(w->g, w->ng, sizeof *w->g, by_group);
	for (size_t i = 0; !rc && i < w->ng; i++) {
		const int64_t *s = w->g[i].st, *a = w->g[i].assigned;
		if (!(s[1] + s[2] + s[3] + s[4]))
			continue;
		if (!counts_row(&out->r->assignment, &out->r->n_assignment, 0,
				w->g[i].group, s, a[1] + a[2] + a[3] + a[4]))
			rc = HD_E_NOMEM;
	}
	free(w);
	return rc;
}
