/* intake's groups and group memberships (directory shard, for now: DESIGN.md
 * lists groups under routing). Groups are soft-deleted (deleted:true);
 * memberships are removed outright. Only agents and admins can be members.
 * Only admins write; agents read; end-users see neither. */
#include "dir_common.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <string.h>

/* Only admins write; staff read. */
static const intake_dir_rpc read_list = {
	.gate = INTAKE_STAFF,
	.denied = "end-users cannot see groups",
	.msg = &hd__dir_list_request__descriptor,
	.undecodable = "payload is not an hd.DirListRequest"};
static const intake_dir_rpc read_one = {.gate = INTAKE_STAFF,
					.denied = "end-users cannot see groups",
					.msg = &hd__id_request__descriptor,
					.undecodable = "payload is not an id"};
static const intake_dir_rpc write_one = {.gate = INTAKE_ADMIN,
					 .denied = "only admins manage groups",
					 .msg = &hd__id_request__descriptor,
					 .undecodable = "payload is not an id"};
static const intake_dir_rpc write_group = {
	.gate = INTAKE_ADMIN,
	.denied = "only admins manage groups",
	.msg = &hd__group_write_request__descriptor,
	.undecodable = "payload is not a group",
	.required = "group"};
static const intake_dir_rpc write_member = {
	.gate = INTAKE_ADMIN,
	.denied = "only admins manage groups",
	.msg = &hd__group_membership__descriptor,
	.undecodable = "payload is not a group membership"};

static bool keep_group(const void *msg, void *arg)
{
	const Hd__Group *g = msg;
	const Hd__DirListRequest *q = arg;
	return !q->assignable || !g->deleted;
}

static bool keep_member(const void *msg, void *arg)
{
	const Hd__GroupMembership *m = msg;
	const Hd__DirListRequest *q = arg;
	return (!q->group_id || m->group_id == q->group_id) &&
	       (!q->user_id || m->user_id == q->user_id);
}

static int list(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep,
		bool members)
{
	Hd__DirListRequest *q = NULL;
	int rc = intake_dir_open(in, req, rep, &read_list, (void **)&q);
	if (rc)
		return rc;
	intake_dir_page p = {0};
	rc = members ? intake_dir_list(in, in->dir.memberships,
				       &hd__group_membership__descriptor, q,
				       keep_member, q, &p)
		     : intake_dir_list(in, in->dir.groups,
				       &hd__group__descriptor, q, keep_group, q,
				       &p);
	Hd__GroupList gl = HD__GROUP_LIST__INIT;
	Hd__GroupMembershipList ml = HD__GROUP_MEMBERSHIP_LIST__INIT;
	gl.groups = (Hd__Group **)p.items;
	gl.n_groups = p.n;
	gl.count = ml.count = p.count;
	gl.has_more = ml.has_more = p.has_more;
	ml.group_memberships = (Hd__GroupMembership **)p.items;
	ml.n_group_memberships = p.n;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, members ? (void *)&ml : &gl);
	intake_dir_page_free(&p);
	hd__dir_list_request__free_unpacked(q, NULL);
	return rc;
}

int intake_groups_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return list(ctx, req, rep, false);
}

int intake_members_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return list(ctx, req, rep, true);
}

int intake_groups_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__IdRequest *ir = NULL;
	int rc = intake_dir_open(in, req, rep, &read_one, (void **)&ir);
	if (rc)
		return rc;
	Hd__Group *g = NULL;
	rc = intake_dir_read(in, in->dir.groups, &hd__group__descriptor, ir->id,
			     (void **)&g);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, g);
	hd__group__free_unpacked(g, NULL);
	hd__id_request__free_unpacked(ir, NULL);
	return rc;
}

typedef struct grp_job {
	intake *in;
	Hd__GroupWriteRequest *wr;
	uint64_t id;
	Hd__GroupMembership *member;
	hd_rpc_rep *rep;
	hd_buf result;
} grp_job;

#define TAKE(key, field)                                                       \
	do {                                                                   \
		if (intake_has_field(wr->fields, wr->n_fields, key))           \
			m.field = n->field;                                    \
	} while (0)
static int group_write(hd_txn *t, void *arg)
{
	grp_job *j = arg;
	const intake *in = j->in;
	Hd__GroupWriteRequest *wr = j->wr;
	Hd__Group *n = wr->group, *old = NULL;
	hd_buf_reset(&j->result);
	if (!n->id) {
		if (intake_next_id(t, j->in, "next_group", &n->id))
			return t->rc;
		n->created_at = n->updated_at = hd_now_ms();
		n->deleted = false;
		intake_put_pb(t, in->dir.groups, n->id, n);
		hd_txn_emit_pb(t, "group.created", n, NULL);
		return hd_txn_fail(t, hd_pb_pack(&j->result, n));
	}
	int rc = hd_txn_get_pb_id(t, in->dir.groups, n->id,
				  &hd__group__descriptor, (void **)&old);
	if (rc)
		return rc;
	Hd__Group m = *old;
	TAKE("name", name);
	TAKE("description", description);
	TAKE("is_public", is_public);
	TAKE("default", default_);
	m.updated_at = hd_now_ms();
	intake_put_pb(t, in->dir.groups, m.id, &m);
	hd_txn_emit_pb(t, "group.updated", &m, NULL);
	hd_txn_fail(t, hd_pb_pack(&j->result, &m));
	hd__group__free_unpacked(old, NULL);
	return t->rc;
}
#undef TAKE

static int run(intake *in, hd_rpc_rep *rep, hd_write_fn fn, grp_job *j)
{
	j->in = in;
	j->rep = rep;
	return intake_dir_run(in, rep, fn, j, &j->result);
}

int intake_groups_write(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__GroupWriteRequest *wr = NULL;
	int rc = intake_dir_open(in, req, rep, &write_group, (void **)&wr);
	if (rc)
		return rc;
	Hd__Group *g = wr->group;
	bool named =
		!g->id || intake_has_field(wr->fields, wr->n_fields, "name");
	if (named && (!g->name[0] || strlen(g->name) > 255 ||
		      !hd_utf8_valid(g->name, strlen(g->name))))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "name",
				 "Name: cannot be blank");
	else if (!hd_utf8_valid(g->description, strlen(g->description)))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "description",
				 "not valid UTF-8");
	grp_job j = {.wr = wr};
	if (!rc)
		rc = run(in, rep, group_write, &j);
	hd__group_write_request__free_unpacked(wr, NULL);
	return rc;
}

static int group_delete_write(hd_txn *t, void *arg)
{
	grp_job *j = arg;
	const intake *in = j->in;
	Hd__Group *g = NULL;
	int rc = hd_txn_get_pb_id(t, in->dir.groups, j->id,
				  &hd__group__descriptor, (void **)&g);
	if (!rc && g->deleted)
		rc = HD_E_NOTFOUND;
	if (!rc) {
		g->deleted = true;
		g->updated_at = hd_now_ms();
		intake_put_pb(t, in->dir.groups, g->id, g);
		hd_txn_emit_pb(t, "group.deleted", g, NULL);
		rc = t->rc;
	}
	hd__group__free_unpacked(g, NULL);
	return rc;
}

static int members_write(hd_txn *t, void *arg)
{
	grp_job *j = arg;
	const intake *in = j->in;
	Hd__GroupMembership *m = j->member;
	Hd__User *u = NULL;
	Hd__Group *g = NULL;
	int rc = HD_OK;
	hd_buf_reset(&j->result);
	if (intake_user_get(in, t, m->user_id, &u) ||
	    hd_role_of(u->role) == HD__USER_ROLE__ROLE_END_USER || u->deleted)
		rc = hd_rpc_fail(j->rep, HD_E_INVALID, "user_id",
				 "User: must be an agent or admin");
	else if (hd_txn_get_pb_id(t, in->dir.groups, m->group_id,
				  &hd__group__descriptor, (void **)&g) ||
		 g->deleted)
		rc = hd_rpc_fail(j->rep, HD_E_INVALID, "group_id",
				 "Group: does not exist");
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	q.group_id = m->group_id;
	q.user_id = m->user_id;
	q.cursor = true;
	q.size = 1;
	intake_dir_page p = {0};
	if (!rc &&
	    !intake_dir_scan(t, in->dir.memberships,
			     &hd__group_membership__descriptor, &q, keep_member,
			     &q, &p) &&
	    p.n)
		rc = hd_rpc_fail(j->rep, HD_E_INVALID, "user_id",
				 "User: is already a member of this group");
	intake_dir_page_free(&p);
	if (!rc &&
	    !(rc = intake_next_id(t, j->in, "next_membership", &m->id))) {
		m->created_at = m->updated_at = hd_now_ms();
		intake_put_pb(t, in->dir.memberships, m->id, m);
		hd_txn_emit_pb(t, "group_membership.created", m, NULL);
		rc = hd_txn_fail(t, hd_pb_pack(&j->result, m));
	}
	hd__user__free_unpacked(u, NULL);
	hd__group__free_unpacked(g, NULL);
	return rc;
}

static int member_delete_write(hd_txn *t, void *arg)
{
	grp_job *j = arg;
	const intake *in = j->in;
	Hd__GroupMembership *m = NULL;
	int rc = hd_txn_get_pb_id(t, in->dir.memberships, j->id,
				  &hd__group_membership__descriptor,
				  (void **)&m);
	uint8_t key[8];
	hd_key_u64(key, j->id);
	if (!rc) {
		hd_txn_del(t, in->dir.memberships, key, 8);
		hd_txn_emit_pb(t, "group_membership.deleted", m, NULL);
		rc = t->rc;
	}
	hd__group_membership__free_unpacked(m, NULL);
	return rc;
}

static int by_id(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		 hd_write_fn fn)
{
	intake *in = ctx;
	Hd__IdRequest *ir = NULL;
	int rc = intake_dir_open(in, req, rep, &write_one, (void **)&ir);
	if (rc)
		return rc;
	grp_job j = {.id = ir->id};
	rc = run(in, rep, fn, &j);
	hd__id_request__free_unpacked(ir, NULL);
	return rc;
}

int intake_groups_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return by_id(ctx, req, rep, group_delete_write);
}

int intake_members_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return by_id(ctx, req, rep, member_delete_write);
}

int intake_members_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__GroupMembership *m = NULL;
	int rc = intake_dir_open(in, req, rep, &write_member, (void **)&m);
	if (rc)
		return rc;
	grp_job j = {.member = m};
	rc = run(in, rep, members_write, &j);
	hd__group_membership__free_unpacked(m, NULL);
	return rc;
}
