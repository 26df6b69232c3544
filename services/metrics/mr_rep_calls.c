/* Reports from other services' events: calls (voice records: answer rate,
 * abandoned and missed calls, inbound wait-time buckets) and sla (warnings
 * and breaches by policy, metric, priority and group, from routing's
 * sla.warning / sla.breached) and deflection (knowledge's kb.deflection and
 * kb.suggested: articles shown before asking and how many were enough;
 * tickets with suggestions solved without an agent's public reply). */
#include "mr.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

typedef struct calls {
	int64_t outcome[5]; /* inbound, by outcome code */
	int64_t wait[5];    /* inbound, by wait bucket */
	int64_t inbound, outbound;
} calls;

static void call_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	calls *s = arg;
	if (c) {
		s->outbound += v;
		return;
	}
	s->inbound += v;
	if (a < 5)
		s->outcome[a] += v;
	if (b < 5)
		s->wait[b] += v;
}

int mr_rep_calls(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		 hd_rpc_rep *rep)
{
	calls s = {0};
	Hd__ReportReply *r = out->r;
	int rc = mr_report_head(r, "calls", f);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_CALLS, f->gran, f,
				  mr_bucket(f->start, f->gran), f->end,
				  call_add, &s);
	if (rc)
		return rc;
	r->calls = malloc(sizeof *r->calls);
	if (!r->calls)
		return HD_E_NOMEM;
	hd__calls_row__init(r->calls);
	r->calls->waits = malloc(5 * sizeof *r->calls->waits);
	if (!r->calls->waits)
		return HD_E_NOMEM;
	r->calls->n_waits = 5;
	memcpy(r->calls->waits, s.wait, sizeof s.wait);
	r->calls->inbound = s.inbound;
	r->calls->answered = s.outcome[1];
	r->calls->missed = s.outcome[2];
	r->calls->abandoned = s.outcome[3];
	r->calls->voicemail = s.outcome[4];
	r->calls->outbound = s.outbound;
	return HD_OK;
}

/* ---- sla ---- */

#define MAX_SLA_ROWS 4096

typedef struct sla_row {
	uint64_t policy, metric, group, priority;
	int64_t warnings, breaches, achieved;
} sla_row;

typedef struct slas {
	sla_row *v;
	size_t n;
} slas;

static void sla_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		    uint64_t c, int64_t v)
{
	slas *s = arg;
	sla_row k = {a, b, c >> 16, c & 0xff, 0, 0, 0};
	size_t i;
	for (i = 0; i < s->n; i++)
		if (s->v[i].policy == k.policy && s->v[i].metric == k.metric &&
		    s->v[i].group == k.group && s->v[i].priority == k.priority)
			break;
	if (i == s->n) {
		if (s->n == MAX_SLA_ROWS)
			return;
		s->v[s->n++] = k;
	}
	switch ((c >> 8) & 0xff) { /* kind: see on_sla in mr_events.c */
	case 0:
		s->v[i].warnings += v;
		break;
	case 1:
		s->v[i].breaches += v;
		break;
	case 2:
		s->v[i].achieved += v;
		break;
	}
}

static int by_key(const void *a, const void *b)
{
	const sla_row *x = a, *y = b;
	const uint64_t kx[] = {x->policy, x->metric, x->priority, x->group};
	const uint64_t ky[] = {y->policy, y->metric, y->priority, y->group};
	for (int i = 0; i < 4; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return 0;
}

/* The policy's title into x (unknown: not titled). */
static int policy_title(metrics *m, hd_txn *t, uint64_t policy, Hd__SlaRow *x)
{
	uint8_t k[9] = {1};
	MDB_val v;
	hd_key_u64(k + 1, policy);
	if (hd_txn_get(t, m->mr->names, k, sizeof k, &v) != HD_OK)
		return HD_OK;
	x->titled = true;
	x->policy_title = strndup(v.mv_data, v.mv_size);
	return x->policy_title ? HD_OK : HD_E_NOMEM;
}

int mr_rep_sla(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
	       hd_rpc_rep *rep)
{
	slas s = {.v = calloc(MAX_SLA_ROWS, sizeof(sla_row))};
	if (!s.v)
		return HD_E_NOMEM;
	int rc = mr_report_head(out->r, "sla", f);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_SLA, f->gran, f,
				  mr_bucket(f->start, f->gran), f->end, sla_add,
				  &s);
	qsort(s.v, s.n, sizeof *s.v, by_key);
	for (size_t i = 0; !rc && i < s.n; i++) {
		const sla_row *r = &s.v[i];
		if (!r->warnings && !r->breaches && !r->achieved)
			continue;
		Hd__SlaRow *x =
			mr_push(&out->r->sla, &out->r->n_sla, sizeof *x);
		if (x)
			hd__sla_row__init(x);
		if (!x || !(x->metric = mr_str(
				    mr_sla_metric_name((unsigned)r->metric)))) {
			rc = HD_E_NOMEM;
			break;
		}
		x->policy_id = r->policy;
		x->priority = (Hd__TicketPriority)r->priority;
		x->group_id = r->group;
		x->warnings = r->warnings;
		x->breaches = r->breaches;
		x->achieved = r->achieved;
		rc = policy_title(m, t, r->policy, x);
	}
	free(s.v);
	return rc;
}

/* ---- deflection ---- */

static void deflect_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
			uint64_t c, int64_t v)
{
	int64_t *n = arg;
	if (a >= MR_DF_SHOWN && a <= MR_DF_SELF_SERVED)
		n[a] += v;
}

int mr_rep_deflection(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		      hd_rpc_rep *rep)
{
	int64_t n[MR_DF_SELF_SERVED + 1] = {0};
	if (f->nfilters)
		return hd_rpc_fail(rep, HD_E_INVALID, "filters",
				   "deflection takes no filters");
	int rc = mr_report_head(out->r, "deflection", f);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_DEFLECT, f->gran, f,
				  mr_bucket(f->start, f->gran), f->end,
				  deflect_add, n);
	if (rc)
		return rc;
	Hd__DeflectionRow *x = malloc(sizeof *x);
	if (!x)
		return HD_E_NOMEM;
	hd__deflection_row__init(x);
	x->shown = n[MR_DF_SHOWN];
	x->resolved = n[MR_DF_RESOLVED];
	x->suggested = n[MR_DF_SUGGESTED];
	x->self_served = n[MR_DF_SELF_SERVED];
	out->r->deflection = x;
	return HD_OK;
}
