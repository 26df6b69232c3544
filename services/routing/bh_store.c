/* Schedules as stored records: hd.BhSchedule under the u64 schedule id in
 * bh_schedules (sla_store.c's key layout), and the one-time upgrade of the
 * JSON text older versions stored there ({id,name,time_zone,intervals:
 * [{start_time,end_time}],holidays:[{id,name,start_date,end_date}],
 * created_at,updated_at} with times in ms). */
#include "sla.h"

#include "hd/err.h"
#include "hd/store_upgrade.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

int bh_get(hd_txn *t, const sla_db *db, uint64_t id, Hd__BhSchedule **out)
{
	return hd_txn_get_pb_id(t, db->schedules, id,
				&hd__bh_schedule__descriptor, (void **)out);
}

int bh_put(hd_txn *t, const sla_db *db, const Hd__BhSchedule *s)
{
	return hd_txn_put_pb_id(t, db->schedules, s->id, s);
}

bool bh_exists(hd_txn *t, const sla_db *db, uint64_t id)
{
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, id);
	return hd_txn_get(t, db->schedules, key, 8, &v) == HD_OK;
}

static int one(void *arg, const MDB_val *k, const MDB_val *v)
{
	Hd__BhAnswer *list = arg;
	Hd__BhSchedule *s =
		hd__bh_schedule__unpack(NULL, v->mv_size, v->mv_data);
	Hd__BhSchedule **grown =
		s ? realloc(list->schedules,
			    (list->n_schedules + 1) * sizeof *grown)
		  : NULL;
	if (!grown) {
		hd__bh_schedule__free_unpacked(s, NULL);
		return s ? HD_E_NOMEM : HD_E_CORRUPT;
	}
	grown[list->n_schedules++] = s;
	list->schedules = grown;
	return HD_OK;
}

int bh_all(hd_txn *t, const sla_db *db, Hd__BhAnswer *list)
{
	return hd_txn_foreach(t, db->schedules, NULL, 0, one, list);
}

int bh_holiday_append(Hd__BhSchedule *s, uint64_t id, const char *name,
		      const char *start_date, const char *end_date)
{
	Hd__BhHoliday *h = hd_pb_new(&hd__bh_holiday__descriptor);
	Hd__BhHoliday **grown =
		h ? realloc(s->holidays, (s->n_holidays + 1) * sizeof *grown)
		  : NULL;
	if (grown)
		s->holidays = grown;
	int rc = grown ? HD_OK : HD_E_NOMEM;
	if (!rc)
		rc = hd_pb_set_string(&h->name, name);
	if (!rc)
		rc = hd_pb_set_string(&h->start_date, start_date);
	if (!rc)
		rc = hd_pb_set_string(&h->end_date, end_date);
	if (rc) {
		hd__bh_holiday__free_unpacked(h, NULL);
		return HD_E_NOMEM;
	}
	h->id = id;
	s->holidays[s->n_holidays++] = h;
	return HD_OK;
}

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static int64_t num(const json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static int intervals_from_json(Hd__BhSchedule *s, const json_t *arr)
{
	size_t n = json_array_size(arr);
	s->intervals = calloc(n ? n : 1, sizeof *s->intervals);
	if (!s->intervals)
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_array_get(arr, i);
		Hd__BhInterval *iv = hd_pb_new(&hd__bh_interval__descriptor);
		if (!iv)
			return HD_E_NOMEM;
		iv->start_time = (uint32_t)num(v, "start_time");
		iv->end_time = (uint32_t)num(v, "end_time");
		s->intervals[s->n_intervals++] = iv;
	}
	return HD_OK;
}

/* An older version's JSON record as hd.BhSchedule (heap). */
static int from_json(const json_t *o, Hd__BhSchedule **out)
{
	Hd__BhSchedule *s = hd_pb_new(&hd__bh_schedule__descriptor);
	int rc = s ? HD_OK : HD_E_NOMEM;
	if (!rc && json_integer_value(json_object_get(o, "id")) <= 0)
		rc = HD_E_CORRUPT;
	if (!rc) {
		s->id = (uint64_t)num(o, "id");
		s->created_at = num(o, "created_at");
		s->updated_at = num(o, "updated_at");
		rc = hd_pb_set_string(&s->name, str(o, "name"));
	}
	if (!rc)
		rc = hd_pb_set_string(&s->time_zone, str(o, "time_zone"));
	if (!rc)
		rc = intervals_from_json(s, json_object_get(o, "intervals"));
	const json_t *h;
	size_t i;
	json_array_foreach(json_object_get(o, "holidays"), i, h) if (!rc) rc =
		bh_holiday_append(s, (uint64_t)num(h, "id"), str(h, "name"),
				  str(h, "start_date"), str(h, "end_date"));
	if (rc) {
		hd__bh_schedule__free_unpacked(s, NULL);
		s = NULL;
	}
	*out = s;
	return rc;
}

/* A JSON record starts with '{'; an encoded BhSchedule with field 1's tag
 * (0x08) or another field's, never 0x7b (field 15, a group). */
static int json_record(void *arg, const MDB_val *k, const MDB_val *v,
		       ProtobufCMessage **out)
{
	(void)arg;
	if (v->mv_size == 0 || ((const char *)v->mv_data)[0] != '{')
		return HD_OK;
	json_t *o = json_loadb(v->mv_data, v->mv_size, 0, NULL);
	Hd__BhSchedule *s = NULL;
	int rc = o ? from_json(o, &s) : HD_E_CORRUPT;
	json_decref(o);
	if (!rc && (k->mv_size != 8 || hd_key_get_u64(k->mv_data) != s->id))
		rc = HD_E_CORRUPT;
	if (rc)
		hd__bh_schedule__free_unpacked(s, NULL);
	else
		*out = &s->base;
	return rc;
}

int bh_upgrade(hd_txn *t, const sla_db *db, uint64_t *rewritten)
{
	return hd_txn_rewrite_pb(t, db->schedules, json_record, NULL,
				 rewritten);
}

static int open_job(hd_txn *t, void *arg)
{
	routing *r = arg;
	int rc = bh_upgrade(t, &r->sla, NULL);
	return rc ? rc : bh_publish_all(t, r);
}

int bh_open(routing *r)
{
	return hd_store_write(r->store, open_job, r);
}
