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
	static const char *const cols[] = {
		"inbound",    "answered",    "missed",       "abandoned",
		"voicemail",  "answer_rate", "abandon_rate", "wait_lt_10",
		"wait_lt_20", "wait_lt_30",  "wait_lt_60",   "wait_ge_60",
		"outbound",   NULL};
	calls s = {0};
	out->json = mr_report_new("calls", f, cols);
	int rc = mr_roll_scan(m, t, MR_CALLS, f->gran, f,
			      mr_bucket(f->start, f->gran), f->end, call_add,
			      &s);
	uint64_t in = (uint64_t)s.inbound;
	json_t *row = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "inbound",
		(json_int_t)s.inbound, "answered", (json_int_t)s.outcome[1],
		"missed", (json_int_t)s.outcome[2], "abandoned",
		(json_int_t)s.outcome[3], "voicemail", (json_int_t)s.outcome[4],
		"answer_rate", mr_pct((uint64_t)s.outcome[1], in),
		"abandon_rate", mr_pct((uint64_t)s.outcome[3], in));
	for (int i = 0; i < 5; i++)
		json_object_set_new(row, cols[7 + i],
				    json_integer((json_int_t)s.wait[i]));
	json_object_set_new(row, "outbound",
			    json_integer((json_int_t)s.outbound));
	mr_report_row(out->json, row);
	return rc;
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

static json_t *policy_title(metrics *m, hd_txn *t, uint64_t policy)
{
	uint8_t k[9] = {1};
	MDB_val v;
	hd_key_u64(k + 1, policy);
	if (hd_txn_get(t, m->mr->names, k, sizeof k, &v) != HD_OK)
		return json_null();
	return json_stringn(v.mv_data, v.mv_size);
}

int mr_rep_sla(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
	       hd_rpc_rep *rep)
{
	static const char *const cols[] = {
		"policy_id", "policy_title", "metric",
		"priority",  "group_id",     "warnings",
		"breaches",  "achieved",     "achievement_percent",
		NULL};
	slas s = {.v = calloc(MAX_SLA_ROWS, sizeof(sla_row))};
	if (!s.v)
		return HD_E_NOMEM;
	out->json = mr_report_new("sla", f, cols);
	int rc =
		mr_roll_scan(m, t, MR_SLA, f->gran, f,
			     mr_bucket(f->start, f->gran), f->end, sla_add, &s);
	qsort(s.v, s.n, sizeof *s.v, by_key);
	for (size_t i = 0; !rc && i < s.n; i++) {
		const sla_row *r = &s.v[i];
		if (!r->warnings && !r->breaches && !r->achieved)
			continue;
		mr_report_row(
			out->json,
			json_pack(
				"{s:I, s:o, s:s, s:o, s:o, s:I, s:I, s:I, s:f}",
				"policy_id", (json_int_t)r->policy,
				"policy_title", policy_title(m, t, r->policy),
				"metric",
				mr_sla_metric_name((unsigned)r->metric),
				"priority",
				r->priority ? json_string(mr_priority_name(
						      (unsigned)r->priority))
					    : json_null(),
				"group_id",
				r->group ? json_integer((json_int_t)r->group)
					 : json_null(),
				"warnings", (json_int_t)r->warnings, "breaches",
				(json_int_t)r->breaches, "achieved",
				(json_int_t)r->achieved, "achievement_percent",
				mr_pct((uint64_t)r->achieved,
				       (uint64_t)(r->achieved + r->breaches))));
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
	static const char *const cols[] = {"shown",
					   "resolved",
					   "resolution_rate",
					   "tickets_with_suggestions",
					   "solved_without_agent_reply",
					   "self_service_rate",
					   NULL};
	int64_t n[MR_DF_SELF_SERVED + 1] = {0};
	if (f->nfilters)
		return hd_rpc_fail(rep, HD_E_INVALID, "filters",
				   "deflection takes no filters");
	out->json = mr_report_new("deflection", f, cols);
	int rc = mr_roll_scan(m, t, MR_DEFLECT, f->gran, f,
			      mr_bucket(f->start, f->gran), f->end, deflect_add,
			      n);
	mr_report_row(
		out->json,
		json_pack("{s:I, s:I, s:f, s:I, s:I, s:f}", "shown",
			  (json_int_t)n[MR_DF_SHOWN], "resolved",
			  (json_int_t)n[MR_DF_RESOLVED], "resolution_rate",
			  mr_pct((uint64_t)n[MR_DF_RESOLVED],
				 (uint64_t)n[MR_DF_SHOWN]),
			  "tickets_with_suggestions",
			  (json_int_t)n[MR_DF_SUGGESTED],
			  "solved_without_agent_reply",
			  (json_int_t)n[MR_DF_SELF_SERVED], "self_service_rate",
			  mr_pct((uint64_t)n[MR_DF_SELF_SERVED],
				 (uint64_t)n[MR_DF_SUGGESTED])));
	return rc;
}
