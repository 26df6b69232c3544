/* The bh.* RPCs: business-hours schedules, their workweek and holidays
 * (API.md §8), and the iCalendar holiday import. Staff read, admins write.
 * Each write is one group-commit job that validates against the stored
 * record, emits the schedule as an event (bh_events.c) and answers in the
 * Zendesk shape. */
#include "sla.h"

#include "hd/err.h"

#include <string.h>

#define MAX_NAME 255
#define MAX_SPAN 366 /* days one holiday may cover */
#define MAX_ICS  ((size_t)1 << 20)

static json_t *schedule_public(const json_t *s)
{
	return json_pack(
		"{s:O, s:O, s:O, s:O, s:o, s:o}", "id",
		json_object_get(s, "id"), "name", json_object_get(s, "name"),
		"time_zone", json_object_get(s, "time_zone"), "intervals",
		json_object_get(s, "intervals"), "created_at",
		sla_time_json(
			json_integer_value(json_object_get(s, "created_at"))),
		"updated_at",
		sla_time_json(
			json_integer_value(json_object_get(s, "updated_at"))));
}

static int name_ok(const json_t *v, hd_rpc_rep *rep, const char *field)
{
	const char *s = json_string_value(v);
	if (!s || !s[0] || strlen(s) > MAX_NAME)
		return sla_invalid(rep, field,
				   "%s must be a non-empty string of at most "
				   "%d bytes",
				   field, MAX_NAME);
	return HD_OK;
}

/* Apply the keys given in in (name, time_zone, intervals) to s. */
static int schedule_merge(json_t *s, const json_t *in, hd_rpc_rep *rep)
{
	json_t *v;
	int rc = HD_OK;
	if ((v = json_object_get(in, "name")) &&
	    !(rc = name_ok(v, rep, "name")))
		json_object_set(s, "name", v);
	if (!rc && (v = json_object_get(in, "time_zone"))) {
		if (!json_is_string(v) ||
		    !hd_bh_zone_name(json_string_value(v)))
			rc = sla_invalid(rep, "time_zone",
					 "time_zone is not a known time zone "
					 "(IANA name, e.g. Asia/Seoul)");
		else
			json_object_set(s, "time_zone", v);
	}
	if (!rc && (v = json_object_get(in, "intervals"))) {
		hd_bizhours b;
		rc = hd_bh_init(&b, "Etc/UTC");
		if (!rc)
			rc = bh_intervals_read(v, &b, rep, "intervals");
		json_t *norm = json_array();
		for (size_t i = 0; !rc && i < b.niv; i++)
			json_array_append_new(
				norm, json_pack("{s:i, s:i}", "start_time",
						b.iv[i].start_min, "end_time",
						b.iv[i].end_min));
		if (!rc)
			json_object_set(s, "intervals", norm);
		json_decref(norm);
		hd_bh_release(&b);
	}
	if (!rc && !json_is_string(json_object_get(s, "name")))
		rc = sla_invalid(rep, "name", "name is required");
	return rc;
}

static int load(sla_job *j, hd_txn *t, json_t **s)
{
	int rc = sla_json_get(t, routing_sla.schedules, j->c->id, s);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(j->rep, rc, NULL, "no such schedule");
	return rc;
}

static int save(sla_job *j, hd_txn *t, json_t *s)
{
	json_object_set_new(s, "updated_at", json_integer(hd_now_ms()));
	j->id = (uint64_t)json_integer_value(json_object_get(s, "id"));
	int rc = sla_json_put(t, routing_sla.schedules, j->id, s);
	return rc ? rc : bh_emit_saved(t, s);
}

static int sched_create(sla_job *j, hd_txn *t)
{
	json_t *root = NULL, *in;
	int rc = sla_body_object(j->c, j->rep, "schedule", &root, &in);
	json_t *s = json_pack("{s:s, s:[], s:[]}", "time_zone", "Asia/Seoul",
			      "intervals", "holidays");
	if (!rc)
		rc = schedule_merge(s, in, j->rep);
	uint64_t id = 0;
	if (!rc)
		rc = routing_next_id(t, j->r, "next_schedule", &id);
	if (!rc) {
		json_object_set_new(s, "id", json_integer((json_int_t)id));
		json_object_set_new(s, "created_at", json_integer(hd_now_ms()));
		rc = save(j, t, s);
	}
	if (!rc)
		j->out = json_pack("{s:o}", "schedule", schedule_public(s));
	json_decref(s);
	json_decref(root);
	return rc;
}

static int sched_update(sla_job *j, hd_txn *t)
{
	json_t *root = NULL, *in, *s = NULL;
	int rc = sla_body_object(j->c, j->rep, "schedule", &root, &in);
	if (!rc)
		rc = load(j, t, &s);
	if (!rc)
		rc = schedule_merge(s, in, j->rep);
	if (!rc)
		rc = save(j, t, s);
	if (!rc)
		j->out = json_pack("{s:o}", "schedule", schedule_public(s));
	json_decref(s);
	json_decref(root);
	return rc;
}

static int sched_delete(sla_job *j, hd_txn *t)
{
	json_t *s = NULL;
	int rc = load(j, t, &s);
	uint8_t key[8];
	hd_key_u64(key, j->c->id);
	if (!rc)
		rc = hd_txn_del(t, routing_sla.schedules, key, 8);
	if (!rc)
		rc = bh_emit_deleted(t, j->c->id);
	json_decref(s);
	return rc;
}

static int workweek(sla_job *j, hd_txn *t)
{
	json_t *root = NULL, *in, *s = NULL;
	int rc = sla_body_object(j->c, j->rep, "workweek", &root, &in);
	if (!rc && !json_object_get(in, "intervals"))
		rc = sla_invalid(j->rep, "intervals", "intervals is required");
	if (!rc)
		rc = load(j, t, &s);
	if (!rc) {
		json_t *only = json_pack("{s:O}", "intervals",
					 json_object_get(in, "intervals"));
		rc = schedule_merge(s, only, j->rep);
		json_decref(only);
	}
	if (!rc)
		rc = save(j, t, s);
	if (!rc)
		j->out = json_pack("{s:{s:O}}", "workweek", "intervals",
				   json_object_get(s, "intervals"));
	json_decref(s);
	json_decref(root);
	return rc;
}

/* A holiday {name,start_date,end_date}, checked; field names the key. */
static int holiday_check(const json_t *h, hd_rpc_rep *rep)
{
	int32_t a, b;
	int rc = name_ok(json_object_get(h, "name"), rep, "name");
	if (!rc &&
	    hd_bh_parse_date(
		    json_string_value(json_object_get(h, "start_date")), &a))
		rc = sla_invalid(rep, "start_date",
				 "start_date must be a date YYYY-MM-DD");
	if (!rc &&
	    hd_bh_parse_date(json_string_value(json_object_get(h, "end_date")),
			     &b))
		rc = sla_invalid(rep, "end_date",
				 "end_date must be a date YYYY-MM-DD");
	if (!rc && (b < a || b - a >= MAX_SPAN))
		rc = sla_invalid(rep, "end_date",
				 "end_date must be on or after start_date, "
				 "within %d days",
				 MAX_SPAN);
	return rc;
}

static json_t *holiday_public(const json_t *h)
{
	return json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(h, "id"),
			 "name", json_object_get(h, "name"), "start_date",
			 json_object_get(h, "start_date"), "end_date",
			 json_object_get(h, "end_date"));
}

/* Append h (checked) to s's holidays with a new id; 422 when full. */
static int holiday_add(sla_job *j, hd_txn *t, json_t *s, const json_t *h,
		       json_t **added)
{
	json_t *list = json_object_get(s, "holidays");
	if (json_array_size(list) >= HD_BH_MAX_HOLIDAY)
		return sla_invalid(j->rep, "holidays",
				   "a schedule has at most %d holidays",
				   HD_BH_MAX_HOLIDAY);
	uint64_t id = 0;
	int rc = routing_next_id(t, j->r, "next_holiday", &id);
	if (rc)
		return rc;
	*added = json_pack("{s:I, s:O, s:O, s:O}", "id", (json_int_t)id, "name",
			   json_object_get(h, "name"), "start_date",
			   json_object_get(h, "start_date"), "end_date",
			   json_object_get(h, "end_date"));
	return json_array_append(list, *added) ? HD_E_NOMEM : HD_OK;
}

/* The index of holiday j->c->sub in schedule s into *at; 404 "no such
 * holiday" when s has none with that id. */
static int find_holiday(sla_job *j, const json_t *s, size_t *at)
{
	json_t *list = json_object_get(s, "holidays"), *h;
	size_t i;
	json_array_foreach(list, i, h)
	{
		if ((uint64_t)json_integer_value(json_object_get(h, "id")) ==
		    j->c->sub) {
			*at = i;
			return HD_OK;
		}
	}
	return hd_rpc_fail(j->rep, HD_E_NOTFOUND, NULL, "no such holiday");
}

static int hol_create(sla_job *j, hd_txn *t)
{
	json_t *root = NULL, *in, *s = NULL, *added = NULL;
	int rc = sla_body_object(j->c, j->rep, "holiday", &root, &in);
	if (!rc)
		rc = holiday_check(in, j->rep);
	if (!rc)
		rc = load(j, t, &s);
	if (!rc)
		rc = holiday_add(j, t, s, in, &added);
	if (!rc)
		rc = save(j, t, s);
	if (!rc) {
		j->id = (uint64_t)json_integer_value(
			json_object_get(added, "id"));
		j->out = json_pack("{s:o}", "holiday", holiday_public(added));
	}
	json_decref(added);
	json_decref(s);
	json_decref(root);
	return rc;
}

static int hol_update(sla_job *j, hd_txn *t)
{
	json_t *root = NULL, *in, *s = NULL;
	int rc = sla_body_object(j->c, j->rep, "holiday", &root, &in);
	if (!rc)
		rc = load(j, t, &s);
	size_t i = 0;
	if (!rc)
		rc = find_holiday(j, s, &i);
	json_t *h = rc ? NULL
		       : json_deep_copy(json_array_get(
				 json_object_get(s, "holidays"), i));
	static const char *const keys[] = {"name", "start_date", "end_date"};
	for (size_t k = 0; !rc && k < 3; k++)
		if (json_object_get(in, keys[k]))
			json_object_set(h, keys[k],
					json_object_get(in, keys[k]));
	if (!rc)
		rc = holiday_check(h, j->rep);
	if (!rc) {
		json_array_set(json_object_get(s, "holidays"), i, h);
		rc = save(j, t, s);
	}
	if (!rc)
		j->out = json_pack("{s:o}", "holiday", holiday_public(h));
	json_decref(h);
	json_decref(s);
	json_decref(root);
	return rc;
}

static int hol_delete(sla_job *j, hd_txn *t)
{
	json_t *s = NULL;
	int rc = load(j, t, &s);
	size_t i = 0;
	if (!rc)
		rc = find_holiday(j, s, &i);
	if (!rc) {
		json_array_remove(json_object_get(s, "holidays"), i);
		rc = save(j, t, s);
	}
	json_decref(s);
	return rc;
}

static bool same_holiday(const json_t *a, const json_t *b)
{
	static const char *const keys[] = {"name", "start_date", "end_date"};
	for (size_t k = 0; k < 3; k++)
		if (!json_equal(json_object_get(a, keys[k]),
				json_object_get(b, keys[k])))
			return false;
	return true;
}

/* Holidays already on the schedule (same name and dates) are skipped, so
 * importing one file twice changes nothing. */
static int hol_import(sla_job *j, hd_txn *t)
{
	json_t *s = NULL, *parsed = json_array(), *out = json_array();
	unsigned line = 0;
	char why[128] = "";
	int rc = j->c->text && strlen(j->c->text) <= MAX_ICS
			 ? HD_OK
			 : sla_invalid(j->rep, "body",
				       "an iCalendar body of at most 1 MiB");
	if (!rc &&
	    bh_ics_parse(j->c->text, strlen(j->c->text), parsed, &line, why))
		rc = sla_invalid(j->rep, "body", "line %u: %s", line, why);
	if (!rc)
		rc = load(j, t, &s);
	size_t i, k;
	json_t *h, *old;
	json_array_foreach(parsed, i, h)
	{
		bool dup = false;
		json_array_foreach(json_object_get(s, "holidays"), k, old) dup =
			dup || same_holiday(old, h);
		json_t *added = NULL;
		if (!rc && !dup && !(rc = holiday_add(j, t, s, h, &added)))
			json_array_append_new(out, holiday_public(added));
		json_decref(added);
	}
	if (!rc)
		rc = save(j, t, s);
	if (!rc)
		j->out = json_pack("{s:O, s:I}", "holidays", out, "count",
				   (json_int_t)json_array_size(out));
	json_decref(out);
	json_decref(parsed);
	json_decref(s);
	return rc;
}

/* Read-only answers: list, get, holidays list/get. */
static int read_answer(sla_job *j, hd_txn *t)
{
	const char *method = j->method;
	json_t *s = NULL, *all = NULL;
	if (!strcmp(method, "bh.schedules.list")) {
		int rc = sla_json_all(t, routing_sla.schedules, &all);
		json_t *list = json_array(), *v;
		size_t i;
		json_array_foreach(all, i, v)
			json_array_append_new(list, schedule_public(v));
		j->out = json_pack("{s:o, s:I, s:n, s:n}", "schedules", list,
				   "count", (json_int_t)json_array_size(list),
				   "next_page", "previous_page");
		json_decref(all);
		return rc;
	}
	int rc = load(j, t, &s);
	if (!rc && !strcmp(method, "bh.schedules.get")) {
		j->out = json_pack("{s:o}", "schedule", schedule_public(s));
	} else if (!rc && !strcmp(method, "bh.holidays.list")) {
		json_t *list = json_array(), *v;
		size_t i;
		json_array_foreach(json_object_get(s, "holidays"), i, v)
			json_array_append_new(list, holiday_public(v));
		j->out = json_pack("{s:o}", "holidays", list);
	} else if (!rc) {
		size_t i = 0;
		rc = find_holiday(j, s, &i);
		if (!rc)
			j->out = json_pack(
				"{s:o}", "holiday",
				holiday_public(json_array_get(
					json_object_get(s, "holidays"), i)));
	}
	json_decref(s);
	return rc;
}

#define BH_RPC(name, fn)                                                       \
	static int name(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)     \
	{                                                                      \
		return sla_serve(ctx, req, rep, fn, read_answer, "schedules"); \
	}
BH_RPC(rpc_read, NULL)
BH_RPC(rpc_create, sched_create)
BH_RPC(rpc_update, sched_update)
BH_RPC(rpc_delete, sched_delete)
BH_RPC(rpc_workweek, workweek)
BH_RPC(rpc_hol_create, hol_create)
BH_RPC(rpc_hol_update, hol_update)
BH_RPC(rpc_hol_delete, hol_delete)
BH_RPC(rpc_hol_import, hol_import)

const hd_rpc_route routing_bh_routes[] = {
	{"bh.schedules.list", rpc_read},
	{"bh.schedules.get", rpc_read},
	{"bh.schedules.create", rpc_create},
	{"bh.schedules.update", rpc_update},
	{"bh.schedules.delete", rpc_delete},
	{"bh.workweek", rpc_workweek},
	{"bh.holidays.list", rpc_read},
	{"bh.holidays.get", rpc_read},
	{"bh.holidays.create", rpc_hol_create},
	{"bh.holidays.update", rpc_hol_update},
	{"bh.holidays.delete", rpc_hol_delete},
	{"bh.holidays.import", rpc_hol_import},
	{NULL, NULL},
};
