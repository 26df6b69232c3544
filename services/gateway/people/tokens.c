/* The gateway's credentials endpoints: account API tokens (admins only,
 * /api/v2/api_tokens) and OAuth Bearer tokens (/api/v2/oauth/tokens). A
 * token's clear value appears once, in the reply that creates it; a revoke
 * also empties this gateway's credentials cache. */
#include "gw_scopes.h"
#include "gw_users.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *token_json(const gw_req *r, const Hd__ApiToken *t)
{
	char url[400], tail[16];
	snprintf(url, sizeof url, "%s/api/v2/%s/%llu.json", r->base_url,
		 t->oauth ? "oauth/tokens" : "api_tokens",
		 (unsigned long long)t->id);
	json_t *j = json_pack("{s:I, s:s, s:o, s:b, s:o}", "id",
			      (json_int_t)t->id, "url", url, "description",
			      gw_str_or_null(t->description), "active", 1,
			      "created_at", gw_time_json(t->created_at));
	if (t->oauth) {
		json_t *scopes = json_array();
		for (size_t i = 0; i < t->n_scopes; i++)
			json_array_append_new(scopes,
					      json_string(t->scopes[i]));
		json_object_set_new(j, "user_id",
				    json_integer((json_int_t)t->user_id));
		json_object_set_new(j, "scopes", scopes);
		json_object_set_new(j, "refresh_token", json_null());
		json_object_set_new(j, "expires_at", json_null());
	}
	if (t->token && t->token[0]) {
		size_t n = strlen(t->token);
		snprintf(tail, sizeof tail, "%s",
			 t->token + (n > 10 ? n - 10 : 0));
		json_object_set_new(j, "token",
				    json_string(t->oauth ? tail : t->token));
		if (t->oauth)
			json_object_set_new(j, "full_token",
					    json_string(t->token));
	}
	return j;
}

/* Both kinds share the handlers below; the path tells which one a request
 * is about. */
static bool is_oauth(const gw_req *r)
{
	return strncmp(r->path, "/api/v2/oauth/", 14) == 0;
}

int gw_tokens_list(gw *g, gw_req *r, gw_resp *out)
{
	bool oauth = is_oauth(r);
	Hd__ApiToken want = HD__API_TOKEN__INIT;
	Hd__ApiTokenList *l = NULL;
	want.oauth = oauth;
	int rc = gw_call(g, g->intake[0], r, "api_tokens.list", &want,
			 &hd__api_token_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n_tokens; i++)
		json_array_append_new(arr, token_json(r, l->tokens[i]));
	out->status = 200;
	out->body = json_pack(
		"{s:o, s:n, s:n, s:I}", oauth ? "tokens" : "api_tokens", arr,
		"next_page", "previous_page", "count", (json_int_t)l->n_tokens);
	hd__api_token_list__free_unpacked(l, NULL);
	return HD_OK;
}

/* Zendesk refuses a token without scopes or with one it does not have. */
static int check_scopes(const Hd__ApiToken *t, gw_resp *out)
{
	char msg[160];
	uint64_t bit;
	if (!t->oauth)
		return HD_OK;
	if (t->n_scopes == 0)
		return gw_invalid(out, "scopes", "Scopes: cannot be blank");
	for (size_t i = 0; i < t->n_scopes; i++)
		if (gw_scope_bit(t->scopes[i], &bit)) {
			snprintf(msg, sizeof msg,
				 "Scopes: \"%.100s\" is not a valid scope",
				 t->scopes[i]);
			return gw_invalid(out, "scopes", msg);
		}
	return HD_OK;
}

int gw_tokens_create(gw *g, gw_req *r, gw_resp *out)
{
	bool oauth = is_oauth(r);
	const char *key = oauth ? "token" : "api_token";
	json_t *root = NULL, *obj = NULL;
	char **scopes = NULL;
	Hd__ApiToken t = HD__API_TOKEN__INIT, *rep = NULL;
	int rc = gw_req_object(r, out, key, &root, &obj);
	t.oauth = oauth;
	if (!rc)
		rc = gw_take_str(obj, "description", &t.description, NULL, out);
	if (!rc && oauth)
		rc = gw_take_u64(obj, "user_id", &t.user_id, NULL, out);
	if (!rc && oauth)
		rc = gw_take_strs(obj, "scopes", &scopes, &t.n_scopes, NULL,
				  out);
	t.scopes = scopes;
	if (!rc)
		rc = check_scopes(&t, out);
	if (!rc)
		rc = gw_call(g, g->intake[0], r, "api_tokens.create", &t,
			     &hd__api_token__descriptor, (void **)&rep, out);
	if (!rc) {
		out->status = 201;
		out->body = json_pack("{s:o}", key, token_json(r, rep));
		hd__api_token__free_unpacked(rep, NULL);
	}
	free(scopes);
	json_decref(root);
	return rc;
}

int gw_tokens_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__ApiToken t = HD__API_TOKEN__INIT;
	t.id = r->id;
	t.oauth = is_oauth(r);
	int rc = gw_dir_delete(g, r, "api_tokens.delete", &t,
			       &hd__api_token__descriptor, out);
	if (!rc)
		gw_auth_flush(g);
	return rc;
}
