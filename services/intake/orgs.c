/* intake's organizations (directory shard). A user whose e-mail domain is in
 * an organization's domain_names joins it when created, and existing users
 * without an organization join when the domain is added. Names are unique
 * case-insensitively. Only admins write; agents read; end-users read only
 * their own organization. */
#include "dir_common.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <strings.h>
#include <string.h>

uint64_t intake_org_for_email(const intake *in, hd_txn *t,
			      const char *email_lower)
{
	const char *at = strrchr(email_lower, '@');
	MDB_val v;
	if (!at || !at[1] ||
	    hd_txn_get(t, in->dir.org_domains, at + 1, strlen(at + 1), &v) ||
	    v.mv_size != 8)
		return 0;
	return hd_key_get_u64(v.mv_data);
}

static const intake_dir_rpc list_rpc = {
	.gate = INTAKE_STAFF,
	.denied = "end-users cannot list organizations",
	.msg = &hd__dir_list_request__descriptor,
	.undecodable = "payload is not an hd.DirListRequest"};
/* End-users may read their own organization: checked after decoding. */
static const intake_dir_rpc get_rpc = {.gate = INTAKE_ANYONE,
				       .msg = &hd__id_request__descriptor,
				       .undecodable = "payload is not an id"};
static const intake_dir_rpc write_rpc = {
	.gate = INTAKE_ADMIN,
	.denied = "only admins manage organizations",
	.msg = &hd__organization_write_request__descriptor,
	.undecodable = "payload is not an organization",
	.required = "organization"};
static const intake_dir_rpc delete_rpc = {
	.gate = INTAKE_ADMIN,
	.denied = "only admins manage organizations",
	.msg = &hd__id_request__descriptor,
	.undecodable = "payload is not an id"};

typedef struct org_filter {
	const Hd__DirListRequest *q;
	uint64_t only; /* end-users: their own organization */
} org_filter;

static bool keep_org(const void *msg, void *arg)
{
	const Hd__Organization *o = msg;
	const org_filter *f = arg;
	if (o->deleted || (f->only && o->id != f->only))
		return false;
	if (f->q->name[0] && strcasecmp(o->name, f->q->name) != 0)
		return false;
	return !f->q->external_id[0] ||
	       strcmp(o->external_id, f->q->external_id) == 0;
}

int intake_orgs_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__DirListRequest *q = NULL;
	int rc = intake_dir_open(in, req, rep, &list_rpc, (void **)&q);
	if (rc)
		return rc;
	org_filter f = {.q = q};
	intake_dir_page p = {0};
	rc = intake_dir_list(in, in->dir.orgs, &hd__organization__descriptor, q,
			     keep_org, &f, &p);
	Hd__OrganizationList l = HD__ORGANIZATION_LIST__INIT;
	l.organizations = (Hd__Organization **)p.items;
	l.n_organizations = p.n;
	l.count = p.count;
	l.has_more = p.has_more;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	intake_dir_page_free(&p);
	hd__dir_list_request__free_unpacked(q, NULL);
	return rc;
}

int intake_orgs_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__IdRequest *ir = NULL;
	int rc = intake_dir_open(in, req, rep, &get_rpc, (void **)&ir);
	if (rc)
		return rc;
	Hd__Organization *o = NULL;
	if (!intake_is_staff(&req->principal) &&
	    ir->id != req->principal.organization_id)
		rc = hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				 "end-users see only their organization");
	else
		rc = intake_dir_read(in, in->dir.orgs,
				     &hd__organization__descriptor, ir->id,
				     (void **)&o);
	if (!rc && o->deleted)
		rc = HD_E_NOTFOUND;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, o);
	hd__organization__free_unpacked(o, NULL);
	hd__id_request__free_unpacked(ir, NULL);
	return rc;
}

typedef struct org_job {
	intake *in;
	Hd__OrganizationWriteRequest *wr;
	hd_rpc_rep *rep;
	hd_buf result;
} org_job;

static bool keep_name(const void *msg, void *arg)
{
	const Hd__Organization *o = msg;
	const Hd__Organization *n = arg;
	return !o->deleted && o->id != n->id &&
	       strcasecmp(o->name, n->name) == 0;
}

static int name_free(org_job *j, hd_txn *t, const Hd__Organization *o)
{
	const intake *in = j->in;
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	q.cursor = true;
	q.size = 1;
	intake_dir_page p = {0};
	int rc = intake_dir_scan(t, in->dir.orgs, &hd__organization__descriptor,
				 &q, keep_name, (void *)o, &p);
	if (!rc && p.n)
		rc = hd_rpc_fail(j->rep, HD_E_INVALID, "name",
				 "Name: %.100s has already been taken",
				 o->name);
	intake_dir_page_free(&p);
	return rc;
}

/* Users without an organization whose domain is now o's join it. */
static void adopt_users(const intake *in, hd_txn *t, const Hd__Organization *o)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	q.size = 100;
	uint64_t seen = 1;
	for (q.offset = 0; seen && !t->rc; q.offset += 100) {
		intake_dir_page p = {0};
		if (intake_dir_scan(t, in->dir.users, &hd__user__descriptor, &q,
				    NULL, NULL, &p))
			break;
		seen = p.n;
		for (size_t i = 0; i < p.n; i++) {
			Hd__User *u = p.items[i];
			if (u->organization_id || !u->email[0] ||
			    intake_org_for_email(in, t, u->email) != o->id)
				continue;
			u->organization_id = o->id;
			u->updated_at = hd_now_ms();
			intake_user_put(in, t, u);
			hd_txn_emit_pb(t, "user.updated", u, NULL);
		}
		intake_dir_page_free(&p);
	}
}

static int set_domains(org_job *j, hd_txn *t, const Hd__Organization *old,
		       Hd__Organization *o)
{
	const intake *in = j->in;
	uint8_t v[8];
	hd_key_u64(v, o->id);
	for (size_t i = 0; old && i < old->n_domain_names; i++)
		hd_txn_del(t, in->dir.org_domains, old->domain_names[i],
			   strlen(old->domain_names[i]));
	for (size_t i = 0; i < o->n_domain_names; i++) {
		char *d = o->domain_names[i];
		MDB_val cur;
		if (hd_txn_get(t, in->dir.org_domains, d, strlen(d), &cur) ==
			    HD_OK &&
		    cur.mv_size == 8 && hd_key_get_u64(cur.mv_data) != o->id)
			return hd_rpc_fail(j->rep, HD_E_INVALID, "domain_names",
					   "Domain names: %.100s belongs to "
					   "another organization",
					   d);
		hd_txn_put(t, in->dir.org_domains, d, strlen(d), v, 8);
	}
	return t->rc;
}

#define TAKE(key, field)                                                       \
	do {                                                                   \
		if (intake_has_field(wr->fields, wr->n_fields, key))           \
			m.field = n->field;                                    \
	} while (0)
static int org_update(org_job *j, hd_txn *t, Hd__Organization *n)
{
	const intake *in = j->in;
	Hd__OrganizationWriteRequest *wr = j->wr;
	Hd__Organization *old = NULL;
	int rc = hd_txn_get_pb_id(t, in->dir.orgs, n->id,
				  &hd__organization__descriptor, (void **)&old);
	if (rc || old->deleted) {
		hd__organization__free_unpacked(old, NULL);
		return HD_E_NOTFOUND;
	}
	Hd__Organization m = *old;
	TAKE("name", name);
	TAKE("shared_tickets", shared_tickets);
	TAKE("shared_comments", shared_comments);
	TAKE("external_id", external_id);
	TAKE("details", details);
	TAKE("notes", notes);
	TAKE("group_id", group_id);
	TAKE("tags", tags);
	TAKE("tags", n_tags);
	TAKE("domain_names", domain_names);
	TAKE("domain_names", n_domain_names);
	m.updated_at = hd_now_ms();
	if (!(rc = name_free(j, t, &m)) && !(rc = set_domains(j, t, old, &m))) {
		intake_put_pb(t, in->dir.orgs, m.id, &m);
		adopt_users(in, t, &m);
		hd_txn_emit_pb(t, "organization.updated", &m, NULL);
		hd_txn_fail(t, hd_pb_pack(&j->result, &m));
		rc = t->rc;
	}
	hd__organization__free_unpacked(old, NULL);
	return rc;
}
#undef TAKE

static int org_write(hd_txn *t, void *arg)
{
	org_job *j = arg;
	const intake *in = j->in;
	Hd__Organization *o = j->wr->organization;
	hd_buf_reset(&j->result);
	if (o->id)
		return org_update(j, t, o);
	int rc = name_free(j, t, o);
	if (rc || (rc = intake_next_id(t, j->in, "next_org", &o->id)))
		return rc;
	o->created_at = o->updated_at = hd_now_ms();
	if ((rc = set_domains(j, t, NULL, o)))
		return rc;
	intake_put_pb(t, in->dir.orgs, o->id, o);
	adopt_users(in, t, o);
	hd_txn_emit_pb(t, "organization.created", o, NULL);
	hd_txn_fail(t, hd_pb_pack(&j->result, o));
	return t->rc;
}

static int org_shape(Hd__OrganizationWriteRequest *wr, hd_rpc_rep *rep)
{
	Hd__Organization *o = wr->organization;
	bool named =
		!o->id || intake_has_field(wr->fields, wr->n_fields, "name");
	if (named && (!o->name[0] || strlen(o->name) > 255 ||
		      !hd_utf8_valid(o->name, strlen(o->name))))
		return hd_rpc_fail(rep, HD_E_INVALID, "name",
				   "Name: cannot be blank");
	if (o->n_domain_names > 100 || o->n_tags > 100)
		return hd_rpc_fail(rep, HD_E_INVALID, "domain_names",
				   "Domain names: at most 100");
	for (size_t i = 0; i < o->n_domain_names; i++) {
		char *d = o->domain_names[i];
		size_t n = strlen(d);
		if (!n || n > 253 || !hd_ascii_lower(d, d, n + 1) ||
		    strspn(d, "abcdefghijklmnopqrstuvwxyz0123456789.-") != n)
			return hd_rpc_fail(rep, HD_E_INVALID, "domain_names",
					   "Domain names: %.100s is not a "
					   "domain",
					   d);
	}
	return HD_OK;
}

int intake_orgs_write(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__OrganizationWriteRequest *wr = NULL;
	int rc = intake_dir_open(in, req, rep, &write_rpc, (void **)&wr);
	if (rc)
		return rc;
	org_job j = {.in = in, .wr = wr, .rep = rep};
	rc = org_shape(wr, rep);
	if (!rc)
		rc = intake_dir_run(in, rep, org_write, &j, &j.result);
	hd__organization_write_request__free_unpacked(wr, NULL);
	return rc;
}

typedef struct org_del {
	const intake *in;
	uint64_t id;
} org_del;

static int org_delete_write(hd_txn *t, void *arg)
{
	const org_del *d = arg;
	const intake *in = d->in;
	const uint64_t *id = &d->id;
	Hd__Organization *o = NULL;
	int rc = hd_txn_get_pb_id(t, in->dir.orgs, *id,
				  &hd__organization__descriptor, (void **)&o);
	if (!rc && o->deleted)
		rc = HD_E_NOTFOUND;
	if (!rc) {
		for (size_t i = 0; i < o->n_domain_names; i++)
			hd_txn_del(t, in->dir.org_domains, o->domain_names[i],
				   strlen(o->domain_names[i]));
		o->deleted = true;
		o->updated_at = hd_now_ms();
		intake_put_pb(t, in->dir.orgs, o->id, o);
		hd_txn_emit_pb(t, "organization.deleted", o, NULL);
		rc = t->rc;
	}
	hd__organization__free_unpacked(o, NULL);
	return rc;
}

int intake_orgs_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__IdRequest *ir = NULL;
	int rc = intake_dir_open(in, req, rep, &delete_rpc, (void **)&ir);
	if (rc)
		return rc;
	org_del d = {in, ir->id};
	rc = hd_store_write(in->store, org_delete_write, &d);
	hd__id_request__free_unpacked(ir, NULL);
	return rc;
}
