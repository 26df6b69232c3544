/* Sorted sets of ticket ids read from postings, and the set algebra a query
 * is evaluated with (search_plan.c). A posting list is a run of LMDB keys
 * prefix ‖ id (u64 BE) [‖ more]; intersecting a set with one leapfrogs:
 * the cursor steps with MDB_NEXT while the next wanted id is near and
 * seeks with MDB_SET_RANGE past a gap, so a small set against a huge list
 * costs a few seeks per id, never the list's length. */
#include "search_sets.h"

#include "hd/err.h"
#include "hd/store_iter.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

#define NEAR_STEPS 8 /* MDB_NEXT tries before a seek */

int idset_push(idset *s, uint64_t id, double score)
{
	if (intake_vec_room(&s->v, &s->cap, s->n, sizeof *s->v, 256))
		return HD_E_NOMEM;
	s->v[s->n++] = (idhit){id, score};
	return HD_OK;
}

void idset_release(idset *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int hit_cmp(const void *a, const void *b)
{
	const idhit *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->score < y->score) - (x->score > y->score); /* best first */
}

void idset_normalize(idset *s)
{
	size_t u = 0;
	int sorted = 1;
	for (size_t i = 1; i < s->n && sorted; i++)
		sorted = s->v[i - 1].id <= s->v[i].id;
	if (!sorted)
		qsort(s->v, s->n, sizeof *s->v, hit_cmp);
	for (size_t i = 0; i < s->n; i++) {
		if (u && s->v[i].id == s->v[u - 1].id) {
			if (s->v[i].score > s->v[u - 1].score)
				s->v[u - 1].score = s->v[i].score;
			continue;
		}
		s->v[u++] = s->v[i];
	}
	s->n = u;
}

/* Is the cursor's key prefix ‖ id…? Its id, or 0 when it left the list. */
static int key_id(const MDB_val *k, const uint8_t *pre, size_t pn, size_t tail,
		  uint64_t *id)
{
	if (k->mv_size != pn + 8 + tail || memcmp(k->mv_data, pre, pn) != 0)
		return 0;
	*id = hd_key_get_u64((const uint8_t *)k->mv_data + pn);
	return 1;
}

typedef struct id_walk {
	const uint8_t *pre;
	size_t pn, tail;
	idset *out;
} id_walk;

static int id_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	id_walk *w = arg;
	uint64_t id;
	if (!key_id(k, w->pre, w->pn, w->tail, &id))
		return HD_STOP;
	return idset_push(w->out, id, 0);
}

int idset_read(hd_txn *t, MDB_dbi dbi, const uint8_t *pre, size_t pn,
	       size_t tail, idset *out)
{
	id_walk w = {pre, pn, tail, out};
	return hd_txn_foreach(t, dbi, pre, pn, id_one, &w);
}

/* Position cur at the first key of the list ≥ prefix ‖ want; *id its id,
 * 0 when none. */
static int seek(MDB_cursor *cur, const uint8_t *pre, size_t pn, size_t tail,
		uint64_t want, uint64_t *have, int *valid)
{
	uint8_t key[SETS_KEY_MAX];
	MDB_val k, v;
	int mrc;
	for (int i = 0; *valid && *have < want && i < NEAR_STEPS; i++) {
		/* raw cursor: a merge join steps a few keys, then seeks */
		mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
		if (mrc == MDB_NOTFOUND ||
		    (mrc == 0 && !key_id(&k, pre, pn, tail, have)))
			*valid = 0;
		else if (mrc)
			return HD_E_IO;
	}
	if (!*valid || *have >= want)
		return HD_OK;
	memcpy(key, pre, pn);
	hd_key_u64(key + pn, want);
	k = (MDB_val){pn + 8, key};
	/* raw cursor: a merge join steps a few keys, then seeks */
	mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (mrc == MDB_NOTFOUND ||
	    (mrc == 0 && !key_id(&k, pre, pn, tail, have)))
		*valid = 0;
	else if (mrc)
		return HD_E_IO;
	return HD_OK;
}

int idset_filter(hd_txn *t, MDB_dbi dbi, const uint8_t *pre, size_t pn,
		 size_t tail, int keep_present, idset *s)
{
	MDB_cursor *cur = NULL;
	if (pn + 8 > SETS_KEY_MAX || mdb_cursor_open(t->txn, dbi, &cur))
		return HD_E_IO;
	uint8_t key[SETS_KEY_MAX];
	MDB_val k = {pn + 8, key}, v;
	uint64_t have = 0;
	int valid = 1, rc = HD_OK;
	size_t kept = 0;
	if (s->n) {
		memcpy(key, pre, pn);
		hd_key_u64(key + pn, s->v[0].id);
		/* raw cursor: a merge join steps a few keys, then seeks */
		int mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (mrc == MDB_NOTFOUND ||
		    (mrc == 0 && !key_id(&k, pre, pn, tail, &have)))
			valid = 0;
		else if (mrc)
			rc = HD_E_IO;
	}
	for (size_t i = 0; i < s->n && !rc; i++) {
		if (valid && have < s->v[i].id)
			rc = seek(cur, pre, pn, tail, s->v[i].id, &have,
				  &valid);
		int present = valid && have == s->v[i].id;
		if (present == keep_present)
			s->v[kept++] = s->v[i];
	}
	mdb_cursor_close(cur);
	if (!rc)
		s->n = kept;
	return rc;
}

void idset_and(idset *a, const idset *b)
{
	size_t i = 0, j = 0, kept = 0;
	while (i < a->n && j < b->n) {
		if (a->v[i].id < b->v[j].id)
			i++;
		else if (a->v[i].id > b->v[j].id)
			j++;
		else {
			a->v[kept] = a->v[i++];
			a->v[kept++].score += b->v[j++].score;
		}
	}
	a->n = kept;
}

void idset_not(idset *a, const idset *b)
{
	size_t i = 0, j = 0, kept = 0;
	while (i < a->n) {
		while (j < b->n && b->v[j].id < a->v[i].id)
			j++;
		if (j == b->n || b->v[j].id != a->v[i].id)
			a->v[kept++] = a->v[i];
		i++;
	}
	a->n = kept;
}

int idset_or(idset *a, const idset *b)
{
	idset m = {0};
	size_t i = 0, j = 0;
	int rc = HD_OK;
	while (!rc && (i < a->n || j < b->n)) {
		if (j == b->n || (i < a->n && a->v[i].id < b->v[j].id))
			rc = idset_push(&m, a->v[i].id, a->v[i].score), i++;
		else if (i == a->n || b->v[j].id < a->v[i].id)
			rc = idset_push(&m, b->v[j].id, b->v[j].score), j++;
		else {
			double s = a->v[i].score > b->v[j].score
					   ? a->v[i].score
					   : b->v[j].score;
			rc = idset_push(&m, a->v[i].id, s);
			i++, j++;
		}
	}
	if (rc) {
		idset_release(&m);
		return rc;
	}
	idset_release(a);
	*a = m;
	return HD_OK;
}
