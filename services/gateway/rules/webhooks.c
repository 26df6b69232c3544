/* /api/v2/webhooks (API.md §11): CRUD, signing secret, test, invocation
 * history, and Hana Desk's dead letters with replay
 * (/api/v2/hd/webhooks/{id}/dead_letters). Admins only. */
#include "gw_webhooks.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The webhook id of /api/v2/[hd/]webhooks/{id}… */
static int hook_id(const gw_req *r, char id[40], gw_resp *out)
{
	int n = strncmp(r->path, "/api/v2/hd/", 11) == 0 ? 4 : 3;
	if (!gw_path_segment(r, n, id, 40))
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	return HD_OK;
}

static int get(gw *g, gw_req *r, const char *method, Hd__Webhook **w,
	       gw_resp *out)
{
	char id[40];
	int rc = hook_id(r, id, out);
	Hd__WebhookId wi = HD__WEBHOOK_ID__INIT;
	wi.id = id;
	return rc ? rc
		  : gw_call(g, NOTIFY(g), r, method, &wi,
			    &hd__webhook__descriptor, (void **)w, out);
}

static int save(gw *g, gw_req *r, const Hd__Webhook *base, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	gw_webhook_input in = {0};
	Hd__Webhook w = HD__WEBHOOK__INIT, *saved = NULL;
	if (base) {
		w = *base; /* shallow: base keeps and frees its own */
	} else {
		w.status = "active";
		w.http_method = "POST";
		w.request_format = "json";
	}
	int rc = gw_req_object(r, out, "webhook", &root, &obj);
	if (!rc)
		rc = gw_webhook_read(obj, !base, &w, &in, out);
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "webhooks.save", &w,
			     &hd__webhook__descriptor, (void **)&saved, out);
	if (!rc && base) {
		out->status = 204; /* PUT/PATCH answer 204 (API.md §1) */
	} else if (!rc) {
		gw_reply_one(out, 201, "webhook", gw_webhook_json(saved));
		snprintf(out->location, sizeof out->location,
			 "%s/api/v2/webhooks/%s", r->base_url, saved->id);
	}
	hd__webhook__free_unpacked(saved, NULL);
	gw_webhook_input_release(&in);
	json_decref(root);
	return rc;
}

static int hooks_create(gw *g, gw_req *r, gw_resp *out)
{
	return save(g, r, NULL, out);
}

static int hooks_update(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Webhook *old = NULL;
	int rc = get(g, r, "webhooks.get", &old, out);
	if (!rc)
		rc = save(g, r, old, out);
	hd__webhook__free_unpacked(old, NULL);
	return rc;
}

static int hooks_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Webhook *w = NULL;
	int rc = get(g, r, "webhooks.get", &w, out);
	if (!rc)
		gw_reply_one(out, 200, "webhook", gw_webhook_json(w));
	hd__webhook__free_unpacked(w, NULL);
	return rc;
}

static int hooks_delete(gw *g, gw_req *r, gw_resp *out)
{
	char id[40];
	Hd__WebhookId wi = HD__WEBHOOK_ID__INIT, *rep = NULL;
	int rc = hook_id(r, id, out);
	wi.id = id;
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "webhooks.delete", &wi,
			     &hd__webhook_id__descriptor, (void **)&rep, out);
	hd__webhook_id__free_unpacked(rep, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

static int hooks_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__WebhookListRequest q = HD__WEBHOOK_LIST_REQUEST__INIT;
	Hd__WebhookList *l = NULL;
	const char *st = gw_query(r, "filter[status]");
	const char *nc = gw_query(r, "filter[name_contains]");
	q.status = st && strlen(st) < 16 ? (char *)st : "";
	q.name_contains = nc && strlen(nc) < 256 ? (char *)nc : "";
	gw_page p;
	int rc = gw_page_parse(r, &p, 100, 10000, out);
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "webhooks.list", &q,
			     &hd__webhook_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	/* Cursor pages over the id order: page[after] is the last id seen. */
	json_t *arr = json_array();
	size_t i = 0, taken = 0;
	if (p.cursor && p.after[0])
		while (i < l->n_webhooks &&
		       strcmp(l->webhooks[i]->id, p.after) <= 0)
			i++;
	else if (!p.cursor)
		i = (size_t)((p.page - 1) * p.size);
	const char *last = NULL;
	for (; i < l->n_webhooks && taken < p.size; i++, taken++) {
		json_array_append_new(arr, gw_webhook_json(l->webhooks[i]));
		last = l->webhooks[i]->id;
	}
	int more = i < l->n_webhooks;
	out->status = 200;
	out->body = json_pack("{s:o}", "webhooks", arr);
	gw_page_links(r, &p, out->body, l->n_webhooks, more, more ? last : NULL,
		      NULL);
	if (!p.cursor) /* Zendesk answers meta.has_more on every list */
		json_object_set_new(out->body, "meta",
				    json_pack("{s:b}", "has_more", more));
	hd__webhook_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int secret_reply(gw_resp *out, unsigned status, const Hd__Webhook *w)
{
	gw_reply_one(out, status, "signing_secret",
		     json_pack("{s:s, s:s}", "secret", w->signing_secret,
			       "algorithm", "SHA256"));
	return HD_OK;
}

static int secret_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Webhook *w = NULL;
	int rc = get(g, r, "webhooks.signing_secret", &w, out);
	if (!rc)
		secret_reply(out, 200, w);
	hd__webhook__free_unpacked(w, NULL);
	return rc;
}

static int secret_reset(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Webhook *w = NULL;
	int rc = get(g, r, "webhooks.signing_secret_reset", &w, out);
	if (!rc)
		secret_reply(out, 201, w);
	hd__webhook__free_unpacked(w, NULL);
	return rc;
}

/* POST /webhooks/test?webhook_id= {"request":{"payload":…}} or
 * {"webhook":{…}} (an unsaved one). */
static int hooks_test(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	Hd__WebhookTestRequest q = HD__WEBHOOK_TEST_REQUEST__INIT;
	Hd__Webhook w = HD__WEBHOOK__INIT;
	gw_webhook_input in = {0};
	Hd__WebhookTestReply *rep = NULL;
	char *payload = NULL;
	const char *id = gw_query(r, "webhook_id");
	int rc = gw_parse_body(r, out, &root);
	if (rc)
		return rc;
	q.webhook_id = id && strlen(id) < 40 ? (char *)id : "";
	json_t *hook = json_object_get(root, "webhook");
	json_t *req = json_object_get(root, "request");
	json_t *pl = json_object_get(req, "payload");
	if (pl)
		payload = json_is_string(pl) ? strdup(json_string_value(pl))
					     : json_dumps(pl, JSON_COMPACT);
	q.body = payload ? payload : "";
	w.status = "active";
	w.http_method = "POST";
	w.request_format = "json";
	if (!q.webhook_id[0] && json_is_object(hook)) {
		rc = gw_webhook_read(hook, 1, &w, &in, out);
		q.webhook = &w;
	} else if (!q.webhook_id[0]) {
		rc = gw_invalid(out, "webhook_id",
				"Webhook id: give webhook_id or a webhook");
	}
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "webhooks.test", &q,
			     &hd__webhook_test_reply__descriptor, (void **)&rep,
			     out);
	if (!rc) {
		json_t *hs = json_array();
		for (size_t i = 0; i < rep->n_headers; i++)
			json_array_append_new(
				hs, json_pack("{s:s, s:s}", "key",
					      rep->headers[i]->key, "value",
					      rep->headers[i]->value));
		/* The receiver's body is never shown (it could be an
		 * internal page): status, headers and timing only. */
		gw_reply_one(out, 200, "response",
			     json_pack("{s:o, s:i, s:I, s:s}", "headers", hs,
				       "status_code", rep->status_code,
				       "duration_ms",
				       (json_int_t)rep->duration_ms, "error",
				       rep->error));
	}
	hd__webhook_test_reply__free_unpacked(rep, NULL);
	gw_webhook_input_release(&in);
	free(payload);
	json_decref(root);
	return rc;
}

static json_t *invocation_json(const Hd__Delivery *d)
{
	char id[24];
	snprintf(id, sizeof id, "%llu", (unsigned long long)d->id);
	const char *status = strcmp(d->status, "delivered") == 0 ? "success"
			     : strcmp(d->status, "dead") == 0    ? "failed"
								 : "pending";
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:o, s:i, s:s, s:s}",
			 "id", id, "webhook_id", d->webhook_id, "event_type",
			 d->event_type, "status_code", d->last_status_code,
			 "status", status, "created_at",
			 gw_time_json(d->created_at), "latest_completed_at",
			 d->completed_at ? gw_time_json(d->completed_at)
					 : json_null(),
			 "attempts", (int)d->attempts, "last_error",
			 d->last_error, "body", d->body);
}

static int history(gw *g, gw_req *r, const char *method, const char *key,
		   gw_resp *out)
{
	char id[40];
	int rc = hook_id(r, id, out);
	if (rc)
		return rc;
	gw_page p;
	if ((rc = gw_page_parse(r, &p, 100, 10000, out)))
		return rc;
	Hd__DeliveryQuery q = HD__DELIVERY_QUERY__INIT;
	Hd__DeliveryList *l = NULL;
	q.webhook_id = id;
	q.limit = p.size;
	if (p.cursor && p.after[0] && hd_parse_u64(p.after, &q.before_id))
		return gw_error(out, 400, "InvalidPaginationParameter",
				"Invalid cursor");
	rc = gw_call(g, NOTIFY(g), r, method, &q,
		     &hd__delivery_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	char last[24] = "";
	for (size_t i = 0; i < l->n_deliveries; i++) {
		json_array_append_new(arr, invocation_json(l->deliveries[i]));
		snprintf(last, sizeof last, "%llu",
			 (unsigned long long)l->deliveries[i]->id);
	}
	p.cursor = 1; /* these lists are cursor lists, newest first */
	out->status = 200;
	out->body = json_pack("{s:o}", key, arr);
	gw_page_links(r, &p, out->body, 0, l->has_more,
		      l->has_more ? last : NULL, NULL);
	hd__delivery_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int invocations(gw *g, gw_req *r, gw_resp *out)
{
	return history(g, r, "webhooks.invocations", "invocations", out);
}

static int dead_letters(gw *g, gw_req *r, gw_resp *out)
{
	return history(g, r, "webhooks.dead_letters", "dead_letters", out);
}

static int attempts(gw *g, gw_req *r, gw_resp *out)
{
	char id[40];
	int rc = hook_id(r, id, out);
	Hd__DeliveryQuery q = HD__DELIVERY_QUERY__INIT;
	Hd__AttemptList *l = NULL;
	q.webhook_id = id;
	q.delivery_id = r->id;
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "webhooks.attempts", &q,
			     &hd__attempt_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_attempts; i++) {
		const Hd__Attempt *a = l->attempts[i];
		json_array_append_new(
			arr,
			json_pack(
				"{s:i, s:i, s:s, s:s, s:o, s:o, s:I}", "id",
				(int)a->n, "status_code", a->status_code,
				"status", a->outcome, "error", a->error,
				"started_at", gw_time_json(a->started_at),
				"completed_at", gw_time_json(a->completed_at),
				"duration_ms",
				(json_int_t)(a->completed_at - a->started_at)));
	}
	gw_reply_one(out, 200, "attempts", arr);
	hd__attempt_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int replay(gw *g, gw_req *r, gw_resp *out)
{
	char id[40];
	int rc = hook_id(r, id, out);
	Hd__DeliveryQuery q = HD__DELIVERY_QUERY__INIT;
	Hd__Delivery *d = NULL;
	q.webhook_id = id;
	q.delivery_id = r->id;
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "webhooks.replay", &q,
			     &hd__delivery__descriptor, (void **)&d, out);
	if (!rc)
		gw_reply_one(out, 200, "invocation", invocation_json(d));
	hd__delivery__free_unpacked(d, NULL);
	return rc;
}

const gw_route gw_webhook_routes[] = {
	{"GET", "/api/v2/webhooks", hooks_list, GW_AUTH_ADMIN},
	{"POST", "/api/v2/webhooks", hooks_create, GW_AUTH_ADMIN},
	{"POST", "/api/v2/webhooks/test", hooks_test, GW_AUTH_ADMIN},
	{"GET", "/api/v2/webhooks/{s}", hooks_show, GW_AUTH_ADMIN},
	{"PUT", "/api/v2/webhooks/{s}", hooks_update, GW_AUTH_ADMIN},
	{"PATCH", "/api/v2/webhooks/{s}", hooks_update, GW_AUTH_ADMIN},
	{"DELETE", "/api/v2/webhooks/{s}", hooks_delete, GW_AUTH_ADMIN},
	{"GET", "/api/v2/webhooks/{s}/signing_secret", secret_show,
	 GW_AUTH_ADMIN},
	{"POST", "/api/v2/webhooks/{s}/signing_secret", secret_reset,
	 GW_AUTH_ADMIN},
	{"GET", "/api/v2/webhooks/{s}/invocations", invocations, GW_AUTH_ADMIN},
	{"GET", "/api/v2/webhooks/{s}/invocations/{id}/attempts", attempts,
	 GW_AUTH_ADMIN},
	{"GET", "/api/v2/hd/webhooks/{s}/dead_letters", dead_letters,
	 GW_AUTH_ADMIN},
	{"POST", "/api/v2/hd/webhooks/{s}/dead_letters/{id}/replay", replay,
	 GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
