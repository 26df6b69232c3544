/* bottlenecks: agents and groups whose open work or oldest ticket is out of
 * line with their capacity, now (the time range and filters do not apply).
 *   agent: load = unsolved tickets assigned to the agent (capacity 1).
 *   group: load = unsolved tickets of the group per member (capacity =
 *          members, from group_membership events).
 * Among peers with open work, a row is flagged when its load is more than
 * twice the peers' median load ("open_work"), its oldest unsolved ticket is
 * more than twice the peers' median oldest age ("oldest_age"), or a group
 * has open work and no members ("no_members"). Only flagged rows appear. */
#include "mr.h"

#include "hd/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PEERS 4096

typedef struct peer {
	uint64_t id, open, members;
	int64_t age; /* seconds */
	double load;
} peer;

static int count_member(void *arg, const MDB_val *key, const MDB_val *val)
{
	if (key->mv_size != 16)
		return HD_STOP;
	(*(uint64_t *)arg)++;
	return HD_OK;
}

static uint64_t members_of(metrics *m, hd_txn *t, uint64_t group)
{
	uint8_t k[8];
	uint64_t n = 0;
	hd_key_u64(k, group);
	hd_txn_foreach(t, m->mr->members, k, 8, count_member, &n);
	return n;
}

typedef struct peers {
	metrics *m;
	hd_txn *t;
	int kind;
	int64_t now;
	peer *p;
	size_t n;
} peers;

static int peer_one(void *arg, const MDB_val *key, const MDB_val *val)
{
	peers *ps = arg;
	const uint8_t *kp = key->mv_data;
	if (key->mv_size != 9 || ps->n >= MAX_PEERS)
		return HD_STOP;
	peer *x = &ps->p[ps->n];
	int64_t oldest;
	x->id = hd_key_get_u64(kp + 1);
	mr_open_get(ps->m, ps->t, ps->kind, x->id, &x->open, &oldest);
	if (!x->open || (ps->kind == MR_O_GROUP && !x->id))
		return HD_OK; /* tickets without a group have no capacity */
	x->age = oldest && ps->now > oldest ? (ps->now - oldest) / 1000 : 0;
	x->members =
		ps->kind == MR_O_GROUP ? members_of(ps->m, ps->t, x->id) : 1;
	x->load = (double)x->open / (double)(x->members ? x->members : 1);
	ps->n++;
	return HD_OK;
}

static size_t load_peers(metrics *m, hd_txn *t, int kind, int64_t now, peer *p)
{
	uint8_t k[1] = {(uint8_t)kind};
	peers ps = {m, t, kind, now, p, 0};
	hd_txn_foreach(t, m->mr->counts, k, 1, peer_one, &ps);
	return ps.n;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Lower median (the middle value, or the lower of the two middle ones). */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_d);
	return n ? v[(n - 1) / 2] : 0;
}

static int reason(Hd__BottleneckRow *x, const char *why)
{
	char **v = realloc(x->reasons, (x->n_reasons + 1) * sizeof *v);
	if (!v)
		return HD_E_NOMEM;
	x->reasons = v;
	if (!(v[x->n_reasons] = mr_str(why)))
		return HD_E_NOMEM;
	x->n_reasons++;
	return HD_OK;
}

static int flag(Hd__ReportReply *r, const char *kind, const peer *x,
		double mload, double mage)
{
	int group = !strcmp(kind, "group");
	int open_work = x->load > 2 * mload, old = (double)x->age > 2 * mage;
	int lonely = group && !x->members;
	if (!open_work && !old && !lonely)
		return HD_OK;
	Hd__BottleneckRow *b =
		mr_push(&r->bottlenecks, &r->n_bottlenecks, sizeof *b);
	if (b)
		hd__bottleneck_row__init(b);
	if (!b || !(b->kind = mr_str(kind)))
		return HD_E_NOMEM;
	b->id = x->id;
	b->open = x->open;
	b->capacity = group ? x->members : 0;
	b->load = x->load;
	b->oldest_age_seconds = x->age;
	b->median_load = mload;
	b->median_oldest_age_seconds = (int64_t)mage;
	int rc = open_work ? reason(b, "open_work") : HD_OK;
	if (!rc && old)
		rc = reason(b, "oldest_age");
	if (!rc && lonely)
		rc = reason(b, "no_members");
	return rc;
}

static int judge(Hd__ReportReply *r, const char *kind, const peer *p, size_t n)
{
	double *loads = malloc((n ? n : 1) * sizeof *loads);
	double *ages = malloc((n ? n : 1) * sizeof *ages);
	if (!loads || !ages) {
		free(loads);
		free(ages);
		return HD_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		loads[i] = p[i].load;
		ages[i] = (double)p[i].age;
	}
	double mload = median(loads, n), mage = median(ages, n);
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < n; i++)
		rc = flag(r, kind, &p[i], mload, mage);
	free(loads);
	free(ages);
	return rc;
}

int mr_rep_bottlenecks(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		       hd_rpc_rep *rep)
{
	peer *p = calloc(MAX_PEERS, sizeof *p);
	if (!p)
		return HD_E_NOMEM;
	int64_t now = hd_now_ms();
	int rc = mr_report_head(out->r, "bottlenecks", f);
	size_t n = load_peers(m, t, MR_O_GROUP, now, p);
	if (!rc)
		rc = judge(out->r, "group", p, n);
	if (!rc) {
		n = load_peers(m, t, MR_O_AGENT, now, p);
		rc = judge(out->r, "agent", p, n);
	}
	free(p);
	return rc;
}
