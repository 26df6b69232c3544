/* Webhook RPCs (admins only): webhooks.save / get / delete / list,
 * webhooks.signing_secret (show) and webhooks.signing_secret_reset. The
 * gateway has shaped and validated the request; this checks the rules that
 * protect the store again (defence in depth). Credentials and the signing
 * secret are stored, and stripped from every reply but signing_secret's. */
#include "notifications.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/req_decode.h"
#include "hd/text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static const char *const methods[] = {"GET",   "POST",   "PUT",
				      "PATCH", "DELETE", NULL};
static const char *const auth_types[] = {"", "basic_auth", "bearer_token",
					 "api_key", NULL};

static int check(const Hd__Webhook *w, hd_rpc_rep *rep)
{
	if (!w->name[0] || strlen(w->name) > 255)
		return hd_rpc_fail(rep, HD_E_INVALID, "name",
				   "Name: cannot be blank");
	if ((strncmp(w->endpoint, "http://", 7) != 0 &&
	     strncmp(w->endpoint, "https://", 8) != 0) ||
	    strlen(w->endpoint) > 2048)
		return hd_rpc_fail(rep, HD_E_INVALID, "endpoint",
				   "Endpoint: must be an http(s) URL");
	if (!one_of(w->http_method, methods))
		return hd_rpc_fail(rep, HD_E_INVALID, "http_method",
				   "Http method: is not one of GET, POST, "
				   "PUT, PATCH, DELETE");
	if (strcmp(w->status, "active") != 0 &&
	    strcmp(w->status, "inactive") != 0)
		return hd_rpc_fail(rep, HD_E_INVALID, "status",
				   "Status: must be active or inactive");
	if (w->authentication && !one_of(w->authentication->type, auth_types))
		return hd_rpc_fail(rep, HD_E_INVALID, "authentication",
				   "Authentication: unknown type");
	return HD_OK;
}

/* Free a secret string of an unpacked message and point it at protobuf-c's
 * shared "" (which free_unpacked skips): no allocation, so it cannot fail
 * and leave the secret in place. */
static void blank(char **field)
{
	if (*field != protobuf_c_empty_string)
		free(*field);
	*field = (char *)protobuf_c_empty_string;
}

/* Blank the secrets of an unpacked webhook (freeing them). */
static void strip(Hd__Webhook *w)
{
	blank(&w->signing_secret);
	if (w->authentication) {
		blank(&w->authentication->password);
		blank(&w->authentication->token);
		blank(&w->authentication->value);
	}
}

static int reply_webhook(hd_rpc_rep *rep, Hd__Webhook *w, int secrets)
{
	if (secrets)
		return hd_pb_pack(&rep->payload, w);
	/* A shallow copy with the secret fields pointing at "". */
	Hd__Webhook c = *w;
	Hd__WebhookAuth a;
	char *empty = (char *)protobuf_c_empty_string;
	c.signing_secret = empty;
	if (w->authentication) {
		a = *w->authentication;
		a.password = a.token = a.value = empty;
		c.authentication = &a;
	}
	return hd_pb_pack(&rep->payload, &c);
}

static void new_secret(char out[64])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, 64, raw, sizeof raw,
			  sodium_base64_VARIANT_ORIGINAL);
}

typedef struct save_job {
	notify *n;
	Hd__Webhook *w; /* the request; completed here */
	uint64_t who;
	Hd__Webhook *old;
	char id[27], secret[64];
	int reset_secret;
} save_job;

/* An update that leaves a credential blank keeps the stored one.
 * HD_E_NOMEM: never save a webhook whose credentials were lost. */
static int keep_secrets(Hd__Webhook *w, const Hd__Webhook *old)
{
	int rc = hd_pb_set_string(&w->signing_secret, old->signing_secret);
	Hd__WebhookAuth *a = w->authentication, *o = old->authentication;
	if (rc || !a || !o || strcmp(a->type, o->type) != 0)
		return rc;
	if (!a->password[0])
		rc = hd_pb_set_string(&a->password, o->password);
	if (!rc && !a->token[0])
		rc = hd_pb_set_string(&a->token, o->token);
	if (!rc && !a->value[0])
		rc = hd_pb_set_string(&a->value, o->value);
	return rc;
}

static int save_fn(hd_txn *t, void *arg)
{
	save_job *j = arg;
	Hd__Webhook *w = j->w;
	int64_t now = hd_now_ms();
	if (w->id[0]) {
		int rc = notify_get_pb(t, j->n->webhooks, w->id, strlen(w->id),
				       &hd__webhook__descriptor,
				       (void **)&j->old);
		if (rc)
			return rc;
		w->created_at = j->old->created_at;
		w->created_by = j->old->created_by;
		if ((rc = keep_secrets(w, j->old)))
			return rc;
		if (j->reset_secret) {
			new_secret(j->secret);
			rc = hd_pb_set_string(&w->signing_secret, j->secret);
			if (rc)
				return rc;
		}
	} else {
		notify_ulid(j->id);
		new_secret(j->secret);
		int rc = hd_pb_set_string(&w->id, j->id);
		if (!rc)
			rc = hd_pb_set_string(&w->signing_secret, j->secret);
		if (rc)
			return rc;
		w->created_at = now;
		w->created_by = j->who;
	}
	w->updated_at = now;
	w->updated_by = j->who;
	return notify_put_pb(t, j->n->webhooks, w->id, strlen(w->id), w);
}

static int save(notify *n, const hd_rpc_req *req, hd_rpc_rep *rep, int reset)
{
	Hd__Webhook *w;
	int rc = hd_req_decode_admin(req, rep, &hd__webhook__descriptor,
				     (void **)&w);
	if (rc)
		return rc;
	save_job j = {.n = n,
		      .w = w,
		      .who = req->principal.user_id,
		      .reset_secret = reset};
	if (reset) { /* only the secret changes: start from the stored row */
		hd_txn t;
		rc = hd_store_read(n->store, &t);
		Hd__Webhook *cur = NULL;
		if (!rc)
			rc = notify_get_pb(
				&t, n->webhooks, w->id, strlen(w->id),
				&hd__webhook__descriptor, (void **)&cur);
		hd_txn_end(&t);
		hd__webhook__free_unpacked(w, NULL);
		if (rc)
			return hd_rpc_fail(rep, rc, "", "webhook not found");
		j.w = w = cur;
	}
	rc = reset ? HD_OK : check(w, rep);
	if (!rc) {
		rc = hd_store_write(n->store, save_fn, &j);
		if (rc == HD_E_NOTFOUND)
			hd_rpc_fail(rep, rc, "", "webhook not found");
	}
	if (!rc)
		rc = reply_webhook(rep, w, reset);
	hd__webhook__free_unpacked(w, NULL);
	hd__webhook__free_unpacked(j.old, NULL);
	return rc;
}

static int webhooks_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return save(ctx, req, rep, 0);
}

static int webhooks_secret_reset(void *ctx, const hd_rpc_req *req,
				 hd_rpc_rep *rep)
{
	return save(ctx, req, rep, 1);
}

static int get(notify *n, const hd_rpc_req *req, hd_rpc_rep *rep, int secrets)
{
	Hd__WebhookId *id;
	int rc = hd_req_decode_admin(req, rep, &hd__webhook_id__descriptor,
				     (void **)&id);
	if (rc)
		return rc;
	hd_txn t;
	Hd__Webhook *w = NULL;
	rc = hd_store_read(n->store, &t);
	if (!rc)
		rc = notify_get_pb(&t, n->webhooks, id->id, strlen(id->id),
				   &hd__webhook__descriptor, (void **)&w);
	hd_txn_end(&t);
	if (!rc)
		rc = reply_webhook(rep, w, secrets);
	else
		hd_rpc_fail(rep, rc, "", "webhook not found");
	hd__webhook__free_unpacked(w, NULL);
	hd__webhook_id__free_unpacked(id, NULL);
	return rc;
}

static int webhooks_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return get(ctx, req, rep, 0);
}

static int webhooks_secret(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return get(ctx, req, rep, 1);
}

typedef struct del_job {
	notify *n;
	const char *id;
} del_job;

static int delete_fn(hd_txn *t, void *arg)
{
	del_job *j = arg;
	MDB_val v;
	int rc = hd_txn_get(t, j->n->webhooks, j->id, strlen(j->id), &v);
	if (!rc)
		rc = hd_txn_del(t, j->n->webhooks, j->id, strlen(j->id));
	/* Its pending deliveries go to the dead letters when next looked at
	 * ("webhook deleted"), so nothing vanishes without a trace. */
	return rc ? rc : t->rc;
}

static int webhooks_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	Hd__WebhookId *id;
	int rc = hd_req_decode_admin(req, rep, &hd__webhook_id__descriptor,
				     (void **)&id);
	if (rc)
		return rc;
	del_job j = {n, id->id};
	rc = hd_store_write(n->store, delete_fn, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, id);
	else
		hd_rpc_fail(rep, rc, "", "webhook not found");
	hd__webhook_id__free_unpacked(id, NULL);
	return rc;
}

typedef struct list_state {
	const Hd__WebhookListRequest *q;
	Hd__WebhookList *l;
} list_state;

static int list_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	list_state *s = arg;
	(void)k;
	Hd__Webhook *w = hd__webhook__unpack(NULL, v->mv_size, v->mv_data);
	if (!w)
		return 0;
	int keep = (!s->q->status[0] || strcmp(w->status, s->q->status) == 0) &&
		   (!s->q->name_contains[0] ||
		    strstr(w->name, s->q->name_contains));
	Hd__Webhook **grown =
		keep ? realloc(s->l->webhooks,
			       (s->l->n_webhooks + 1) * sizeof *grown)
		     : NULL;
	if (!grown) {
		hd__webhook__free_unpacked(w, NULL);
		return keep ? HD_E_NOMEM : 0;
	}
	strip(w);
	s->l->webhooks = grown;
	s->l->webhooks[s->l->n_webhooks++] = w;
	return 0;
}

static int webhooks_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	Hd__WebhookListRequest *q;
	int rc = hd_req_decode_admin(
		req, rep, &hd__webhook_list_request__descriptor, (void **)&q);
	if (rc)
		return rc;
	Hd__WebhookList l = HD__WEBHOOK_LIST__INIT;
	list_state s = {q, &l};
	hd_txn t;
	rc = hd_store_read(n->store, &t);
	if (!rc)
		rc = hd_txn_foreach(&t, n->webhooks, NULL, 0, list_one, &s);
	hd_txn_end(&t);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	for (size_t i = 0; i < l.n_webhooks; i++)
		hd__webhook__free_unpacked(l.webhooks[i], NULL);
	free(l.webhooks);
	hd__webhook_list_request__free_unpacked(q, NULL);
	return rc;
}

int notify_webhook_test(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

const hd_rpc_route notify_webhook_routes[] = {
	{"webhooks.save", webhooks_save},
	{"webhooks.get", webhooks_get},
	{"webhooks.delete", webhooks_delete},
	{"webhooks.list", webhooks_list},
	{"webhooks.signing_secret", webhooks_secret},
	{"webhooks.signing_secret_reset", webhooks_secret_reset},
	{"webhooks.test", notify_webhook_test},
	{NULL, NULL},
};
