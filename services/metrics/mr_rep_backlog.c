/* Reports on unsolved work: backlog (unsolved tickets by group and status at
 * the end of each interval) and assignment (status across groups, assigned
 * or not, at end_time). Both sum the backlog deltas: whole days before the
 * range, then the interval's buckets, so a 90-day backlog reads a few
 * hundred day rows, never the events. */
#include "mr.h"

#include "hd/err.h"
#include "hd/time_iso.h"

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

static json_t *group_id(uint64_t g)
{
	return g ? json_integer((json_int_t)g) : json_null();
}

static void backlog_rows(walk *w, int64_t bucket, json_t *report)
{
	char iso[HD_TIME_ISO_LEN];
	hd_time_iso(bucket, iso);
	qsort(w->g, w->ng, sizeof *w->g, by_group);
	for (size_t i = 0; i < w->ng; i++) {
		const int64_t *s = w->g[i].st;
		int64_t total = s[1] + s[2] + s[3] + s[4];
		if (!total)
			continue;
		mr_report_row(
			report,
			json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I}", "time",
				  iso, "group_id", group_id(w->g[i].group),
				  "new", (json_int_t)s[1], "open",
				  (json_int_t)s[2], "pending", (json_int_t)s[3],
				  "hold", (json_int_t)s[4], "total",
				  (json_int_t)total));
	}
}

/* Whole days before `until` (a day boundary) into w's totals. */
static int sum_days_before(metrics *m, hd_txn *t, const mr_filter *f,
			   int64_t until, walk *w)
{
	return mr_roll_scan(m, t, MR_BACKLOG, MR_G_DAY, f, INT64_MIN / 2, until,
			    sum_row, w);
}

int mr_rep_backlog(metrics *m, hd_txn *t, const mr_filter *f, json_t **out,
		   hd_rpc_rep *rep)
{
	static const char *const cols[] = {"time",  "group_id", "new",
					   "open",  "pending",  "hold",
					   "total", NULL};
	int64_t first = mr_bucket(f->start, f->gran);
	int64_t day = mr_bucket(first, MR_G_DAY);
	int64_t step = f->gran == MR_G_MINUTE ? MR_MINUTE_MS
		       : f->gran == MR_G_HOUR ? MR_HOUR_MS
					      : MR_DAY_MS;
	walk *w = calloc(1, sizeof *w);
	if (!w)
		return HD_E_NOMEM;
	*out = mr_report_new("backlog", f, cols);
	json_object_set_new(*out, "interval", json_string(f->interval));
	int rc = sum_days_before(m, t, f, day, w);
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
			backlog_rows(w, b, *out);
	}
	free(w->d);
	free(w);
	return rc;
}

int mr_rep_assignment(metrics *m, hd_txn *t, const mr_filter *f, json_t **out,
		      hd_rpc_rep *rep)
{
	static const char *const cols[] = {"group_id",   "new",   "open",
					   "pending",    "hold",  "assigned",
					   "unassigned", "total", NULL};
	walk *w = calloc(1, sizeof *w);
	if (!w)
		return HD_E_NOMEM;
	*out = mr_report_new("assignment", f, cols);
	/* Whole days, then the minutes of the last partial day. */
	int64_t day = mr_bucket(f->end, MR_G_DAY);
	int rc = sum_days_before(m, t, f, day, w);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_BACKLOG, MR_G_MINUTE, f, day, f->end,
				  sum_row, w);
	qsort(w->g, w->ng, sizeof *w->g, by_group);
	for (size_t i = 0; !rc && i < w->ng; i++) {
		const int64_t *s = w->g[i].st, *a = w->g[i].assigned;
		int64_t total = s[1] + s[2] + s[3] + s[4];
		int64_t as = a[1] + a[2] + a[3] + a[4];
		if (!total)
			continue;
		mr_report_row(
			*out,
			json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I, "
				  "s:I}",
				  "group_id", group_id(w->g[i].group), "new",
				  (json_int_t)s[1], "open", (json_int_t)s[2],
				  "pending", (json_int_t)s[3], "hold",
				  (json_int_t)s[4], "assigned", (json_int_t)as,
				  "unassigned", (json_int_t)(total - as),
				  "total", (json_int_t)total));
	}
	free(w);
	return rc;
}
