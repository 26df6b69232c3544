/* knowledge's macro store. Key layout (integers big-endian):
 *   macros       u64 macro id → hd.Macro
 *   macro_usage  u64 macro id, u64 hour (business ms / 3,600,000) → u64
 *                applications in that hour; hours older than 30 days are
 *                dropped when the macro is next applied
 *   macro_meta   "next_macro" → u64 */
#include "macros.h"

#include "hd/err.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"
#include "hd/store_upgrade.h"

#define HOUR_MS    3600000LL
#define KEEP_HOURS 720 /* 30 days: the longest usage window */

const char *const kb_macros_dbs[] = {"macros", "macro_usage", "macro_meta",
				     NULL};

static kb_macros the_macros;

/* Actions saved with value_json (JSON text, before hd.RuleValue) get
 * their typed value once, at store open. */
static int fix_macro(ProtobufCMessage *msg, bool *changed)
{
	Hd__Macro *m = (Hd__Macro *)msg;
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < m->n_actions; i++) {
		bool one = false;
		rc = hd_rule_value_upgrade(&m->actions[i]->base,
					   &m->actions[i]->value, &one);
		*changed = *changed || one;
	}
	return rc;
}

static int upgrade_macros(hd_txn *t, void *arg)
{
	kb_macros *m = arg;
	return hd_txn_upgrade_pb(t, m->macros, &hd__macro__descriptor,
				 fix_macro, NULL);
}

int kb_macros_setup(kb *k, hd_svc *svc)
{
	kb_macros *m = &the_macros;
	m->store = svc->store;
	m->members = k->members;
	const hd_dbi_ref dbs[] = {{"macros", &m->macros},
				  {"macro_usage", &m->usage},
				  {"macro_meta", &m->meta},
				  {NULL, NULL}};
	int rc = hd_store_dbis(m->store, dbs);
	if (!rc)
		rc = hd_store_write(m->store, upgrade_macros, m);
	if (!rc)
		k->macros = m;
	return rc;
}

int kb_macro_get(hd_txn *t, kb_macros *m, uint64_t id, Hd__Macro **out)
{
	return hd_txn_get_pb_id(t, m->macros, id, &hd__macro__descriptor,
				(void **)out);
}

int kb_macro_put(hd_txn *t, kb_macros *m, const Hd__Macro *macro)
{
	return hd_txn_put_pb_id(t, m->macros, macro->id, macro);
}

static void usage_key(uint8_t key[16], uint64_t id, uint64_t hour)
{
	hd_key_u64(key, id);
	hd_key_u64(key + 8, hour);
}

/* Delete the usage buckets of id with hour < before (buckets are in hour
 * order, so the walk stops at the first one kept). */
typedef struct usage_del {
	hd_txn *t;
	MDB_dbi usage;
	uint64_t before;
} usage_del;

static int del_bucket(void *arg, const MDB_val *k, const MDB_val *v)
{
	usage_del *d = arg;
	if (k->mv_size != 16 ||
	    hd_key_get_u64((const uint8_t *)k->mv_data + 8) >= d->before)
		return HD_STOP;
	return hd_txn_del(d->t, d->usage, k->mv_data, 16);
}

static int drop_usage(hd_txn *t, kb_macros *m, uint64_t id, uint64_t before)
{
	uint8_t prefix[8];
	hd_key_u64(prefix, id);
	usage_del d = {t, m->usage, before};
	int rc = hd_txn_foreach(t, m->usage, prefix, 8, del_bucket, &d);
	return rc ? rc : t->rc;
}

int kb_macro_del(hd_txn *t, kb_macros *m, uint64_t id)
{
	uint8_t key[8];
	hd_key_u64(key, id);
	int rc = hd_txn_del(t, m->macros, key, 8);
	return rc ? rc : drop_usage(t, m, id, UINT64_MAX);
}

int kb_macro_count_use(hd_txn *t, kb_macros *m, uint64_t id, int64_t now_ms)
{
	uint64_t hour = now_ms > 0 ? (uint64_t)(now_ms / HOUR_MS) : 0;
	uint8_t key[16], val[8];
	usage_key(key, id, hour);
	MDB_val v;
	uint64_t n = 0;
	int rc = hd_txn_get(t, m->usage, key, 16, &v);
	if (!rc && v.mv_size == 8)
		n = hd_key_get_u64(v.mv_data);
	else if (rc && rc != HD_E_NOTFOUND)
		return rc;
	hd_key_u64(val, n + 1);
	hd_txn_put(t, m->usage, key, 16, val, 8);
	return hour >= KEEP_HOURS ? drop_usage(t, m, id, hour - KEEP_HOURS + 1)
				  : t->rc;
}

typedef struct usage_sum {
	Hd__Macro *macro;
	uint64_t hour;
} usage_sum;

static int sum_bucket(void *arg, const MDB_val *k, const MDB_val *v)
{
	usage_sum *s = arg;
	if (k->mv_size != 16 || v->mv_size != 8)
		return HD_STOP;
	uint64_t h = hd_key_get_u64((const uint8_t *)k->mv_data + 8);
	uint64_t n = hd_key_get_u64(v->mv_data);
	if (h > s->hour)
		return HD_STOP;
	uint64_t age = s->hour - h; /* whole hours back; 0 = this hour */
	s->macro->usage_30d += n;
	s->macro->usage_7d += age < 168 ? n : 0;
	s->macro->usage_24h += age < 24 ? n : 0;
	s->macro->usage_1h += age < 1 ? n : 0;
	return HD_OK;
}

int kb_macro_usage(hd_txn *t, kb_macros *m, Hd__Macro *macro, int64_t now_ms)
{
	uint64_t hour = now_ms > 0 ? (uint64_t)(now_ms / HOUR_MS) : 0;
	uint64_t first = hour >= KEEP_HOURS ? hour - KEEP_HOURS + 1 : 0;
	uint8_t from[16];
	usage_key(from, macro->id, first);
	macro->usage_1h = macro->usage_24h = macro->usage_7d =
		macro->usage_30d = 0;
	usage_sum s = {macro, hour};
	return hd_txn_foreach_from(t, m->usage, from, 8, from, 16, false,
				   sum_bucket, &s);
}
