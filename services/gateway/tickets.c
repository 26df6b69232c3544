/* Tickets over HTTP: POST /api/v2/tickets and GET /api/v2/tickets/{id}. The
 * JSON is checked field by field (wrong types → 422 naming the field) before
 * anything is sent to intake, which validates again and owns the data. */
#include "gateway.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "ticket.pb-c.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TAGS 100

static const char *const known_keys[] = {
	"subject", "comment",      "description", "priority",    "type",
	"tags",    "requester_id", "requester",   "external_id", NULL};

/* Keys Zendesk would accept but this build ignores, or never accepts: both
 * are dropped silently and named in x-zendesk-api-warn, as Zendesk does. */
static void note_unknown_keys(json_t *ticket, gw_resp *out)
{
	hd_buf b;
	hd_buf_init(&b, sizeof out->api_warn - 1);
	const char *key;
	json_t *v;
	int n = 0;
	json_object_foreach(ticket, key, v)
	{
		int known = 0;
		for (size_t i = 0; known_keys[i] && !known; i++)
			known = strcmp(key, known_keys[i]) == 0;
		if (!known && strlen(key) < 64 && !strpbrk(key, "\"\r\n"))
			hd_buf_printf(&b, "%s\"ticket.%s\"", n++ ? ", " : "",
				      key);
	}
	if (n)
		snprintf(out->api_warn, sizeof out->api_warn,
			 "{:allowed_parameters=>{:controller=>\"tickets\", "
			 ":action=>\"create\", :unpermitted_keys=>[%s]}}",
			 b.data);
	hd_buf_release(&b);
}

/* Optional string field: absent or null → "", string → copy, else 422. */
static int opt_string(json_t *obj, const char *key, const char **out,
		      gw_resp *resp)
{
	json_t *v = json_object_get(obj, key);
	*out = "";
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_string(v)) {
		char msg[128];
		snprintf(msg, sizeof msg, "%s: must be a string", key);
		return gw_invalid(resp, key, msg);
	}
	*out = json_string_value(v);
	return HD_OK;
}

static int read_comment(json_t *ticket, const char **body, gw_resp *out)
{
	json_t *c = json_object_get(ticket, "comment");
	*body = "";
	if (c && !json_is_null(c)) {
		if (!json_is_object(c))
			return gw_invalid(out, "comment",
					  "comment: must be an object like "
					  "{\"body\":\"…\"}");
		json_t *b = json_object_get(c, "body");
		if (!b)
			b = json_object_get(c, "html_body");
		if (b && !json_is_string(b))
			return gw_invalid(out, "comment",
					  "comment.body: must be a string");
		*body = b ? json_string_value(b) : "";
	} else {
		int rc = opt_string(ticket, "description", body, out);
		if (rc)
			return rc;
	}
	if (strspn(*body, " \t\r\n") == strlen(*body))
		return gw_invalid(out, "comment", "comment: cannot be blank");
	return HD_OK;
}

static int read_tags(json_t *ticket, Hd__Ticket *tk, gw_resp *out)
{
	json_t *tags = json_object_get(ticket, "tags");
	if (!tags || json_is_null(tags))
		return HD_OK;
	if (!json_is_array(tags))
		return gw_invalid(out, "tags",
				  "tags: must be an array of strings");
	if (json_array_size(tags) > MAX_TAGS)
		return gw_invalid(out, "tags", "tags: at most 100 tags");
	tk->tags = calloc(json_array_size(tags) + 1, sizeof *tk->tags);
	if (!tk->tags)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t)
	{
		if (!json_is_string(t))
			return gw_invalid(out, "tags",
					  "tags: must be an array of strings");
		tk->tags[tk->n_tags++] = (char *)json_string_value(t);
	}
	return HD_OK;
}

static int read_requester_id(json_t *ticket, uint64_t *id, gw_resp *out)
{
	json_t *v = json_object_get(ticket, "requester_id");
	*id = 0;
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return gw_invalid(out, "requester_id",
				  "requester_id: must be a positive integer");
	*id = (uint64_t)json_integer_value(v);
	return HD_OK;
}

/* requester {email, name}: find or create the user on the directory shard. */
static int resolve_requester(gw *g, gw_req *r, json_t *ticket, uint64_t *id,
			     gw_resp *out)
{
	json_t *rq = json_object_get(ticket, "requester");
	if (!rq || json_is_null(rq))
		return HD_OK;
	json_t *email = json_object_get(rq, "email");
	json_t *name = json_object_get(rq, "name");
	if (!json_is_object(rq) || !json_is_string(email) ||
	    (name && !json_is_null(name) && !json_is_string(name)))
		return gw_invalid(
			out, "requester",
			"requester: must be {\"email\":\"…\",\"name\":\"…\"}");
	Hd__UserEnsureRequest er = HD__USER_ENSURE_REQUEST__INIT;
	er.email = (char *)json_string_value(email);
	er.name = json_is_string(name) ? (char *)json_string_value(name) : "";
	Hd__User *u = NULL;
	int rc = gw_call(g, g->intake[0], r, "users.ensure", &er,
			 &hd__user__descriptor, (void **)&u, out);
	if (rc)
		return rc;
	*id = u->id;
	hd__user__free_unpacked(u, NULL);
	return HD_OK;
}

/* A stable spread of requesters over shards (splitmix64 finalizer), so one
 * requester's tickets live together. */
static unsigned shard_for(uint64_t requester, unsigned shards)
{
	uint64_t z = requester + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (unsigned)((z ^ (z >> 31)) % shards);
}

json_t *gw_ticket_json(const gw_req *r, const Hd__Ticket *tk)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/tickets/%llu.json", r->base_url,
		 (unsigned long long)tk->id);
	json_t *tags = json_array();
	for (size_t i = 0; i < tk->n_tags; i++)
		json_array_append_new(tags, json_string(tk->tags[i]));
	json_t *via = json_pack("{s:s, s:{s:{}, s:{}, s:n}}", "channel",
				tk->via_channel[0] ? tk->via_channel : "api",
				"source", "from", "to", "rel");
	return json_pack(
		"{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:s, "
		"s:n, s:I, s:I, s:n, s:n, s:n, s:[], s:[], s:[], s:n, s:n, "
		"s:b, "
		"s:b, s:n, s:o, s:[], s:n, s:[], s:[], s:n, s:n, s:b, s:b, "
		"s:b}",
		"url", url, "id", (json_int_t)tk->id, "external_id",
		gw_str_or_null(tk->external_id), "via", via, "created_at",
		gw_time_json(tk->created_at), "updated_at",
		gw_time_json(tk->updated_at), "type", gw_str_or_null(tk->type),
		"subject", tk->subject, "raw_subject", tk->subject,
		"description", tk->description, "priority",
		gw_str_or_null(tk->priority), "status", tk->status, "recipient",
		"requester_id", (json_int_t)tk->requester_id, "submitter_id",
		(json_int_t)tk->submitter_id, "assignee_id", "organization_id",
		"group_id", "collaborator_ids", "follower_ids", "email_cc_ids",
		"forum_topic_id", "problem_id", "has_incidents", 0, "is_public",
		1, "due_at", "tags", tags, "custom_fields",
		"satisfaction_rating", "sharing_agreement_ids", "followup_ids",
		"ticket_form_id", "brand_id", "allow_channelback", 0,
		"allow_attachments", 1, "from_messaging_channel", 0);
}

static int build_ticket(gw *g, gw_req *r, json_t *ticket, Hd__Ticket *tk,
			gw_resp *out)
{
	const char *body;
	int rc =
		opt_string(ticket, "subject", (const char **)&tk->subject, out);
	if (!rc)
		rc = read_comment(ticket, &body, out);
	if (!rc) {
		tk->description = (char *)body;
		rc = opt_string(ticket, "priority",
				(const char **)&tk->priority, out);
	}
	if (!rc)
		rc = opt_string(ticket, "type", (const char **)&tk->type, out);
	if (!rc)
		rc = opt_string(ticket, "external_id",
				(const char **)&tk->external_id, out);
	if (!rc)
		rc = read_tags(ticket, tk, out);
	if (!rc)
		rc = read_requester_id(ticket, &tk->requester_id, out);
	if (!rc && !tk->requester_id)
		rc = resolve_requester(g, r, ticket, &tk->requester_id, out);
	return rc;
}

static int send_create(gw *g, gw_req *r, Hd__Ticket *tk, gw_resp *out)
{
	Hd__TicketCreateRequest cr = HD__TICKET_CREATE_REQUEST__INIT;
	cr.ticket = tk;
	uint64_t requester =
		tk->requester_id ? tk->requester_id : r->who.user_id;
	hd_rpc_client *c = g->intake[shard_for(requester, g->shards)];
	Hd__Ticket *saved = NULL;
	int rc = gw_call(g, c, r, "tickets.create", &cr,
			 &hd__ticket__descriptor, (void **)&saved, out);
	if (rc)
		return rc;
	out->status = 201;
	out->body = json_pack("{s:o}", "ticket", gw_ticket_json(r, saved));
	snprintf(out->location, sizeof out->location,
		 "%s/api/v2/tickets/%llu.json", r->base_url,
		 (unsigned long long)saved->id);
	hd__ticket__free_unpacked(saved, NULL);
	return HD_OK;
}

int gw_tickets_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	int rc = gw_parse_body(r, out, &root);
	if (rc)
		return rc;
	json_t *ticket = json_object_get(root, "ticket");
	Hd__Ticket tk = HD__TICKET__INIT;
	if (!json_is_object(root) || !json_is_object(ticket)) {
		rc = gw_error(out, 400, "ParameterMissing",
			      "param is missing or the value is empty: ticket");
		goto done;
	}
	note_unknown_keys(ticket, out);
	rc = build_ticket(g, r, ticket, &tk, out);
	if (!rc)
		rc = send_create(g, r, &tk, out);
done:
	free(tk.tags); /* the strings belong to root */
	json_decref(root);
	return rc;
}

int gw_tickets_show(gw *g, gw_req *r, gw_resp *out)
{
	if (r->id == 0)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	unsigned shard = (unsigned)(r->id & 0xff);
	if (shard >= g->shards)
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	Hd__TicketGetRequest gr = HD__TICKET_GET_REQUEST__INIT;
	gr.id = r->id;
	Hd__Ticket *tk = NULL;
	int rc = gw_call(g, g->intake[shard], r, "tickets.get", &gr,
			 &hd__ticket__descriptor, (void **)&tk, out);
	if (rc)
		return rc;
	out->status = 200;
	out->body = json_pack("{s:o}", "ticket", gw_ticket_json(r, tk));
	hd__ticket__free_unpacked(tk, NULL);
	return HD_OK;
}

const gw_route gw_ticket_routes[] = {
	{"POST", "/api/v2/tickets", gw_tickets_create, GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}", gw_tickets_show, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
