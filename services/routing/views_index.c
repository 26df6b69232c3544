/* Materialized views: keys, membership updates and page reads (see
 * views_index.h for the layout). */
#include "views_index.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define SUBJECT_KEY 400 /* bytes of subject in a key (LMDB keys ≤ 511) */
#define KEY_MAX     (16 + SUBJECT_KEY + 1 + 8)

const char *const routing_vidx_dbs[] = {"view_index",  "view_members",
					"view_counts", "view_states",
					"view_drops",  NULL};

int routing_vidx_bind(routing *r)
{
	const hd_dbi_ref dbs[] = {
		{"view_index", &r->vidx},    {"view_members", &r->vmem},
		{"view_counts", &r->vcount}, {"view_states", &r->vstate},
		{"view_drops", &r->vdrop},   {NULL, NULL}};
	return hd_store_dbis(r->store, dbs);
}

enum sort_field { S_CREATED, S_UPDATED, S_STATUS, S_PRIORITY, S_ID, S_SUBJ };
enum part_field { P_NONE, P_ASSIGNEE, P_REQUESTER };

/* The same mapping as the scan's comparison (views_exec.c). */
static enum sort_field sort_of(const char *by)
{
	if (!strcmp(by, "updated_at") || !strcmp(by, "updated"))
		return S_UPDATED;
	if (!strcmp(by, "status"))
		return S_STATUS;
	if (!strcmp(by, "priority"))
		return S_PRIORITY;
	if (!strcmp(by, "subject"))
		return S_SUBJ;
	if (!strcmp(by, "id") || !strcmp(by, "nice_id"))
		return S_ID;
	return S_CREATED;
}

static bool current_user(const Hd__ViewCondition *c)
{
	return strcmp(c->value, "current_user") == 0;
}

static enum part_field part_of(const Hd__View *v)
{
	for (size_t i = 0; i < v->n_all; i++) {
		const Hd__ViewCondition *c = v->all[i];
		if (!current_user(c) || strcmp(c->operator_, "is") != 0)
			continue;
		if (!strcmp(c->field, "assignee_id"))
			return P_ASSIGNEE;
		if (!strcmp(c->field, "requester_id"))
			return P_REQUESTER;
	}
	return P_NONE;
}

bool routing_vidx_indexable(const Hd__View *v)
{
	if (part_of(v) != P_NONE)
		return true;
	for (size_t i = 0; i < v->n_all + v->n_any; i++)
		if (current_user(i < v->n_all ? v->all[i]
					      : v->any[i - v->n_all]))
			return false;
	return true;
}

static uint64_t part_value(enum part_field p, const Hd__Ticket *tk)
{
	return p == P_ASSIGNEE    ? tk->assignee_id
	       : p == P_REQUESTER ? tk->requester_id
				  : 0;
}

static void put_i64(uint8_t *out, int64_t v)
{
	hd_key_u64(out, (uint64_t)v ^ (UINT64_C(1) << 63));
}

static int64_t sort_value(enum sort_field s, const Hd__Ticket *tk)
{
	switch (s) {
	case S_UPDATED:
		return tk->updated_at;
	case S_STATUS:
		return routing_status_rank(tk->status);
	case S_PRIORITY:
		return routing_priority_rank(tk->priority);
	case S_ID:
		return 0;
	default:
		return tk->created_at;
	}
}

/* tk's key in slot (kept for v); returns its length. */
static size_t index_key(uint8_t *k, uint64_t slot, const Hd__View *v,
			const Hd__Ticket *tk)
{
	enum sort_field s = sort_of(v->sort_by);
	hd_key_u64(k, slot);
	hd_key_u64(k + 8, part_value(part_of(v), tk));
	size_t n = 16;
	if (s == S_SUBJ) {
		size_t len = strnlen(tk->subject, SUBJECT_KEY);
		memcpy(k + n, tk->subject, len);
		k[n + len] = 0;
		n += len + 1;
	} else {
		put_i64(k + n, sort_value(s, tk));
		n += 8;
	}
	hd_key_u64(k + n, tk->id);
	return n + 8;
}

static int count_add(hd_txn *t, routing *r, const uint8_t pk[16], int delta)
{
	MDB_val val;
	uint64_t n = 0;
	uint8_t out[8];
	int rc = hd_txn_get(t, r->vcount, pk, 16, &val);
	if (rc == HD_OK && val.mv_size == 8)
		n = hd_key_get_u64(val.mv_data);
	else if (rc != HD_E_NOTFOUND && rc != HD_OK)
		return rc;
	n = delta < 0 ? (n ? n - 1 : 0) : n + 1;
	if (n == 0) {
		rc = hd_txn_del(t, r->vcount, pk, 16);
		return rc == HD_E_NOTFOUND ? HD_OK : rc;
	}
	hd_key_u64(out, n);
	return hd_txn_put(t, r->vcount, pk, 16, out, 8);
}

int routing_vidx_update(routing *r, hd_txn *t, uint64_t slot, const Hd__View *v,
			const Hd__Ticket *tk)
{
	uint8_t mk[16], nk[KEY_MAX], ok[KEY_MAX];
	size_t nlen = 0, olen = 0;
	MDB_val val;
	hd_key_u64(mk, slot);
	hd_key_u64(mk + 8, tk->id);
	hd_principal who = {0};
	who.user_id = part_value(part_of(v), tk);
	if (routing_view_match(v, tk, &who))
		nlen = index_key(nk, slot, v, tk);
	int rc = hd_txn_get(t, r->vmem, mk, 16, &val);
	if (rc == HD_OK && val.mv_size >= 24 && val.mv_size <= KEY_MAX) {
		olen = val.mv_size;
		memcpy(ok, val.mv_data, olen);
	} else if (rc != HD_OK && rc != HD_E_NOTFOUND) {
		return rc;
	}
	if (olen == nlen && (!olen || !memcmp(ok, nk, olen)))
		return HD_OK;
	rc = HD_OK;
	if (olen) {
		rc = hd_txn_del(t, r->vidx, ok, olen);
		if (rc == HD_E_NOTFOUND)
			rc = HD_OK;
		if (!rc)
			rc = count_add(t, r, ok, -1);
		if (!rc && !nlen)
			rc = hd_txn_del(t, r->vmem, mk, 16);
	}
	if (!rc && nlen) {
		rc = hd_txn_put(t, r->vidx, nk, nlen, "", 0);
		if (!rc)
			rc = hd_txn_put(t, r->vmem, mk, 16, nk, nlen);
		if (!rc)
			rc = count_add(t, r, nk, +1);
	}
	return rc;
}

int routing_vidx_state(hd_txn *t, routing *r, uint64_t id,
		       Hd__ViewIndexState **s)
{
	return hd_txn_get_pb_id(t, r->vstate, id,
				&hd__view_index_state__descriptor, (void **)s);
}

int routing_vidx_put_state(hd_txn *t, routing *r, uint64_t id,
			   const Hd__ViewIndexState *s)
{
	return hd_txn_put_pb_id(t, r->vstate, id, s);
}

int routing_vidx_drop(hd_txn *t, routing *r, uint64_t slot)
{
	uint8_t k[8];
	hd_key_u64(k, slot);
	return slot ? hd_txn_put(t, r->vdrop, k, 8, "", 0) : HD_OK;
}

int routing_vidx_reset(routing *r, hd_txn *t, uint64_t id, const Hd__View *old,
		       const Hd__View *v)
{
	Hd__ViewIndexState *s = NULL;
	int rc = routing_vidx_state(t, r, id, &s);
	if (rc == HD_E_NOTFOUND || rc == HD_E_CORRUPT)
		rc = HD_OK; /* nothing kept (or unreadable: start over) */
	if (rc)
		return rc;
	Hd__ViewIndexState next = HD__VIEW_INDEX_STATE__INIT;
	if (s && s->phase == VIDX_READY && old && v &&
	    routing_vidx_indexable(old)) {
		next.live_slot = s->slot; /* reads use it until v is built */
		next.live = (Hd__View *)old;
	} else if (s && s->phase == VIDX_BUILDING && v && s->live_slot) {
		next.live_slot = s->live_slot;
		next.live = s->live;
	} else if (s) {
		rc = routing_vidx_drop(t, r, s->live_slot);
	}
	if (s && !rc)
		rc = routing_vidx_drop(t, r, s->slot);
	if (!rc && v) {
		next.phase = VIDX_BUILDING;
		rc = routing_next_id(t, r, "next_view_slot", &next.slot);
		if (!rc)
			rc = routing_vidx_put_state(t, r, id, &next);
	} else if (!rc) {
		uint8_t k[8];
		hd_key_u64(k, id);
		rc = s ? hd_txn_del(t, r->vstate, k, 8) : HD_OK;
	}
	hd__view_index_state__free_unpacked(s, NULL);
	return rc;
}

static int update_view(routing *r, hd_txn *t, const Hd__View *v,
		       const Hd__Ticket *tk)
{
	Hd__ViewIndexState *s = NULL;
	if (!routing_vidx_indexable(v) ||
	    routing_vidx_state(t, r, v->id, &s) != HD_OK)
		return t->rc;
	int rc = HD_OK;
	if (s->phase == VIDX_READY ||
	    (s->phase == VIDX_BUILDING && tk->id <= s->cursor))
		rc = routing_vidx_update(r, t, s->slot, v, tk);
	if (!rc && s->phase == VIDX_BUILDING && s->live_slot && s->live)
		rc = routing_vidx_update(r, t, s->live_slot, s->live, tk);
	hd__view_index_state__free_unpacked(s, NULL);
	return rc;
}

typedef struct view_update {
	routing *r;
	hd_txn *t;
	const Hd__Ticket *after;
} view_update;

static int update_one(void *arg, const MDB_val *k, const MDB_val *val)
{
	view_update *u = arg;
	int rc = HD_OK;
	Hd__View *v = hd__view__unpack(NULL, val->mv_size, val->mv_data);
	if (v)
		rc = update_view(u->r, u->t, v, u->after);
	hd__view__free_unpacked(v, NULL);
	return rc;
}

int routing_vidx_ticket(routing *r, hd_txn *t, const Hd__Envelope *ev,
			const Hd__Ticket *before, const Hd__Ticket *after)
{
	(void)ev;
	(void)before;
	view_update u = {r, t, after};
	return hd_txn_foreach(t, r->views, NULL, 0, update_one, &u);
}

typedef struct id_page {
	uint64_t *ids, offset, i;
	size_t *n, limit;
} id_page;

static int page_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	id_page *p = arg;
	if (k->mv_size < 24 || *p->n >= p->limit)
		return HD_STOP;
	if (p->i++ >= p->offset)
		p->ids[(*p->n)++] = hd_key_get_u64((const uint8_t *)k->mv_data +
						   k->mv_size - 8);
	return HD_OK;
}

static int read_ids(hd_txn *t, routing *r, const uint8_t pk[16], bool desc,
		    uint64_t offset, uint32_t limit, uint64_t **ids, size_t *n)
{
	*ids = limit ? calloc(limit, sizeof **ids) : NULL;
	if (limit && !*ids)
		return HD_E_NOMEM;
	id_page p = {*ids, offset, 0, n, limit};
	return hd_txn_foreach_from(t, r->vidx, pk, 16, NULL, 0, desc, page_one,
				   &p);
}

int routing_vidx_page(routing *r, hd_txn *t, const Hd__View *v,
		      const hd_principal *who, const char *sort_by, bool desc,
		      uint64_t offset, uint32_t limit, bool *used,
		      bool *building, uint64_t *count, uint64_t **ids,
		      size_t *n)
{
	Hd__ViewIndexState *s = NULL;
	*used = false;
	*building = false;
	*n = 0;
	*ids = NULL;
	*count = 0;
	if (!routing_vidx_indexable(v))
		return HD_OK;
	if (routing_vidx_state(t, r, v->id, &s) != HD_OK) {
		*building = true;
		return HD_OK;
	}
	/* The current definition when it is ready, else the previous one. */
	uint64_t slot = s->slot;
	const Hd__View *def = v;
	*building = s->phase != VIDX_READY;
	if (*building) {
		slot = s->live_slot;
		def = s->live;
	}
	/* A count does not depend on the order. */
	int rc = HD_OK;
	if (!slot || !def ||
	    (limit && sort_of(sort_by) != sort_of(def->sort_by)))
		goto out;
	uint8_t pk[16];
	MDB_val val;
	hd_key_u64(pk, slot);
	hd_key_u64(pk + 8, part_of(def) != P_NONE ? who->user_id : 0);
	rc = hd_txn_get(t, r->vcount, pk, 16, &val);
	if (rc == HD_OK && val.mv_size == 8)
		*count = hd_key_get_u64(val.mv_data);
	else if (rc != HD_E_NOTFOUND)
		goto out;
	rc = HD_OK;
	*used = true;
	if (limit && offset < *count)
		rc = read_ids(t, r, pk, desc, offset, limit, ids, n);
out:
	hd__view_index_state__free_unpacked(s, NULL);
	return rc;
}
