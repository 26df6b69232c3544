/* mr: the metrics service's reports, rollups and live wallboard.
 * mr_apply turns each event into rollup deltas (per-minute, hour and day
 * buckets), time samples and open-work indexes inside the consumer's write
 * transaction, so a replayed event is a no-op (the bus cursor) and a late
 * one lands in the bucket of its own time. The live wallboard is an
 * in-memory copy of a few durable counters, set from the transaction's own
 * values (never incremented in memory), under a mutex. Reports read
 * rollups in a read transaction from any RPC thread. */
#ifndef MR_H
#define MR_H

#include "metrics.h"
#include "common.pb-c.h"
#include "reports.pb-c.h"
#include "ticket.pb-c.h"

#include "hd/bizhours.h"
#include "hd/buf.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#define MR_MAX_TAGS   10  /* tags of a ticket that get their own dimension */
#define MR_MAX_GROUPS 512 /* groups the wallboard tracks */
#define MR_MAX_STATES 64  /* presence states the reports and board track */
#define MR_MINUTE_MS  60000LL
#define MR_HOUR_MS    3600000LL
#define MR_DAY_MS     86400000LL

/* Rollup metrics; the values are part of stored keys: never renumber. */
enum mr_metric {
	MR_CREATED = 1,  /* a = channel */
	MR_BACKLOG = 2,  /* signed; a = group, b = status, c = 1 assigned */
	MR_ASSIGNED = 3, /* a = agent */
	MR_SOLVED = 4,   /* a = agent */
	MR_REPLIES = 5,  /* public agent replies; a = agent */
	MR_CSAT = 6,     /* signed; a = agent, b = group, c = 1 good 2 bad */
	MR_CALLS = 7,    /* a = outcome, b = wait bucket, c = 1 outbound */
	MR_SLA =
		8, /* a = policy, b = sla metric, c = group<<16|kind<<8|prio. */
	MR_TERMS = 9,     /* a = term hash (day buckets only) */
	MR_DEFLECT = 10,  /* a = enum mr_deflect */
	MR_PRESENCE = 11, /* seconds; a = agent, b = state hash (days only) */
	MR_FCR = 12,      /* solved with at most one public reply; a = agent */
	MR_REOPEN = 13,   /* solved ticket reopened; a = agent who solved it */
};
/* Self-service counts (MR_DEFLECT's a). */
enum mr_deflect {
	MR_DF_SHOWN = 1,       /* kb.deflection "shown": articles offered */
	MR_DF_RESOLVED = 2,    /* kb.deflection "resolved" by the customer */
	MR_DF_SUGGESTED = 3,   /* a new ticket got kb.suggested articles */
	MR_DF_SELF_SERVED = 4, /* …and was solved without an agent's reply */
};
enum mr_gran { MR_G_MINUTE = 0, MR_G_HOUR = 1, MR_G_DAY = 2 };
#define MR_ALL_GRANS                                                           \
	((1u << MR_G_MINUTE) | (1u << MR_G_HOUR) | (1u << MR_G_DAY))
enum mr_dim { MR_D_ALL = 0, MR_D_GROUP, MR_D_AGENT, MR_D_CHANNEL, MR_D_TAG };
/* Time samples (samples db). */
enum mr_sample { MR_S_FIRST_REPLY = 1, MR_S_RESOLUTION = 2, MR_S_HANDLE = 3 };
/* Open-work index kinds (open and counts dbs). */
enum mr_open_kind {
	MR_O_AGENT = 1, /* unsolved tickets assigned to the agent */
	MR_O_GROUP = 2, /* unsolved tickets of the group */
	MR_O_QUEUE = 3, /* unsolved, unassigned tickets of the group */
};
/* Ticket statuses: Hd__TicketStatus's values (mr_keys.c checks); 0 =
 * unknown. Unsolved ones are 1..4 (hd_ticket_unsolved). */
enum mr_status {
	MR_NEW = 1,
	MR_OPEN,
	MR_PENDING,
	MR_HOLD,
	MR_SOLVED_ST,
	MR_CLOSED
};

/* The dimensions an event is counted under. */
typedef struct mr_dims {
	uint64_t group, agent;
	unsigned channel;
	uint64_t tags[MR_MAX_TAGS];
	size_t ntags;
	int no_tags; /* CSAT: never by tag (tags change after the rating) */
} mr_dims;

/* A report's filters: at most one dimension for rollup reports. */
typedef struct mr_filter {
	int64_t start, end;         /* [start, end) ms */
	uint64_t group, agent, tag; /* tag: hash of the folded tag */
	const char *tag_text;       /* the folded tag */
	unsigned channel;
	int dim;       /* enum mr_dim */
	uint64_t dval; /* the dimension's value */
	int nfilters;  /* how many of group, agent, channel, tag were given */
	int gran;      /* interval */
	const char *interval;
	const hd_bizhours *bh;      /* business hours; NULL: calendar time */
	const Hd__ReportRequest *q; /* the request (weights, teams' lists) */
} mr_filter;

/* The wallboard's copy of durable counters (mr_live.c). */
typedef struct mr_live_group {
	uint64_t group;
	uint64_t queue; /* unsolved, unassigned */
	uint64_t open;  /* unsolved */
	int64_t oldest; /* created_at of the oldest queued ticket; 0 none */
} mr_live_group;

typedef struct mr_state {
	MDB_dbi roll, tickets, samples, open, counts, users, members, names;
	pthread_mutex_t mu; /* guards the live fields below */
	mr_live_group groups[MR_MAX_GROUPS];
	size_t ngroups;
	int64_t calls_day; /* day bucket of the figures below */
	uint64_t calls_inbound, calls_answered;
	int64_t sla_day; /* day bucket of the SLA figures below */
	uint64_t sla_achieved, sla_breached;
	struct {
		char *name; /* malloc'd presence state name */
		uint64_t agents;
	} states[MR_MAX_STATES]; /* agents per current presence state */
	size_t nstates;
} mr_state;

/* mr_keys.c: codes, buckets, rollups. */
unsigned mr_channel_code(const char *name); /* unknown → "other" */
const char *mr_channel_name(unsigned code);
unsigned mr_status_code(const char *name); /* 0 unknown */
const char *mr_status_name(unsigned code);
uint64_t mr_hash(const char *s, size_t len); /* FNV-1a 64, never 0 */
int64_t mr_bucket(int64_t ms, int gran);     /* bucket start; day: local */
/* mr_zone.c: the account's zone (default Asia/Seoul). set: once at start,
 * HD_E_INVALID (logged) for a zone tzdata does not know. day_start: the
 * UTC instant of ms's local midnight; next_day: the day after a day's
 * start; offset: the zone's UTC offset at an instant. */
int mr_zone_set(const char *name);
const char *mr_zone_name(void); /* the IANA name in force */
int64_t mr_day_start(int64_t ms);
int64_t mr_next_day(int64_t day);
int64_t mr_zone_offset_ms(int64_t utc_ms);
/* Add delta to metric under every dimension of d and granularity in grans,
 * in the bucket of at. Sticky on t. */
void mr_roll_add(metrics *m, hd_txn *t, int metric, unsigned grans,
		 const mr_dims *d, int64_t at, uint64_t a, uint64_t b,
		 uint64_t c, int64_t delta);
typedef void (*mr_row_fn)(void *arg, int64_t bucket, uint64_t a, uint64_t b,
			  uint64_t c, int64_t v);
/* Every row of metric at gran under f's dimension with from <= bucket <
 * to. HD_OK or a store error. */
int mr_roll_scan(metrics *m, hd_txn *t, int metric, int gran,
		 const mr_filter *f, int64_t from, int64_t to, mr_row_fn fn,
		 void *arg);
/* Open-work index: add (+1) or remove (-1) ticket under kind/id, keeping
 * the counts db; returns nothing, sticky on t. */
void mr_open_move(metrics *m, hd_txn *t, int kind, uint64_t id, int64_t created,
		  uint64_t ticket, int dir);
/* Count and oldest created_at (0: none) of kind/id. */
void mr_open_get(metrics *m, hd_txn *t, int kind, uint64_t id, uint64_t *count,
		 int64_t *oldest);

/* mr_ticket.c: ticket.created/updated/deleted. */
int mr_on_ticket(metrics *m, hd_txn *t, const Hd__Envelope *ev);
/* The stored state of a ticket (*out NULL when unknown; caller frees with
 * hd__mr_ticket__free_unpacked), and storing it. Sticky on t. */
int mr_ticket_load(metrics *m, hd_txn *t, uint64_t id, Hd__MrTicket **out);
int mr_ticket_store(metrics *m, hd_txn *t, const Hd__MrTicket *s);
/* Count a suggested ticket solved without a public agent reply, once.
 * Sticky on t. */
void mr_self_served(metrics *m, hd_txn *t, Hd__MrTicket *s);
/* mr_terms.c: count the new ticket's distinct keywords (day buckets). */
int mr_term_count(metrics *m, hd_txn *t, const Hd__Ticket *tk,
		  const mr_dims *d);
/* mr_samples.c */
void mr_sample_put(metrics *m, hd_txn *t, int kind, int64_t day,
		   uint64_t ticket, uint64_t secs, const mr_dims *d);
void mr_sample_del(metrics *m, hd_txn *t, int kind, int64_t day,
		   uint64_t ticket);
/* Samples of kind in [f->start, f->end) passing every filter in f, and
 * (agent != 0) of that agent; *out is malloc'd, sorted ascending. */
int mr_sample_collect(metrics *m, hd_txn *t, int kind, const mr_filter *f,
		      uint64_t agent, uint64_t **out, size_t *n);
/* The same with each sample's value in business seconds (f->bh; calendar
 * seconds without one): the interval comes from the ticket's state. */
int mr_sample_collect_biz(metrics *m, hd_txn *t, int kind, const mr_filter *f,
			  uint64_t agent, uint64_t **out, size_t *n);
/* Every sample of kind in f's range passing f as (agent, business
 * seconds), sorted by agent then value, in one pass; *out is malloc'd. */
typedef struct mr_agent_sample {
	uint64_t agent, value;
} mr_agent_sample;
int mr_sample_by_agent(metrics *m, hd_txn *t, int kind, const mr_filter *f,
		       mr_agent_sample **out, size_t *n);
/* Nearest-rank percentile (p in 1..100) of sorted v[0..n); 0 when n = 0. */
uint64_t mr_percentile(const uint64_t *v, size_t n, unsigned p);

/* mr_events.c: everything else. */
int mr_apply(metrics *m, hd_txn *t, const Hd__Envelope *ev);
int mr_user_role(metrics *m, hd_txn *t, uint64_t user); /* 1 staff */
/* Codes of names (index in a NULL-terminated table; 0 = unknown). */
int mr_code_of(const char *const *names, const char *s);
const char *mr_sla_metric_name(unsigned code);
const char *mr_priority_name(unsigned code);

/* mr_live.c */
int mr_live_load(metrics *m); /* at start: from the store */
/* Called from apply with the txn's values. */
void mr_live_set_group(metrics *m, hd_txn *t, uint64_t group);
void mr_live_calls(metrics *m, hd_txn *t, int64_t at);
/* mr_live_sla.c: today's achieved and breached SLA targets. */
void mr_live_sla(metrics *m, hd_txn *t, int64_t at);
/* mr_live_presence.c: set state's agent count (the txn's value), and
 * the board's agents per state, in name order (caller holds mu;
 * HD_E_NOMEM or HD_OK). */
void mr_live_presence(metrics *m, const char *state, uint64_t agents);
int mr_live_presence_rows(const mr_state *s, Hd__LiveBoard *b);
/* mr_presence.c: presence.changed; each state's seconds of agent in f's
 * range into row->time_in_states (open interval clipped to the end or
 * now; HD_E_NOMEM or HD_OK);
 * every agent with presence in the range (fn per agent, may repeat); and
 * the board's counts at start. */
int mr_on_presence(metrics *m, hd_txn *t, const Hd__Envelope *ev);
int mr_presence_times(metrics *m, hd_txn *t, const mr_filter *f, uint64_t agent,
		      Hd__AgentRow *row);
int mr_presence_agents(metrics *m, hd_txn *t, const mr_filter *f,
		       void (*fn)(void *arg, uint64_t agent), void *arg);
int mr_presence_load(metrics *m, hd_txn *t);
int mr_live(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* mr_out.c: a report is its typed rows in r (ReportReply; the gateway
 * renders them as JSON and CSV). */
typedef struct mr_out {
	Hd__ReportReply *r; /* malloc'd throughout (free_unpacked frees it) */
} mr_out;
/* Name, range, filters and interval of f into r; HD_E_NOMEM or HD_OK. */
int mr_report_head(Hd__ReportReply *r, const char *name, const mr_filter *f);
/* A new zeroed item of size appended to the repeated field *arr (of *n
 * pointers, grown by doubling); NULL when out of memory. */
void *mr_push(void *arr, size_t *n, size_t size);
/* A malloc'd copy of s for a string field (NULL: out of memory). */
char *mr_str(const char *s);

/* Report builders: fill out (its rows) or fail with the field. */
typedef int (*mr_report_fn)(metrics *m, hd_txn *t, const mr_filter *f,
			    mr_out *out, hd_rpc_rep *rep);
int mr_rep_volume(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		  hd_rpc_rep *rep);
int mr_rep_heatmap(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		   hd_rpc_rep *rep);
int mr_rep_backlog(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		   hd_rpc_rep *rep);
int mr_rep_assignment(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		      hd_rpc_rep *rep);
int mr_rep_bottlenecks(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		       hd_rpc_rep *rep);
int mr_rep_times(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		 hd_rpc_rep *rep);
int mr_rep_agents(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		  hd_rpc_rep *rep);
int mr_rep_csat(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		hd_rpc_rep *rep);
int mr_rep_calls(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		 hd_rpc_rep *rep);
int mr_rep_sla(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
	       hd_rpc_rep *rep);
int mr_rep_deflection(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		      hd_rpc_rep *rep);
int mr_rep_keywords(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		    hd_rpc_rep *rep);
int mr_rep_proficiency(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		       hd_rpc_rep *rep);

/* mr_prof.c: the proficiency index of a team of agents. */
enum { MR_KPIS = 6 };
typedef struct mr_prof {
	uint64_t agent;
	int64_t solved, fcr, reopened, good, bad, sla_ok, sla_missed;
	double kpi[MR_KPIS]; /* raw values, in the order of mr_prof.c's table */
	double norm[MR_KPIS]; /* 0..1 within the team, 1 = best */
	int has[MR_KPIS];     /* the agent has a value for the KPI */
	double score;         /* 0..100 */
} mr_prof;
/* Weights from "kpi:w,…" (unnamed KPIs keep their defaults) into
 * w[MR_KPIS]; HD_E_INVALID with rep naming "weights" when it does not read. */
int mr_prof_weights(const char *text, double *w, hd_rpc_rep *rep);
/* Score every agent of ids[0..n) over f's range with weights w: *out is
 * malloc'd (n rows, sorted by score, best first). */
int mr_prof_score(metrics *m, hd_txn *t, const mr_filter *f,
		  const uint64_t *ids, size_t n, const double *w,
		  mr_prof **out);
/* The members of group (mr_members) appended to *ids (malloc'd, grown). */
int mr_group_members(metrics *m, hd_txn *t, uint64_t group, uint64_t **ids,
		     size_t *n, size_t *cap);
/* The KPI table (name, direction, weight w, unit) and the formula's text
 * as r->model; HD_E_NOMEM or HD_OK. */
int mr_prof_model(const double *w, Hd__ReportReply *r);

/* mr_teams.c: metrics.teams — k balanced teams as out->r->teams, with the
 * proficiency model. */
int mr_teams_suggest(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		     hd_rpc_rep *rep);

/* mr_rpc.c: bind the dbs and load the wallboard (metrics' setup). */
int mr_init(metrics *m);

extern const char *const mr_db_names[];
extern const hd_rpc_route mr_routes[];

#endif
