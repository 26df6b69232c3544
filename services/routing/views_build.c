/* Materialized views: building a new slot and clearing dropped ones in the
 * background. Each routing tick gives one write transaction a budget of
 * tickets (or stale entries) to work through, so building never holds the
 * writer long; until a view's slot is ready, reads answer from its previous
 * slot, or scan (views_exec.c). */
#include "views_index.h"

#include "hd/err.h"
#include "hd/prom.h"
#include "hd/store_pb.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PENDING 64

static _Atomic unsigned batch = 5000;

void routing_vidx_set_batch(unsigned n)
{
	atomic_store(&batch, n ? n : 1);
}

/* The first ≤ max 8-byte keys of dbi that want(value) accepts. */
static int keys(hd_txn *t, MDB_dbi dbi, bool (*want)(const MDB_val *v),
		uint64_t *out, size_t max, size_t *n)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	*n = 0;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, dbi, &cur));
	for (int op = MDB_FIRST;
	     rc == HD_OK && *n < max && mdb_cursor_get(cur, &k, &v, op) == 0;
	     op = MDB_NEXT)
		if (k.mv_size == 8 && (!want || want(&v)))
			out[(*n)++] = hd_key_get_u64(k.mv_data);
	if (cur)
		mdb_cursor_close(cur);
	return rc;
}

/* Views stored before their index existed get one (an upgrade): every
 * view is looked at, up to MAX_PENDING adopted a tick; once a pass finds
 * none left, later ticks skip it (a view saved since has its state). */
static _Atomic bool adopted;

static int adopt(routing *r, hd_txn *t)
{
	if (atomic_load(&adopted))
		return HD_OK;
	uint64_t ids[MAX_PENDING];
	size_t n = 0;
	MDB_cursor *cur = NULL;
	MDB_val k, v, st;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, r->views, &cur));
	for (int op = MDB_FIRST; rc == HD_OK && n < MAX_PENDING &&
				 mdb_cursor_get(cur, &k, &v, op) == 0;
	     op = MDB_NEXT)
		if (k.mv_size == 8 && hd_txn_get(t, r->vstate, k.mv_data, 8,
						 &st) == HD_E_NOTFOUND)
			ids[n++] = hd_key_get_u64(k.mv_data);
	if (cur)
		mdb_cursor_close(cur);
	for (size_t i = 0; i < n && rc == HD_OK; i++) {
		Hd__View *view = NULL;
		rc = hd_txn_get_pb_id(t, r->views, ids[i],
				      &hd__view__descriptor, (void **)&view);
		if (!rc)
			rc = routing_vidx_reset(r, t, ids[i], NULL, view);
		hd__view__free_unpacked(view, NULL);
	}
	if (rc == HD_OK && n == 0)
		atomic_store(&adopted, true);
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

/* Delete up to *budget of slot's entries; HD_E_NOTFOUND when none are
 * left. */
static int clear_some(routing *r, hd_txn *t, uint64_t slot, unsigned *budget)
{
	uint8_t pk[8], key[512], val[512];
	size_t klen, vlen;
	int rc = HD_OK;
	hd_key_u64(pk, slot);
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

/* Add up to *budget tickets after s->cursor to s->slot. */
static int build_some(routing *r, hd_txn *t, const Hd__View *v,
		      Hd__ViewIndexState *s, unsigned *budget)
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
			rc = routing_vidx_update(r, t, s->slot, v, tk);
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

/* One batch of building view id's new slot. */
static int build(routing *r, hd_txn *t, uint64_t id, unsigned *budget)
{
	Hd__ViewIndexState *s = NULL;
	Hd__View *v = NULL;
	int rc = routing_vidx_state(t, r, id, &s);
	if (rc == HD_E_CORRUPT) { /* start over: adopt makes a new one */
		uint8_t k[8];
		hd_key_u64(k, id);
		return hd_txn_del(t, r->vstate, k, 8);
	}
	if (!rc)
		rc = hd_txn_get_pb_id(t, r->views, id, &hd__view__descriptor,
				      (void **)&v);
	if (rc == HD_E_NOTFOUND && s) /* the view is gone */
		rc = routing_vidx_reset(r, t, id, NULL, NULL);
	else if (!rc && !routing_vidx_indexable(v))
		s->phase = VIDX_READY; /* such views always scan */
	else if (!rc)
		rc = build_some(r, t, v, s, budget);
	if (!rc && s && v && s->phase == VIDX_READY) {
		rc = routing_vidx_drop(t, r, s->live_slot);
		s->live_slot = 0;
		hd__view__free_unpacked(s->live, NULL);
		s->live = NULL;
	}
	if (!rc && s && v)
		rc = routing_vidx_put_state(t, r, id, s);
	hd__view__free_unpacked(v, NULL);
	hd__view_index_state__free_unpacked(s, NULL);
	return rc == HD_E_NOTFOUND ? HD_OK : rc;
}

static bool is_building(const MDB_val *v)
{
	Hd__ViewIndexState *s =
		hd__view_index_state__unpack(NULL, v->mv_size, v->mv_data);
	bool yes = s && s->phase != VIDX_READY;
	hd__view_index_state__free_unpacked(s, NULL);
	return yes;
}

int routing_vidx_tick(routing *r, hd_txn *t, int64_t now_ms)
{
	(void)now_ms;
	unsigned budget = atomic_load(&batch);
	uint64_t ids[MAX_PENDING];
	size_t n = 0;
	int rc = adopt(r, t);
	if (!rc)
		rc = keys(t, r->vdrop, NULL, ids, MAX_PENDING, &n);
	for (size_t i = 0; i < n && budget && rc == HD_OK; i++) {
		rc = clear_some(r, t, ids[i], &budget);
		if (rc == HD_E_NOTFOUND) {
			uint8_t k[8];
			hd_key_u64(k, ids[i]);
			rc = hd_txn_del(t, r->vdrop, k, 8);
		}
	}
	if (!rc)
		rc = keys(t, r->vstate, is_building, ids, MAX_PENDING, &n);
	for (size_t i = 0; i < n && budget && rc == HD_OK; i++)
		rc = build(r, t, ids[i], &budget);
	return rc;
}

void routing_vidx_collect(void *ctx, hd_buf *out)
{
	routing *r = ctx;
	hd_txn t;
	uint64_t ids[MAX_PENDING];
	size_t building = 0, drops = 0;
	if (hd_store_read(r->store, &t))
		return;
	keys(&t, r->vstate, is_building, ids, MAX_PENDING, &building);
	keys(&t, r->vdrop, NULL, ids, MAX_PENDING, &drops);
	hd_txn_end(&t);
	hd_prom_family(out, "hd_routing_views_building", "gauge",
		       "View indexes being built, and dropped ones being "
		       "cleared (at most 64 each are counted).");
	hd_buf_printf(out, "hd_routing_views_building %llu\n",
		      (unsigned long long)(building + drops));
}
