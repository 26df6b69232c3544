/* Zendesk's ticket import API (admins): POST /api/v2/imports/tickets and
 * /imports/tickets/create_many write tickets with their comments and times
 * as given, firing no triggers and sending no mail (intake's
 * imports.tickets on the shard the requester spreads to). And Hana's own
 * GET /api/v2/hd/imports/map?type=ticket&zendesk_id=N: the Hana id an
 * hd-import gave a Zendesk record. */
#include "gw_tickets.h"

#include "hd/err.h"
#include "hd/time_parse.h"
#include "import.pb-c.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMPORT_MANY 100

/* A ticket's or comment's string member ("" when missing or null). */
static int str(json_t *o, const char *key, char **out, gw_resp *err)
{
	json_t *v = json_object_get(o, key);
	*out = "";
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_string(v))
		return gw_invalid_must(err, key, "a string");
	*out = (char *)json_string_value(v);
	return HD_OK;
}

static int idv(json_t *o, const char *key, uint64_t *out, gw_resp *err)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return gw_invalid_must(err, key, "an id");
	*out = (uint64_t)json_integer_value(v);
	return HD_OK;
}

static int when(json_t *o, const char *key, int64_t *ms, gw_resp *err)
{
	json_t *v = json_object_get(o, key);
	*ms = 0;
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_string(v) || hd_time_parse_iso(json_string_value(v), ms))
		return gw_invalid_must(
			err, key, "an ISO-8601 time (2024-03-01T10:00:00Z)");
	return HD_OK;
}

/* One Zendesk import comment: value, body or html_body. */
static int comment(json_t *c, Hd__ImportComment *ic, gw_resp *err)
{
	hd__import_comment__init(ic);
	if (!json_is_object(c))
		return gw_invalid_must(err, "comments", "an array of objects");
	json_t *pub = json_object_get(c, "public");
	int rc = str(c, "body", &ic->body, err);
	if (!rc && !ic->body[0])
		rc = str(c, "value", &ic->body, err);
	if (!rc)
		rc = str(c, "html_body", &ic->html_body, err);
	if (!rc)
		rc = idv(c, "author_id", &ic->author_id, err);
	if (!rc)
		rc = when(c, "created_at", &ic->created_at, err);
	if (!rc && pub && !json_is_boolean(pub))
		rc = gw_invalid_must(err, "public", "true or false");
	ic->public_ = !pub || json_is_true(pub);
	return rc;
}

typedef struct imported {
	Hd__ImportTicket t;
	Hd__ImportComment *cs;
	Hd__ImportComment **cps;
	char **tags;
} imported;

static void imported_release(imported *x)
{
	free(x->cs);
	free(x->cps);
	free(x->tags);
	memset(x, 0, sizeof *x);
}

static int tags(json_t *o, imported *x, gw_resp *err)
{
	json_t *v = json_object_get(o, "tags"), *e;
	size_t i;
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_array(v) ||
	    !(x->tags = calloc(json_array_size(v) + 1, sizeof *x->tags)))
		return gw_invalid_must(err, "tags", "an array of strings");
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e))
			return gw_invalid_must(err, "tags",
					       "an array of strings");
		x->tags[x->t.n_tags++] = (char *)json_string_value(e);
	}
	x->t.tags = x->tags;
	return HD_OK;
}

static int comments(json_t *o, imported *x, gw_resp *err)
{
	json_t *v = json_object_get(o, "comments"), *c;
	size_t i, n = json_is_array(v) ? json_array_size(v) : 0;
	if (v && !json_is_null(v) && !json_is_array(v))
		return gw_invalid_must(err, "comments", "an array of objects");
	if (!n)
		return HD_OK;
	x->cs = calloc(n, sizeof *x->cs);
	x->cps = calloc(n, sizeof *x->cps);
	if (!x->cs || !x->cps)
		return gw_from_err(err, HD_E_NOMEM, "out of memory");
	json_array_foreach(v, i, c)
	{
		int rc = comment(c, &x->cs[i], err);
		if (rc)
			return rc;
		x->cps[x->t.n_comments++] = &x->cs[i];
	}
	x->t.comments = x->cps;
	return HD_OK;
}

/* The Zendesk "ticket" object (requester{} already resolved) into x; the
 * strings stay in o. */
static int to_import(json_t *o, imported *x, gw_resp *err)
{
	Hd__ImportTicket *t = &x->t;
	hd__import_ticket__init(t);
	json_t *via = json_object_get(o, "via");
	int rc = str(o, "subject", &t->subject, err);
	if (!rc)
		rc = str(o, "description", &t->description, err);
	if (!rc)
		rc = str(o, "status", &t->status, err);
	if (!rc)
		rc = str(o, "priority", &t->priority, err);
	if (!rc)
		rc = str(o, "type", &t->type, err);
	if (!rc)
		rc = str(o, "external_id", &t->external_id, err);
	if (!rc && json_is_object(via))
		rc = str(via, "channel", &t->via_channel, err);
	const char *ids[] = {"requester_id", "submitter_id", "assignee_id",
			     "organization_id", "group_id"};
	uint64_t *dst[] = {&t->requester_id, &t->submitter_id, &t->assignee_id,
			   &t->organization_id, &t->group_id};
	for (size_t i = 0; i < 5 && !rc; i++)
		rc = idv(o, ids[i], dst[i], err);
	const char *times[] = {"created_at", "updated_at", "solved_at",
			       "due_at"};
	int64_t *tdst[] = {&t->created_at, &t->updated_at, &t->solved_at,
			   &t->due_at};
	for (size_t i = 0; i < 4 && !rc; i++)
		rc = when(o, times[i], tdst[i], err);
	if (!rc)
		rc = tags(o, x, err);
	if (!rc)
		rc = comments(o, x, err);
	if (!rc && !t->requester_id)
		rc = gw_invalid(err, "requester_id",
				"requester_id: is required (or requester "
				"{email, name})");
	return rc;
}

/* Resolve requester{} and convert ticket; 0 or the HTTP error in err. */
static int prepare(gw *g, gw_req *r, json_t *ticket, imported *x, gw_resp *err)
{
	if (!json_is_object(ticket))
		return gw_invalid(err, "ticket", "ticket: must be an object");
	if (!json_object_get(ticket, "requester_id") &&
	    json_is_integer(json_object_get(ticket, "requester")))
		json_object_set(ticket, "requester_id",
				json_object_get(ticket, "requester"));
	int rc = gw_ticket_requester(g, r, ticket, err);
	return rc ? rc : to_import(ticket, x, err);
}

/* One imports.tickets of n tickets to shard s; *rep is the caller's. */
static int send_shard(gw *g, gw_req *r, unsigned s, Hd__ImportTicket **ts,
		      size_t n, Hd__ImportReply **rep, gw_resp *out)
{
	Hd__ImportTicketsRequest rq = HD__IMPORT_TICKETS_REQUEST__INIT;
	rq.tickets = ts;
	rq.n_tickets = n;
	return gw_call(g, g->intake[s], r, "imports.tickets", &rq,
		       &hd__import_reply__descriptor, (void **)rep, out);
}

static int result_error(const Hd__ImportResult *res, gw_resp *out)
{
	char msg[400];
	snprintf(msg, sizeof msg, "%s%s%s", res->field,
		 res->field[0] ? ": " : "", res->error);
	return gw_invalid(out, res->field[0] ? res->field : "ticket", msg);
}

static int import_one(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *ticket = NULL;
	imported x = {0};
	Hd__ImportReply *rep = NULL;
	Hd__Ticket *tk = NULL;
	int rc = gw_req_object(r, out, "ticket", &root, &ticket);
	if (!rc)
		rc = prepare(g, r, ticket, &x, out);
	unsigned s = gw_ticket_spread(x.t.requester_id, g->shards);
	Hd__ImportTicket *one = &x.t;
	if (!rc)
		rc = send_shard(g, r, s, &one, 1, &rep, out);
	if (!rc && (rep->n_results != 1 || rep->results[0]->error[0]))
		rc = rep->n_results == 1
			     ? result_error(rep->results[0], out)
			     : gw_from_err(out, HD_E_INTERNAL, "no answer");
	if (!rc) {
		Hd__TicketGetRequest gr = HD__TICKET_GET_REQUEST__INIT;
		gr.id = rep->results[0]->id;
		rc = gw_call(g, g->intake[s], r, "tickets.get", &gr,
			     &hd__ticket__descriptor, (void **)&tk, out);
	}
	if (!rc) {
		gw_reply_one(out, 201, "ticket", gw_ticket_json(r, tk));
		gw_reply_location(r, out, 201, "tickets", tk->id);
	}
	hd__ticket__free_unpacked(tk, NULL);
	hd__import_reply__free_unpacked(rep, NULL);
	imported_release(&x);
	json_decref(root);
	return rc;
}

/* create_many: every ticket prepared, then one imports.tickets per shard;
 * the job's results keep the request's order. */
static int import_many(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *list, *t;
	imported xs[MAX_IMPORT_MANY];
	json_t *res[MAX_IMPORT_MANY] = {0};
	Hd__ImportTicket *batch[MAX_IMPORT_MANY];
	size_t at[MAX_IMPORT_MANY], i, n = 0;
	int rc = gw_parse_body(r, out, &root);
	list = json_object_get(root, "tickets");
	if (!rc && !json_is_array(list))
		rc = gw_error(out, 400, "ParameterMissing",
			      "tickets must be an array");
	if (!rc && json_array_size(list) > MAX_IMPORT_MANY)
		rc = gw_too_many(out, "tickets", MAX_IMPORT_MANY);
	if (rc) {
		json_decref(root);
		return rc;
	}
	memset(xs, 0, sizeof xs);
	json_array_foreach(list, i, t)
	{
		gw_resp err = {0};
		if (prepare(g, r, t, &xs[i], &err)) {
			res[i] = json_pack(
				"{s:I, s:b, s:O}", "index", (json_int_t)i,
				"success", 0, "error",
				json_object_get(err.body, "details")
					? json_object_get(err.body, "details")
					: err.body);
			json_decref(err.body);
		}
		n++;
	}
	for (unsigned s = 0; s < g->shards; s++) {
		size_t k = 0;
		for (i = 0; i < n; i++)
			if (!res[i] && gw_ticket_spread(xs[i].t.requester_id,
							g->shards) == s) {
				at[k] = i;
				batch[k++] = &xs[i].t;
			}
		Hd__ImportReply *rep = NULL;
		gw_resp err = {0};
		int src = k ? send_shard(g, r, s, batch, k, &rep, &err) : HD_OK;
		for (size_t j = 0; j < k; j++) {
			const Hd__ImportResult *x = !src && j < rep->n_results
							    ? rep->results[j]
							    : NULL;
			res[at[j]] =
				x && !x->error[0]
					? json_pack("{s:I, s:I, s:b}", "index",
						    (json_int_t)at[j], "id",
						    (json_int_t)x->id,
						    "success", 1)
					: json_pack("{s:I, s:b, s:s}", "index",
						    (json_int_t)at[j],
						    "success", 0, "error",
						    x ? x->error
						      : "not imported: the "
							"shard did not answer");
		}
		json_decref(err.body);
		hd__import_reply__free_unpacked(rep, NULL);
	}
	json_t *results = json_array();
	for (i = 0; i < n; i++) {
		json_array_append_new(results, res[i]);
		imported_release(&xs[i]);
	}
	json_decref(root);
	return gw_job_done(g, r, "Bulk Import Tickets", results, out);
}

static int query_u64(gw_req *r, const char *name, uint64_t *out)
{
	const char *v = gw_query(r, name);
	char *end = NULL;
	errno = 0;
	unsigned long long n = v ? strtoull(v, &end, 10) : 0;
	if (!v || errno || !end || *end || !n)
		return HD_E_INVALID;
	*out = n;
	return HD_OK;
}

static int import_map(gw *g, gw_req *r, gw_resp *out)
{
	const char *type = gw_query(r, "type");
	uint64_t zid = 0, id = 0;
	if (!type || (strcmp(type, "ticket") && strcmp(type, "user") &&
		      strcmp(type, "organization")))
		return gw_invalid(out, "type",
				  "type: ticket, user or organization");
	if (query_u64(r, "zendesk_id", &zid))
		return gw_invalid(out, "zendesk_id",
				  "zendesk_id: a positive integer");
	Hd__ImportMapRequest rq = HD__IMPORT_MAP_REQUEST__INIT;
	rq.type = (char *)type;
	rq.zendesk_ids = &zid;
	rq.n_zendesk_ids = 1;
	/* Tickets are mapped on their own shard; people on the directory. */
	unsigned shards = strcmp(type, "ticket") == 0 ? g->shards : 1;
	for (unsigned s = 0; s < shards && !id; s++) {
		Hd__ImportReply *rep = NULL;
		int rc = gw_call(g, g->intake[s], r, "imports.map", &rq,
				 &hd__import_reply__descriptor, (void **)&rep,
				 out);
		if (rc)
			return rc;
		id = rep->n_results ? rep->results[0]->id : 0;
		hd__import_reply__free_unpacked(rep, NULL);
	}
	if (!id)
		return gw_error(out, 404, "RecordNotFound",
				"No import of that Zendesk id");
	out->status = 200;
	out->body =
		json_pack("{s:{s:s, s:I, s:I}}", "import_map", "type", type,
			  "zendesk_id", (json_int_t)zid, "id", (json_int_t)id);
	return HD_OK;
}

const gw_route gw_import_routes[] = {
	{"POST", "/api/v2/imports/tickets", import_one, GW_AUTH_ADMIN},
	{"POST", "/api/v2/imports/tickets/create_many", import_many,
	 GW_AUTH_ADMIN},
	{"GET", "/api/v2/hd/imports/map", import_map, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
