/* The team builder (cloudgate's mix of skilled and new agents): split the
 * given agents (and the members of the given groups) into k teams whose
 * mean proficiency is as close to the overall mean as we can make it.
 * A snake draft over the scores sorted high to low (1..k, k..1, …) gives
 * every team one agent of each level and sizes that differ by at most one;
 * then swaps of two agents between two teams are kept while they lower
 * Σ (team mean − overall mean)², which fixes what the draft leaves when
 * the scores are uneven. Swaps keep the sizes. A suggestion only: applying
 * it is the workspace's job, through the group membership API. */
#include "mr.h"

#include "hd/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AGENTS 1000
#define MAX_GROUPS 100
#define MAX_PASSES 64

typedef struct split {
	const mr_prof *p;
	size_t n, k;
	size_t *team;   /* agent → team */
	double *sum;    /* per team */
	size_t *size;   /* per team */
	double overall; /* mean of every score */
} split;

static double cost_of(const split *s, size_t x, double sum)
{
	double d = sum / (double)s->size[x] - s->overall;
	return d * d;
}

/* Swap a and b if that lowers the cost; returns 1 when swapped. */
static int try_swap(split *s, size_t a, size_t b)
{
	size_t x = s->team[a], y = s->team[b];
	if (x == y)
		return 0;
	double d = s->p[b].score - s->p[a].score;
	double before = cost_of(s, x, s->sum[x]) + cost_of(s, y, s->sum[y]);
	double after =
		cost_of(s, x, s->sum[x] + d) + cost_of(s, y, s->sum[y] - d);
	if (after >= before - 1e-9)
		return 0;
	s->sum[x] += d;
	s->sum[y] -= d;
	s->team[a] = y;
	s->team[b] = x;
	return 1;
}

static void draft(split *s)
{
	double total = 0;
	for (size_t i = 0; i < s->n; i++) {
		size_t round = i / s->k, pos = i % s->k;
		size_t x = round % 2 ? s->k - 1 - pos : pos;
		s->team[i] = x;
		s->sum[x] += s->p[i].score;
		s->size[x]++;
		total += s->p[i].score;
	}
	s->overall = s->n ? total / (double)s->n : 0;
	for (int pass = 0; pass < MAX_PASSES; pass++) {
		int moved = 0;
		for (size_t a = 0; a < s->n; a++)
			for (size_t b = a + 1; b < s->n; b++)
				moved |= try_swap(s, a, b);
		if (!moved)
			break;
	}
}

static const char method[] =
	"snake draft over the proficiency scores sorted high to low, then "
	"swaps between teams that bring each team's mean closer to the "
	"overall mean";

static int teams_rows(const split *s, Hd__ReportReply *r)
{
	Hd__TeamsSuggestion *o = malloc(sizeof *o);
	if (!o)
		return HD_E_NOMEM;
	hd__teams_suggestion__init(o);
	r->teams = o;
	if (!(o->method = mr_str(method)))
		return HD_E_NOMEM;
	double worst = 0;
	for (size_t x = 0; x < s->k; x++) {
		Hd__Team *team = mr_push(&o->teams, &o->n_teams, sizeof *team);
		if (!team)
			return HD_E_NOMEM;
		hd__team__init(team);
		for (size_t i = 0; i < s->n; i++) {
			if (s->team[i] != x)
				continue;
			Hd__TeamAgent *a = mr_push(&team->agents,
						   &team->n_agents, sizeof *a);
			if (!a)
				return HD_E_NOMEM;
			hd__team_agent__init(a);
			a->agent_id = s->p[i].agent;
			a->score = s->p[i].score;
		}
		double mean = s->sum[x] / (double)s->size[x];
		if (s->overall > 0)
			worst = fmax(worst, fabs(mean - s->overall) /
						    s->overall * 100.0);
		team->mean_score = mean;
	}
	o->overall_mean = s->overall;
	o->max_deviation_percent = worst;
	return HD_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The agents to split: the ids given plus the groups' members, once. */
static int who(metrics *m, hd_txn *t, const Hd__ReportRequest *q,
	       uint64_t **ids, size_t *n, hd_rpc_rep *rep)
{
	size_t cap = 0;
	int rc = HD_OK;
	*ids = NULL;
	*n = 0;
	if (q->n_agent_ids > MAX_AGENTS || q->n_group_ids > MAX_GROUPS)
		return hd_rpc_fail(rep, HD_E_INVALID, "agent_ids",
				   "at most %d agent_ids and %d group_ids",
				   MAX_AGENTS, MAX_GROUPS);
	if (q->n_agent_ids) {
		*ids = malloc(q->n_agent_ids * sizeof **ids);
		if (!*ids)
			return HD_E_NOMEM;
		memcpy(*ids, q->agent_ids, q->n_agent_ids * sizeof **ids);
		*n = cap = q->n_agent_ids;
	}
	for (size_t i = 0; !rc && i < q->n_group_ids; i++)
		rc = mr_group_members(m, t, q->group_ids[i], ids, n, &cap);
	if (!rc && *n) {
		size_t w = 0;
		qsort(*ids, *n, sizeof **ids, cmp_u64);
		for (size_t i = 0; i < *n; i++)
			if ((*ids)[i] && (!w || (*ids)[w - 1] != (*ids)[i]))
				(*ids)[w++] = (*ids)[i];
		*n = w;
	}
	return rc;
}

int mr_teams_suggest(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		     hd_rpc_rep *rep)
{
	const Hd__ReportRequest *q = f->q;
	double w[MR_KPIS];
	uint64_t *ids = NULL;
	size_t n = 0;
	mr_prof *p = NULL;
	split s = {0};
	int rc = mr_prof_weights(q->weights, w, rep);
	if (!rc && !q->n_agent_ids && !q->n_group_ids)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "agent_ids",
				 "name the agents (agent_ids) or their groups "
				 "(group_ids)");
	if (!rc)
		rc = who(m, t, q, &ids, &n, rep);
	if (!rc && (q->teams < 2 || q->teams > n))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "teams",
				 "teams is 2 to the number of agents (%zu)", n);
	if (!rc)
		rc = mr_prof_score(m, t, f, ids, n, w, &p);
	s = (split){.p = p, .n = n, .k = q->teams};
	if (!rc) {
		s.team = calloc(n, sizeof *s.team);
		s.sum = calloc(s.k, sizeof *s.sum);
		s.size = calloc(s.k, sizeof *s.size);
		if (!s.team || !s.sum || !s.size)
			rc = HD_E_NOMEM;
	}
	if (!rc) {
		draft(&s);
		rc = mr_report_head(out->r, "teams", f);
	}
	if (!rc)
		rc = teams_rows(&s, out->r);
	if (!rc)
		rc = mr_prof_model(w, out->r);
	free(s.team);
	free(s.sum);
	free(s.size);
	free(p);
	free(ids);
	return rc;
}
