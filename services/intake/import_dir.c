/* imports.users and imports.organizations (directory shard): create_or_update
 * by Zendesk id. A Zendesk id already mapped is a no-op answering the mapped
 * id; otherwise an existing record that is the same one (a user with the
 * e-mail, an organization with the name) is mapped and kept as it is (the
 * suite's own record wins: an admin who signed up before importing keeps
 * their account); otherwise the record is created with its times kept, and
 * user.created / organization.created announce it as any create does. The
 * map entries are written in the batch's transaction (import.c's layout). */
#include "dir_common.h"
#include "import.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <string.h>

static bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n <= max && hd_utf8_valid(s, n);
}

static bool email_ok(char *email)
{
	size_t n = strlen(email);
	const char *at = strchr(email, '@');
	return n <= 254 && hd_ascii_lower(email, email, n + 1) && at &&
	       at != email && at[1] && !strchr(at + 1, '@') &&
	       !strpbrk(email, " \t\r\n<>,;\"");
}

static int check_user(Hd__ImportUser *iu, Hd__ImportResult *r)
{
	Hd__User *u = iu->user;
	Hd__UserRole role = HD__USER_ROLE__ROLE_UNSET;
	if (hd_role_parse(u->role, &role) || role == HD__USER_ROLE__ROLE_SYSTEM)
		return import_result_fail(r, "role", "%.40s is not a role",
					  u->role);
	if (u->email[0] && !email_ok(u->email))
		return import_result_fail(r, "email", "%.100s is not an e-mail",
					  u->email);
	if (!u->name[0] && !u->email[0])
		return import_result_fail(r, "name",
					  "a user needs a name or an e-mail");
	if (!text_ok(u->name, 255) || !text_ok(u->phone, 64) ||
	    !text_ok(u->external_id, 255) || !text_ok(u->details, 65536) ||
	    !text_ok(u->notes, 65536) || !text_ok(u->locale, 16) ||
	    !text_ok(u->time_zone, 64) || u->n_tags > 100)
		return import_result_fail(r, "name",
					  "name, phone, external_id, details, "
					  "notes, locale, time_zone or tags "
					  "too long or not UTF-8");
	return HD_OK;
}

typedef struct dir_batch {
	intake *in;
	const hd_rpc_req *req;
	Hd__ImportUsersRequest *users;
	Hd__ImportOrganizationsRequest *orgs;
	Hd__ImportResult **res;
} dir_batch;

static int import_user(hd_txn *t, dir_batch *b, Hd__ImportUser *iu,
		       Hd__ImportResult *r)
{
	const intake *in = b->in;
	Hd__User u = *iu->user; /* shallow: the request owns the strings */
	uint64_t id = 0;
	if (import_map_get(b->in, t, IMPORT_USER, iu->zendesk_id, &id) ==
	    HD_OK) {
		r->id = id;
		return HD_OK;
	}
	if (u.email[0] && intake_user_by_email(in, t, u.email, &id) == HD_OK) {
		r->id = id;
		return import_map_put(b->in, t, IMPORT_USER, iu->zendesk_id,
				      id);
	}
	int rc = intake_next_id(t, b->in, "next_user", &u.id);
	if (rc)
		return rc;
	if (!u.role[0])
		u.role = "end-user";
	if (!u.name[0])
		u.name = u.email;
	if (!u.locale[0])
		u.locale = "ko";
	if (!u.time_zone[0])
		u.time_zone = "Asia/Seoul";
	if (!u.created_at)
		u.created_at = hd_now_ms();
	if (u.updated_at < u.created_at)
		u.updated_at = u.created_at;
	u.deleted = false;
	uint64_t org = 0;
	if (!u.organization_id && iu->organization_zendesk_id &&
	    import_map_get(b->in, t, IMPORT_ORG, iu->organization_zendesk_id,
			   &org) == HD_OK)
		u.organization_id = org;
	if (!u.organization_id && u.email[0])
		u.organization_id = intake_org_for_email(in, t, u.email);
	intake_user_put(in, t, &u);
	import_map_put(b->in, t, IMPORT_USER, iu->zendesk_id, u.id);
	hd_txn_emit_pb(t, "user.created", &u, b->req->trace_id);
	r->id = u.id;
	r->created = true;
	return t->rc;
}

static int check_org(Hd__ImportOrganization *io, Hd__ImportResult *r)
{
	Hd__Organization *o = io->organization;
	if (!o->name[0] || !text_ok(o->name, 255))
		return import_result_fail(r, "name",
					  "is blank, too long or not UTF-8");
	if (o->n_domain_names > 100 || o->n_tags > 100 ||
	    !text_ok(o->details, 65536) || !text_ok(o->notes, 65536) ||
	    !text_ok(o->external_id, 255))
		return import_result_fail(r, "domain_names",
					  "domain_names, tags, details, notes "
					  "or external_id too long");
	for (size_t i = 0; i < o->n_domain_names; i++) {
		char *d = o->domain_names[i];
		size_t n = strlen(d);
		if (!n || n > 253 || !hd_ascii_lower(d, d, n + 1) ||
		    strspn(d, "abcdefghijklmnopqrstuvwxyz0123456789.-") != n)
			return import_result_fail(r, "domain_names",
						  "%.100s is not a domain", d);
	}
	return HD_OK;
}

/* Domains another organization holds stay with it. */
static void put_domains(const intake *in, hd_txn *t, const Hd__Organization *o)
{
	uint8_t v[8];
	MDB_val cur;
	hd_key_u64(v, o->id);
	for (size_t i = 0; i < o->n_domain_names; i++) {
		const char *d = o->domain_names[i];
		if (hd_txn_get(t, in->dir.org_domains, d, strlen(d), &cur) ==
		    HD_E_NOTFOUND)
			hd_txn_put(t, in->dir.org_domains, d, strlen(d), v, 8);
	}
}

static int import_org(hd_txn *t, dir_batch *b, Hd__ImportOrganization *io,
		      Hd__ImportResult *r)
{
	const intake *in = b->in;
	Hd__Organization o = *io->organization;
	uint64_t id = 0;
	if (import_map_get(b->in, t, IMPORT_ORG, io->zendesk_id, &id) ==
	    HD_OK) {
		r->id = id;
		return HD_OK;
	}
	if (intake_dir_id_by_name(in, t, false, o.name, &id) == HD_OK) {
		r->id = id;
		return import_map_put(b->in, t, IMPORT_ORG, io->zendesk_id, id);
	}
	int rc = intake_next_id(t, b->in, "next_org", &o.id);
	if (rc)
		return rc;
	if (!o.created_at)
		o.created_at = hd_now_ms();
	if (o.updated_at < o.created_at)
		o.updated_at = o.created_at;
	o.deleted = false;
	put_domains(in, t, &o);
	intake_put_pb(t, in->dir.orgs, o.id, &o);
	import_map_put(b->in, t, IMPORT_ORG, io->zendesk_id, o.id);
	hd_txn_emit_pb(t, "organization.created", &o, b->req->trace_id);
	r->id = o.id;
	r->created = true;
	return t->rc;
}

typedef struct dir_one {
	dir_batch *b;
	size_t i;
} dir_one;

static int one_run(hd_txn *t, void *arg)
{
	dir_one *x = arg;
	Hd__ImportResult *r = x->b->res[x->i];
	return x->b->users ? import_user(t, x->b, x->b->users->users[x->i], r)
			   : import_org(t, x->b,
					x->b->orgs->organizations[x->i], r);
}

static int batch_run(hd_txn *t, void *arg)
{
	dir_batch *b = arg;
	size_t n = b->users ? b->users->n_users : b->orgs->n_organizations;
	for (size_t i = 0; i < n && !t->rc; i++) {
		Hd__ImportResult *r = b->res[i];
		if (r->error[0])
			continue;
		dir_one x = {b, i};
		int rc = hd_txn_nested(t, one_run, &x);
		if (rc == HD_E_NOMEM || rc == HD_E_STORAGE_FULL ||
		    rc == HD_E_IO)
			return rc;
		if (rc)
			import_result_fail(r, NULL, "not stored: %s",
					   hd_strerror(rc));
	}
	return t->rc;
}

/* Decode, check each record's shape, run the batch, reply. */
static int run(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep, bool users)
{
	dir_batch b = {.in = in, .req = req};
	int rc = import_gate(&req->principal, rep);
	if (!rc && in->shard != INTAKE_DIRECTORY_SHARD)
		rc = intake_on_directory(in, rep);
	if (rc)
		return rc;
	void **msg = users ? (void **)&b.users : (void **)&b.orgs;
	if (hd_req_decode(req, rep,
			  users ? &hd__import_users_request__descriptor
				: &hd__import_organizations_request__descriptor,
			  msg))
		return HD_E_DECODE;
	size_t n = users ? b.users->n_users : b.orgs->n_organizations;
	if (n > IMPORT_MAX_BATCH)
		rc = hd_rpc_fail(rep, HD_E_TOOBIG, users ? "users" : "orgs",
				 "at most %d records in one import",
				 IMPORT_MAX_BATCH);
	else if (!(b.res = import_results_new(n)))
		rc = HD_E_NOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		Hd__ImportResult *r = b.res[i];
		r->zendesk_id = users ? b.users->users[i]->zendesk_id
				      : b.orgs->organizations[i]->zendesk_id;
		if (users && !b.users->users[i]->user)
			import_result_fail(r, "user", "is missing");
		else if (!users && !b.orgs->organizations[i]->organization)
			import_result_fail(r, "organization", "is missing");
		else if (!r->zendesk_id)
			import_result_fail(r, "id", "a Zendesk id is required");
		else if (users)
			check_user(b.users->users[i], r);
		else
			check_org(b.orgs->organizations[i], r);
	}
	if (!rc)
		rc = hd_store_write(in->store, batch_run, &b);
	if (!rc)
		rc = import_reply(rep, b.res, n);
	else if (!rep->message[0])
		hd_rpc_fail(rep, rc, NULL, "import not stored: %s",
			    hd_strerror(rc));
	import_results_free(b.res, n);
	hd__import_users_request__free_unpacked(b.users, NULL);
	hd__import_organizations_request__free_unpacked(b.orgs, NULL);
	return rc;
}

int intake_import_users(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return run(ctx, req, rep, true);
}

int intake_import_orgs(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return run(ctx, req, rep, false);
}
