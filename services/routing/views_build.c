/* Materialized views: clearing and building an index in the background.
 * Each routing tick gives one write transaction a budget of tickets (or
 * stale entries) to work through, so building never holds the writer
 * long; until a view is ready, reads scan (views_exec.c). */
#include "views_index.h"

#include "hd/err.h"
#include "hd/prom.h"
#include "hd/store_pb.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static _Atomic unsigned batch = 5000;

void routing_vidx_set_batch(unsigned n)
{
	atomic_store(&batch, n ? n : 1);
}

/* Views stored before their index existed get one (an upgrade). */
static int adopt(routing *r, hd_txn *t)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	vidx_state s;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, r->views, &cur));
	for (int op = MDB_FIRST;
	     rc == HD_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
	     op = MDB_NEXT) {
		if (k.mv_size != 8)
			continue;
		uint64_t id = hd_key_get_u64(k.mv_data);
		int got = routing_vidx_state(t, r, id, &s);
		if (got == HD_E_NOTFOUND)
			rc = routing_vidx_reset(r, t, id, false);
		else if (got == HD_E_CORRUPT)
			rc = routing_vidx_reset(r, t, id, false);
		else
			rc = got;
	}
	if (cur)
		mdb_cursor_close(cur);
	return rc;
}

/* The first entry of dbi under the 8-byte prefix pk, copied to key/val. */
static int first_under(hd_txn *t, MDB_dbi dbi, const uint8_t pk[8],
		       uint8_t *key, size_t *klen, uint8_t *val, size_t *vlen,
		       size_t vmax)
{
	MDB_cursor *cur = NULL;
	MDB_val k = {8, (void *)pk}, v;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, dbi, &cur));
	if (rc)
		return rc;
	rc = hd_err_from_mdb(mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE));
	if (!rc &&
	    (k.mv_size < 8 || k.mv_size > 512 || memcmp(k.mv_data, pk, 8) != 0))
		rc = HD_E_NOTFOUND;
	if (!rc && v.mv_size > vmax)
		rc = HD_E_CORRUPT;
	if (!rc) {
		memcpy(key, k.mv_data, k.mv_size);
		*klen = k.mv_size;
		memcpy(val, v.mv_data, v.mv_size);
		*vlen = v.mv_size;
	}
	mdb_cursor_close(cur);
	return rc;
}

/* Delete up to *budget of view's entries; HD_E_NOTFOUND when none are
 * left. */
static int clear_some(routing *r, hd_txn *t, uint64_t view, unsigned *budget)
{
	uint8_t pk[8], key[512], val[512];
	size_t klen, vlen;
	int rc = HD_OK;
	hd_key_u64(pk, view);
	for (; *budget && rc == HD_OK; (*budget)--) {
		rc = first_under(t, r->vmem, pk, key, &klen, val, &vlen,
				 sizeof val);
		if (!rc) {
			int d = hd_txn_del(t, r->vidx, val, vlen);
			rc = d == HD_E_NOTFOUND ? HD_OK : d;
		}
		if (!rc)
			rc = hd_txn_del(t, r->vmem, key, klen);
	}
	/* Counts go with the last entries (and any left by a torn index). */
	while (rc == HD_E_NOTFOUND &&
	       first_under(t, r->vcount, pk, key, &klen, val, &vlen,
			   sizeof val) == HD_OK)
		if (hd_txn_del(t, r->vcount, key, klen) != HD_OK)
			return t->rc ? t->rc : HD_E_CORRUPT;
	while (rc == HD_E_NOTFOUND &&
	       first_under(t, r->vidx, pk, key, &klen, val, &vlen,
			   sizeof val) == HD_OK)
		if (hd_txn_del(t, r->vidx, key, klen) != HD_OK)
			return t->rc ? t->rc : HD_E_CORRUPT;
	return rc;
}

/* Add up to *budget tickets after s->cursor to view's index. */
static int build_some(routing *r, hd_txn *t, const Hd__View *v, vidx_state *s,
		      unsigned *budget)
{
	MDB_cursor *cur = NULL;
	uint8_t from[8];
	MDB_val k = {8, from}, val;
	hd_key_u64(from, s->cursor + 1);
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, r->tickets, &cur));
	if (rc)
		return rc;
	int mrc = s->cursor == UINT64_MAX
			  ? MDB_NOTFOUND
			  : mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE);
	for (; *budget && rc == HD_OK && mrc == 0; (*budget)--) {
		Hd__Ticket *tk =
			hd__ticket__unpack(NULL, val.mv_size, val.mv_data);
		if (tk)
			rc = routing_vidx_update(r, t, v, tk);
		hd__ticket__free_unpacked(tk, NULL);
		if (k.mv_size == 8)
			s->cursor = hd_key_get_u64(k.mv_data);
		mrc = mdb_cursor_get(cur, &k, &val, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (!rc && mrc == MDB_NOTFOUND)
		s->phase = VIDX_READY;
	return rc;
}

static int work_on(routing *r, hd_txn *t, uint64_t id, vidx_state *s,
		   unsigned *budget)
{
	if (s->phase == VIDX_CLEARING || s->phase == VIDX_GONE) {
		int rc = clear_some(r, t, id, budget);
		if (rc != HD_E_NOTFOUND)
			return rc;
		if (s->phase == VIDX_GONE) {
			uint8_t k[8];
			hd_key_u64(k, id);
			return hd_txn_del(t, r->vstate, k, 8);
		}
		*s = (vidx_state){VIDX_BUILDING, 0};
	}
	Hd__View *v = NULL;
	int rc = hd_txn_get_pb_id(t, r->views, id, &hd__view__descriptor,
				  (void **)&v);
	if (rc == HD_E_NOTFOUND) {
		*s = (vidx_state){VIDX_GONE, 0};
		rc = HD_OK;
	} else if (!rc && !routing_vidx_indexable(v)) {
		s->phase = VIDX_READY; /* never read: such views scan */
	} else if (!rc) {
		rc = build_some(r, t, v, s, budget);
	}
	hd__view__free_unpacked(v, NULL);
	return rc ? rc : routing_vidx_put_state(t, r, id, s);
}

int routing_vidx_tick(routing *r, hd_txn *t, int64_t now_ms)
{
	(void)now_ms;
	unsigned budget = atomic_load(&batch);
	int rc = adopt(r, t);
	uint8_t key[8] = {0}, pending[64][8];
	size_t n = 0;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	if (!rc)
		rc = hd_err_from_mdb(mdb_cursor_open(t->txn, r->vstate, &cur));
	for (int op = MDB_FIRST;
	     rc == HD_OK && n < 64 && mdb_cursor_get(cur, &k, &v, op) == 0;
	     op = MDB_NEXT)
		if (k.mv_size == 8 && v.mv_size == 9 &&
		    ((const uint8_t *)v.mv_data)[0] != VIDX_READY)
			memcpy(pending[n++], k.mv_data, 8);
	if (cur)
		mdb_cursor_close(cur);
	for (size_t i = 0; i < n && budget && rc == HD_OK; i++) {
		vidx_state s;
		memcpy(key, pending[i], 8);
		uint64_t id = hd_key_get_u64(key);
		rc = routing_vidx_state(t, r, id, &s);
		if (!rc)
			rc = work_on(r, t, id, &s, &budget);
	}
	return rc;
}

void routing_vidx_collect(void *ctx, hd_buf *out)
{
	routing *r = ctx;
	hd_txn t;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint64_t building = 0;
	if (hd_store_read(r->store, &t))
		return;
	if (mdb_cursor_open(t.txn, r->vstate, &cur) == 0) {
		for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0;
		     op = MDB_NEXT)
			if (v.mv_size == 9 &&
			    ((const uint8_t *)v.mv_data)[0] != VIDX_READY)
				building++;
		mdb_cursor_close(cur);
	}
	hd_txn_end(&t);
	hd_prom_family(out, "hd_routing_views_building", "gauge",
		       "Views whose index is being cleared or built (their "
		       "reads scan until it is ready).");
	hd_buf_printf(out, "hd_routing_views_building %llu\n",
		      (unsigned long long)building);
}
