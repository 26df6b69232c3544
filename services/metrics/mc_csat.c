/* Satisfaction ratings (API.md §10) as metrics records them from intake's
 * ticket events (intake stores the rating on the ticket), their score
 * filters, and CSAT aggregates per agent or group over a period. */
#include "mc.h"

#include "hd/err.h"
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

int mc_rating_apply(hd_txn *t, const Hd__Ticket *tk, Hd__McTicket *m,
		    int64_t at)
{
	if (!strcmp(tk->satisfaction_score, m->satisfaction_score) &&
	    !strcmp(tk->satisfaction_comment, m->satisfaction_comment) &&
	    tk->satisfaction_reason_code == m->satisfaction_reason_code)
		return HD_OK;
	uint8_t k[8];
	hd_key_u64(k, tk->id);
	Hd__McRating *r = NULL;
	int rc = hd_txn_get_pb(t, mc.ratings, k, 8, &hd__mc_rating__descriptor,
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
		hd_txn_del(t, mc.ratings, k, 8); /* the rating was taken back */
	} else if (!rc) {
		copy_people(r, tk);
		r->updated_at = at;
		r->reason_code = tk->satisfaction_reason_code;
		rc = hd_pb_set_string(&r->score, tk->satisfaction_score);
		if (!rc)
			rc = hd_pb_set_string(&r->comment,
					      tk->satisfaction_comment);
		if (!rc)
			hd_txn_put_pb(t, mc.ratings, k, 8, r);
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

/* Zendesk's reason texts by reason_code. */
static const char *reason_text(uint32_t code)
{
	switch (code) {
	case 5:
		return "The issue took too long to resolve";
	case 6:
		return "The issue was not resolved";
	case 7:
		return "The agent's knowledge is unsatisfactory";
	case 8:
		return "The agent's attitude was unsatisfactory";
	case 100:
		return "Some other reason";
	default:
		return "No reason provided";
	}
}

json_t *mc_rating_json(const Hd__McRating *r)
{
	json_t *o = json_pack(
		"{s:I, s:I, s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)r->id,
		"ticket_id", (json_int_t)r->ticket_id, "requester_id",
		(json_int_t)r->requester_id, "score", r->score, "comment",
		r->comment[0] ? json_string(r->comment) : json_null(),
		"created_at", hd_time_json(r->created_at), "updated_at",
		hd_time_json(r->updated_at));
	json_object_set_new(o, "assignee_id",
			    r->assignee_id
				    ? json_integer((json_int_t)r->assignee_id)
				    : json_null());
	json_object_set_new(o, "group_id",
			    r->group_id ? json_integer((json_int_t)r->group_id)
					: json_null());
	json_object_set_new(o, "reason_code",
			    json_integer((json_int_t)r->reason_code));
	json_object_set_new(o, "reason",
			    json_string(reason_text(r->reason_code)));
	return o;
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

static void count_into(json_t *groups, const char *key_name, uint64_t id,
		       bool good)
{
	char k[24];
	snprintf(k, sizeof k, "%020" PRIu64, id); /* sorted by id */
	json_t *row = json_object_get(groups, k);
	if (!row) {
		row = json_pack("{s:o, s:I, s:I}", key_name,
				id ? json_integer((json_int_t)id) : json_null(),
				"good", (json_int_t)0, "bad", (json_int_t)0);
		json_object_set_new(groups, k, row);
	}
	const char *f = good ? "good" : "bad";
	json_object_set_new(
		row, f,
		json_integer(json_integer_value(json_object_get(row, f)) + 1));
}

static void finish_row(json_t *row)
{
	json_int_t g = json_integer_value(json_object_get(row, "good"));
	json_int_t b = json_integer_value(json_object_get(row, "bad"));
	json_object_set_new(row, "rated", json_integer(g + b));
	json_object_set_new(
		row, "satisfaction_percent",
		g + b ? json_real(100.0 * (double)g / (double)(g + b))
		      : json_null());
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The rows of groups in key (= id) order: jansson iterates objects in
 * insertion order. */
static json_t *sorted_rows(json_t *groups)
{
	size_t n = json_object_size(groups), i = 0;
	const char **keys = calloc(n ? n : 1, sizeof *keys);
	json_t *rows = json_array(), *row;
	const char *key;
	json_object_foreach(groups, key, row) if (keys) keys[i++] = key;
	if (keys)
		qsort(keys, n, sizeof *keys, by_key);
	for (i = 0; keys && i < n; i++) {
		row = json_object_get(groups, keys[i]);
		finish_row(row);
		json_array_append(rows, row);
	}
	free(keys);
	return rows;
}

typedef struct csat_count {
	bool by_agent;
	const char *key_name;
	int64_t start_ms, end_ms;
	json_t *groups, *total;
} csat_count;

static int csat_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	csat_count *c = arg;
	Hd__McRating *r = hd__mc_rating__unpack(NULL, v->mv_size, v->mv_data);
	bool good = r && !strcmp(r->score, "good");
	bool in = r && (good || !strcmp(r->score, "bad")) &&
		  r->updated_at >= c->start_ms &&
		  (!c->end_ms || r->updated_at < c->end_ms);
	if (in) {
		count_into(c->groups, c->key_name,
			   c->by_agent ? r->assignee_id : r->group_id, good);
		const char *f = good ? "good" : "bad";
		json_object_set_new(
			c->total, f,
			json_integer(json_integer_value(
					     json_object_get(c->total, f)) +
				     1));
	}
	hd__mc_rating__free_unpacked(r, NULL);
	return HD_OK;
}

int mc_csat_aggregate(hd_txn *t, const char *group_by, int64_t start_ms,
		      int64_t end_ms, json_t **out)
{
	bool by_agent = !strcmp(group_by, "agent");
	if (!by_agent && strcmp(group_by, "group") != 0)
		return HD_E_INVALID;
	const char *key_name = by_agent ? "agent_id" : "group_id";
	json_t *groups = json_object(),
	       *total = json_pack("{s:I, s:I}", "good", (json_int_t)0, "bad",
				  (json_int_t)0);
	csat_count c = {by_agent, key_name, start_ms, end_ms, groups, total};
	int rc = hd_txn_foreach(t, mc.ratings, NULL, 0, csat_one, &c);
	if (rc) {
		json_decref(groups);
		json_decref(total);
		return rc;
	}
	json_t *rows = sorted_rows(groups);
	finish_row(total);
	json_decref(groups);
	*out = json_pack("{s:o, s:o}", "csat", rows, "total", total);
	return *out ? HD_OK : HD_E_NOMEM;
}
