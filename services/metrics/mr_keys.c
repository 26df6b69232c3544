/* Reports' store: codes, time buckets, rollups and the open-work index.
 * Key layout (integers big-endian, so cursor order is numeric order):
 *   mr_roll     metric u8 | gran u8 | dim u8 | dim value u64 | bucket u64 |
 *               a u64 | b u64 | c u64                  → i64 (two's compl.)
 *   mr_tickets  ticket u64                             → hd.MrTicket
 *   mr_samples  kind u8 | day u64 | ticket u64         → secs u64 | group u64
 *               | agent u64 | channel u8 | tag hashes u64…
 *   mr_open     kind u8 | id u64 | created u64 | ticket u64 → ""
 *   mr_counts   kind u8 | id u64                        → u64
 *   mr_users    user u64                                → u8 1 = staff
 *   mr_members  group u64 | user u64                    → ""
 *   mr_names    kind u8 | id u64 → UTF-8 (1 policy title, 2 keyword term)
 * The bucket is the start of the event's minute, hour or local day (mr_zone.c),
 * so a late event lands where its own time says. */
#include "mr.h"

#include "hd/err.h"
#include "hd/vocab.h"

#include <string.h>

const char *const mr_db_names[] = {"mr_roll",    "mr_tickets", "mr_samples",
				   "mr_open",    "mr_counts",  "mr_users",
				   "mr_members", "mr_names",   NULL};

static const char *const channels[] = {"other",
				       "web",
				       "email",
				       "api",
				       "voice",
				       "chat",
				       "mobile",
				       "rule",
				       "sms",
				       "mobile_sdk",
				       "side_conversation",
				       "any_channel",
				       NULL};

unsigned mr_channel_code(const char *name)
{
	for (unsigned i = 1; name && channels[i]; i++)
		if (strcmp(channels[i], name) == 0)
			return i;
	return 0;
}

const char *mr_channel_name(unsigned code)
{
	return code < sizeof channels / sizeof *channels - 1 ? channels[code]
							     : "other";
}

/* Stored status codes are the vocabulary's values (new 1 … closed 6). */
_Static_assert((int)MR_NEW == (int)HD__TICKET_STATUS__STATUS_NEW &&
		       (int)MR_HOLD == (int)HD__TICKET_STATUS__STATUS_HOLD &&
		       (int)MR_CLOSED == (int)HD__TICKET_STATUS__STATUS_CLOSED,
	       "mr_status follows proto/vocab.proto");

unsigned mr_status_code(const char *name)
{
	return (unsigned)(hd_status_rank(name) + 1); /* deleted: 0 too */
}

const char *mr_status_name(unsigned code)
{
	return code >= MR_NEW && code <= MR_CLOSED
		       ? hd_status_name((Hd__TicketStatus)code)
		       : "";
}

uint64_t mr_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
	return h ? h : 1;
}

static int64_t floor_to(int64_t v, int64_t step)
{
	int64_t q = v / step;
	return (q - (v % step < 0)) * step;
}

int64_t mr_bucket(int64_t ms, int gran)
{
	if (gran == MR_G_MINUTE)
		return floor_to(ms, MR_MINUTE_MS);
	if (gran == MR_G_HOUR)
		return floor_to(ms, MR_HOUR_MS);
	return mr_day_start(ms);
}

enum { ROLL_KEY = 3 + 8 * 5 };

static void roll_key(uint8_t k[ROLL_KEY], int metric, int gran, int dim,
		     uint64_t dval, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c)
{
	k[0] = (uint8_t)metric;
	k[1] = (uint8_t)gran;
	k[2] = (uint8_t)dim;
	hd_key_u64(k + 3, dval);
	/* Offset so pre-1970 test times still sort before later ones. */
	hd_key_u64(k + 11, (uint64_t)bucket ^ (1ULL << 63));
	hd_key_u64(k + 19, a);
	hd_key_u64(k + 27, b);
	hd_key_u64(k + 35, c);
}

static void add_i64(hd_txn *t, MDB_dbi dbi, const uint8_t *k, size_t klen,
		    int64_t delta)
{
	MDB_val v;
	uint64_t cur = 0;
	int rc = hd_txn_get(t, dbi, k, klen, &v);
	if (rc == HD_OK && v.mv_size == 8)
		cur = hd_key_get_u64(v.mv_data);
	else if (rc != HD_E_NOTFOUND && rc != HD_OK) {
		hd_txn_fail(t, rc);
		return;
	}
	uint8_t out[8];
	uint64_t next = cur + (uint64_t)delta;
	hd_key_u64(out, next);
	if (next == 0) /* rows that sum to nothing are not kept */
		hd_txn_del(t, dbi, k, klen);
	else
		hd_txn_put(t, dbi, k, klen, out, 8);
}

static void roll_one(metrics *m, hd_txn *t, int metric, unsigned grans, int dim,
		     uint64_t dval, int64_t at, uint64_t a, uint64_t b,
		     uint64_t c, int64_t delta)
{
	uint8_t k[ROLL_KEY];
	for (int g = MR_G_MINUTE; g <= MR_G_DAY; g++) {
		if (!(grans & (1u << g)))
			continue;
		roll_key(k, metric, g, dim, dval, mr_bucket(at, g), a, b, c);
		add_i64(t, m->mr->roll, k, sizeof k, delta);
	}
}

void mr_roll_add(metrics *m, hd_txn *t, int metric, unsigned grans,
		 const mr_dims *d, int64_t at, uint64_t a, uint64_t b,
		 uint64_t c, int64_t delta)
{
	if (!delta)
		return;
	roll_one(m, t, metric, grans, MR_D_ALL, 0, at, a, b, c, delta);
	if (d->group)
		roll_one(m, t, metric, grans, MR_D_GROUP, d->group, at, a, b, c,
			 delta);
	if (d->agent)
		roll_one(m, t, metric, grans, MR_D_AGENT, d->agent, at, a, b, c,
			 delta);
	roll_one(m, t, metric, grans, MR_D_CHANNEL, d->channel, at, a, b, c,
		 delta);
	for (size_t i = 0; !d->no_tags && i < d->ntags; i++)
		roll_one(m, t, metric, grans, MR_D_TAG, d->tags[i], at, a, b, c,
			 delta);
}

typedef struct roll_walk {
	int64_t to;
	mr_row_fn fn;
	void *arg;
} roll_walk;

static int roll_row(void *arg, const MDB_val *key, const MDB_val *val)
{
	roll_walk *w = arg;
	const uint8_t *p = key->mv_data;
	if (key->mv_size != ROLL_KEY)
		return HD_STOP;
	int64_t bucket = (int64_t)(hd_key_get_u64(p + 11) ^ (1ULL << 63));
	if (bucket >= w->to)
		return HD_STOP;
	if (val->mv_size == 8)
		w->fn(w->arg, bucket, hd_key_get_u64(p + 19),
		      hd_key_get_u64(p + 27), hd_key_get_u64(p + 35),
		      (int64_t)hd_key_get_u64(val->mv_data));
	return HD_OK;
}

int mr_roll_scan(metrics *m, hd_txn *t, int metric, int gran,
		 const mr_filter *f, int64_t from, int64_t to, mr_row_fn fn,
		 void *arg)
{
	uint8_t k[ROLL_KEY];
	roll_key(k, metric, gran, f->dim, f->dval, from, 0, 0, 0);
	roll_walk w = {to, fn, arg};
	return hd_txn_foreach_from(t, m->mr->roll, k, 11, k, sizeof k, false,
				   roll_row, &w);
}

static void open_key(uint8_t k[9], int kind, uint64_t id)
{
	k[0] = (uint8_t)kind;
	hd_key_u64(k + 1, id);
}

void mr_open_move(metrics *m, hd_txn *t, int kind, uint64_t id, int64_t created,
		  uint64_t ticket, int dir)
{
	uint8_t k[25];
	open_key(k, kind, id);
	hd_key_u64(k + 9, (uint64_t)created);
	hd_key_u64(k + 17, ticket);
	if (dir > 0)
		hd_txn_put(t, m->mr->open, k, sizeof k, "", 0);
	else
		hd_txn_del(t, m->mr->open, k, sizeof k);
	add_i64(t, m->mr->counts, k, 9, dir > 0 ? 1 : -1);
}

void mr_open_get(metrics *m, hd_txn *t, int kind, uint64_t id, uint64_t *count,
		 int64_t *oldest)
{
	uint8_t k[9];
	MDB_val v;
	open_key(k, kind, id);
	*count = 0;
	*oldest = 0;
	if (hd_txn_get(t, m->mr->counts, k, sizeof k, &v) == HD_OK &&
	    v.mv_size == 8)
		*count = hd_key_get_u64(v.mv_data);
	/* the first open row of a kind and id is its oldest (time order) */
	MDB_val key;
	if (!hd_txn_first(t, m->mr->open, k, sizeof k, NULL, 0, false, &key,
			  NULL) &&
	    key.mv_size == 25)
		*oldest = (int64_t)hd_key_get_u64((const uint8_t *)key.mv_data +
						  9);
}
