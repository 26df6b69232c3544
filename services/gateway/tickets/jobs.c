/* Bulk ticket endpoints (create_many, update_many, destroy_many, merge)
 * and job statuses. The work runs synchronously; the finished job is kept
 * on intake shard 0 (jobs.put) so GET /job_statuses/{id} works from any
 * gateway. */
#include "gw_health.h"
#include "gw_tickets.h"

#include "hd/err.h"
#include "hd/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct job {
	char id[40];
	const char *type;
	json_t *results;
	size_t total;
} job;

static void job_init(job *j, const char *type)
{
	uint8_t raw[16];
	char hex[33];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	snprintf(j->id, sizeof j->id, "V3-%s", hex);
	j->type = type;
	j->results = json_array();
	j->total = 0;
}

static json_t *job_json(const gw_req *r, const char *id, json_t *stored)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/job_statuses/%s.json", r->base_url,
		 id);
	json_t *o = json_deep_copy(stored);
	json_object_set_new(o, "url", json_string(url));
	return o;
}

/* Store the finished job and answer 200 {"job_status":…}. */
static int job_finish(gw *g, gw_req *r, job *j, gw_resp *out)
{
	char msg[64], iso[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%d %H:%M:%S +0000", &tm);
	snprintf(msg, sizeof msg, "Completed at %s", iso);
	json_t *o =
		json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:O}", "id", j->id,
			  "job_type", j->type, "total", (json_int_t)j->total,
			  "progress", (json_int_t)j->total, "status",
			  "completed", "message", msg, "results", j->results);
	Hd__JobStatus js = HD__JOB_STATUS__INIT;
	js.id = j->id;
	js.created_at = hd_now_ms();
	Hd__JobStatus *saved = NULL;
	int rc = gw_job_to_pb(o, &js);
	if (rc)
		gw_from_err(out, rc, "job");
	else
		rc = gw_call(g, g->intake[0], r, "jobs.put", &js,
			     &hd__job_status__descriptor, (void **)&saved, out);
	gw_job_pb_release(&js);
	hd__job_status__free_unpacked(saved, NULL);
	if (!rc) {
		out->status = 200;
		out->body =
			json_pack("{s:o}", "job_status", job_json(r, j->id, o));
	}
	json_decref(o);
	json_decref(j->results);
	return rc;
}

int gw_job_done(gw *g, gw_req *r, const char *type, json_t *results,
		gw_resp *out)
{
	job j;
	job_init(&j, type);
	json_decref(j.results);
	j.results = results;
	j.total = json_array_size(results);
	return job_finish(g, r, &j, out);
}

/* A failed item: its error text from the HTTP answer gw_call made. */
static json_t *failure(size_t index, uint64_t id, gw_resp *err)
{
	json_t *e = json_pack("{s:I, s:b, s:O}", "index", (json_int_t)index,
			      "success", 0, "error",
			      json_object_get(err->body, "error")
				      ? json_object_get(err->body, "error")
				      : json_null());
	if (id)
		json_object_set_new(e, "id", json_integer((json_int_t)id));
	json_t *d = json_object_get(err->body, "details");
	if (d)
		json_object_set(e, "details", d);
	json_decref(err->body);
	return e;
}

static int bulk_body(gw_req *r, gw_resp *out, json_t **root, const char *key)
{
	int rc = gw_parse_body(r, out, root);
	if (rc)
		return rc;
	json_t *v = json_object_get(*root, key);
	if (!v)
		return gw_error(out, 400, "ParameterMissing",
				"param is missing or the value is empty");
	if (json_is_array(v) && json_array_size(v) > GW_MAX_SHOW_MANY)
		return gw_too_many(out, "tickets", GW_MAX_SHOW_MANY);
	return HD_OK;
}

int gw_tickets_create_many(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *t;
	job j;
	size_t i;
	int rc = bulk_body(r, out, &root, "tickets");
	if (!rc && !json_is_array(json_object_get(root, "tickets")))
		rc = gw_error(out, 400, "ParameterMissing",
			      "tickets must be an array");
	if (rc) {
		json_decref(root);
		return rc;
	}
	job_init(&j, "Bulk Create Tickets");
	json_array_foreach(json_object_get(root, "tickets"), i, t)
	{
		gw_resp err = {0};
		Hd__TicketWriteReply *rep = NULL;
		gw_req_deadline(g, r); /* a bulk job's deadline is per item */
		j.total++;
		int bad = !json_is_object(t) ||
			  gw_ticket_requester(g, r, t, &err) ||
			  gw_ticket_refs(g, r, t, &err) ||
			  gw_ticket_uploads(g, r, t, &err);
		if (!bad) {
			json_object_del(t, "requester");
			json_t *rid = json_object_get(t, "requester_id");
			uint64_t who =
				json_is_integer(rid)
					? (uint64_t)json_integer_value(rid)
					: r->who.user_id;
			bad = gw_ticket_write(
				g, r,
				g->intake[gw_ticket_spread(who, g->shards)], 0,
				t, "", NULL, &rep, &err);
		}
		if (bad && !err.body)
			gw_invalid(&err, "ticket", "ticket: must be an object");
		json_array_append_new(
			j.results,
			bad ? failure(i, 0, &err)
			    : json_pack("{s:I, s:I}", "index", (json_int_t)i,
					"id", (json_int_t)rep->ticket->id));
		hd__ticket_write_reply__free_unpacked(rep, NULL);
	}
	json_decref(root);
	return job_finish(g, r, &j, out);
}

static json_t *update_result(uint64_t id, int ok, gw_resp *err)
{
	if (!ok)
		return failure(0, id, err);
	return json_pack("{s:s, s:I, s:s, s:b}", "action", "update", "id",
			 (json_int_t)id, "status", "Updated", "success", 1);
}

static json_t *update_one(gw *g, gw_req *r, uint64_t id, json_t *t,
			  const char *action)
{
	gw_resp err = {0};
	Hd__TicketWriteReply *rep = NULL;
	gw_req_deadline(g, r); /* a bulk job's deadline is per item */
	hd_rpc_client *c = gw_ticket_shard(g, id);
	int rc = c ? gw_ticket_refs(g, r, t, &err)
		   : gw_from_err(&err, HD_E_NOTFOUND, "Not found");
	if (!rc)
		rc = gw_ticket_write(g, r, c, id, t, action, NULL, &rep, &err);
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	return update_result(id, rc == HD_OK, &err);
}

/* ?ids= with {"ticket":{…}}, or {"tickets":[{"id",…}]}. */
int gw_tickets_update_many(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	uint64_t ids[GW_MAX_SHOW_MANY];
	size_t n = 0, i;
	int by_ids = gw_query(r, "ids") != NULL;
	int rc = bulk_body(r, out, &root, by_ids ? "ticket" : "tickets");
	if (!rc && by_ids)
		rc = gw_ids_param(r, ids, &n, out);
	if (rc) {
		json_decref(root);
		return rc;
	}
	job j;
	job_init(&j, "Bulk Update Tickets");
	json_t *t, *list = json_object_get(root, "tickets");
	for (i = 0; by_ids && i < n; i++, j.total++)
		json_array_append_new(
			j.results,
			update_one(g, r, ids[i],
				   json_object_get(root, "ticket"), ""));
	json_array_foreach(by_ids ? NULL : list, i, t)
	{
		json_t *id = json_object_get(t, "id");
		j.total++;
		json_t *copy = json_deep_copy(t);
		json_object_del(copy, "id");
		json_array_append_new(
			j.results,
			update_one(g, r,
				   json_is_integer(id)
					   ? (uint64_t)json_integer_value(id)
					   : 0,
				   copy, ""));
		json_decref(copy);
	}
	json_decref(root);
	return job_finish(g, r, &j, out);
}

int gw_tickets_destroy_many(gw *g, gw_req *r, gw_resp *out)
{
	uint64_t ids[GW_MAX_SHOW_MANY];
	size_t n = 0;
	int rc = gw_ids_param(r, ids, &n, out);
	if (rc)
		return rc;
	job j;
	job_init(&j, "Bulk Delete Tickets");
	for (size_t i = 0; i < n; i++, j.total++) {
		json_t *res = update_one(g, r, ids[i], NULL, "delete");
		if (json_is_true(json_object_get(res, "success"))) {
			json_decref(res);
			res = json_pack("{s:I, s:s, s:b, s:s}", "id",
					(json_int_t)ids[i], "action", "delete",
					"success", 1, "status", "Deleted");
		}
		json_array_append_new(j.results, res);
	}
	return job_finish(g, r, &j, out);
}

/* GW_AUTH_AGENT (Zendesk: "Agents"); intake refuses end-users'
 * merge_source too. */
int gw_tickets_merge(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	int rc = bulk_body(r, out, &root, "ids");
	json_t *ids = json_object_get(root, "ids");
	if (!rc && (!json_is_array(ids) || !gw_ticket_shard(g, r->id)))
		rc = json_is_array(ids)
			     ? gw_from_err(out, HD_E_NOTFOUND, "Not found")
			     : gw_invalid(out, "ids", "ids: must be an array");
	if (rc) {
		json_decref(root);
		return rc;
	}
	job j;
	job_init(&j, "Merge Tickets");
	char text[256];
	size_t i;
	json_t *id;
	json_t *sc = json_object_get(root, "source_comment");
	json_t *sp = json_object_get(root, "source_comment_is_public");
	snprintf(text, sizeof text,
		 "This request was closed and merged into request #%llu.",
		 (unsigned long long)r->id);
	json_t *src = json_pack("{s:{s:o, s:b}}", "comment", "body",
				json_is_string(sc) ? json_incref(sc)
						   : json_string(text),
				"public", !json_is_false(sp));
	json_array_foreach(ids, i, id)
	{
		uint64_t sid = json_is_integer(id)
				       ? (uint64_t)json_integer_value(id)
				       : 0;
		gw_req_deadline(g, r); /* a bulk job's deadline is per item */
		j.total++;
		json_array_append_new(
			j.results,
			sid == r->id
				? json_pack("{s:I, s:b, s:s}", "id",
					    (json_int_t)sid, "success", 0,
					    "error", "cannot merge into itself")
				: update_one(g, r, sid, src, "merge_source"));
	}
	json_t *tc = json_object_get(root, "target_comment");
	json_t *tp = json_object_get(root, "target_comment_is_public");
	json_t *tgt = json_pack(
		"{s:{s:o, s:b}}", "comment", "body",
		json_is_string(tc) ? json_incref(tc)
				   : json_string("Requests were merged into "
						 "this request."),
		"public", !json_is_false(tp));
	json_array_append_new(j.results, update_one(g, r, r->id, tgt, ""));
	json_decref(src);
	json_decref(tgt);
	json_decref(root);
	return job_finish(g, r, &j, out);
}

static int job_get(gw *g, gw_req *r, const char *id, json_t **o, gw_resp *out)
{
	Hd__JobGetRequest q = HD__JOB_GET_REQUEST__INIT;
	Hd__JobStatus *js = NULL;
	q.id = (char *)id;
	int rc = gw_call(g, g->intake[0], r, "jobs.get", &q,
			 &hd__job_status__descriptor, (void **)&js, out);
	if (rc)
		return rc;
	json_t *stored = gw_job_from_pb(js);
	*o = stored ? job_json(r, js->id, stored) : json_object();
	json_decref(stored);
	hd__job_status__free_unpacked(js, NULL);
	return HD_OK;
}

int gw_job_status_show(gw *g, gw_req *r, gw_resp *out)
{
	const char *id = strrchr(r->path, '/');
	json_t *o = NULL;
	int rc = job_get(g, r, id ? id + 1 : "", &o, out);
	if (!rc) {
		out->status = 200;
		out->body = json_pack("{s:o}", "job_status", o);
	}
	return rc;
}

int gw_job_status_show_many(gw *g, gw_req *r, gw_resp *out)
{
	const char *ids = gw_query(r, "ids");
	json_t *arr = json_array();
	size_t count = 0;
	for (const char *s = ids ? ids : ""; *s && count < GW_MAX_SHOW_MANY;
	     count++) {
		char id[64];
		size_t len = strcspn(s, ",");
		json_t *o = NULL;
		gw_resp ignore = {0};
		snprintf(id, sizeof id, "%.*s", (int)(len < 63 ? len : 63), s);
		if (job_get(g, r, id, &o, &ignore) == HD_OK)
			json_array_append_new(arr, o);
		json_decref(ignore.body);
		s += len + (s[len] == ',');
	}
	out->status = 200;
	out->body = json_pack("{s:o}", "job_statuses", arr);
	return HD_OK;
}
