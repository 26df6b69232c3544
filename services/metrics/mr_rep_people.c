/* Reports on how work is done: times (first reply and resolution, median
 * and 90th percentile), agents (assigned, solved, public replies, median
 * handle time, open now) and csat (% good overall, per agent, group and
 * day). Counts cover the buckets of the interval that start in the range. */
#include "mr.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

static int times_row(metrics *m, hd_txn *t, const mr_filter *f, int kind,
		     const char *name, Hd__ReportReply *r)
{
	uint64_t *v = NULL, *b = NULL;
	size_t n = 0, nb = 0;
	int rc = mr_sample_collect(m, t, kind, f, 0, &v, &n);
	if (!rc)
		rc = mr_sample_collect_biz(m, t, kind, f, 0, &b, &nb);
	Hd__TimesRow *x =
		rc ? NULL : mr_push(&r->times, &r->n_times, sizeof *x);
	if (x)
		hd__times_row__init(x);
	if (!rc && (!x || !(x->metric = mr_str(name))))
		rc = HD_E_NOMEM;
	if (!rc) {
		x->tickets = n;
		x->median_seconds = mr_percentile(v, n, 50);
		x->p90_seconds = mr_percentile(v, n, 90);
		x->median_business_seconds = mr_percentile(b, nb, 50);
		x->p90_business_seconds = mr_percentile(b, nb, 90);
	}
	free(v);
	free(b);
	return rc;
}

int mr_rep_times(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		 hd_rpc_rep *rep)
{
	int rc = mr_report_head(out->r, "times", f);
	out->r->business_hours = f->bh != NULL;
	if (!rc)
		rc = times_row(m, t, f, MR_S_FIRST_REPLY, "first_reply_time",
			       out->r);
	if (!rc)
		rc = times_row(m, t, f, MR_S_RESOLUTION, "resolution_time",
			       out->r);
	return rc;
}

/* ---- agents ---- */

#define MAX_AGENTS 4096

typedef struct agent {
	uint64_t id;
	int64_t n[3]; /* assigned, solved, public replies */
} agent;

typedef struct agents {
	agent *v;
	size_t n;
	int which;
} agents;

static void agent_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		      uint64_t c, int64_t v)
{
	agents *s = arg;
	if (!a)
		return; /* solved without an assignee */
	size_t i;
	for (i = 0; i < s->n && s->v[i].id != a; i++)
		;
	if (i == s->n) {
		if (s->n == MAX_AGENTS)
			return;
		s->v[s->n++] = (agent){.id = a};
	}
	s->v[i].n[s->which] += v;
}

/* An agent with presence in the range is listed even without tickets. */
static void agent_seen(void *arg, uint64_t id)
{
	agents *s = arg;
	int which = s->which;
	s->which = 0;
	agent_add(s, 0, id, 0, 0, 0);
	s->which = which;
}

static int by_id(const void *a, const void *b)
{
	const agent *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int agent_row(metrics *m, hd_txn *t, const mr_filter *f, const agent *a,
		     Hd__ReportReply *r)
{
	uint64_t *v = NULL, open;
	size_t n = 0;
	int64_t oldest;
	int rc = mr_sample_collect(m, t, MR_S_HANDLE, f, a->id, &v, &n);
	if (rc)
		return rc;
	mr_open_get(m, t, MR_O_AGENT, a->id, &open, &oldest);
	Hd__AgentRow *x = mr_push(&r->agents, &r->n_agents, sizeof *x);
	if (x) {
		hd__agent_row__init(x);
		x->agent_id = a->id;
		x->assigned = a->n[0];
		x->solved = a->n[1];
		x->public_replies = a->n[2];
		x->median_handle_seconds = mr_percentile(v, n, 50);
		x->open_now = open;
	}
	rc = x ? mr_presence_times(m, t, f, a->id, x) : HD_E_NOMEM;
	free(v);
	return rc;
}

int mr_rep_agents(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		  hd_rpc_rep *rep)
{
	static const int metric[] = {MR_ASSIGNED, MR_SOLVED, MR_REPLIES};
	agents s = {.v = calloc(MAX_AGENTS, sizeof(agent))};
	if (!s.v)
		return HD_E_NOMEM;
	int rc = mr_report_head(out->r, "agents", f);
	for (s.which = 0; !rc && s.which < 3; s.which++)
		rc = mr_roll_scan(m, t, metric[s.which], f->gran, f,
				  mr_bucket(f->start, f->gran), f->end,
				  agent_add, &s);
	if (!rc)
		rc = mr_presence_agents(m, t, f, agent_seen, &s);
	qsort(s.v, s.n, sizeof *s.v, by_id);
	for (size_t i = 0; !rc && i < s.n; i++)
		rc = agent_row(m, t, f, &s.v[i], out->r);
	free(s.v);
	return rc;
}

/* ---- csat ---- */

typedef struct tally {
	uint64_t id;
	int64_t good, bad;
} tally;

typedef struct csat {
	tally all, by[3][MAX_AGENTS]; /* agents, groups, days */
	size_t n[3];
} csat;

static void count(tally *v, size_t *n, uint64_t id, uint64_t score, int64_t d)
{
	size_t i;
	for (i = 0; i < *n && v[i].id != id; i++)
		;
	if (i == *n) {
		if (*n == MAX_AGENTS)
			return;
		v[(*n)++] = (tally){.id = id};
	}
	if (score == 1)
		v[i].good += d;
	else if (score == 2)
		v[i].bad += d;
}

static void csat_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	csat *s = arg;
	if (c == 1)
		s->all.good += v;
	else if (c == 2)
		s->all.bad += v;
	if (a)
		count(s->by[0], &s->n[0], a, c, v);
	if (b)
		count(s->by[1], &s->n[1], b, c, v);
	count(s->by[2], &s->n[2], (uint64_t)bucket, c, v);
}

static int by_tally(const void *a, const void *b)
{
	const tally *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int csat_row(Hd__ReportReply *r, const char *scope, const tally *v,
		    int is_time)
{
	if (!(v->good + v->bad))
		return HD_OK;
	Hd__CsatRow *x = mr_push(&r->csat, &r->n_csat, sizeof *x);
	if (x)
		hd__csat_row__init(x);
	if (!x || !(x->scope = mr_str(scope)))
		return HD_E_NOMEM;
	if (is_time)
		x->time_ms = (int64_t)v->id;
	else
		x->id = v->id;
	x->good = v->good;
	x->bad = v->bad;
	return HD_OK;
}

int mr_rep_csat(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		hd_rpc_rep *rep)
{
	static const char *const scopes[] = {"agent", "group", "period"};
	if (f->tag)
		return hd_rpc_fail(rep, HD_E_INVALID, "tag",
				   "csat is not reported by tag");
	csat *s = calloc(1, sizeof *s);
	if (!s)
		return HD_E_NOMEM;
	int rc = mr_report_head(out->r, "csat", f);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_CSAT, f->gran, f,
				  mr_bucket(f->start, f->gran), f->end,
				  csat_add, s);
	if (!rc)
		rc = csat_row(out->r, "all", &s->all, 0);
	for (int k = 0; !rc && k < 3; k++) {
		qsort(s->by[k], s->n[k], sizeof(tally), by_tally);
		for (size_t i = 0; !rc && i < s->n[k]; i++)
			rc = csat_row(out->r, scopes[k], &s->by[k][i], k == 2);
	}
	free(s);
	return rc;
}
