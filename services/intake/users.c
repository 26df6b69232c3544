/* intake's user and authentication RPCs (directory shard). */
#include "users.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <stdio.h>
#include <string.h>

static int on_directory(intake *in, hd_rpc_rep *rep)
{
	if (in->shard == INTAKE_DIRECTORY_SHARD)
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_NOTFOUND, NULL,
			   "users live on intake shard %d",
			   INTAKE_DIRECTORY_SHARD);
}

/* Look up email (already lower-cased) and decode the user. */
static int find_user(intake *in, const char *email, Hd__User **out)
{
	hd_txn t;
	uint64_t id = 0;
	*out = NULL;
	int rc = hd_store_read(in->store, &t);
	if (!rc)
		rc = intake_user_by_email(&t, email, &id);
	if (!rc)
		rc = intake_user_get(&t, id, out);
	hd_txn_end(&t);
	return rc;
}

static int intake_auth_token(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	int rc = on_directory(in, rep);
	if (rc)
		return rc;
	Hd__AuthTokenRequest *ar =
		hd__auth_token_request__unpack(NULL, req->len, req->payload);
	if (!ar)
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.AuthTokenRequest");
	char email[256];
	Hd__User *u = NULL;
	rc = HD_E_UNAUTHORIZED;
	if (hd_ascii_lower(ar->email, email, sizeof email) &&
	    find_user(in, email, &u) == HD_OK && !u->suspended) {
		hd_txn t;
		if (hd_store_read(in->store, &t) == HD_OK) {
			if (intake_token_known(&t, ar->token) == HD_OK)
				rc = HD_OK;
			hd_txn_end(&t);
		}
	}
	/* One answer for every failure: never tell which part was wrong. */
	if (rc == HD_OK)
		rc = hd_pb_pack(&rep->payload, u);
	else
		hd_rpc_fail(rep, rc, NULL, "Couldn't authenticate you");
	hd__user__free_unpacked(u, NULL);
	hd__auth_token_request__free_unpacked(ar, NULL);
	return rc;
}

typedef struct ensure_job {
	intake *in;
	Hd__User *user; /* in: name, email; out: the stored user */
	int created;
} ensure_job;

static int ensure_write(hd_txn *t, void *arg)
{
	ensure_job *j = arg;
	uint64_t id = 0;
	int rc = intake_user_by_email(t, j->user->email, &id);
	if (rc == HD_OK)
		return HD_OK; /* created meanwhile: the caller re-reads */
	if (rc != HD_E_NOTFOUND)
		return rc;
	if ((rc = intake_next_id(t, j->in, "next_user", &j->user->id)))
		return rc;
	j->user->created_at = j->user->updated_at = hd_now_ms();
	intake_user_put(t, j->user);
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 20);
	if ((rc = hd_pb_pack(&b, j->user)))
		hd_txn_fail(t, rc);
	else
		hd_txn_emit(t, "user.created", b.data, b.len, NULL);
	hd_buf_release(&b);
	j->created = t->rc == HD_OK;
	return t->rc;
}

static int intake_users_ensure(void *ctx, const hd_rpc_req *req,
			       hd_rpc_rep *rep)
{
	intake *in = ctx;
	int rc = on_directory(in, rep);
	if (rc)
		return rc;
	if (strcmp(req->principal.role, "agent") &&
	    strcmp(req->principal.role, "admin") &&
	    strcmp(req->principal.role, "system"))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "requester",
				   "only agents may name another requester");
	Hd__UserEnsureRequest *er =
		hd__user_ensure_request__unpack(NULL, req->len, req->payload);
	if (!er)
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.UserEnsureRequest");
	char email[256], name[256];
	Hd__User *found = NULL;
	if (!hd_email_plausible(er->email) ||
	    !hd_ascii_lower(er->email, email, sizeof email)) {
		rc = hd_rpc_fail(rep, HD_E_INVALID, "requester",
				 "requester: email '%.100s' is not valid",
				 er->email);
		goto out;
	}
	if (!hd_utf8_valid(er->name, strlen(er->name)) ||
	    strlen(er->name) > 255) {
		rc = hd_rpc_fail(rep, HD_E_INVALID, "requester",
				 "requester: name is not valid UTF-8 of at "
				 "most 255 bytes");
		goto out;
	}
	if (find_user(in, email, &found) == HD_OK) {
		rc = hd_pb_pack(&rep->payload, found);
		goto out;
	}
	/* Zendesk names an unnamed requester after the address's local part. */
	snprintf(name, sizeof name, "%s", er->name[0] ? er->name : email);
	if (!er->name[0])
		*strchr(name, '@') = '\0';
	Hd__User u = HD__USER__INIT;
	u.name = name;
	u.email = email;
	u.role = "end-user";
	u.locale = "ko";
	u.time_zone = "Asia/Seoul";
	ensure_job j = {.in = in, .user = &u};
	rc = hd_store_write(in->store, ensure_write, &j);
	if (rc == HD_OK && !j.created &&
	    (rc = find_user(in, email, &found)) == HD_OK)
		rc = hd_pb_pack(&rep->payload, found);
	else if (rc == HD_OK)
		rc = hd_pb_pack(&rep->payload, &u);
out:
	hd__user__free_unpacked(found, NULL);
	hd__user_ensure_request__free_unpacked(er, NULL);
	return rc;
}

static int intake_users_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	int rc = on_directory(in, rep);
	if (rc)
		return rc;
	Hd__TicketGetRequest *gr =
		hd__ticket_get_request__unpack(NULL, req->len, req->payload);
	if (!gr)
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an id");
	hd_txn t;
	Hd__User *u = NULL;
	rc = hd_store_read(in->store, &t);
	if (!rc)
		rc = intake_user_get(&t, gr->id, &u);
	hd_txn_end(&t);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, u);
	hd__user__free_unpacked(u, NULL);
	hd__ticket_get_request__free_unpacked(gr, NULL);
	return rc;
}

const hd_rpc_route intake_users_routes[] = {
	{"auth.token", intake_auth_token},
	{"users.ensure", intake_users_ensure},
	{"users.get", intake_users_get},
	{NULL, NULL},
};
