/* routing's views.* RPCs: saved queues over routing's copy of the tickets.
 * Agents and admins only; conditions are checked here (views_match.c).
 * Who sees a view, as in Zendesk's agent interface: a shared view
 * (no restriction) every agent and admin; a group view (restriction
 * {"type":"Group","ids":[…]}) the members of one of its groups and the
 * admins; a personal view (restriction {"type":"User","id":<owner>}) its
 * owner alone — admins too do not see other agents' personal views. A
 * view the caller may not see does not exist for them (404). Agents
 * manage only their own personal views; shared and group views are the
 * admins'. */
#include "routing.h"
#include "assign.h"
#include "hd/store_iter.h"
#include "views_index.h"

#include "hd/err.h"
#include "hd/req_decode.h"
#include "hd/pb_unknown.h"
#include "hd/pbwire.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VIEW_PAGE 1000

static bool staff(const hd_principal *p)
{
	return hd_role_is_staff(p->role);
}

static int deny(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (staff(&req->principal))
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
			   "views are for agents and admins");
}

static bool personal_of(const Hd__View *v, uint64_t user_id)
{
	const Hd__ViewRestriction *res = v->restriction;
	return res && !strcmp(res->type, "User") && res->id == user_id;
}

/* Is who a member of one of the groups of a Group restriction (routing's
 * copy of the memberships, from intake's events: assign_events.c)? */
static bool in_groups(hd_txn *t, const assign_dbs *db,
		      const Hd__ViewRestriction *res, uint64_t user)
{
	if (as_member_of(t, db, user, res->id))
		return true;
	for (size_t i = 0; i < res->n_ids; i++)
		if (as_member_of(t, db, user, res->ids[i]))
			return true;
	return false;
}

bool routing_view_visible(hd_txn *t, const routing *r, const Hd__View *v,
			  const hd_principal *who)
{
	const Hd__ViewRestriction *res = v->restriction;
	if (!staff(who))
		return false;
	if (!res)
		return true;
	if (!strcmp(res->type, "User"))
		return personal_of(v, who->user_id);
	if (hd_role_is_admin(who->role))
		return true;
	return !strcmp(res->type, "Group") &&
	       in_groups(t, &r->as, res, who->user_id);
}

int routing_view_upgrade(ProtobufCMessage *msg, bool *changed)
{
	Hd__View *v = (Hd__View *)msg;
	bool nomem = false;
	char *text = hd_pb_take_unknown_text(msg, 12, &nomem);
	*changed = text != NULL;
	if (!text)
		return nomem ? HD_E_NOMEM : HD_OK;
	/* restriction_json from before ViewRestriction: {"type","id","ids"} */
	json_t *res = json_loads(text, JSON_DECODE_ANY, NULL), *x;
	free(text);
	json_t *type = json_object_get(res, "type");
	json_t *ids = json_object_get(res, "ids");
	size_t i;
	int rc = HD_OK;
	if (json_is_object(res) && json_is_string(type)) {
		Hd__ViewRestriction *r = v->restriction =
			hd_pb_new(&hd__view_restriction__descriptor);
		rc = r ? hd_pb_set_string(&r->type, json_string_value(type))
		       : HD_E_NOMEM;
		if (!rc && json_is_integer(json_object_get(res, "id")))
			r->id = (uint64_t)json_integer_value(
				json_object_get(res, "id"));
		if (!rc && json_array_size(ids) &&
		    !(r->ids = calloc(json_array_size(ids), sizeof *r->ids)))
			rc = HD_E_NOMEM;
		json_array_foreach(ids, i, x) if (!rc && json_is_integer(x))
			r->ids[r->n_ids++] = (uint64_t)json_integer_value(x);
	}
	json_decref(res);
	return rc;
}

static bool manager(const hd_principal *who)
{
	return hd_role_is_admin(who->role);
}

/* Whether v is who's own personal view. */
static bool own_personal(const Hd__View *v, const hd_principal *who)
{
	return personal_of(v, who->user_id);
}

static bool personal(const Hd__View *v)
{
	return v->restriction && !strcmp(v->restriction->type, "User");
}

/* May who turn old (NULL: none) into v (NULL: delete)? A view the caller
 * may not see does not exist for them (404, as views.get) — for admins
 * too, another agent's personal view. A shared or group view is visible
 * but the admins' to change (403). A personal view is always the saver's
 * own: nobody saves one for someone else (it would vanish from their
 * sight, or a shared view from everyone's). */
static int may_manage(hd_txn *t, const routing *r, const Hd__View *old,
		      const Hd__View *v, const hd_principal *who,
		      hd_rpc_rep *rep)
{
	if (old && !routing_view_visible(t, r, old, who))
		return hd_rpc_fail(rep, HD_E_NOTFOUND, NULL, "no such view");
	if (old && !manager(who) && !own_personal(old, who))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only admins change shared views");
	if (v && !manager(who) && !own_personal(v, who))
		return hd_rpc_fail(
			rep, HD_E_FORBIDDEN, "restriction",
			"agents may only save personal views: "
			"restriction {\"type\":\"User\",\"id\":%llu}",
			(unsigned long long)who->user_id);
	if (v && personal(v) && !own_personal(v, who))
		return hd_rpc_fail(
			rep, HD_E_FORBIDDEN, "restriction",
			"a personal view is its owner's: only user %llu saves "
			"one with restriction {\"type\":\"User\",\"id\":%llu}",
			(unsigned long long)v->restriction->id,
			(unsigned long long)v->restriction->id);
	return HD_OK;
}

static int view_get(hd_txn *t, routing *r, uint64_t id, Hd__View **out)
{
	return hd_txn_get_pb_id(t, r->views, id, &hd__view__descriptor,
				(void **)out);
}

static bool same_conditions(Hd__ViewCondition *const *a, size_t na,
			    Hd__ViewCondition *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i]->field, b[i]->field) ||
		    strcmp(a[i]->operator_, b[i]->operator_) ||
		    strcmp(a[i]->value, b[i]->value))
			return false;
	return true;
}

/* Does the change from old to v need the view's index rebuilt? */
static bool redefined(const Hd__View *old, const Hd__View *v)
{
	return !old || strcmp(old->sort_by, v->sort_by) != 0 ||
	       !same_conditions(old->all, old->n_all, v->all, v->n_all) ||
	       !same_conditions(old->any, old->n_any, v->any, v->n_any);
}

typedef struct save_job {
	routing *r;
	Hd__View *v;
	int del;
	const hd_principal *who;
	hd_rpc_rep *rep;
} save_job;

static int save_write(hd_txn *t, void *arg)
{
	save_job *j = arg;
	Hd__View *old = NULL;
	uint8_t key[8];
	int rc = j->v->id ? view_get(t, j->r, j->v->id, &old) : HD_OK;
	if (!rc)
		rc = may_manage(t, j->r, old, j->del ? NULL : j->v, j->who,
				j->rep);
	if (!rc && !j->v->id)
		rc = routing_next_id(t, j->r, "next_view", &j->v->id);
	hd_key_u64(key, j->v->id);
	if (!rc && j->del) {
		rc = hd_txn_del(t, j->r->views, key, 8);
		if (!rc)
			rc = routing_vidx_reset(j->r, t, j->v->id, old, NULL);
	} else if (!rc) {
		if (redefined(old, j->v))
			rc = routing_vidx_reset(j->r, t, j->v->id, old, j->v);
		j->v->updated_at = hd_now_ms();
		j->v->created_at = old ? old->created_at : j->v->updated_at;
		if (!rc)
			rc = hd_txn_put_pb(t, j->r->views, key, 8, j->v);
	}
	hd__view__free_unpacked(old, NULL);
	return rc ? rc : t->rc;
}

static int views_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep);
	if (rc)
		return rc;
	Hd__View *v = NULL;
	if (hd_req_decode(req, rep, &hd__view__descriptor, (void **)&v))
		return HD_E_DECODE;
	rc = routing_view_check(v, rep);
	if (!rc) {
		save_job j = {r, v, 0, &req->principal, rep};
		rc = hd_store_write(r->store, save_write, &j);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, v);
	hd__view__free_unpacked(v, NULL);
	return rc;
}

static int views_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep);
	if (rc)
		return rc;
	Hd__ViewId *vi = hd__view_id__unpack(NULL, req->len, req->payload);
	if (!vi || !vi->id) {
		hd__view_id__free_unpacked(vi, NULL);
		return hd_rpc_fail(rep, HD_E_NOTFOUND, NULL, "no such view");
	}
	Hd__View v = HD__VIEW__INIT;
	v.id = vi->id;
	hd__view_id__free_unpacked(vi, NULL);
	save_job j = {r, &v, 1, &req->principal, rep};
	return hd_store_write(r->store, save_write, &j);
}

static int by_position(const void *a, const void *b)
{
	const Hd__View *x = *(Hd__View *const *)a, *y = *(Hd__View *const *)b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

typedef struct list_filter {
	hd_txn *t;
	const routing *r;
	bool active_only;
	const hd_principal *who;
} list_filter;

static bool listed(const void *msg, const void *arg)
{
	const Hd__View *v = msg;
	const list_filter *f = arg;
	return (!f->active_only || v->active) &&
	       routing_view_visible(f->t, f->r, v, f->who);
}

static int collect_views(hd_txn *t, routing *r, bool active_only,
			 const hd_principal *who, Hd__ViewList *l)
{
	list_filter f = {t, r, active_only, who};
	return hd_txn_scan_pb(t, r->views, NULL, 0, &hd__view__descriptor,
			      listed, &f, (void ***)&l->views, &l->n_views);
}

static int views_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep);
	if (rc)
		return rc;
	Hd__ViewListRequest *lr = NULL;
	if (hd_req_decode(req, rep, &hd__view_list_request__descriptor,
			  (void **)&lr))
		return HD_E_DECODE;
	Hd__ViewList l = HD__VIEW_LIST__INIT;
	hd_txn t;
	rc = hd_store_read(r->store, &t);
	if (!rc) {
		rc = collect_views(&t, r, lr->active_only, &req->principal, &l);
		hd_txn_end(&t);
	}
	if (!rc) {
		if (l.n_views) /* no views: l.views is NULL */
			qsort(l.views, l.n_views, sizeof *l.views, by_position);
		rc = hd_pb_pack(&rep->payload, &l);
	}
	hd_pb_free_repeated(&l.base);
	hd__view_list_request__free_unpacked(lr, NULL);
	return rc;
}

static int views_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep);
	if (rc)
		return rc;
	Hd__ViewId *vi = NULL;
	if (hd_req_decode(req, rep, &hd__view_id__descriptor, (void **)&vi))
		return HD_E_DECODE;
	Hd__View *v = NULL;
	hd_txn t;
	rc = hd_store_read(r->store, &t);
	if (!rc) {
		rc = view_get(&t, r, vi->id, &v);
		if (!rc && !routing_view_visible(&t, r, v, &req->principal))
			rc = HD_E_NOTFOUND;
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, v);
	hd__view__free_unpacked(v, NULL);
	hd__view_id__free_unpacked(vi, NULL);
	return rc;
}

const hd_rpc_route routing_view_routes[] = {
	{"views.save", views_save},
	{"views.delete", views_delete},
	{"views.list", views_list},
	{"views.get", views_get},
	{"views.tickets", routing_views_tickets},
	{"views.count_many", routing_views_count_many},
	{NULL, NULL},
};
