/* The proficiency index (cloudgate's 숙련도): a per-agent score 0–100 from
 * six KPIs over the report's range, each normalised within the team so an
 * agent is measured against the people doing the same work:
 *   n = (x − min) / (max − min) over the team's agents that have a value
 *       (1 − that where lower is better; 0.5 for all when max = min),
 *   score = 100 × Σ wₖ·nₖ / Σ wₖ over the KPIs the agent has a value for,
 * so an agent without ratings is scored on the rest, not punished with 0.
 * Min-max and not z-scores: a lead can check it with a pencil, and it stays
 * in 0..1 whatever the team's size. The KPIs come from the rollups other
 * reports read (solved, CSAT, SLA) plus two of their own (MR_FCR,
 * MR_REOPEN), and handle time from the samples in business minutes. */
#include "mr.h"

#include "hd/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEAM   4096
#define MAX_WEIGHT 1000

enum { K_SOLVED, K_HANDLE, K_FCR, K_CSAT, K_REOPEN, K_SLA };

typedef struct kpi {
	const char *name;
	int lower_better;
	double weight; /* default */
	const char *unit;
} kpi;

/* Defaults sum to 100: outcomes the customer feels (CSAT, SLA, solved)
 * weigh most; speed and first-contact resolution next; reopens least
 * (rare, so one reopen would otherwise swing a small team's scores). */
static const kpi kpis[MR_KPIS] = {
	[K_SOLVED] = {"solved", 0, 20, "tickets"},
	[K_HANDLE] = {"handle_time", 1, 15, "business_minutes"},
	[K_FCR] = {"fcr", 0, 15, "percent"},
	[K_CSAT] = {"csat", 0, 20, "percent"},
	[K_REOPEN] = {"reopen_rate", 1, 10, "percent"},
	[K_SLA] = {"sla", 0, 20, "percent"},
};

static int parse_one(const char *s, size_t len, double *w, hd_rpc_rep *rep)
{
	const char *colon = memchr(s, ':', len);
	if (!colon)
		return hd_rpc_fail(rep, HD_E_INVALID, "weights",
				   "weights are kpi:number pairs, comma "
				   "separated");
	size_t nlen = (size_t)(colon - s);
	int k;
	for (k = 0; k < MR_KPIS; k++)
		if (strlen(kpis[k].name) == nlen &&
		    !memcmp(kpis[k].name, s, nlen))
			break;
	if (k == MR_KPIS)
		return hd_rpc_fail(rep, HD_E_INVALID, "weights",
				   "unknown KPI \"%.*s\" (solved, handle_time, "
				   "fcr, csat, reopen_rate, sla)",
				   (int)(nlen > 32 ? 32 : nlen), s);
	uint64_t v = 0;
	const char *p = colon + 1, *end = s + len;
	if (p == end || end - p > 4)
		goto bad;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > MAX_WEIGHT)
		goto bad;
	w[k] = (double)v;
	return HD_OK;
bad:
	return hd_rpc_fail(rep, HD_E_INVALID, "weights",
			   "the weight of %s is an integer 0..%d", kpis[k].name,
			   MAX_WEIGHT);
}

int mr_prof_weights(const char *text, double *w, hd_rpc_rep *rep)
{
	for (int k = 0; k < MR_KPIS; k++)
		w[k] = kpis[k].weight;
	for (const char *s = text; s && *s;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		int rc = parse_one(s, len, w, rep);
		if (rc)
			return rc;
		s = comma ? comma + 1 : s + len;
	}
	double sum = 0;
	for (int k = 0; k < MR_KPIS; k++)
		sum += w[k];
	if (sum <= 0)
		return hd_rpc_fail(rep, HD_E_INVALID, "weights",
				   "at least one weight must be above 0");
	return HD_OK;
}

static const char normalisation[] =
	"min-max within the team: n = (x - min) / (max - min), n = 1 - that "
	"where lower is better, 0.5 when every agent has the same value";
static const char formula[] =
	"score = 100 * sum(weight * n) / sum(weight), over the KPIs the agent "
	"has a value for";

int mr_prof_model(const double *w, Hd__ReportReply *r)
{
	Hd__ProficiencyModel *x = malloc(sizeof *x);
	if (!x)
		return HD_E_NOMEM;
	hd__proficiency_model__init(x);
	r->model = x;
	if (!(x->normalisation = mr_str(normalisation)) ||
	    !(x->formula = mr_str(formula)))
		return HD_E_NOMEM;
	for (int k = 0; k < MR_KPIS; k++) {
		Hd__Kpi *y = mr_push(&x->kpis, &x->n_kpis, sizeof *y);
		if (y)
			hd__kpi__init(y);
		if (!y || !(y->name = mr_str(kpis[k].name)) ||
		    !(y->unit = mr_str(kpis[k].unit)))
			return HD_E_NOMEM;
		y->lower_better = kpis[k].lower_better;
		y->weight = (int64_t)w[k];
	}
	return HD_OK;
}

/* ---- gathering ---- */

typedef struct team {
	mr_prof *v;
	size_t n;
	int which; /* the metric a scan adds */
} team;

static int by_agent(const void *a, const void *b)
{
	const mr_prof *x = a, *y = b;
	return (x->agent > y->agent) - (x->agent < y->agent);
}

static mr_prof *find(team *s, uint64_t agent)
{
	mr_prof key = {.agent = agent};
	return bsearch(&key, s->v, s->n, sizeof *s->v, by_agent);
}

static void roll_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	team *s = arg;
	mr_prof *p = find(s, a);
	if (!p)
		return;
	switch (s->which) {
	case MR_SOLVED:
		p->solved += v;
		break;
	case MR_FCR:
		p->fcr += v;
		break;
	case MR_REOPEN:
		p->reopened += v;
		break;
	case MR_CSAT:
		if (c == 1)
			p->good += v;
		else if (c == 2)
			p->bad += v;
		break;
	}
}

static void sla_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		    uint64_t c, int64_t v)
{
	mr_prof *p = arg;
	unsigned kind = (unsigned)((c >> 8) & 0xff); /* see mr_events.c */
	if (kind == 1)
		p->sla_missed += v;
	else if (kind == 2)
		p->sla_ok += v;
}

/* Median business handle minutes per agent, from one pass over the
 * samples (one row per solved ticket; not one pass per agent). */
static int handle_times(metrics *m, hd_txn *t, const mr_filter *all, team *s)
{
	mr_agent_sample *v = NULL;
	size_t n = 0;
	int rc = mr_sample_by_agent(m, t, MR_S_HANDLE, all, &v, &n);
	uint64_t *vals = rc ? NULL : malloc((n ? n : 1) * sizeof *vals);
	if (!rc && !vals)
		rc = HD_E_NOMEM;
	for (size_t i = 0, j; !rc && i < n; i = j) {
		for (j = i; j < n && v[j].agent == v[i].agent; j++)
			vals[j - i] = v[j].value;
		mr_prof *p = find(s, v[i].agent);
		if (!p)
			continue;
		p->has[K_HANDLE] = 1;
		p->kpi[K_HANDLE] =
			round((double)mr_percentile(vals, j - i, 50) / 6.0) /
			10.0;
	}
	free(vals);
	free(v);
	return rc;
}

static int gather(metrics *m, hd_txn *t, const mr_filter *f, team *s)
{
	static const int metric[] = {MR_SOLVED, MR_FCR, MR_REOPEN, MR_CSAT};
	mr_filter all = *f;
	int rc = HD_OK;
	all.dim = MR_D_ALL;
	all.dval = 0;
	all.group = all.agent = all.tag = 0;
	all.channel = 0;
	int64_t from = mr_bucket(f->start, MR_G_DAY);
	for (size_t i = 0; !rc && i < sizeof metric / sizeof *metric; i++) {
		s->which = metric[i];
		rc = mr_roll_scan(m, t, metric[i], MR_G_DAY, &all, from, f->end,
				  roll_add, s);
	}
	/* SLA rows carry the agent only as their dimension. */
	for (size_t i = 0; !rc && i < s->n; i++) {
		mr_filter one = all;
		one.dim = MR_D_AGENT;
		one.dval = s->v[i].agent;
		rc = mr_roll_scan(m, t, MR_SLA, MR_G_DAY, &one, from, f->end,
				  sla_add, &s->v[i]);
	}
	return rc ? rc : handle_times(m, t, &all, s);
}

static double pct(int64_t num, int64_t den)
{
	return round(1000.0 * (double)num / (double)den) / 10.0;
}

static void raw_kpis(mr_prof *p)
{
	p->has[K_SOLVED] = 1;
	p->kpi[K_SOLVED] = (double)p->solved;
	if (p->solved > 0) {
		p->has[K_FCR] = p->has[K_REOPEN] = 1;
		p->kpi[K_FCR] = pct(p->fcr, p->solved);
		p->kpi[K_REOPEN] = pct(p->reopened, p->solved);
	}
	if (p->good + p->bad > 0) {
		p->has[K_CSAT] = 1;
		p->kpi[K_CSAT] = pct(p->good, p->good + p->bad);
	}
	if (p->sla_ok + p->sla_missed > 0) {
		p->has[K_SLA] = 1;
		p->kpi[K_SLA] = pct(p->sla_ok, p->sla_ok + p->sla_missed);
	}
}

static void normalise(team *s, int k)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].has[k]) {
			lo = fmin(lo, s->v[i].kpi[k]);
			hi = fmax(hi, s->v[i].kpi[k]);
		}
	for (size_t i = 0; i < s->n; i++) {
		mr_prof *p = &s->v[i];
		if (!p->has[k])
			continue;
		double n = hi > lo ? (p->kpi[k] - lo) / (hi - lo) : 0.5;
		p->norm[k] = kpis[k].lower_better && hi > lo ? 1.0 - n : n;
	}
}

static void score(mr_prof *p, const double *w)
{
	double sum = 0, wsum = 0;
	for (int k = 0; k < MR_KPIS; k++)
		if (p->has[k] && w[k] > 0) {
			sum += w[k] * p->norm[k];
			wsum += w[k];
		}
	p->score = wsum > 0 ? round(1000.0 * sum / wsum) / 10.0 : 0.0;
}

static int by_score(const void *a, const void *b)
{
	const mr_prof *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->agent > y->agent) - (x->agent < y->agent);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

int mr_prof_score(metrics *m, hd_txn *t, const mr_filter *f,
		  const uint64_t *ids, size_t n, const double *w, mr_prof **out)
{
	team s = {.v = calloc(n ? n : 1, sizeof(mr_prof))};
	*out = NULL;
	if (!s.v)
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		s.v[i].agent = ids[i];
	s.n = n;
	qsort(s.v, s.n, sizeof *s.v, by_agent);
	int rc = gather(m, t, f, &s);
	for (size_t i = 0; !rc && i < s.n; i++)
		raw_kpis(&s.v[i]);
	for (int k = 0; !rc && k < MR_KPIS; k++)
		normalise(&s, k);
	for (size_t i = 0; !rc && i < s.n; i++)
		score(&s.v[i], w);
	if (rc) {
		free(s.v);
		return rc;
	}
	qsort(s.v, s.n, sizeof *s.v, by_score);
	*out = s.v;
	return HD_OK;
}

static int push(uint64_t **ids, size_t *n, size_t *cap, uint64_t id)
{
	if (*n == MAX_TEAM)
		return HD_OK;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		uint64_t *p = realloc(*ids, nc * sizeof *p);
		if (!p)
			return HD_E_NOMEM;
		*ids = p;
		*cap = nc;
	}
	(*ids)[(*n)++] = id;
	return HD_OK;
}

typedef struct member_list {
	uint64_t **ids;
	size_t *n, *cap;
} member_list;

static int member_one(void *arg, const MDB_val *key, const MDB_val *val)
{
	member_list *l = arg;
	if (key->mv_size != 16)
		return HD_STOP;
	return push(l->ids, l->n, l->cap,
		    hd_key_get_u64((const uint8_t *)key->mv_data + 8));
}

int mr_group_members(metrics *m, hd_txn *t, uint64_t group, uint64_t **ids,
		     size_t *n, size_t *cap)
{
	uint8_t k[8];
	hd_key_u64(k, group);
	member_list l = {ids, n, cap};
	return hd_txn_foreach(t, m->mr->members, k, 8, member_one, &l);
}

/* Without a group: every agent with work in the range. */
typedef struct seen {
	uint64_t *ids;
	size_t n, cap;
	int nomem;
} seen;

/* Sort and drop repeats in place; returns the new count. */
static size_t unique(uint64_t *v, size_t n)
{
	size_t w = 0;
	qsort(v, n, sizeof *v, cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (!w || v[w - 1] != v[i])
			v[w++] = v[i];
	return w;
}

/* One row per agent and day: drop the repeats before the list is full. */
static void seen_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	seen *s = arg;
	if (s->n == MAX_TEAM)
		s->n = unique(s->ids, s->n);
	if (a && push(&s->ids, &s->n, &s->cap, a))
		s->nomem = 1;
}

static int team_of(metrics *m, hd_txn *t, const mr_filter *f, seen *s)
{
	if (f->group)
		return mr_group_members(m, t, f->group, &s->ids, &s->n,
					&s->cap);
	static const int metric[] = {MR_ASSIGNED, MR_SOLVED};
	mr_filter all = *f;
	int rc = HD_OK;
	all.dim = MR_D_ALL;
	all.dval = 0;
	for (size_t i = 0; !rc && i < 2; i++)
		rc = mr_roll_scan(m, t, metric[i], MR_G_DAY, &all,
				  mr_bucket(f->start, MR_G_DAY), f->end,
				  seen_add, s);
	return !rc && s->nomem ? HD_E_NOMEM : rc;
}

/* The agent's value of KPI k (NULL: none); HD_E_NOMEM in *rc. */
static Hd__KpiValue *opt(const mr_prof *p, int k, int *rc)
{
	if (!p->has[k])
		return NULL;
	Hd__KpiValue *v = malloc(sizeof *v);
	if (!v) {
		*rc = HD_E_NOMEM;
		return NULL;
	}
	hd__kpi_value__init(v);
	v->value = p->kpi[k];
	return v;
}

int mr_rep_proficiency(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		       hd_rpc_rep *rep)
{
	double w[MR_KPIS];
	seen s = {0};
	mr_prof *p = NULL;
	if (f->agent || f->channel || f->tag)
		return hd_rpc_fail(rep, HD_E_INVALID, "filters",
				   "proficiency is filtered by group_id only");
	int rc = mr_prof_weights(f->q ? f->q->weights : "", w, rep);
	if (rc)
		return rc;
	rc = team_of(m, t, f, &s);
	if (!rc) {
		s.n = unique(s.ids, s.n);
		rc = mr_prof_score(m, t, f, s.ids, s.n, w, &p);
	}
	if (!rc)
		rc = mr_report_head(out->r, "proficiency", f);
	if (!rc)
		rc = mr_prof_model(w, out->r);
	for (size_t i = 0; !rc && i < s.n; i++) {
		Hd__ProficiencyRow *x =
			mr_push(&out->r->proficiency, &out->r->n_proficiency,
				sizeof *x);
		if (!x) {
			rc = HD_E_NOMEM;
			break;
		}
		hd__proficiency_row__init(x);
		x->agent_id = p[i].agent;
		x->score = p[i].score;
		x->solved = p[i].solved;
		x->handle_minutes = opt(&p[i], K_HANDLE, &rc);
		x->fcr_percent = opt(&p[i], K_FCR, &rc);
		x->csat_percent = opt(&p[i], K_CSAT, &rc);
		x->reopen_percent = opt(&p[i], K_REOPEN, &rc);
		x->sla_percent = opt(&p[i], K_SLA, &rc);
	}
	free(p);
	free(s.ids);
	return rc;
}
