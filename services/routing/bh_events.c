/* Schedules as events: every write of a business-hours schedule (its
 * workweek, its holidays) emits "schedule.saved" with the typed schedule in
 * the same transaction, a delete emits "schedule.deleted", so metrics keeps
 * its own copy and no query has to carry one. A store made before these
 * events publishes every schedule once at start. */
#include "sla.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "schedule.pb-c.h"

#include <stdlib.h>
#include <string.h>

#define PUBLISHED_KEY "schedule_events"

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

int bh_emit_saved(hd_txn *t, const json_t *s)
{
	const json_t *iv = json_object_get(s, "intervals");
	const json_t *hol = json_object_get(s, "holidays");
	size_t niv = json_array_size(iv), nhol = json_array_size(hol);
	Hd__BhSchedule m = HD__BH_SCHEDULE__INIT;
	Hd__BhInterval *ivs = calloc(niv ? niv : 1, sizeof *ivs);
	Hd__BhHoliday *hs = calloc(nhol ? nhol : 1, sizeof *hs);
	Hd__BhInterval **ivp = calloc(niv ? niv : 1, sizeof *ivp);
	Hd__BhHoliday **hp = calloc(nhol ? nhol : 1, sizeof *hp);
	int rc = ivs && hs && ivp && hp ? HD_OK : HD_E_NOMEM;
	for (size_t i = 0; !rc && i < niv; i++) {
		const json_t *v = json_array_get(iv, i);
		hd__bh_interval__init(&ivs[i]);
		ivs[i].start_time = (uint32_t)json_integer_value(
			json_object_get(v, "start_time"));
		ivs[i].end_time = (uint32_t)json_integer_value(
			json_object_get(v, "end_time"));
		ivp[i] = &ivs[i];
	}
	for (size_t i = 0; !rc && i < nhol; i++) {
		const json_t *h = json_array_get(hol, i);
		hd__bh_holiday__init(&hs[i]);
		hs[i].name = (char *)str(h, "name");
		hs[i].start_date = (char *)str(h, "start_date");
		hs[i].end_date = (char *)str(h, "end_date");
		hp[i] = &hs[i];
	}
	if (!rc) {
		m.id = (uint64_t)json_integer_value(json_object_get(s, "id"));
		m.name = (char *)str(s, "name");
		m.time_zone = (char *)str(s, "time_zone");
		m.updated_at =
			json_integer_value(json_object_get(s, "updated_at"));
		m.n_intervals = niv;
		m.intervals = ivp;
		m.n_holidays = nhol;
		m.holidays = hp;
		rc = hd_txn_emit_pb(t, "schedule.saved", &m, NULL);
	}
	free(ivs);
	free(hs);
	free(ivp);
	free(hp);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

int bh_emit_deleted(hd_txn *t, uint64_t id)
{
	Hd__BhSchedule m = HD__BH_SCHEDULE__INIT;
	m.id = id;
	return hd_txn_emit_pb(t, "schedule.deleted", &m, NULL);
}

static int publish_all(hd_txn *t, void *arg)
{
	routing *r = arg;
	MDB_val v;
	if (hd_txn_get(t, r->meta, PUBLISHED_KEY, strlen(PUBLISHED_KEY), &v) ==
	    HD_OK)
		return HD_OK;
	json_t *all = NULL, *s;
	size_t i;
	int rc = sla_json_all(t, routing_sla.schedules, &all);
	json_array_foreach(all, i, s) if (!rc) rc = bh_emit_saved(t, s);
	json_decref(all);
	if (!rc)
		rc = hd_txn_add_u64(t, r->meta, PUBLISHED_KEY, 1, NULL);
	return rc ? rc : t->rc;
}

int bh_publish_once(routing *r)
{
	return hd_store_write(r->store, publish_all, r);
}
