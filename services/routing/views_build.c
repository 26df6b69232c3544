/* Materialized views: building a new slot and clearing dropped ones in the
 * background. Each routing tick gives one write transaction a budget of
 * tickets (or stale entries) to work through, so building never holds the
 * writer long; until a view's slot is ready, reads answer from its previous
 * slot, or scan (views_exec.c). */
#include "views_index.h"

#include "hd/err.h"
#include "hd/prom.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PENDING 64

#define DEFAULT_BATCH 5000 /* HD_ROUTING_VIEW_BUILD_BATCH's default */

void routing_vidx_set_batch(routing *r, unsigned n)
{
	r->vidx_batch = n ? n : 1;
}

typedef struct key_list {
	bool (*want)(const MDB_val *v);
	hd_txn *t; /* set: keep only ids with no row in absent_in */
	MDB_dbi absent_in;
	uint64_t *out;
	size_t max, *n;
} key_list;

static int key_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	key_list *l = arg;
	MDB_val st;
	if (*l->n >= l->max)
		return HD_STOP;
	if (k->mv_size == 8 && (!l->want || l->want(v)) &&
	    (!l->t || hd_txn_get(l->t, l->absent_in, k->mv_data, 8, &st) ==
			      HD_E_NOTFOUND))
		l->out[(*l->n)++] = hd_key_get_u64(k->mv_data);
	return HD_OK;
}

/* The first ≤ max 8-byte keys of dbi that want(value) accepts. */
static int keys(hd_txn *t, MDB_dbi dbi, bool (*want)(const MDB_val *v),
		uint64_t *out, size_t max, size_t *n)
{
	*n = 0;
	key_list l = {.want = want, .out = out, .max = max, .n = n};
	return hd_txn_foreach(t, dbi, NULL, 0, key_one, &l);
}

/* Views stored before their index existed get one (an upgrade): every
 * view is looked at, up to MAX_PENDING adopted a tick; once a pass finds
 * none left, later ticks skip it (a view saved since has its state). */
static int adopt(routing *r, hd_txn *t)
{
	if (r->vidx_adopted)
		return HD_OK;
	uint64_t ids[MAX_PENDING];
	size_t n = 0;
	key_list l = {.t = t,
		      .absent_in = r->vstate,
		      .out = ids,
		      .max = MAX_PENDING,
		      .n = &n};
	int rc = hd_txn_foreach(t, r->views, NULL, 0, key_one, &l);
	for (size_t i = 0; i < n && rc == HD_OK; i++) {
		Hd__View *view = NULL;
		rc = hd_txn_get_pb_id(t, r->views, ids[i],
				      &hd__view__descriptor, (void **)&view);
		if (!rc)
			rc = routing_vidx_reset(r, t, ids[i], NULL, view);
		hd__view__free_unpacked(view, NULL);
	}
	if (rc == HD_OK && n == 0)
		r->vidx_adopted = true;
	return rc;
}

/* The first entry of dbi under the 8-byte prefix pk, copied to key/val. */
static int first_under(hd_txn *t, MDB_dbi dbi, const uint8_t pk[8],
		       uint8_t *key, size_t *klen, uint8_t *val, size_t *vlen,
		       size_t vmax)
{
	MDB_val kv[2];
	int rc = hd_txn_first(t, dbi, pk, 8, NULL, 0, false, &kv[0], &kv[1]);
	if (!rc && kv[0].mv_size > 512)
		rc = HD_E_NOTFOUND;
	if (!rc && kv[1].mv_size > vmax)
		rc = HD_E_CORRUPT;
	if (!rc) {
		memcpy(key, kv[0].mv_data, kv[0].mv_size);
		*klen = kv[0].mv_size;
		memcpy(val, kv[1].mv_data, kv[1].mv_size);
		*vlen = kv[1].mv_size;
	}
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

typedef struct build_arg {
	routing *r;
	hd_txn *t;
	const Hd__View *v;
	Hd__ViewIndexState *s;
	unsigned *budget;
	bool more; /* stopped with tickets left */
} build_arg;

static int build_one(void *arg, const MDB_val *k, const MDB_val *val)
{
	build_arg *b = arg;
	if (!*b->budget) {
		b->more = true;
		return HD_STOP;
	}
	(*b->budget)--;
	int rc = HD_OK;
	Hd__Ticket *tk = hd__ticket__unpack(NULL, val->mv_size, val->mv_data);
	if (tk)
		rc = routing_vidx_update(b->r, b->t, b->s->slot, b->v, tk);
	hd__ticket__free_unpacked(tk, NULL);
	if (k->mv_size == 8)
		b->s->cursor = hd_key_get_u64(k->mv_data);
	return rc;
}

/* Add up to *budget tickets after s->cursor to s->slot. */
static int build_some(routing *r, hd_txn *t, const Hd__View *v,
		      Hd__ViewIndexState *s, unsigned *budget)
{
	uint8_t from[8];
	hd_key_u64(from, s->cursor + 1);
	build_arg b = {r, t, v, s, budget, false};
	int rc = s->cursor == UINT64_MAX
			 ? HD_OK
			 : hd_txn_foreach_from(t, r->tickets, NULL, 0, from, 8,
					       false, build_one, &b);
	if (!rc && !b.more)
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
	unsigned budget = r->vidx_batch ? r->vidx_batch : DEFAULT_BATCH;
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
