/* Materialized views: keys, membership updates and page reads (see
 * views_index.h for the layout). */
#include "views_index.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

#define SUBJECT_KEY 400 /* bytes of subject in a key (LMDB keys ≤ 511) */
#define KEY_MAX     (16 + SUBJECT_KEY + 1 + 8)

const char *const routing_vidx_dbs[] = {"view_idx", "view_mem", "view_count",
					"view_state", NULL};

int routing_vidx_bind(routing *r)
{
	const hd_dbi_ref dbs[] = {{"view_idx", &r->vidx},
				  {"view_mem", &r->vmem},
				  {"view_count", &r->vcount},
				  {"view_state", &r->vstate},
				  {NULL, NULL}};
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

/* tk's key in v's index; returns its length. */
static size_t index_key(uint8_t *k, const Hd__View *v, const Hd__Ticket *tk)
{
	enum sort_field s = sort_of(v->sort_by);
	hd_key_u64(k, v->id);
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

int routing_vidx_update(routing *r, hd_txn *t, const Hd__View *v,
			const Hd__Ticket *tk)
{
	uint8_t mk[16], nk[KEY_MAX], ok[KEY_MAX];
	size_t nlen = 0, olen = 0;
	MDB_val val;
	hd_key_u64(mk, v->id);
	hd_key_u64(mk + 8, tk->id);
	hd_principal who = {0};
	who.user_id = part_value(part_of(v), tk);
	if (routing_view_match(v, tk, &who))
		nlen = index_key(nk, v, tk);
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

int routing_vidx_state(hd_txn *t, routing *r, uint64_t view, vidx_state *s)
{
	uint8_t k[8];
	MDB_val val;
	hd_key_u64(k, view);
	int rc = hd_txn_get(t, r->vstate, k, 8, &val);
	if (rc)
		return rc;
	if (val.mv_size != 9)
		return HD_E_CORRUPT;
	s->phase = ((const uint8_t *)val.mv_data)[0];
	s->cursor = hd_key_get_u64((const uint8_t *)val.mv_data + 1);
	return HD_OK;
}

int routing_vidx_put_state(hd_txn *t, routing *r, uint64_t view,
			   const vidx_state *s)
{
	uint8_t k[8], v[9];
	hd_key_u64(k, view);
	v[0] = s->phase;
	hd_key_u64(v + 1, s->cursor);
	return hd_txn_put(t, r->vstate, k, 8, v, 9);
}

int routing_vidx_reset(routing *r, hd_txn *t, uint64_t view, bool deleted)
{
	vidx_state s = {deleted ? VIDX_GONE : VIDX_CLEARING, 0};
	return routing_vidx_put_state(t, r, view, &s);
}

/* Should a change to ticket id reach v's index now? */
static bool maintained(hd_txn *t, routing *r, const Hd__View *v, uint64_t id)
{
	vidx_state s;
	if (!routing_vidx_indexable(v) ||
	    routing_vidx_state(t, r, v->id, &s) != HD_OK)
		return false;
	return s.phase == VIDX_READY ||
	       (s.phase == VIDX_BUILDING && id <= s.cursor);
}

int routing_vidx_ticket(routing *r, hd_txn *t, const Hd__Envelope *ev,
			const Hd__Ticket *before, const Hd__Ticket *after)
{
	(void)ev;
	(void)before;
	MDB_cursor *cur = NULL;
	MDB_val k, val;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, r->views, &cur));
	for (int op = MDB_FIRST;
	     rc == HD_OK && mdb_cursor_get(cur, &k, &val, op) == 0;
	     op = MDB_NEXT) {
		Hd__View *v = hd__view__unpack(NULL, val.mv_size, val.mv_data);
		if (v && maintained(t, r, v, after->id))
			rc = routing_vidx_update(r, t, v, after);
		hd__view__free_unpacked(v, NULL);
	}
	if (cur)
		mdb_cursor_close(cur);
	return rc;
}

static bool in_range(const MDB_val *k, const uint8_t pk[16])
{
	return k->mv_size >= 24 && memcmp(k->mv_data, pk, 16) == 0;
}

/* Position cur on the first (desc: last) key of the range pk. */
static int seek(MDB_cursor *cur, const uint8_t pk[16], bool desc, MDB_val *k)
{
	MDB_val v;
	uint8_t end[16];
	*k = (MDB_val){16, (void *)pk};
	if (!desc)
		return mdb_cursor_get(cur, k, &v, MDB_SET_RANGE);
	/* The range's last key is just before the next part's first. */
	memcpy(end, pk, 16);
	hd_key_u64(end + 8, hd_key_get_u64(pk + 8) + 1);
	if (hd_key_get_u64(pk + 8) == UINT64_MAX)
		hd_key_u64(end, hd_key_get_u64(pk) + 1);
	*k = (MDB_val){16, end};
	int rc = mdb_cursor_get(cur, k, &v, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND)
		return mdb_cursor_get(cur, k, &v, MDB_LAST);
	return rc ? rc : mdb_cursor_get(cur, k, &v, MDB_PREV);
}

static int read_ids(hd_txn *t, routing *r, const uint8_t pk[16], bool desc,
		    uint64_t offset, uint32_t limit, uint64_t **ids, size_t *n)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc = hd_err_from_mdb(mdb_cursor_open(t->txn, r->vidx, &cur));
	if (rc)
		return rc;
	*ids = limit ? calloc(limit, sizeof **ids) : NULL;
	if (limit && !*ids)
		rc = HD_E_NOMEM;
	int mrc = rc ? MDB_NOTFOUND : seek(cur, pk, desc, &k);
	for (uint64_t i = 0; !mrc && in_range(&k, pk) && *n < limit; i++) {
		if (i >= offset)
			(*ids)[(*n)++] = hd_key_get_u64(
				(const uint8_t *)k.mv_data + k.mv_size - 8);
		mrc = mdb_cursor_get(cur, &k, &v, desc ? MDB_PREV : MDB_NEXT);
	}
	mdb_cursor_close(cur);
	return rc;
}

bool routing_vidx_building(hd_txn *t, routing *r, const Hd__View *v)
{
	vidx_state s;
	return routing_vidx_indexable(v) &&
	       (routing_vidx_state(t, r, v->id, &s) != HD_OK ||
		s.phase != VIDX_READY);
}

int routing_vidx_page(routing *r, hd_txn *t, const Hd__View *v,
		      const hd_principal *who, const char *sort_by, bool desc,
		      uint64_t offset, uint32_t limit, bool *used,
		      uint64_t *count, uint64_t **ids, size_t *n)
{
	vidx_state s;
	*used = false;
	*n = 0;
	*ids = NULL;
	/* A count does not depend on the order. */
	if (!routing_vidx_indexable(v) ||
	    (limit && sort_of(sort_by) != sort_of(v->sort_by)) ||
	    routing_vidx_state(t, r, v->id, &s) != HD_OK ||
	    s.phase != VIDX_READY)
		return HD_OK;
	uint8_t pk[16];
	MDB_val val;
	hd_key_u64(pk, v->id);
	hd_key_u64(pk + 8, part_of(v) != P_NONE ? who->user_id : 0);
	int rc = hd_txn_get(t, r->vcount, pk, 16, &val);
	*count = 0;
	if (rc == HD_OK && val.mv_size == 8)
		*count = hd_key_get_u64(val.mv_data);
	else if (rc != HD_E_NOTFOUND)
		return rc ? rc : HD_E_CORRUPT;
	*used = true;
	if (!limit || offset >= *count)
		return HD_OK;
	return read_ids(t, r, pk, desc, offset, limit, ids, n);
}
