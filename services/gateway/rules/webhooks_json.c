/* The Zendesk webhook object (API.md §11) to and from hd.Webhook. Secrets
 * go in, never out. Custom header names must be HTTP tokens and values may
 * not hold CR/LF, so a hostile admin cannot inject headers. */
#include "gw_webhooks.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADERS 20
#define MAX_SUBS    20

/* The event types a webhook can subscribe to (README: Webhooks). */
static const char *const event_types[] = {
	"conditional_ticket_events",
	"zen:event-type:ticket.created",
	"zen:event-type:ticket.updated",
	"zen:event-type:ticket.solved",
	"zen:event-type:ticket.comment_added",
	"zen:event-type:ticket.sla_warning",
	"zen:event-type:ticket.sla_breached",
	"zen:event-type:knowledge.card_expired",
	NULL};

json_t *gw_webhook_json(const Hd__Webhook *w)
{
	char cb[24], ub[24];
	snprintf(cb, sizeof cb, "%llu", (unsigned long long)w->created_by);
	snprintf(ub, sizeof ub, "%llu", (unsigned long long)w->updated_by);
	json_t *subs = json_array(), *hdrs = json_object(), *auth = json_null();
	for (size_t i = 0; i < w->n_subscriptions; i++)
		json_array_append_new(subs, json_string(w->subscriptions[i]));
	for (size_t i = 0; i < w->n_custom_headers; i++)
		json_object_set_new(hdrs, w->custom_headers[i]->key,
				    json_string(w->custom_headers[i]->value));
	const Hd__WebhookAuth *a = w->authentication;
	if (a && a->type[0]) {
		json_t *data = json_object();
		if (strcmp(a->type, "basic_auth") == 0)
			json_object_set_new(data, "username",
					    json_string(a->username));
		else if (strcmp(a->type, "api_key") == 0)
			json_object_set_new(data, "name", json_string(a->name));
		auth = json_pack("{s:s, s:o, s:s}", "type", a->type, "data",
				 data, "add_position",
				 a->add_position[0] ? a->add_position
						    : "header");
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s, s:s, "
			 "s:s, s:s, s:o, s:o, s:n}",
			 "id", w->id, "name", w->name, "description",
			 w->description, "status", w->status, "subscriptions",
			 subs, "created_at", gw_time_json(w->created_at),
			 "created_by", cb, "updated_at",
			 gw_time_json(w->updated_at), "updated_by", ub,
			 "endpoint", w->endpoint, "http_method", w->http_method,
			 "request_format", w->request_format, "authentication",
			 auth, "custom_headers", hdrs, "external_source");
}

static int str_field(json_t *obj, const char *key, size_t max, char **dst,
		     gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return HD_OK;
	char msg[128];
	snprintf(msg, sizeof msg, "%s: must be a string of at most %zu bytes",
		 key, max);
	if (!json_is_string(v) || json_string_length(v) > max)
		return gw_invalid(out, key, msg);
	*dst = (char *)json_string_value(v);
	return HD_OK;
}

static int header_name_ok(const char *s)
{
	if (!*s || strlen(s) > 128)
		return 0;
	for (; *s; s++)
		if (!strchr("!#$%&'*+-.^_`|~", *s) &&
		    !((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

static int read_headers(json_t *obj, Hd__Webhook *w, gw_webhook_input *in,
			gw_resp *out)
{
	json_t *h = json_object_get(obj, "custom_headers");
	if (!h || json_is_null(h))
		return HD_OK;
	if (!json_is_object(h) || json_object_size(h) > MAX_HEADERS)
		return gw_invalid(out, "custom_headers",
				  "Custom headers: an object of at most 20 "
				  "string values");
	size_t n = json_object_size(h), i = 0;
	in->headers = calloc(n ? n : 1, sizeof *in->headers);
	in->header_ptrs = calloc(n ? n : 1, sizeof *in->header_ptrs);
	if (!in->headers || !in->header_ptrs)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	const char *k;
	json_t *v;
	json_object_foreach(h, k, v)
	{
		const char *s = json_string_value(v);
		if (!header_name_ok(k) || !s || strpbrk(s, "\r\n") ||
		    strlen(s) > 1000 ||
		    !strcasecmp(k, "X-Zendesk-Webhook-Signature") ||
		    !strcasecmp(k, "X-HD-Delivery-Id"))
			return gw_invalid(out, "custom_headers",
					  "Custom headers: bad header name or "
					  "value");
		hd__webhook_header__init(&in->headers[i]);
		in->headers[i].key = (char *)k;
		in->headers[i].value = (char *)s;
		in->header_ptrs[i] = &in->headers[i];
		i++;
	}
	w->custom_headers = in->header_ptrs;
	w->n_custom_headers = i;
	return HD_OK;
}

static int one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static int read_subs(json_t *obj, Hd__Webhook *w, gw_webhook_input *in,
		     gw_resp *out)
{
	json_t *s = json_object_get(obj, "subscriptions");
	if (!s)
		return HD_OK;
	if (!json_is_array(s) || json_array_size(s) > MAX_SUBS)
		return gw_invalid(out, "subscriptions",
				  "Subscriptions: an array of event types");
	in->subs = calloc(json_array_size(s) + 1, sizeof *in->subs);
	if (!in->subs)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	size_t i;
	json_t *v;
	json_array_foreach(s, i, v)
	{
		const char *t = json_string_value(v);
		if (!t || !one_of(t, event_types))
			return gw_invalid(out, "subscriptions",
					  "Subscriptions: unknown event type");
		in->subs[i] = (char *)t;
	}
	w->subscriptions = in->subs;
	w->n_subscriptions = json_array_size(s);
	return HD_OK;
}

static int read_auth(json_t *obj, Hd__Webhook *w, gw_webhook_input *in,
		     gw_resp *out)
{
	json_t *a = json_object_get(obj, "authentication");
	if (!a)
		return HD_OK;
	hd__webhook_auth__init(&in->auth);
	w->authentication = &in->auth;
	if (json_is_null(a))
		return HD_OK;
	json_t *data = json_object_get(a, "data");
	const char *type = json_string_value(json_object_get(a, "type"));
	static const char *const types[] = {"basic_auth", "bearer_token",
					    "api_key", NULL};
	if (!json_is_object(a) || !type || !one_of(type, types))
		return gw_invalid(out, "authentication",
				  "Authentication: type must be basic_auth, "
				  "bearer_token or api_key");
	if (data && !json_is_object(data))
		return gw_invalid(out, "authentication",
				  "Authentication: data must be an object");
	in->auth.type = (char *)type;
	in->auth.add_position = "header";
	int rc = str_field(data, "username", 255, &in->auth.username, out);
	if (!rc)
		rc = str_field(data, "password", 1000, &in->auth.password, out);
	if (!rc)
		rc = str_field(data, "token", 1000, &in->auth.token, out);
	if (!rc)
		rc = str_field(data, "name", 128, &in->auth.name, out);
	if (!rc)
		rc = str_field(data, "value", 1000, &in->auth.value, out);
	if (rc)
		return rc;
	if (strpbrk(in->auth.token, "\r\n") || strpbrk(in->auth.value, "\r\n"))
		return gw_invalid(out, "authentication",
				  "Authentication: values may not hold line "
				  "breaks");
	if (!strcmp(type, "api_key") && !header_name_ok(in->auth.name))
		return gw_invalid(out, "authentication",
				  "Authentication: api_key needs a header "
				  "name");
	return HD_OK;
}

int gw_webhook_read(json_t *obj, int creating, Hd__Webhook *w,
		    gw_webhook_input *in, gw_resp *out)
{
	static const char *const methods[] = {"GET",   "POST",   "PUT",
					      "PATCH", "DELETE", NULL};
	int rc = str_field(obj, "name", 255, &w->name, out);
	if (!rc)
		rc = str_field(obj, "description", 1000, &w->description, out);
	if (!rc)
		rc = str_field(obj, "status", 16, &w->status, out);
	if (!rc)
		rc = str_field(obj, "endpoint", 2048, &w->endpoint, out);
	if (!rc)
		rc = str_field(obj, "http_method", 8, &w->http_method, out);
	if (!rc)
		rc = str_field(obj, "request_format", 16, &w->request_format,
			       out);
	if (!rc)
		rc = read_headers(obj, w, in, out);
	if (!rc)
		rc = read_subs(obj, w, in, out);
	if (!rc)
		rc = read_auth(obj, w, in, out);
	if (rc)
		return rc;
	if (!w->name[0])
		return gw_invalid(out, "name", "Name: cannot be blank");
	if (strncmp(w->endpoint, "http://", 7) &&
	    strncmp(w->endpoint, "https://", 8))
		return gw_invalid(out, "endpoint",
				  "Endpoint: must be an http or https URL");
	if (strcmp(w->status, "active") && strcmp(w->status, "inactive"))
		return gw_invalid(out, "status",
				  "Status: must be active or inactive");
	if (!one_of(w->http_method, methods))
		return gw_invalid(out, "http_method",
				  "Http method: must be GET, POST, PUT, PATCH "
				  "or DELETE");
	if (strcmp(w->request_format, "json") != 0)
		return gw_invalid(out, "request_format",
				  "Request format: only json is supported");
	for (size_t i = 0; i < w->n_subscriptions; i++)
		if (strncmp(w->subscriptions[i], "zen:", 4) == 0 &&
		    strcmp(w->http_method, "POST") != 0)
			return gw_invalid(out, "http_method",
					  "Http method: event subscriptions "
					  "require POST");
	(void)creating;
	return HD_OK;
}

void gw_webhook_input_release(gw_webhook_input *in)
{
	free(in->headers);
	free(in->header_ptrs);
	free(in->subs);
	memset(in, 0, sizeof *in);
}

int gw_path_segment(const gw_req *r, int n, char *out, size_t cap)
{
	const char *p = r->path + 1;
	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '/');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return 0;
	size_t len = strcspn(p, "/");
	if (len == 0 || len >= cap)
		return 0;
	memcpy(out, p, len);
	out[len] = '\0';
	return 1;
}
