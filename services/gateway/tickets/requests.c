/* The Requests API over HTTP: POST/GET /requests, GET/PUT /requests/{id},
 * GET /requests/{id}/comments. Each handler downgrades the caller to an
 * end-user and uses the ticket RPCs, so intake enforces who sees what.
 *
 * Anonymous POST /requests (no Authorization header) is allowed only with
 * HD_ANONYMOUS_REQUESTS=1; it needs request.requester{name,email}, is
 * limited per client IP (HD_ANON_RATE_LIMIT a minute), to bodies of
 * ANON_MAX_BODY bytes, and is refused with 422 when the honeypot field
 * request.honeypot (a form input people never see) is not empty. */
#include "gw_requests.h"
#include "gw_session.h"
#include "gw_users.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/text.h"
#include "hd/vocab.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define ANON_MAX_BODY    ((size_t)64 << 10)
#define MAX_SUBJECT      255
#define MAX_NAME         255
#define MAX_STATUS_PARAM 6

/* Keys of a request object a client may write (create); the rest are
 * dropped and named in x-zendesk-api-warn. */
static const char *const create_keys[] = {
	"subject", "comment",       "description", "priority",
	"type",    "custom_fields", "fields",      "ticket_form_id",
	"due_at",  "collaborators", "email_ccs",   NULL};
static const char *const update_keys[] = {"comment", "solved", NULL};

static void as_end_user(gw_req *r)
{
	r->who.role = HD__USER_ROLE__ROLE_END_USER;
}

static bool listed(const char *const *keys, const char *k)
{
	for (size_t i = 0; keys[i]; i++)
		if (strcmp(keys[i], k) == 0)
			return true;
	return false;
}

/* Copy the allowed keys of req into a new ticket object; name the others
 * in x-zendesk-api-warn. */
static json_t *ticket_from(json_t *req, const char *const *keys,
			   const char *action, gw_resp *out)
{
	json_t *tk = json_object(), *v;
	const char *k;
	hd_buf warn; /* bounded: keys past the cap are left out (sticky) */
	hd_buf_init(&warn, 300);
	json_object_foreach(req, k, v)
	{
		if (listed(keys, k))
			json_object_set(tk, k, v);
		else if (strcmp(k, "requester") != 0 &&
			 strcmp(k, "honeypot") != 0 && strlen(k) < 64 &&
			 !strpbrk(k, "\"\r\n"))
			hd_buf_printf(&warn, "%s\"request.%s\"",
				      warn.len ? ", " : "", k);
	}
	if (warn.len)
		snprintf(out->api_warn, sizeof out->api_warn,
			 "{:allowed_parameters=>{:controller=>\"requests\", "
			 ":action=>\"%s\", :unpermitted_keys=>[%s]}}",
			 action, warn.data);
	hd_buf_release(&warn);
	/* Zendesk's alias: "fields" is custom_fields */
	json_t *fields = json_object_get(tk, "fields");
	if (fields && !json_object_get(tk, "custom_fields"))
		json_object_set(tk, "custom_fields", fields);
	json_object_del(tk, "fields");
	return tk;
}

/* Only fields end-users see and may edit take a value from a request. */
static int check_portal_fields(gw *g, gw_req *r, json_t *tk, gw_resp *out)
{
	json_t *cf = json_object_get(tk, "custom_fields"), *x;
	size_t i;
	if (!json_is_array(cf) || json_array_size(cf) == 0)
		return HD_OK; /* intake names malformed values */
	gw_portal_fields pf;
	int rc = gw_portal_fields_load(g, r, &pf, out);
	json_array_foreach(cf, i, x)
	{
		json_t *id = json_object_get(x, "id");
		if (rc || !json_is_integer(id))
			continue;
		const Hd__TicketField *f =
			gw_portal_field(&pf, (uint64_t)json_integer_value(id));
		if (!f || !f->editable_in_portal) {
			char field[48];
			snprintf(field, sizeof field, "custom_fields_%lld",
				 (long long)json_integer_value(id));
			rc = gw_invalid(out, field,
					"is not a field end-users may set");
		}
	}
	gw_portal_fields_free(&pf);
	return rc;
}

/* A ticket form end-users may pick: active and end_user_visible (forms.get
 * asked as an end-user finds no other). */
static int check_portal_form(gw *g, gw_req *r, json_t *tk, gw_resp *out)
{
	json_t *id = json_object_get(tk, "ticket_form_id");
	if (!json_is_integer(id) || json_integer_value(id) <= 0)
		return HD_OK; /* intake names malformed values */
	Hd__FieldId fi = HD__FIELD_ID__INIT;
	Hd__TicketForm *form = NULL;
	fi.id = (uint64_t)json_integer_value(id);
	int rc = gw_call(g, g->intake[0], r, "forms.get", &fi,
			 &hd__ticket_form__descriptor, (void **)&form, out);
	hd__ticket_form__free_unpacked(form, NULL);
	if (rc && out->status == 404)
		rc = gw_invalid(out, "ticket_form_id",
				"is not a ticket form end-users may use");
	return rc;
}

static int reply_request(gw *g, gw_req *r, gw_resp *out, unsigned status,
			 const Hd__Ticket *tk)
{
	gw_portal_fields pf;
	int rc = gw_portal_fields_load(g, r, &pf, out);
	if (!rc) {
		gw_reply_one(out, status, "request",
			     gw_request_json(r, tk, &pf));
		gw_reply_location(r, out, status, "requests", tk->id);
	}
	gw_portal_fields_free(&pf);
	return rc;
}

/* ---- who is asking ---- */

uint64_t gw_client_ip_key(gw_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const uint8_t *p = NULL;
	size_t n = 0;
	if (sa && sa->sa_family == AF_INET) {
		p = (const uint8_t *)&((const struct sockaddr_in *)sa)
			    ->sin_addr;
		n = 4;
	} else if (sa && sa->sa_family == AF_INET6) {
		p = (const uint8_t *)&((const struct sockaddr_in6 *)sa)
			    ->sin6_addr;
		n = 16;
	}
	uint64_t h = 1469598103934665603ULL; /* FNV-1a of the address */
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h ? h : 1;
}

int gw_anon_rate(gw *g, gw_req *r, uint64_t purpose, gw_resp *out)
{
	gw_rate rl;
	gw_ratelimit_take_anon(g->limits, gw_client_ip_key(r) ^ purpose, &rl);
	if (!rl.limited)
		return HD_OK;
	out->retry_after = rl.reset;
	return gw_error(out, 429, "TooManyRequests", "Rate limit exceeded");
}

/* requester{name,email} of an anonymous request → r->who (an end-user). */
static int anonymous_requester(gw *g, gw_req *r, json_t *req, gw_resp *out)
{
	json_t *rq = json_object_get(req, "requester");
	json_t *email = json_object_get(rq, "email");
	json_t *name = json_object_get(rq, "name");
	if (!json_is_object(rq) || !json_is_string(email) ||
	    !json_is_string(name) || !json_string_length(name) ||
	    json_string_length(name) > MAX_NAME ||
	    json_string_length(email) > 254)
		return gw_invalid(out, "requester",
				  "requester: anonymous requests need "
				  "{\"name\":\"…\",\"email\":\"…\"}");
	Hd__UserEnsureRequest er = HD__USER_ENSURE_REQUEST__INIT;
	er.email = (char *)json_string_value(email);
	er.name = (char *)json_string_value(name);
	er.anonymous = true; /* never as an established user (intake) */
	Hd__User *u = NULL;
	/* users.ensure is staff-only; an account that allows anonymous
	 * requests lets the web form find or create its end-user, and only
	 * that: the caller is that end-user from here on. */
	memset(&r->who, 0, sizeof r->who);
	r->who.role = HD__USER_ROLE__ROLE_SYSTEM;
	int rc = gw_call(g, g->intake[0], r, "users.ensure", &er,
			 &hd__user__descriptor, (void **)&u, out);
	r->who.role = HD__USER_ROLE__ROLE_END_USER;
	if (rc) {
		if (out->status == 422)
			gw_invalid(out, "requester",
				   "requester: the e-mail is not valid");
		return rc;
	}
	if (u->suspended || u->deleted)
		rc = gw_error(out, 403, "Forbidden",
			      "This requester may not submit requests");
	r->who.user_id = u->id;
	r->who.organization_id = u->organization_id;
	snprintf(r->who.email, sizeof r->who.email, "%s", u->email);
	hd__user__free_unpacked(u, NULL);
	return rc;
}

/* An Authorization header authenticates as usual; without one the request
 * is anonymous, when the account allows it. */
static int create_caller(gw *g, gw_req *r, bool *anon, gw_resp *out)
{
	*anon = !gw_has_credentials(r);
	gw_rate rl;
	if (!*anon) {
		int rc = gw_authenticate_scoped(g, r, "/api/v2/requests", out);
		if (rc)
			return rc;
		gw_ratelimit_take(g->limits, r->who.user_id, &rl);
	} else {
		if (!g->anonymous_requests)
			return gw_from_err(out, HD_E_UNAUTHORIZED, "");
		gw_ratelimit_take_anon(g->limits, gw_client_ip_key(r), &rl);
		if (!rl.limited && r->body.len > ANON_MAX_BODY)
			return gw_error(out, 413, "RequestTooLarge",
					"Anonymous requests are limited to "
					"64 KiB");
	}
	if (rl.limited) {
		out->retry_after = rl.reset;
		return gw_error(out, 429, "TooManyRequests",
				"Rate limit exceeded");
	}
	return HD_OK;
}

/* ---- endpoints ---- */

static int check_create(json_t *req, gw_resp *out)
{
	json_t *hp = json_object_get(req, "honeypot");
	json_t *subject = json_object_get(req, "subject");
	if (hp && !json_is_null(hp) &&
	    !(json_is_string(hp) && json_string_length(hp) == 0))
		return gw_invalid(out, "honeypot", "must be left empty");
	if (json_is_string(subject) &&
	    hd_utf8_chars(json_string_value(subject),
			  json_string_length(subject)) > MAX_SUBJECT)
		return gw_invalid(out, "subject",
				  "is longer than 255 characters");
	return HD_OK;
}

static int requests_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *req = NULL, *tk = NULL;
	Hd__TicketWriteReply *rep = NULL;
	bool anon = false;
	int rc = create_caller(g, r, &anon, out);
	if (!rc)
		rc = gw_req_object(r, out, "request", &root, &req);
	if (!rc)
		rc = check_create(req, out);
	if (!rc && anon)
		rc = anonymous_requester(g, r, req, out);
	if (rc)
		goto done;
	as_end_user(r);
	tk = ticket_from(req, create_keys, "create", out);
	json_object_set_new(tk, "requester_id",
			    json_integer((json_int_t)r->who.user_id));
	/* rel "anonymous" tells notifications not to quote the request back
	 * to an address nobody has proven (and agents who filed it) */
	json_object_set_new(
		tk, "via",
		anon ? json_pack("{s:s, s:{s:{s:O, s:O}, s:{}, s:s}}",
				 "channel", "web", "source", "from", "address",
				 json_object_get(
					 json_object_get(req, "requester"),
					 "email"),
				 "name",
				 json_object_get(
					 json_object_get(req, "requester"),
					 "name"),
				 "to", "rel", "anonymous")
		     : json_pack("{s:s}", "channel", "web"));
	json_t *c = json_object_get(tk, "comment");
	if (anon && json_is_object(c))
		json_object_del(c, "uploads"); /* uploads need an owner */
	rc = check_portal_fields(g, r, tk, out);
	if (!rc)
		rc = check_portal_form(g, r, tk, out);
	if (!rc && !anon)
		rc = gw_ticket_uploads(g, r, tk, out);
	if (!rc)
		rc = gw_ticket_write(
			g, r,
			g->intake[gw_ticket_spread(r->who.user_id, g->shards)],
			0, tk, "", NULL, &rep, out);
	if (!rc)
		rc = reply_request(g, r, out, 201, rep->ticket);
	if (!rc)
		hd_info("requests.created", "ticket=%llu anonymous=%d trace=%s",
			(unsigned long long)rep->ticket->id, anon, r->trace);
done:
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	json_decref(tk);
	json_decref(root);
	return rc;
}

/* ?status=open,pending → the statuses; 400 for anything else. */
static int status_param(gw_req *r, const char **st, size_t *n, char *buf,
			size_t cap, gw_resp *out)
{
	const char *v = gw_query(r, "status");
	*n = 0;
	if (!v || !v[0])
		return HD_OK;
	if (strlen(v) >= cap)
		return gw_error(out, 400, "InvalidValue", "status is too long");
	snprintf(buf, cap, "%s", v);
	for (char *s = buf; *s && *n < MAX_STATUS_PARAM;) {
		size_t len = strcspn(s, ",");
		char *next = s + len + (s[len] == ',');
		s[len] = '\0';
		/* the vocabulary's own spelling outlives buf */
		const char *match = hd_status_name(hd_status_of(s));
		if (hd_status_rank(s) < 0)
			return gw_error(out, 400, "InvalidValue",
					"status must be a comma-separated list "
					"of new, open, pending, hold, solved, "
					"closed");
		st[(*n)++] = match;
		s = next;
	}
	return HD_OK;
}

static int requests_list(gw *g, gw_req *r, gw_resp *out)
{
	as_end_user(r);
	const char *st[MAX_STATUS_PARAM];
	char buf[64];
	gw_ticket_list lq = {.filter = "requester",
			     .filter_id = r->who.user_id,
			     .statuses = st,
			     .key = "requests",
			     .item = gw_request_json};
	gw_portal_fields pf;
	int rc = status_param(r, st, &lq.nstatuses, buf, sizeof buf, out);
	if (rc)
		return rc;
	if ((rc = gw_portal_fields_load(g, r, &pf, out)))
		return rc;
	lq.item_arg = &pf;
	rc = gw_tickets_run_list(g, r, &lq, out);
	gw_portal_fields_free(&pf);
	return rc;
}

/* tickets.get of request {id}: the caller's own, else 404. */
static int fetch(gw *g, gw_req *r, Hd__Ticket **tk, gw_resp *out)
{
	int rc = gw_ticket_fetch(g, r, tk, out);
	if (!rc && (*tk)->requester_id != r->who.user_id)
		rc = gw_from_err(out, HD_E_NOTFOUND, "Not found");
	return rc;
}

static int requests_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Ticket *tk = NULL;
	as_end_user(r);
	int rc = fetch(g, r, &tk, out);
	if (!rc)
		rc = reply_request(g, r, out, 200, tk);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

/* comment (always public) and solved:true (when can_be_solved_by_me). */
static int requests_update(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *req = NULL, *tk = NULL;
	Hd__Ticket *before = NULL;
	Hd__TicketWriteReply *rep = NULL;
	as_end_user(r);
	int rc = gw_req_object(r, out, "request", &root, &req);
	if (!rc)
		rc = fetch(g, r, &before, out);
	if (rc)
		goto done;
	tk = ticket_from(req, update_keys, "update", out);
	json_t *solved = json_object_get(tk, "solved");
	json_t *c = json_object_get(tk, "comment");
	if (solved && !json_is_boolean(solved)) {
		rc = gw_invalid(out, "solved", "must be true or false");
		goto done;
	}
	if (json_is_true(solved) && !gw_request_solvable(r, before)) {
		rc = gw_invalid(out, "solved",
				"this request cannot be solved by you");
		goto done;
	}
	json_object_del(tk, "solved");
	if (json_is_true(solved))
		json_object_set_new(tk, "status", json_string("solved"));
	if (json_is_object(c))
		json_object_set_new(c, "public", json_true());
	rc = gw_ticket_uploads(g, r, tk, out);
	if (!rc)
		rc = gw_ticket_write(g, r, gw_ticket_shard(g, r->id), r->id, tk,
				     "", NULL, &rep, out);
	if (!rc)
		rc = reply_request(g, r, out, 200, rep->ticket);
done:
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	hd__ticket__free_unpacked(before, NULL);
	json_decref(tk);
	json_decref(root);
	return rc;
}

/* Public comments only: intake hides internal notes from end-users. */
static int requests_comments(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Ticket *tk = NULL;
	as_end_user(r);
	int rc = fetch(g, r, &tk, out);
	hd__ticket__free_unpacked(tk, NULL);
	return rc ? rc : gw_tickets_comments(g, r, out);
}

int gw_request_create(gw *g, gw_req *r, gw_resp *out)
{
	return requests_create(g, r, out);
}

const gw_route gw_request_routes[] = {
	{"POST", "/api/v2/requests", requests_create, GW_AUTH_NONE},
	{"GET", "/api/v2/requests", requests_list, GW_AUTH_USER},
	{"GET", "/api/v2/requests/{id}", requests_show, GW_AUTH_USER},
	{"PUT", "/api/v2/requests/{id}", requests_update, GW_AUTH_USER},
	{"GET", "/api/v2/requests/{id}/comments", requests_comments,
	 GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
