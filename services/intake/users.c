/* intake's user reads and authentication RPCs (directory shard), and the
 * users module's route table. Writes are in users_write.c, tokens and
 * passwords in tokens.c, organizations in orgs.c, groups in groups.c. */
#include "dir_common.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int intake_on_directory(intake *in, hd_rpc_rep *rep)
{
	if (in->shard == INTAKE_DIRECTORY_SHARD)
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_NOTFOUND, NULL,
			   "users live on intake shard %d",
			   INTAKE_DIRECTORY_SHARD);
}

static const intake_dir_rpc auth_rpc = {
	.gate = INTAKE_ANYONE,
	.msg = &hd__auth_token_request__descriptor,
	.undecodable = "payload is not an hd.AuthTokenRequest"};
/* The requester field: a ticket's author names it. */
static const intake_dir_rpc ensure_rpc = {
	.gate = INTAKE_STAFF,
	.denied = "only agents may name another requester",
	.msg = &hd__user_ensure_request__descriptor,
	.undecodable = "payload is not an hd.UserEnsureRequest",
	.denied_field = "requester"};
/* End-users may read themselves: checked after decoding. */
static const intake_dir_rpc get_rpc = {.gate = INTAKE_ANYONE,
				       .msg = &hd__id_request__descriptor,
				       .undecodable = "payload is not an id"};
static const intake_dir_rpc list_rpc = {
	.gate = INTAKE_STAFF,
	.denied = "end-users cannot list users",
	.msg = &hd__dir_list_request__descriptor,
	.undecodable = "payload is not an hd.DirListRequest"};

/* Look up email (already lower-cased) and decode the user. */
static int find_user(intake *in, const char *email, Hd__User **out)
{
	hd_txn t;
	uint64_t id = 0;
	*out = NULL;
	int rc = hd_store_read(in->store, &t);
	if (!rc)
		rc = intake_user_by_email(in, &t, email, &id);
	if (!rc)
		rc = intake_user_get(in, &t, id, out);
	hd_txn_end(&t);
	return rc;
}

static int intake_auth_token(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__AuthTokenRequest *ar = NULL;
	int rc = intake_dir_open(in, req, rep, &auth_rpc, (void **)&ar);
	if (rc)
		return rc;
	char email[256];
	Hd__User *u = NULL;
	rc = HD_E_UNAUTHORIZED;
	if (hd_ascii_lower(ar->email, email, sizeof email) &&
	    find_user(in, email, &u) == HD_OK && !u->suspended && !u->deleted) {
		hd_txn t;
		if (hd_store_read(in->store, &t) == HD_OK) {
			if (intake_token_known(in, &t, ar->token) == HD_OK)
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
	const intake *in = j->in;
	uint64_t id = 0;
	int rc = intake_user_by_email(in, t, j->user->email, &id);
	if (rc == HD_OK)
		return HD_OK; /* created meanwhile: the caller re-reads */
	if (rc != HD_E_NOTFOUND)
		return rc;
	if ((rc = intake_next_id(t, j->in, "next_user", &j->user->id)))
		return rc;
	j->user->created_at = j->user->updated_at = hd_now_ms();
	j->user->organization_id = intake_org_for_email(in, t, j->user->email);
	intake_user_put(in, t, j->user);
	hd_txn_emit_pb(t, "user.created", j->user, NULL);
	j->created = t->rc == HD_OK;
	return t->rc;
}

static int ensure_new(intake *in, const char *email, const char *given,
		      hd_rpc_rep *rep)
{
	char name[256];
	Hd__User *found = NULL;
	/* Zendesk names an unnamed requester after the address's local part. */
	snprintf(name, sizeof name, "%s", given[0] ? given : email);
	if (!given[0])
		*strchr(name, '@') = '\0';
	Hd__User u = HD__USER__INIT;
	u.name = name;
	u.email = (char *)email;
	u.role = "end-user";
	u.locale = "ko";
	u.time_zone = "Asia/Seoul";
	ensure_job j = {.in = in, .user = &u};
	int rc = hd_store_write(in->store, ensure_write, &j);
	if (rc == HD_OK && !j.created &&
	    (rc = find_user(in, email, &found)) == HD_OK)
		rc = hd_pb_pack(&rep->payload, found);
	else if (rc == HD_OK)
		rc = hd_pb_pack(&rep->payload, &u);
	hd__user__free_unpacked(found, NULL);
	return rc;
}

/* May an anonymous request act as u? Not when anyone could check who u is:
 * staff, verified, or signing in with a password. */
static bool established(intake *in, const Hd__User *u)
{
	hd_txn t;
	MDB_val v;
	uint8_t key[8];
	if (u->verified || hd_role_of(u->role) != HD__USER_ROLE__ROLE_END_USER)
		return true;
	hd_key_u64(key, u->id);
	if (hd_store_read(in->store, &t) != HD_OK)
		return true; /* in doubt, not them */
	bool has = hd_txn_get(&t, in->dir.passwords, key, 8, &v) == HD_OK;
	hd_txn_end(&t);
	return has;
}

static int unlinked_write(hd_txn *t, void *arg)
{
	ensure_job *j = arg;
	const intake *in = j->in;
	int rc = intake_next_id(t, j->in, "next_user", &j->user->id);
	if (rc)
		return rc;
	j->user->created_at = j->user->updated_at = hd_now_ms();
	intake_user_put(in, t, j->user);
	hd_txn_emit_pb(t, "user.created", j->user, NULL);
	return t->rc;
}

/* A new unverified end-user without an address: who filed an anonymous
 * request in an established user's name. Agents see the claimed address
 * in the ticket's via; nothing is mailed anywhere. */
static int ensure_unlinked(intake *in, const char *given, hd_rpc_rep *rep)
{
	Hd__User u = HD__USER__INIT;
	u.name = (char *)(given[0] ? given : "Anonymous");
	u.role = "end-user";
	u.locale = "ko";
	u.time_zone = "Asia/Seoul";
	ensure_job j = {.in = in, .user = &u};
	int rc = hd_store_write(in->store, unlinked_write, &j);
	return rc ? rc : hd_pb_pack(&rep->payload, &u);
}

static int intake_users_ensure(void *ctx, const hd_rpc_req *req,
			       hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__UserEnsureRequest *er = NULL;
	int rc = intake_dir_open(in, req, rep, &ensure_rpc, (void **)&er);
	if (rc)
		return rc;
	char email[256];
	Hd__User *found = NULL;
	if (!hd_email_plausible(er->email) ||
	    !hd_ascii_lower(er->email, email, sizeof email)) {
		rc = hd_rpc_fail(rep, HD_E_INVALID, "requester",
				 "requester: email '%.100s' is not valid",
				 er->email);
	} else if (!hd_utf8_valid(er->name, strlen(er->name)) ||
		   strlen(er->name) > 255) {
		rc = hd_rpc_fail(rep, HD_E_INVALID, "requester",
				 "requester: name is not valid UTF-8 of at "
				 "most 255 bytes");
	} else if (find_user(in, email, &found) == HD_OK) {
		rc = er->anonymous && established(in, found)
			     ? ensure_unlinked(in, er->name, rep)
			     : hd_pb_pack(&rep->payload, found);
	} else {
		rc = ensure_new(in, email, er->name, rep);
	}
	hd__user__free_unpacked(found, NULL);
	hd__user_ensure_request__free_unpacked(er, NULL);
	return rc;
}

static int intake_users_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__IdRequest *gr = NULL;
	int rc = intake_dir_open(in, req, rep, &get_rpc, (void **)&gr);
	if (rc)
		return rc;
	if (!intake_is_staff(&req->principal) &&
	    gr->id != req->principal.user_id) {
		hd__id_request__free_unpacked(gr, NULL);
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "end-users see only themselves");
	}
	Hd__User *u = NULL;
	rc = intake_dir_read(in, in->dir.users, &hd__user__descriptor, gr->id,
			     (void **)&u);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, u);
	hd__user__free_unpacked(u, NULL);
	hd__id_request__free_unpacked(gr, NULL);
	return rc;
}

typedef struct user_filter {
	const Hd__DirListRequest *q;
	char query[256];
} user_filter;

static bool contains_lower(const char *hay, const char *needle)
{
	char low[1024];
	return hay && hd_ascii_lower(hay, low, sizeof low) &&
	       strstr(low, needle) != NULL;
}

static bool keep_user(const void *msg, void *arg)
{
	const Hd__User *u = msg;
	const user_filter *f = arg;
	if (u->deleted && !f->q->n_ids)
		return false; /* lists show active users; show_many shows all */
	if (f->q->role[0] && strcmp(u->role, f->q->role) != 0)
		return false;
	if (f->q->external_id[0] && strcmp(u->external_id, f->q->external_id))
		return false;
	if (f->q->organization_id &&
	    u->organization_id != f->q->organization_id)
		return false;
	if (f->query[0] && !contains_lower(u->name, f->query) &&
	    !contains_lower(u->email, f->query))
		return false;
	return true;
}

static int pack_users(const intake_dir_page *p, hd_rpc_rep *rep)
{
	Hd__UserList l = HD__USER_LIST__INIT;
	l.users = (Hd__User **)p->items;
	l.n_users = p->n;
	l.count = p->count;
	l.has_more = p->has_more;
	return hd_pb_pack(&rep->payload, &l);
}

static int intake_users_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__DirListRequest *q = NULL;
	int rc = intake_dir_open(in, req, rep, &list_rpc, (void **)&q);
	if (rc)
		return rc;
	user_filter f = {.q = q};
	if (!hd_ascii_lower(q->query, f.query, sizeof f.query)) {
		hd__dir_list_request__free_unpacked(q, NULL);
		return hd_rpc_fail(rep, HD_E_INVALID, "query", "too long");
	}
	intake_dir_page p = {0};
	rc = intake_dir_list(in, in->dir.users, &hd__user__descriptor, q,
			     keep_user, &f, &p);
	if (!rc)
		rc = pack_users(&p, rep);
	intake_dir_page_free(&p);
	hd__dir_list_request__free_unpacked(q, NULL);
	return rc;
}

const hd_rpc_route intake_users_routes[] = {
	{"auth.token", intake_auth_token},
	{"auth.password", intake_auth_password},
	{"auth.bearer", intake_auth_bearer},
	{"users.ensure", intake_users_ensure},
	{"users.get", intake_users_get},
	{"users.list", intake_users_list},
	{"users.create", intake_users_create},
	{"users.update", intake_users_update},
	{"users.create_or_update", intake_users_upsert},
	{"users.delete", intake_users_delete},
	{"users.password", intake_users_password},
	{"api_tokens.list", intake_tokens_list},
	{"api_tokens.create", intake_tokens_create},
	{"api_tokens.delete", intake_tokens_delete},
	{"orgs.list", intake_orgs_list},
	{"orgs.get", intake_orgs_get},
	{"orgs.write", intake_orgs_write},
	{"orgs.delete", intake_orgs_delete},
	{"groups.list", intake_groups_list},
	{"groups.get", intake_groups_get},
	{"groups.write", intake_groups_write},
	{"groups.delete", intake_groups_delete},
	{"memberships.list", intake_members_list},
	{"memberships.create", intake_members_create},
	{"memberships.delete", intake_members_delete},
	{NULL, NULL},
};
