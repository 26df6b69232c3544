/* The scheduler's index of pending deliveries, grouped by lane so the sender
 * visits each destination once per pass instead of walking every row:
 *   queue   lane (32, NUL-padded) + u64 rank + u64 id → u64 next_at
 * In an ordered lane (a webhook, a chat) rank is 0, so rows sort by id and
 * only the lane's head is ever sent. In the mail lane "" (unordered) rank is
 * next_at, so the due rows come first and the rest are never read. */
#include "notifications.h"

#include "hd/err.h"
#include "hd/log.h"

#include <stdlib.h>
#include <string.h>

void notify_queue_key(uint8_t out[NOTIFY_QKEY], const Hd__Delivery *d)
{
	notify_lane_key(out, d->lane, 0);
	hd_key_u64(out + 32, d->lane[0] ? 0 : (uint64_t)d->next_at);
	hd_key_u64(out + 40, d->id);
}

int notify_queue_put(notify *n, hd_txn *t, const Hd__Delivery *d)
{
	uint8_t k[NOTIFY_QKEY], v[8];
	notify_queue_key(k, d);
	hd_key_u64(v, (uint64_t)d->next_at);
	return hd_txn_put(t, n->queue, k, sizeof k, v, 8);
}

int notify_queue_del(notify *n, hd_txn *t, const Hd__Delivery *d)
{
	uint8_t k[NOTIFY_QKEY];
	notify_queue_key(k, d);
	int rc = hd_txn_del(t, n->queue, k, sizeof k);
	return rc == HD_E_NOTFOUND ? HD_OK : rc;
}

typedef struct rebuild {
	notify *n;
	hd_txn *t;
	uint64_t count;
} rebuild;

static int rebuild_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	rebuild *r = arg;
	Hd__Delivery *d = NULL;
	(void)v;
	if (notify_get_pb_u64(
		    r->t, r->n->deliveries, hd_key_get_u64(k->mv_data),
		    &hd__delivery__descriptor, (void **)&d) == HD_OK) {
		notify_queue_put(r->n, r->t, d);
		r->count++;
	}
	hd__delivery__free_unpacked(d, NULL);
	return r->t->rc;
}

static int rebuild_fn(hd_txn *t, void *arg)
{
	rebuild *r = arg;
	MDB_stat st;
	r->t = t;
	int mrc = mdb_stat(t->txn, r->n->queue, &st);
	if (mrc)
		return hd_txn_fail(t, hd_err_from_mdb(mrc));
	if (st.ms_entries) /* already indexed */
		return HD_OK;
	int rc = hd_txn_foreach(t, r->n->pending, NULL, 0, rebuild_one, r);
	return rc ? rc : t->rc;
}

int notify_queue_rebuild(notify *n)
{
	rebuild r = {n, NULL, 0};
	int rc = hd_store_write(n->store, rebuild_fn, &r);
	if (!rc && r.count)
		hd_info("notify.queue_rebuilt", "rows=%llu",
			(unsigned long long)r.count);
	return rc;
}
