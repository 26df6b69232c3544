/* Satisfaction ratings (API.md §10) as metrics records them from intake's
 * ticket events (intake stores the rating on the ticket), their score
 * filters, and CSAT aggregates per agent or group over a period. */
#include "mc.h"

#include "hd/err.h"
#include "hd/store_iter.h"
#include "hd/store_pb.h"
#include "hd/time_iso.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_people(Hd__McRating *r, const Hd__Ticket *tk)
{
	r->ticket_id = tk->id;
	r->requester_id = tk->requester_id;
	r->assignee_id = tk->assignee_id;
	r->group_id = tk->group_id;
}

int mc_rating_apply(hd_txn *t, const mc_db *db, const Hd__Ticket *tk,
		    Hd__McTicket *m, int64_t at)
{
	if (!strcmp(tk->satisfaction_score, m->satisfaction_score) &&
	    !strcmp(tk->satisfaction_comment, m->satisfaction_comment) &&
	    tk->satisfaction_reason_code == m->satisfaction_reason_code)
		return HD_OK;
	uint8_t k[8];
	hd_key_u64(k, tk->id);
	Hd__McRating *r = NULL;
	int rc = hd_txn_get_pb(t, db->ratings, k, 8, &hd__mc_rating__descriptor,
			       (void **)&r);
	if (rc == HD_E_NOTFOUND && tk->satisfaction_score[0]) {
		rc = (r = hd_pb_new(&hd__mc_rating__descriptor)) ? HD_OK
								 : HD_E_NOMEM;
		if (r) {
			r->id = tk->id;
			r->created_at = at;
		}
	}
	if (!rc && !tk->satisfaction_score[0]) {
		hd_txn_del(t, db->ratings, k,
			   8); /* the rating was taken back */
	} else if (!rc) {
		copy_people(r, tk);
		r->updated_at = at;
		r->reason_code = tk->satisfaction_reason_code;
		rc = hd_pb_set_string(&r->score, tk->satisfaction_score);
		if (!rc)
			rc = hd_pb_set_string(&r->comment,
					      tk->satisfaction_comment);
		if (!rc)
			hd_txn_put_pb(t, db->ratings, k, 8, r);
	}
	if (!rc)
		rc = hd_pb_set_string(&m->satisfaction_score,
				      tk->satisfaction_score);
	if (!rc)
		rc = hd_pb_set_string(&m->satisfaction_comment,
				      tk->satisfaction_comment);
	m->satisfaction_reason_code = tk->satisfaction_reason_code;
	hd__mc_rating__free_unpacked(r, NULL);
	return rc == HD_E_NOTFOUND ? HD_OK : rc ? hd_txn_fail(t, rc) : t->rc;
}

/* §10's filters: a score set and whether a comment is required (1),
 * forbidden (-1) or either (0). */
static const struct {
	const char *name, *scores;
	int comment;
} filters[] = {
	{"offered", "offered", 0},
	{"unoffered", "unoffered", 0},
	{"received", "good bad", 0},
	{"received_with_comment", "good bad", 1},
	{"received_without_comment", "good bad", -1},
	{"good", "good", 0},
	{"good_with_comment", "good", 1},
	{"good_without_comment", "good", -1},
	{"bad", "bad", 0},
	{"bad_with_comment", "bad", 1},
	{"bad_without_comment", "bad", -1},
};
#define NFILTERS (sizeof filters / sizeof filters[0])

bool mc_score_filter_ok(const char *f)
{
	for (size_t i = 0; i < NFILTERS; i++)
		if (!strcmp(f, filters[i].name))
			return true;
	return false;
}

static bool word_in(const char *w, const char *list)
{
	size_t n = strlen(w);
	for (const char *p = list; n && (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

bool mc_score_match(const char *f, const Hd__McRating *r)
{
	if (!f || !f[0])
		return true;
	for (size_t i = 0; i < NFILTERS; i++) {
		if (strcmp(f, filters[i].name) != 0)
			continue;
		bool has = r->comment[0] != '\0';
		return word_in(r->score, filters[i].scores) &&
		       (filters[i].comment == 0 ||
			(filters[i].comment > 0) == has);
	}
	return false;
}

/* One counted rating: its agent or group, and whether it was good. */
typedef struct vote {
	uint64_t id;
	bool good;
} vote;

static int by_id(const void *a, const void *b)
{
	const vote *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static Hd__McCsatRow *row_new(uint64_t id)
{
	Hd__McCsatRow *r = malloc(sizeof *r);
	if (r) {
		hd__mc_csat_row__init(r);
		r->id = id;
	}
	return r;
}

/* The votes (sorted by id) as one row per id, and the total. */
static int tally(const vote *v, size_t n, Hd__McAnswer *a)
{
	size_t rows = 0;
	for (size_t i = 0; i < n; i++)
		rows += !i || v[i].id != v[i - 1].id;
	a->csat = calloc(rows ? rows : 1, sizeof *a->csat);
	if (!a->csat || !(a->csat_total = row_new(0)))
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!i || v[i].id != v[i - 1].id) {
			if (!(a->csat[a->n_csat] = row_new(v[i].id)))
				return HD_E_NOMEM;
			a->n_csat++;
		}
		Hd__McCsatRow *r = a->csat[a->n_csat - 1];
		*(v[i].good ? &r->good : &r->bad) += 1;
		*(v[i].good ? &a->csat_total->good : &a->csat_total->bad) += 1;
	}
	return HD_OK;
}

typedef struct votes {
	bool by_agent;
	int64_t start_ms, end_ms;
	vote *v;
	size_t n, cap;
} votes;

/* One rating as a vote when it is good or bad and inside the period; a
 * record that does not decode is skipped, not counted. */
static int add_vote(void *arg, const MDB_val *k, const MDB_val *v)
{
	votes *vs = arg;
	Hd__McRating *r = hd__mc_rating__unpack(NULL, v->mv_size, v->mv_data);
	bool good = r && !strcmp(r->score, "good");
	bool in = r && (good || !strcmp(r->score, "bad")) &&
		  r->updated_at >= vs->start_ms &&
		  (!vs->end_ms || r->updated_at < vs->end_ms);
	int rc = HD_OK;
	if (in && vs->n == vs->cap) {
		size_t nc = vs->cap ? vs->cap * 2 : 64;
		vote *p = realloc(vs->v, nc * sizeof *p);
		if (p) {
			vs->v = p;
			vs->cap = nc;
		} else {
			rc = HD_E_NOMEM;
		}
	}
	if (in && !rc)
		vs->v[vs->n++] = (vote){
			vs->by_agent ? r->assignee_id : r->group_id, good};
	hd__mc_rating__free_unpacked(r, NULL);
	return rc;
}

int mc_csat_aggregate(hd_txn *t, const mc_db *db, const char *group_by,
		      int64_t start_ms, int64_t end_ms, Hd__McAnswer *a)
{
	bool by_agent = !strcmp(group_by, "agent");
	if (!by_agent && strcmp(group_by, "group") != 0)
		return HD_E_INVALID;
	votes vs = {by_agent, start_ms, end_ms, NULL, 0, 0};
	int rc = hd_txn_foreach(t, db->ratings, NULL, 0, add_vote, &vs);
	if (vs.n)
		qsort(vs.v, vs.n, sizeof *vs.v, by_id);
	if (!rc)
		rc = tally(vs.v, vs.n, a);
	free(vs.v);
	return rc;
}
