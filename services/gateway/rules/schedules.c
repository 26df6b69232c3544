/* Business-hours schedules, their workweek and holidays over HTTP (API.md
 * §8): the Zendesk JSON request becomes a typed BhCall for routing
 * (g->peers[0]), which validates, stores and answers a BhAnswer rendered
 * here in the Zendesk shape the route calls for (schedules_json.c). */
#include "gw_schedules.h"
#include "gw_settle.h"
#include "gw_shared.h"

#include "hd/err.h"
#include "hd/text.h"

#include <string.h>

typedef enum { BODY_NONE, BODY_JSON, BODY_TEXT } body_kind;

/* What the answer's body is. */
typedef enum {
	SHOW_NONE,     /* 204 */
	SHOW_LIST,     /* {"schedules":[…],"count",next_page,previous_page} */
	SHOW_SCHEDULE, /* {"schedule":{…}} */
	SHOW_WORKWEEK, /* {"workweek":{"intervals":[…]}} */
	SHOW_HOLIDAYS, /* {"holidays":[…]} */
	SHOW_HOLIDAY,  /* {"holiday":{…}} */
	SHOW_IMPORTED, /* {"holidays":[…],"count"} */
} show_kind;

typedef struct bh_route {
	const char *method;
	unsigned status;
	body_kind body;
	const char *key; /* BODY_JSON: the body's object */
	int sub;         /* the path ends in a holiday id */
	show_kind show;
} bh_route;

/* The {s} holiday id: the path's last segment. */
static int holiday_id(gw_req *r, uint64_t *id, gw_resp *out)
{
	const char *s = strrchr(r->path, '/');
	if (!s || hd_parse_u64(s + 1, id) || !*id)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	return HD_OK;
}

static json_t *render(const bh_route *rt, const Hd__BhAnswer *a)
{
	Hd__BhSchedule *s = a->n_schedules ? a->schedules[0] : NULL;
	Hd__BhHoliday *h = a->n_holidays ? a->holidays[0] : NULL;
	switch (rt->show) {
	case SHOW_LIST: {
		json_t *list = json_array();
		for (size_t i = 0; i < a->n_schedules; i++)
			json_array_append_new(
				list, gw_bh_schedule_json(a->schedules[i]));
		return json_pack("{s:o, s:I, s:n, s:n}", "schedules", list,
				 "count", (json_int_t)a->n_schedules,
				 "next_page", "previous_page");
	}
	case SHOW_SCHEDULE:
		return s ? json_pack("{s:o}", "schedule",
				     gw_bh_schedule_json(s))
			 : NULL;
	case SHOW_WORKWEEK:
		return s ? json_pack("{s:{s:o}}", "workweek", "intervals",
				     gw_bh_intervals_json(s))
			 : NULL;
	case SHOW_HOLIDAYS:
		return json_pack(
			"{s:o}", "holidays",
			gw_bh_holidays_json(a->holidays, a->n_holidays));
	case SHOW_HOLIDAY:
		return h ? json_pack("{s:o}", "holiday", gw_bh_holiday_json(h))
			 : NULL;
	case SHOW_IMPORTED:
		return json_pack(
			"{s:o, s:I}", "holidays",
			gw_bh_holidays_json(a->holidays, a->n_holidays),
			"count", (json_int_t)a->n_holidays);
	default:
		return NULL;
	}
}

static int fwd(gw *g, gw_req *r, gw_resp *out, const bh_route *rt)
{
	Hd__BhCall c = HD__BH_CALL__INIT;
	Hd__BhAnswer *a = NULL;
	gw_bh_input in = {0};
	json_t *root = NULL;
	int rc = rt->sub ? holiday_id(r, &c.sub, out) : HD_OK;
	c.id = r->id;
	if (!rc && rt->body == BODY_JSON &&
	    !(rc = gw_parse_body(r, out, &root)))
		rc = gw_bh_read(root, rt->key, &c, &in, out);
	if (!rc && rt->body == BODY_TEXT) {
		const char *b = r->body.data ? r->body.data : "";
		if (!hd_utf8_valid(b, r->body.len))
			rc = gw_invalid(out, "body",
					"the calendar is not UTF-8 text");
		c.text = (char *)b;
	}
	if (!rc)
		rc = gw_call(g, ROUTING(g), r, rt->method, &c,
			     &hd__bh_answer__descriptor, (void **)&a, out);
	/* A schedule written: metrics' copy has it before the answer. */
	if (!rc && strcmp(r->method, "GET"))
		gw_settle_schedules(g, r);
	if (!rc) {
		out->status = rt->status;
		json_decref(out->body);
		out->body = render(rt, a);
		if (rt->status == 201 && rt->show == SHOW_SCHEDULE)
			gw_reply_location(r, out, rt->status,
					  "business_hours/schedules", a->id);
	}
	hd__bh_answer__free_unpacked(a, NULL);
	gw_bh_input_release(&in);
	json_decref(root);
	return rc;
}

#define GW_BH(name, method, status, body, key, sub, show)                      \
	static int name(gw *g, gw_req *r, gw_resp *out)                        \
	{                                                                      \
		static const bh_route rt = {method, status, body,              \
					    key,    sub,    show};             \
		return fwd(g, r, out, &rt);                                    \
	}
GW_BH(sched_list, "bh.schedules.list", 200, BODY_NONE, NULL, 0, SHOW_LIST)
GW_BH(sched_get, "bh.schedules.get", 200, BODY_NONE, NULL, 0, SHOW_SCHEDULE)
GW_BH(sched_create, "bh.schedules.create", 201, BODY_JSON, "schedule", 0,
      SHOW_SCHEDULE)
GW_BH(sched_update, "bh.schedules.update", 200, BODY_JSON, "schedule", 0,
      SHOW_SCHEDULE)
GW_BH(sched_delete, "bh.schedules.delete", 204, BODY_NONE, NULL, 0, SHOW_NONE)
GW_BH(workweek, "bh.workweek", 200, BODY_JSON, "workweek", 0, SHOW_WORKWEEK)
GW_BH(hol_list, "bh.holidays.list", 200, BODY_NONE, NULL, 0, SHOW_HOLIDAYS)
GW_BH(hol_get, "bh.holidays.get", 200, BODY_NONE, NULL, 1, SHOW_HOLIDAY)
GW_BH(hol_create, "bh.holidays.create", 201, BODY_JSON, "holiday", 0,
      SHOW_HOLIDAY)
GW_BH(hol_update, "bh.holidays.update", 200, BODY_JSON, "holiday", 1,
      SHOW_HOLIDAY)
GW_BH(hol_delete, "bh.holidays.delete", 204, BODY_NONE, NULL, 1, SHOW_NONE)
GW_BH(hol_import, "bh.holidays.import", 200, BODY_TEXT, NULL, 0, SHOW_IMPORTED)

#define BH "/api/v2/business_hours/schedules"
const gw_route gw_schedule_routes[] = {
	{"GET", BH, sched_list, GW_AUTH_USER},
	{"POST", BH, sched_create, GW_AUTH_ADMIN},
	{"GET", BH "/{id}", sched_get, GW_AUTH_USER},
	{"PUT", BH "/{id}", sched_update, GW_AUTH_ADMIN},
	{"DELETE", BH "/{id}", sched_delete, GW_AUTH_ADMIN},
	{"PUT", BH "/{id}/workweek", workweek, GW_AUTH_ADMIN},
	{"GET", BH "/{id}/holidays", hol_list, GW_AUTH_USER},
	{"POST", BH "/{id}/holidays", hol_create, GW_AUTH_ADMIN},
	{"GET", BH "/{id}/holidays/{s}", hol_get, GW_AUTH_USER},
	{"PUT", BH "/{id}/holidays/{s}", hol_update, GW_AUTH_ADMIN},
	{"DELETE", BH "/{id}/holidays/{s}", hol_delete, GW_AUTH_ADMIN},
	{"POST", "/api/v2/hd/business_hours/schedules/{id}/holidays/import",
	 hol_import, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
