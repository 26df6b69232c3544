/* A finished bulk job between the gateway and its store on intake shard 0:
 * the job_status JSON the gateway answers, as the typed hd.JobStatus
 * intake keeps, and back. Jobs stored by an older build as JSON text (the
 * retired field 2) still read. */
#include "gw_tickets.h"

#include "hd/err.h"
#include "hd/pb_unknown.h"

#include <stdlib.h>
#include <string.h>

#define LEGACY_JSON_FIELD 2

static const char *str_or(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : dflt;
}

/* Zendesk's details {"field": [{"description", "error"}, …], …}. */
static int details_to_pb(json_t *d, Hd__JobResult *r)
{
	const char *field;
	json_t *list, *item;
	size_t i, n = 0;
	json_object_foreach(d, field, list) n += json_array_size(list);
	if (!n)
		return HD_OK;
	r->details = calloc(n, sizeof *r->details);
	if (!r->details)
		return HD_E_NOMEM;
	json_object_foreach(d, field, list) json_array_foreach(list, i, item)
	{
		Hd__JobErrorDetail *e = malloc(sizeof *e);
		if (!e)
			return HD_E_NOMEM;
		hd__job_error_detail__init(e);
		e->field = strdup(field);
		e->description = strdup(str_or(item, "description", ""));
		e->error = strdup(str_or(item, "error", ""));
		r->details[r->n_details++] = e;
		if (!e->field || !e->description || !e->error)
			return HD_E_NOMEM;
	}
	return HD_OK;
}

static int result_to_pb(json_t *o, Hd__JobResult *r)
{
	json_t *v;
	if ((v = json_object_get(o, "index")) != NULL) {
		r->has_index = 1;
		r->index = (uint32_t)json_integer_value(v);
	}
	r->id = (uint64_t)json_integer_value(json_object_get(o, "id"));
	if ((v = json_object_get(o, "success")) != NULL) {
		r->has_success = 1;
		r->success = json_is_true(v);
	}
	r->action = strdup(str_or(o, "action", ""));
	r->status = strdup(str_or(o, "status", ""));
	r->has_error = json_object_get(o, "error") != NULL;
	r->error = strdup(str_or(o, "error", ""));
	if (!r->action || !r->status || !r->error)
		return HD_E_NOMEM;
	return details_to_pb(json_object_get(o, "details"), r);
}

int gw_job_to_pb(json_t *o, Hd__JobStatus *js)
{
	json_t *results = json_object_get(o, "results"), *item;
	size_t i;
	js->job_type = (char *)str_or(o, "job_type", "");
	js->total = (uint32_t)json_integer_value(json_object_get(o, "total"));
	js->progress =
		(uint32_t)json_integer_value(json_object_get(o, "progress"));
	js->status = (char *)str_or(o, "status", "");
	js->message = (char *)str_or(o, "message", "");
	if (!json_array_size(results))
		return HD_OK;
	js->results = calloc(json_array_size(results), sizeof *js->results);
	if (!js->results)
		return HD_E_NOMEM;
	json_array_foreach(results, i, item)
	{
		Hd__JobResult *r = malloc(sizeof *r);
		if (!r)
			return HD_E_NOMEM;
		hd__job_result__init(r);
		js->results[js->n_results++] = r;
		int rc = result_to_pb(item, r);
		if (rc)
			return rc;
	}
	return HD_OK;
}

void gw_job_pb_release(Hd__JobStatus *js)
{
	for (size_t i = 0; i < js->n_results; i++) {
		Hd__JobResult *r = js->results[i];
		for (size_t k = 0; k < r->n_details; k++) {
			free(r->details[k]->field);
			free(r->details[k]->description);
			free(r->details[k]->error);
			free(r->details[k]);
		}
		free(r->details);
		free(r->action);
		free(r->status);
		free(r->error);
		free(r);
	}
	free(js->results);
	js->results = NULL;
	js->n_results = 0;
}

static json_t *details_json(const Hd__JobResult *r)
{
	json_t *d = json_object();
	for (size_t k = 0; d && k < r->n_details; k++) {
		const Hd__JobErrorDetail *e = r->details[k];
		json_t *list = json_object_get(d, e->field);
		if (!list) {
			list = json_array();
			json_object_set_new(d, e->field, list);
		}
		json_array_append_new(
			list, json_pack("{s:s, s:s}", "description",
					e->description, "error", e->error));
	}
	return d;
}

static json_t *result_json(const Hd__JobResult *r)
{
	json_t *o = json_object();
	if (r->has_index)
		json_object_set_new(o, "index", json_integer(r->index));
	if (r->id)
		json_object_set_new(o, "id", json_integer((json_int_t)r->id));
	if (r->action[0])
		json_object_set_new(o, "action", json_string(r->action));
	if (r->status[0])
		json_object_set_new(o, "status", json_string(r->status));
	if (r->has_success)
		json_object_set_new(o, "success", json_boolean(r->success));
	if (r->has_error)
		json_object_set_new(o, "error",
				    r->error[0] ? json_string(r->error)
						: json_null());
	if (r->n_details)
		json_object_set_new(o, "details", details_json(r));
	return o;
}

json_t *gw_job_from_pb(const Hd__JobStatus *js)
{
	const uint8_t *text;
	size_t len;
	if (!js->job_type[0] &&
	    hd_pb_unknown_bytes(&js->base, LEGACY_JSON_FIELD, &text, &len) ==
		    HD_OK) {
		json_t *old = json_loadb((const char *)text, len, 0, NULL);
		if (json_is_object(old))
			return old;
		json_decref(old);
	}
	json_t *results = json_array();
	for (size_t i = 0; results && i < js->n_results; i++)
		json_array_append_new(results, result_json(js->results[i]));
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:o}", "id", js->id,
			 "job_type", js->job_type, "total",
			 (json_int_t)js->total, "progress",
			 (json_int_t)js->progress, "status", js->status,
			 "message", js->message, "results", results);
}
