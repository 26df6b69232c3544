/* The gateway's users endpoints (API.md §3), the helpers the people area
 * shares (body keys, directory pagination), and the area's route table. */
#include "gw_session.h"
#include "gw_users.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/user_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared helpers ---- */

static void note(gw_keys *k, const char *key)
{
	if (k && k->n < sizeof k->names / sizeof k->names[0])
		k->names[k->n++] = (char *)key;
}

int gw_take_str(json_t *obj, const char *key, char **dst, gw_keys *k,
		gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return HD_OK;
	if (!json_is_string(v) && !json_is_null(v))
		return gw_invalid_must(out, key, "a string");
	*dst = json_is_string(v) ? (char *)json_string_value(v) : "";
	note(k, key);
	return HD_OK;
}

int gw_take_u64(json_t *obj, const char *key, uint64_t *dst, gw_keys *k,
		gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return HD_OK;
	if ((!json_is_integer(v) || json_integer_value(v) < 0) &&
	    !json_is_null(v))
		return gw_invalid_must(out, key, "an id");
	*dst = json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
	note(k, key);
	return HD_OK;
}

int gw_take_bool(json_t *obj, const char *key, protobuf_c_boolean *dst,
		 gw_keys *k, gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return HD_OK;
	if (!json_is_boolean(v) && !json_is_null(v))
		return gw_invalid_must(out, key, "true or false");
	*dst = json_is_true(v);
	note(k, key);
	return HD_OK;
}

int gw_take_strs(json_t *obj, const char *key, char ***arr, size_t *n,
		 gw_keys *k, gw_resp *out)
{
	json_t *v = json_object_get(obj, key), *e;
	size_t i;
	if (!v)
		return HD_OK;
	if (json_is_null(v)) {
		note(k, key);
		return HD_OK;
	}
	if (!json_is_array(v) || json_array_size(v) > 100)
		return gw_invalid_must(out, key,
				       "an array of at most 100 strings");
	for (i = 0; i < json_array_size(v); i++)
		if (!json_is_string(json_array_get(v, i)))
			return gw_invalid_must(out, key, "an array of strings");
	*arr = calloc(json_array_size(v) + 1, sizeof(char *));
	if (!*arr)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	for (i = 0; i < json_array_size(v); i++) {
		e = json_array_get(v, i);
		(*arr)[i] = (char *)json_string_value(e);
	}
	*n = json_array_size(v);
	note(k, key);
	return HD_OK;
}

void gw_location(gw_req *r, gw_resp *out, const char *coll, uint64_t id)
{
	snprintf(out->location, sizeof out->location, "%s/api/v2/%s/%llu.json",
		 r->base_url, coll, (unsigned long long)id);
}

/* ---- the user object ---- */

json_t *gw_user_json(const gw_req *r, const Hd__User *u)
{
	char url[400];
	Hd__UserRole role = hd_role_of(u->role);
	bool end_user = role == HD__USER_ROLE__ROLE_END_USER;
	bool admin = role == HD__USER_ROLE__ROLE_ADMIN;
	json_t *tags = json_array();
	for (size_t i = 0; i < u->n_tags; i++)
		json_array_append_new(tags, json_string(u->tags[i]));
	snprintf(url, sizeof url, "%s/api/v2/users/%llu.json", r->base_url,
		 (unsigned long long)u->id);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)u->id));
	json_object_set_new(o, "url", json_string(url));
	json_object_set_new(o, "name", json_string(u->name));
	json_object_set_new(o, "email", gw_str_or_null(u->email));
	json_object_set_new(o, "created_at", gw_time_json(u->created_at));
	json_object_set_new(o, "updated_at", gw_time_json(u->updated_at));
	json_object_set_new(o, "time_zone", json_string(u->time_zone));
	json_object_set_new(o, "iana_time_zone", json_string(u->time_zone));
	json_object_set_new(o, "phone", gw_str_or_null(u->phone));
	json_object_set_new(o, "shared_phone_number", json_null());
	json_object_set_new(o, "photo", json_null());
	json_object_set_new(o, "locale_id",
			    strcmp(u->locale, "en-US") == 0 ? json_integer(1)
							    : json_null());
	json_object_set_new(o, "locale", json_string(u->locale));
	json_object_set_new(
		o, "organization_id",
		u->organization_id
			? json_integer((json_int_t)u->organization_id)
			: json_null());
	json_object_set_new(o, "role", json_string(u->role));
	json_object_set_new(o, "verified", json_boolean(u->verified));
	json_object_set_new(o, "external_id", gw_str_or_null(u->external_id));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "alias", json_string(""));
	json_object_set_new(o, "active", json_boolean(!u->deleted));
	json_object_set_new(o, "shared", json_false());
	json_object_set_new(o, "shared_agent", json_false());
	json_object_set_new(o, "last_login_at", gw_time_json(u->last_login_at));
	json_object_set_new(o, "two_factor_auth_enabled", json_false());
	json_object_set_new(o, "signature", json_string(""));
	json_object_set_new(o, "details", json_string(u->details));
	json_object_set_new(o, "notes", json_string(u->notes));
	json_object_set_new(o, "role_type",
			    admin ? json_integer(4) : json_null());
	json_object_set_new(o, "custom_role_id", json_null());
	json_object_set_new(o, "moderator", json_boolean(!end_user));
	json_object_set_new(o, "ticket_restriction",
			    end_user ? json_string("requested") : json_null());
	json_object_set_new(o, "only_private_comments", json_false());
	json_object_set_new(o, "restricted_agent", json_boolean(end_user));
	json_object_set_new(o, "suspended", json_boolean(u->suspended));
	json_object_set_new(
		o, "default_group_id",
		u->default_group_id
			? json_integer((json_int_t)u->default_group_id)
			: json_null());
	json_object_set_new(o, "report_csv", json_boolean(admin));
	json_object_set_new(
		o, "user_fields",
		hd_user_fields_json(u->user_fields, u->n_user_fields));
	return o;
}

static json_t *anonymous_user(void)
{
	return json_pack("{s:n, s:n, s:s, s:n, s:s, s:s, s:s, s:s, s:b, s:b, "
			 "s:[], s:{}}",
			 "id", "url", "name", "Anonymous user", "email", "role",
			 "end-user", "locale", "ko", "time_zone", "Asia/Seoul",
			 "iana_time_zone", "Asia/Seoul", "active", 1,
			 "verified", 0, "tags", "user_fields");
}

/* ---- reading a user body ---- */

/* "user_fields": an object of text, numbers, true/false, null or lists
 * of those (null: unchanged). */
static int take_user_fields(json_t *o, Hd__User *u, gw_keys *k, gw_resp *out)
{
	json_t *uf = json_object_get(o, "user_fields");
	const char *bad = "";
	if (!uf || json_is_null(uf))
		return HD_OK;
	if (!json_is_object(uf))
		return gw_invalid_must(out, "user_fields", "an object");
	int rc = hd_user_fields_from_json(uf, &u->user_fields,
					  &u->n_user_fields, &bad);
	if (rc == HD_E_INVALID) {
		size_t n = strlen(bad) + 96;
		char *why = malloc(n);
		if (!why)
			return gw_from_err(out, HD_E_NOMEM, "out of memory");
		snprintf(why, n,
			 "user_fields.%s: must be text, a number, true/false, "
			 "null or a list of those",
			 bad);
		rc = gw_invalid(out, "user_fields", why);
		free(why);
		return rc;
	}
	if (rc)
		return gw_from_err(out, rc, "out of memory");
	note(k, "user_fields");
	return HD_OK;
}

int gw_user_from_json(json_t *o, Hd__User *u, gw_keys *k, char ***tags,
		      gw_resp *out)
{
	int rc = gw_take_str(o, "name", &u->name, k, out);
	if (!rc)
		rc = gw_take_str(o, "email", &u->email, k, out);
	if (!rc)
		rc = gw_take_str(o, "role", &u->role, k, out);
	if (!rc)
		rc = gw_take_str(o, "phone", &u->phone, k, out);
	if (!rc)
		rc = gw_take_str(o, "locale", &u->locale, k, out);
	if (!rc)
		rc = gw_take_str(o, "time_zone", &u->time_zone, k, out);
	if (!rc)
		rc = gw_take_str(o, "details", &u->details, k, out);
	if (!rc)
		rc = gw_take_str(o, "notes", &u->notes, k, out);
	if (!rc && json_is_integer(json_object_get(o, "external_id")))
		json_object_set_new(
			o, "external_id",
			json_sprintf("%" JSON_INTEGER_FORMAT,
				     json_integer_value(json_object_get(
					     o, "external_id"))));
	if (!rc)
		rc = gw_take_str(o, "external_id", &u->external_id, k, out);
	if (!rc)
		rc = gw_take_u64(o, "organization_id", &u->organization_id, k,
				 out);
	if (!rc)
		rc = gw_take_u64(o, "default_group_id", &u->default_group_id, k,
				 out);
	if (!rc)
		rc = gw_take_bool(o, "verified", &u->verified, k, out);
	if (!rc)
		rc = gw_take_bool(o, "suspended", &u->suspended, k, out);
	if (!rc)
		rc = gw_take_strs(o, "tags", tags, &u->n_tags, k, out);
	u->tags = *tags;
	if (!rc)
		rc = take_user_fields(o, u, k, out);
	return rc;
}

/* One users.create / update / create_or_update from the body's "user". */
static int write_user(gw *g, gw_req *r, const char *method, uint64_t id,
		      gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	char **tags = NULL;
	Hd__UserWriteReply *rep = NULL;
	Hd__User u = HD__USER__INIT;
	gw_keys k = {.n = 0};
	int rc = gw_req_object(r, out, "user", &root, &obj);
	if (!rc)
		rc = gw_user_from_json(obj, &u, &k, &tags, out);
	u.id = id;
	Hd__UserWriteRequest wr = HD__USER_WRITE_REQUEST__INIT;
	wr.user = &u;
	wr.fields = k.names;
	wr.n_fields = k.n;
	if (!rc)
		rc = gw_call(g, g->intake[0], r, method, &wr,
			     &hd__user_write_reply__descriptor, (void **)&rep,
			     out);
	if (!rc) {
		out->status = rep->created ? 201 : 200;
		if (rep->created)
			gw_location(r, out, "users", rep->user->id);
		out->body =
			json_pack("{s:o}", "user", gw_user_json(r, rep->user));
		gw_auth_flush(g);
	}
	if (rep)
		hd__user_write_reply__free_unpacked(rep, NULL);
	free(tags);
	hd_user_fields_free(u.user_fields, u.n_user_fields);
	json_decref(root);
	return rc;
}

static int users_create(gw *g, gw_req *r, gw_resp *out)
{
	return write_user(g, r, "users.create", 0, out);
}

static int users_update(gw *g, gw_req *r, gw_resp *out)
{
	return write_user(g, r, "users.update", r->id, out);
}

static int users_upsert(gw *g, gw_req *r, gw_resp *out)
{
	return write_user(g, r, "users.create_or_update", 0, out);
}

static int get_user(gw *g, gw_req *r, uint64_t id, gw_resp *out)
{
	Hd__IdRequest ir = HD__ID_REQUEST__INIT;
	Hd__User *u = NULL;
	ir.id = id;
	int rc = gw_call(g, g->intake[0], r, "users.get", &ir,
			 &hd__user__descriptor, (void **)&u, out);
	if (rc)
		return rc;
	out->status = 200;
	out->body = json_pack("{s:o}", "user", gw_user_json(r, u));
	hd__user__free_unpacked(u, NULL);
	return HD_OK;
}

static int users_show(gw *g, gw_req *r, gw_resp *out)
{
	return get_user(g, r, r->id, out);
}

/* Only a request without credentials is the anonymous user; wrong ones
 * are 401, as on every endpoint (Zendesk does the same). */
static int users_me(gw *g, gw_req *r, gw_resp *out)
{
	if (!gw_has_credentials(r)) {
		out->status = 200;
		out->body = json_pack("{s:o}", "user", anonymous_user());
		return HD_OK;
	}
	int rc = gw_authenticate_scoped(g, r, "/api/v2/users/me", out);
	if (rc)
		return rc;
	rc = get_user(g, r, r->who.user_id, out);
	if (!rc)
		json_object_set_new(json_object_get(out->body, "user"),
				    "authenticity_token",
				    json_string(r->trace));
	return rc;
}

static int users_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__IdRequest ir = HD__ID_REQUEST__INIT;
	Hd__User *u = NULL;
	ir.id = r->id;
	int rc = gw_call(g, g->intake[0], r, "users.delete", &ir,
			 &hd__user__descriptor, (void **)&u, out);
	if (rc)
		return rc;
	gw_auth_flush(g);
	out->status = 200;
	out->body = json_pack("{s:o}", "user", gw_user_json(r, u));
	hd__user__free_unpacked(u, NULL);
	return HD_OK;
}

/* users.list with q; offset or cursor pagination unless show_many. */
int gw_users_list_q(gw *g, gw_req *r, Hd__DirListRequest *q, gw_page *p,
		    gw_resp *out)
{
	Hd__UserList *l = NULL;
	int rc = gw_call(g, g->intake[0], r, "users.list", q,
			 &hd__user_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_users; i++)
		json_array_append_new(arr, gw_user_json(r, l->users[i]));
	gw_dir_reply(r, p, out, "users", arr, l->count, l->has_more);
	hd__user_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int users_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	gw_page p;
	int rc = gw_dir_page(r, &p, &q, out);
	const char *role = gw_query(r, "role");
	if (!role)
		role = gw_query(r, "role[]");
	const char *ext = gw_query(r, "external_id");
	q.role = (char *)(role ? role : "");
	q.external_id = (char *)(ext ? ext : "");
	return rc ? rc : gw_users_list_q(g, r, &q, &p, out);
}

static int users_search(gw *g, gw_req *r, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	gw_page p;
	int rc = gw_dir_page(r, &p, &q, out);
	const char *query = gw_query(r, "query");
	const char *ext = gw_query(r, "external_id");
	if (!rc && p.cursor)
		return gw_error(out, 400, "InvalidPaginationParameter",
				"users/search supports offset pagination only");
	if (!rc && (!query || !query[0]) && (!ext || !ext[0]))
		return gw_error(out, 400, "ParameterMissing",
				"param is missing or the value is empty: "
				"query");
	q.query = (char *)(query ? query : "");
	q.external_id = (char *)(ext ? ext : "");
	return rc ? rc : gw_users_list_q(g, r, &q, &p, out);
}

static int users_show_many(gw *g, gw_req *r, gw_resp *out)
{
	return gw_dir_show_many(g, r, out, gw_users_list_q);
}

static int users_password(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	Hd__PasswordRequest pr = HD__PASSWORD_REQUEST__INIT;
	Hd__IdRequest *ignored = NULL;
	int rc = gw_parse_body(r, out, &root);
	pr.user_id = r->id;
	if (!rc)
		rc = gw_take_str(root, "password", &pr.password, NULL, out);
	if (!rc)
		rc = gw_take_str(root, "previous_password",
				 &pr.previous_password, NULL, out);
	if (!rc)
		rc = gw_call(g, g->intake[0], r, "users.password", &pr,
			     &hd__id_request__descriptor, (void **)&ignored,
			     out);
	if (!rc) {
		gw_auth_flush(g);
		out->status = 200;
		out->body = json_object();
	}
	if (ignored)
		hd__id_request__free_unpacked(ignored, NULL);
	json_decref(root);
	return rc;
}

const gw_route gw_user_routes[] = {
	{"GET", "/api/v2/users/me", users_me, GW_AUTH_NONE},
	{"GET", "/api/v2/users/search", users_search, GW_AUTH_USER},
	{"GET", "/api/v2/users/show_many", users_show_many, GW_AUTH_USER},
	{"POST", "/api/v2/users/create_or_update", users_upsert, GW_AUTH_USER},
	{"GET", "/api/v2/users", users_list, GW_AUTH_USER},
	{"POST", "/api/v2/users", users_create, GW_AUTH_USER},
	{"GET", "/api/v2/users/{id}", users_show, GW_AUTH_USER},
	{"PUT", "/api/v2/users/{id}", users_update, GW_AUTH_USER},
	{"DELETE", "/api/v2/users/{id}", users_delete, GW_AUTH_USER},
	{"PUT", "/api/v2/users/{id}/password", users_password, GW_AUTH_USER},
	{"POST", "/api/v2/users/{id}/password", users_password, GW_AUTH_USER},
	{"GET", "/api/v2/users/{id}/group_memberships", gw_members_of_user,
	 GW_AUTH_USER},
	{"GET", "/api/v2/api_tokens", gw_tokens_list, GW_AUTH_ADMIN},
	{"POST", "/api/v2/api_tokens", gw_tokens_create, GW_AUTH_ADMIN},
	{"DELETE", "/api/v2/api_tokens/{id}", gw_tokens_delete, GW_AUTH_ADMIN},
	{"GET", "/api/v2/oauth/tokens", gw_tokens_list, GW_AUTH_USER},
	{"POST", "/api/v2/oauth/tokens", gw_tokens_create, GW_AUTH_USER},
	{"DELETE", "/api/v2/oauth/tokens/{id}", gw_tokens_delete, GW_AUTH_USER},
	{"GET", "/api/v2/organizations/show_many", gw_orgs_show_many,
	 GW_AUTH_USER},
	{"GET", "/api/v2/organizations/search", gw_orgs_search, GW_AUTH_USER},
	{"GET", "/api/v2/organizations", gw_orgs_list, GW_AUTH_USER},
	{"POST", "/api/v2/organizations", gw_orgs_create, GW_AUTH_USER},
	{"GET", "/api/v2/organizations/{id}", gw_orgs_show, GW_AUTH_USER},
	{"PUT", "/api/v2/organizations/{id}", gw_orgs_update, GW_AUTH_USER},
	{"DELETE", "/api/v2/organizations/{id}", gw_orgs_delete, GW_AUTH_USER},
	{"GET", "/api/v2/organizations/{id}/users", gw_orgs_users,
	 GW_AUTH_USER},
	{"GET", "/api/v2/groups/assignable", gw_groups_assignable,
	 GW_AUTH_USER},
	{"GET", "/api/v2/groups/count", gw_groups_count, GW_AUTH_USER},
	{"GET", "/api/v2/groups", gw_groups_list, GW_AUTH_USER},
	{"POST", "/api/v2/groups", gw_groups_create, GW_AUTH_USER},
	{"GET", "/api/v2/groups/{id}", gw_groups_show, GW_AUTH_USER},
	{"PUT", "/api/v2/groups/{id}", gw_groups_update, GW_AUTH_USER},
	{"DELETE", "/api/v2/groups/{id}", gw_groups_delete, GW_AUTH_USER},
	{"GET", "/api/v2/groups/{id}/memberships", gw_members_of_group,
	 GW_AUTH_USER},
	{"GET", "/api/v2/groups/{id}/users", gw_groups_users, GW_AUTH_USER},
	{"GET", "/api/v2/group_memberships", gw_members_list, GW_AUTH_USER},
	{"POST", "/api/v2/group_memberships", gw_members_create, GW_AUTH_USER},
	{"GET", "/api/v2/group_memberships/{id}", gw_members_show,
	 GW_AUTH_USER},
	{"DELETE", "/api/v2/group_memberships/{id}", gw_members_delete,
	 GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
