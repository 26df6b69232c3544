/* intake's user writes: create, update, create_or_update and the soft
 * delete (directory shard). Shape checks run before the write job; checks
 * that need the store (duplicate e-mail, the target's role) run inside it. */
#include "dir_common.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <string.h>

enum { W_CREATE, W_UPDATE, W_UPSERT };

/* Who may write is decided after decoding: end-users may update. */
static const intake_dir_rpc write_rpc = {
	.gate = INTAKE_ANYONE,
	.msg = &hd__user_write_request__descriptor,
	.undecodable = "payload is not an hd.UserWriteRequest",
	.required = "user",
};
static const intake_dir_rpc delete_rpc = {
	.gate = INTAKE_ADMIN,
	.denied = "only admins delete users",
	.msg = &hd__id_request__descriptor,
	.undecodable = "payload is not an id",
};

typedef struct user_job {
	intake *in;
	const hd_principal *who;
	Hd__UserWriteRequest *wr;
	int mode;
	uint64_t id; /* W_UPDATE: the target */
	hd_rpc_rep *rep;
	hd_buf result; /* the stored user, packed */
	bool created;
} user_job;

static bool has(const Hd__UserWriteRequest *wr, const char *name)
{
	return intake_has_field(wr->fields, wr->n_fields, name);
}

static bool text_ok(const char *s, size_t max)
{
	return hd_utf8_valid(s, strlen(s)) && strlen(s) <= max;
}

static bool locale_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 2 && n <= 16 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "-") == n;
}

static bool zone_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789/_+- ()&.") == n;
}

static bool role_ok(const char *s)
{
	Hd__UserRole r = HD__USER_ROLE__ROLE_UNSET;
	return hd_role_parse(s, &r) == HD_OK &&
	       r != HD__USER_ROLE__ROLE_UNSET &&
	       r != HD__USER_ROLE__ROLE_SYSTEM;
}

/* Shape checks on what the request sets; lower-cases the e-mail in place. */
static int check_shape(Hd__UserWriteRequest *wr, bool creating, hd_rpc_rep *rep)
{
	Hd__User *u = wr->user;
	if ((creating || has(wr, "name")) &&
	    (!u->name[0] || !text_ok(u->name, 255)))
		return hd_rpc_fail(rep, HD_E_INVALID, "name",
				   "Name: is too short (minimum one "
				   "character) or not valid UTF-8");
	if (u->email[0] &&
	    (!hd_email_plausible(u->email) ||
	     !hd_ascii_lower(u->email, u->email, strlen(u->email) + 1)))
		return hd_rpc_fail(rep, HD_E_INVALID, "email",
				   "Email: %.100s is not properly formatted",
				   u->email);
	if ((creating || has(wr, "role")) && u->role[0] && !role_ok(u->role))
		return hd_rpc_fail(rep, HD_E_INVALID, "role",
				   "Role: is not one of end-user, agent, "
				   "admin");
	if (u->locale[0] && !locale_ok(u->locale))
		return hd_rpc_fail(rep, HD_E_INVALID, "locale",
				   "Locale: is not a locale such as en-US");
	if (u->time_zone[0] && !zone_ok(u->time_zone))
		return hd_rpc_fail(rep, HD_E_INVALID, "time_zone",
				   "Time zone: is not a time zone name");
	if (!text_ok(u->phone, 64) || !text_ok(u->external_id, 255) ||
	    !text_ok(u->details, 65536) || !text_ok(u->notes, 65536) ||
	    u->n_tags > 100)
		return hd_rpc_fail(rep, HD_E_INVALID, "base",
				   "phone, external_id, details, notes or "
				   "tags are too long");
	return HD_OK;
}

static int email_free(user_job *j, hd_txn *t, const char *email, uint64_t self)
{
	const intake *in = j->in;
	uint64_t id = 0;
	if (!email[0] || intake_user_by_email(in, t, email, &id) != HD_OK ||
	    id == self)
		return HD_OK;
	return hd_rpc_fail(j->rep, HD_E_INVALID, "email",
			   "Email: %.100s is already being used by another "
			   "user",
			   email);
}

static int store_user(user_job *j, hd_txn *t, Hd__User *u, const char *ev)
{
	const intake *in = j->in;
	intake_user_put(in, t, u);
	hd_txn_emit_pb(t, ev, u, NULL);
	if (!t->rc)
		hd_txn_fail(t, hd_pb_pack(&j->result, u));
	return t->rc;
}

static int create_in(user_job *j, hd_txn *t)
{
	const intake *in = j->in;
	Hd__User u = *j->wr->user; /* shallow: defaults must not be freed */
	const hd_principal *who = j->who;
	if (!u.role[0])
		u.role = "end-user";
	if (!intake_is_admin(who) &&
	    hd_role_of(u.role) != HD__USER_ROLE__ROLE_END_USER)
		return hd_rpc_fail(j->rep, HD_E_FORBIDDEN, "role",
				   "only admins create agents and admins");
	if (!intake_is_admin(who))
		u.suspended = false; /* only admins suspend */
	if (!u.name[0])
		return hd_rpc_fail(j->rep, HD_E_INVALID, "name",
				   "Name: is too short (minimum one "
				   "character)");
	int rc = email_free(j, t, u.email, 0);
	if (rc || (rc = intake_next_id(t, j->in, "next_user", &u.id)))
		return rc;
	if (!u.locale[0])
		u.locale = "ko";
	if (!u.time_zone[0])
		u.time_zone = "Asia/Seoul";
	u.deleted = false;
	u.created_at = u.updated_at = hd_now_ms();
	if (!u.organization_id && u.email[0])
		u.organization_id = intake_org_for_email(in, t, u.email);
	j->created = true;
	return store_user(j, t, &u, "user.created");
}

/* Who may change target, and which keys. */
static int may_update(user_job *j, const Hd__User *old)
{
	const hd_principal *who = j->who;
	bool self = who->user_id == old->id;
	Hd__UserWriteRequest *wr = j->wr;
	if (intake_is_admin(who))
		return HD_OK;
	if (!intake_is_staff(who) && !self)
		return hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				   "end-users may change only themselves");
	if (!self && hd_role_of(old->role) != HD__USER_ROLE__ROLE_END_USER)
		return hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				   "only admins change other agents");
	if ((has(wr, "role") && strcmp(wr->user->role, old->role)) ||
	    (has(wr, "suspended") && wr->user->suspended != old->suspended))
		return hd_rpc_fail(j->rep, HD_E_FORBIDDEN, "role",
				   "only admins change roles or suspend");
	return HD_OK;
}

#define TAKE(key, field)                                                       \
	do {                                                                   \
		if (has(wr, key))                                              \
			m->field = n->field;                                   \
	} while (0)
/* Copy the keys the request names onto m (a shallow copy of the old user);
 * end-users change only their own profile keys. */
static void merge(Hd__User *m, const Hd__UserWriteRequest *wr, bool staff)
{
	const Hd__User *n = wr->user;
	TAKE("name", name);
	TAKE("phone", phone);
	TAKE("locale", locale);
	TAKE("time_zone", time_zone);
	TAKE("user_fields", user_fields);
	TAKE("user_fields", n_user_fields);
	TAKE("email", email);
	if (!staff)
		return;
	TAKE("role", role);
	TAKE("organization_id", organization_id);
	TAKE("external_id", external_id);
	TAKE("verified", verified);
	TAKE("suspended", suspended);
	TAKE("details", details);
	TAKE("notes", notes);
	TAKE("default_group_id", default_group_id);
	TAKE("tags", tags);
	TAKE("tags", n_tags);
}
#undef TAKE

static int update_in(user_job *j, hd_txn *t, uint64_t id)
{
	const intake *in = j->in;
	Hd__User *old = NULL;
	int rc = intake_user_get(in, t, id, &old);
	if (rc)
		return rc == HD_E_NOTFOUND
			       ? hd_rpc_fail(j->rep, rc, NULL, "Not found")
			       : rc;
	if ((rc = may_update(j, old)))
		goto out;
	Hd__User m = *old;
	merge(&m, j->wr, intake_is_staff(j->who));
	if (!m.role[0])
		m.role = old->role;
	bool staff = intake_is_staff(j->who);
	if (!staff && strcmp(m.email, old->email) != 0) {
		/* held until the new address confirms it (users_email.c) */
		rc = m.email[0] ? intake_email_hold(j->in, t, old, m.email)
				: hd_rpc_fail(j->rep, HD_E_INVALID, "email",
					      "email: cannot be removed");
		m.email = old->email;
		if (rc)
			goto out;
	}
	if (strcmp(m.email, old->email) != 0) {
		if ((rc = email_free(j, t, m.email, id)))
			goto out;
		if (old->email[0])
			hd_txn_del(t, in->dir.by_email, old->email,
				   strlen(old->email));
	}
	m.updated_at = hd_now_ms();
	rc = store_user(j, t, &m, "user.updated");
out:
	hd__user__free_unpacked(old, NULL);
	return rc;
}

static bool keep_external(const void *msg, void *arg)
{
	return strcmp(((const Hd__User *)msg)->external_id, arg) == 0;
}

/* create_or_update matches on e-mail, then external_id. */
static uint64_t upsert_match(const intake *in, hd_txn *t, const Hd__User *u)
{
	uint64_t id = 0;
	if (u->email[0] && intake_user_by_email(in, t, u->email, &id) == HD_OK)
		return id;
	if (!u->external_id[0])
		return 0;
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	q.external_id = u->external_id;
	q.cursor = true;
	q.size = 1;
	intake_dir_page p = {0};
	if (intake_dir_scan(t, in->dir.users, &hd__user__descriptor, &q,
			    keep_external, (void *)u->external_id,
			    &p) == HD_OK &&
	    p.n)
		id = ((Hd__User *)p.items[0])->id;
	intake_dir_page_free(&p);
	return id;
}

static int user_write(hd_txn *t, void *arg)
{
	user_job *j = arg;
	hd_buf_reset(&j->result);
	if (j->mode == W_UPDATE)
		return update_in(j, t, j->id);
	uint64_t id =
		j->mode == W_UPSERT ? upsert_match(j->in, t, j->wr->user) : 0;
	return id ? update_in(j, t, id) : create_in(j, t);
}

static int run(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep, int mode,
	       bool *created)
{
	intake *in = ctx;
	Hd__UserWriteRequest *wr = NULL;
	int rc = intake_dir_open(in, req, rep, &write_rpc, (void **)&wr);
	if (rc)
		return rc;
	user_job j = {.in = in,
		      .who = &req->principal,
		      .wr = wr,
		      .mode = mode,
		      .id = wr->user->id,
		      .rep = rep};
	hd_buf_init(&j.result, (size_t)1 << 20);
	if (mode != W_UPDATE && !intake_is_staff(&req->principal))
		rc = hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				 "end-users cannot create users");
	if (!rc)
		rc = check_shape(wr, mode == W_CREATE, rep);
	if (!rc)
		rc = hd_store_write(in->store, user_write, &j);
	if (!rc) {
		Hd__UserWriteReply r = HD__USER_WRITE_REPLY__INIT;
		r.user = hd__user__unpack(NULL, j.result.len,
					  (uint8_t *)j.result.data);
		r.created = j.created;
		rc = r.user ? hd_pb_pack(&rep->payload, &r) : HD_E_INTERNAL;
		hd__user__free_unpacked(r.user, NULL);
	}
	*created = j.created;
	hd_buf_release(&j.result);
	hd__user_write_request__free_unpacked(wr, NULL);
	return rc;
}

int intake_users_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	bool created;
	return run(ctx, req, rep, W_CREATE, &created);
}

int intake_users_update(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	bool created;
	return run(ctx, req, rep, W_UPDATE, &created);
}

int intake_users_upsert(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	bool created;
	return run(ctx, req, rep, W_UPSERT, &created);
}

typedef struct del_job {
	const intake *in;
	uint64_t id;
	hd_buf result;
} del_job;

static int delete_write(hd_txn *t, void *arg)
{
	del_job *j = arg;
	const intake *in = j->in;
	Hd__User *u = NULL;
	int rc = intake_user_get(in, t, j->id, &u);
	if (rc)
		return rc;
	u->deleted = true;
	u->updated_at = hd_now_ms();
	intake_user_put(in, t, u);
	hd_txn_emit_pb(t, "user.deleted", u, NULL);
	hd_buf_reset(&j->result);
	if (!t->rc)
		hd_txn_fail(t, hd_pb_pack(&j->result, u));
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

int intake_users_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__IdRequest *ir = NULL;
	int rc = intake_dir_open(in, req, rep, &delete_rpc, (void **)&ir);
	if (rc)
		return rc;
	del_job j = {.in = in, .id = ir->id};
	if (ir->id == req->principal.user_id)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "base",
				 "You cannot delete yourself");
	else
		rc = intake_dir_run(in, rep, delete_write, &j, &j.result);
	hd__id_request__free_unpacked(ir, NULL);
	return rc;
}
