/* metrics.report and metrics.live: the report table, the filters' checks,
 * and the module's setup. Reports read one read transaction, so every
 * figure of a report comes from the same committed state. */
#include "mc.h"
#include "mr.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/tokenize.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_RANGE_MS (7 * MR_DAY_MS)
#define MAX_RANGE_MS     (400 * MR_DAY_MS)

typedef struct report {
	const char *name;
	mr_report_fn fn;
	int gran;      /* default interval */
	int64_t range; /* default range (0: DEFAULT_RANGE_MS) */
} report;

static const report reports[] = {
	{"volume", mr_rep_volume, MR_G_HOUR, 0},
	{"heatmap", mr_rep_heatmap, MR_G_HOUR, 0},
	{"backlog", mr_rep_backlog, MR_G_DAY, 0},
	{"assignment", mr_rep_assignment, MR_G_DAY, 0},
	{"times", mr_rep_times, MR_G_DAY, 0},
	{"sla", mr_rep_sla, MR_G_DAY, 0},
	{"csat", mr_rep_csat, MR_G_DAY, 0},
	{"agents", mr_rep_agents, MR_G_DAY, 0},
	{"bottlenecks", mr_rep_bottlenecks, MR_G_DAY, 0},
	{"calls", mr_rep_calls, MR_G_DAY, 0},
	{"keywords", mr_rep_keywords, MR_G_DAY, 0},
	{"deflection", mr_rep_deflection, MR_G_DAY, 0},
	{"proficiency", mr_rep_proficiency, MR_G_DAY, 30 * MR_DAY_MS},
	{NULL, NULL, 0, 0},
};

/* metrics.teams reads the same filters (its range, as proficiency). */
static const report teams_report = {"teams", NULL, MR_G_DAY, 30 * MR_DAY_MS};

static const char *const intervals[] = {"minute", "hour", "day", NULL};

/* Longest range each interval may cover (rows stay in the thousands). */
static const int64_t interval_max_ms[] = {2 * MR_DAY_MS, 93 * MR_DAY_MS,
					  MAX_RANGE_MS};

static int set_dim(mr_filter *f, int dim, uint64_t v)
{
	f->nfilters++;
	f->dim = dim;
	f->dval = v;
	return HD_OK;
}

static int read_filters(const Hd__ReportRequest *q, const report *r,
			mr_filter *f, char **tag, hd_rpc_rep *rep)
{
	int64_t now = hd_now_ms();
	f->end = q->end_ms ? q->end_ms : now;
	f->start = q->start_ms
			   ? q->start_ms
			   : f->end - (r->range ? r->range : DEFAULT_RANGE_MS);
	if (f->start >= f->end)
		return hd_rpc_fail(rep, HD_E_INVALID, "start_time",
				   "start_time must be before end_time");
	if (f->end - f->start > MAX_RANGE_MS)
		return hd_rpc_fail(rep, HD_E_INVALID, "end_time",
				   "a report covers at most 400 days");
	f->gran = r->gran;
	if (q->interval[0]) {
		int i;
		for (i = 0; intervals[i] && strcmp(intervals[i], q->interval);)
			i++;
		if (!intervals[i])
			return hd_rpc_fail(rep, HD_E_INVALID, "interval",
					   "interval is minute, hour or day");
		f->gran = i;
	}
	f->interval = intervals[f->gran];
	if (f->end - f->start > interval_max_ms[f->gran])
		return hd_rpc_fail(rep, HD_E_INVALID, "interval",
				   "too many %s buckets: choose a shorter "
				   "range or a longer interval",
				   f->interval);
	if (q->group_id)
		set_dim(f, MR_D_GROUP, f->group = q->group_id);
	if (q->agent_id)
		set_dim(f, MR_D_AGENT, f->agent = q->agent_id);
	if (q->channel[0]) {
		f->channel = mr_channel_code(q->channel);
		if (!f->channel)
			return hd_rpc_fail(rep, HD_E_INVALID, "channel",
					   "unknown channel \"%.64s\"",
					   q->channel);
		set_dim(f, MR_D_CHANNEL, f->channel);
	}
	if (q->tag[0]) {
		if (!(*tag = hd_text_fold(q->tag, strlen(q->tag))))
			return HD_E_NOMEM;
		f->tag_text = *tag;
		f->tag = mr_hash(*tag, strlen(*tag));
		set_dim(f, MR_D_TAG, f->tag);
	}
	if (f->nfilters > 1)
		return hd_rpc_fail(rep, HD_E_INVALID, "filters",
				   "use at most one of group_id, agent_id, "
				   "channel and tag");
	return HD_OK;
}

static const report *find(const char *name)
{
	for (const report *r = reports; r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

/* Read the filters and the schedule, then fn in one read transaction. */
static int compute(metrics *m, const Hd__ReportRequest *q, const report *r,
		   mr_report_fn fn, mr_out *out, hd_rpc_rep *rep)
{
	mr_filter f = {.q = q};
	hd_bizhours bh;
	bool have = false;
	char *tag = NULL;
	hd_txn t;
	int rc = read_filters(q, r, &f, &tag, rep);
	if (!rc && !(rc = hd_store_read(m->store, &t))) {
		if (mc_sched_load(&t, &m->mc, &bh, &have))
			rc = hd_rpc_fail(rep, HD_E_INVALID, "schedule",
					 "the business-hours schedule does not "
					 "read");
		f.bh = have ? &bh : NULL;
		if (!rc)
			rc = fn(m, &t, &f, out, rep);
		hd_txn_end(&t);
	}
	if (have)
		hd_bh_release(&bh);
	free(tag);
	return rc;
}

/* A new ReportReply in out (malloc'd, as free_unpacked frees it). */
static int out_begin(mr_out *out)
{
	out->r = malloc(sizeof *out->r);
	if (!out->r)
		return HD_E_NOMEM;
	hd__report_reply__init(out->r);
	return HD_OK;
}

/* Pack out's rows into rep. */
static int out_end(mr_out *out, int rc, hd_rpc_rep *rep)
{
	if (!rc)
		rc = hd_pb_pack(&rep->payload, out->r);
	hd__report_reply__free_unpacked(out->r, NULL);
	return rc;
}

static int run(metrics *m, const Hd__ReportRequest *q, hd_rpc_rep *rep)
{
	const report *r = find(q->name);
	mr_out out;
	if (!r)
		return hd_rpc_fail(rep, HD_E_NOTFOUND, "name",
				   "no report named \"%.64s\"", q->name);
	if (q->format[0] && strcmp(q->format, "json") &&
	    strcmp(q->format, "csv"))
		return hd_rpc_fail(rep, HD_E_INVALID, "format",
				   "format is json or csv");
	int rc = out_begin(&out);
	if (!rc)
		rc = compute(m, q, r, r->fn, &out, rep);
	return out_end(&out, rc, rep);
}

static int teams_rpc(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	mr_out out;
	Hd__ReportRequest *q =
		hd__report_request__unpack(NULL, req->len, req->payload);
	if (!q)
		return hd_rpc_fail(rep, HD_E_INVALID, NULL,
				   "undecodable teams request");
	int rc = out_begin(&out);
	if (!rc)
		rc = compute(ctx, q, &teams_report, mr_teams_suggest, &out,
			     rep);
	rc = out_end(&out, rc, rep);
	hd__report_request__free_unpacked(q, NULL);
	return rc;
}

static int report_rpc(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__ReportRequest *q =
		hd__report_request__unpack(NULL, req->len, req->payload);
	if (!q)
		return hd_rpc_fail(rep, HD_E_INVALID, NULL,
				   "undecodable report request");
	int rc = run(ctx, q, rep);
	hd__report_request__free_unpacked(q, NULL);
	return rc;
}

const hd_rpc_route mr_routes[] = {
	{"metrics.report", report_rpc},
	{"metrics.live", mr_live},
	{"metrics.teams", teams_rpc},
	{NULL, NULL},
};

int mr_init(metrics *m)
{
	/* Static: the consumer may apply until the store closes, after any
	 * teardown, so the state lives as long as the process. */
	static mr_state state;
	static const size_t offs[] = {
		offsetof(mr_state, roll),    offsetof(mr_state, tickets),
		offsetof(mr_state, samples), offsetof(mr_state, open),
		offsetof(mr_state, counts),  offsetof(mr_state, users),
		offsetof(mr_state, members), offsetof(mr_state, names)};
	pthread_mutex_init(&state.mu, NULL);
	m->mr = &state;
	for (size_t i = 0; mr_db_names[i]; i++) {
		int rc = hd_store_dbi(m->store, mr_db_names[i],
				      (MDB_dbi *)((char *)&state + offs[i]));
		if (rc)
			return rc;
	}
	return mr_live_load(m);
}
