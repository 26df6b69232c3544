/* Admins see and end a person's browser sessions (issue 18; directory
 * shard):
 *   sessions.list    {user_id}          → hd.SessionList, the live ones
 *   sessions.revoke  {user_id, handle}  → hd.SessionList of those ended
 *                                         (handle 0: all of the user's)
 * A session is named by a handle, the first 48 bits of its key (the hash
 * of the session id; 48 bits stay exact in a JavaScript number), never by
 * the id, so listing sessions hands nobody a credential. Both walk the
 * whole user_sessions table: it holds only live sessions (sessions.c sweeps
 * ended ones at each sign-in), and this is a rare admin action. Ending a
 * session deletes it as a sign-out does; the gateway's auth cache is the
 * gateway's to flush. */
#include "dir_common.h"

#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>

#define MAX_LISTED 256 /* sessions of one user in one answer */

static const intake_dir_rpc admin_rpc = {
	.gate = INTAKE_ADMIN,
	.denied = "only admins see or end other people's sessions",
	.msg = &hd__session_request__descriptor,
	.undecodable = "payload is not an hd.SessionRequest",
};

typedef struct walk {
	const intake_timed_db *db; /* in->sessions */
	uint64_t user_id;
	uint64_t handle; /* 0: every session of the user */
	bool end;        /* delete what matches */
	int64_t now;
	hd_txn *t; /* the walk's transaction */
	hd_buf *result;
	Hd__SessionInfo info[MAX_LISTED];
	Hd__SessionInfo *ptrs[MAX_LISTED];
	size_t n;
} walk;

static uint64_t handle_of(const MDB_val *k)
{
	const uint8_t *b = k->mv_data;
	uint64_t h = 0;
	for (size_t i = 0; i < 6 && i < k->mv_size; i++)
		h = h << 8 | b[i];
	return h ? h : 1; /* 0 means "all" */
}

static void keep(walk *w, uint64_t handle, const Hd__UserSession *s)
{
	if (w->n == MAX_LISTED)
		return;
	Hd__SessionInfo *i = &w->info[w->n];
	hd__session_info__init(i);
	i->handle = handle;
	i->created_at = s->created_at;
	i->last_seen_at = s->last_seen_at;
	w->ptrs[w->n++] = i;
}

static int visit_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	walk *w = arg;
	int rc = HD_OK;
	Hd__UserSession *s =
		hd__user_session__unpack(NULL, v->mv_size, v->mv_data);
	uint64_t h = handle_of(k);
	bool live = s && w->now - s->last_seen_at <= w->db->life_ms;
	if (s && s->user_id == w->user_id && (!w->handle || w->handle == h) &&
	    (live || w->end)) {
		keep(w, h, s);
		if (w->end)
			rc = hd_txn_del(w->t, w->db->dbi, k->mv_data,
					k->mv_size);
	}
	hd__user_session__free_unpacked(s, NULL);
	return rc;
}

/* Each session of w->user_id in t that matches (and, listing, has not been
 * idle too long) is kept; with w->end it is deleted too. */
static int visit(hd_txn *t, walk *w)
{
	w->t = t;
	hd_txn_foreach(t, w->db->dbi, NULL, 0, visit_one, w);
	return t->rc;
}

static int pack(walk *w, hd_buf *out)
{
	Hd__SessionList l = HD__SESSION_LIST__INIT;
	l.sessions = w->ptrs;
	l.n_sessions = w->n;
	return hd_pb_pack(out, &l);
}

static int revoke_write(hd_txn *t, void *arg)
{
	walk *w = arg;
	int rc = visit(t, w);
	if (!rc && w->handle && !w->n)
		return HD_E_NOTFOUND; /* nothing written either way */
	hd_buf_reset(w->result);
	return rc ? rc : hd_txn_fail(t, pack(w, w->result));
}

static int open_walk(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		     walk **out)
{
	Hd__SessionRequest *q = NULL;
	int rc = intake_dir_open(ctx, req, rep, &admin_rpc, (void **)&q);
	if (rc)
		return rc;
	walk *w = calloc(1, sizeof *w);
	if (!w)
		rc = HD_E_NOMEM;
	else if (!q->user_id)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "user_id",
				 "sessions are asked for by user_id");
	if (!rc) {
		w->db = &((intake *)ctx)->sessions;
		w->user_id = q->user_id;
		w->handle = q->handle;
		w->now = hd_now_ms();
	} else {
		free(w);
		w = NULL;
	}
	hd__session_request__free_unpacked(q, NULL);
	*out = w;
	return rc;
}

static int intake_sessions_list(void *ctx, const hd_rpc_req *req,
				hd_rpc_rep *rep)
{
	intake *in = ctx;
	walk *w = NULL;
	hd_txn t;
	int rc = open_walk(ctx, req, rep, &w);
	if (!rc && !(rc = hd_store_read(in->store, &t))) {
		rc = visit(&t, w);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = pack(w, &rep->payload);
	free(w);
	return rc;
}

static int intake_sessions_revoke(void *ctx, const hd_rpc_req *req,
				  hd_rpc_rep *rep)
{
	walk *w = NULL;
	hd_buf result;
	int rc = open_walk(ctx, req, rep, &w);
	if (rc)
		return rc;
	w->end = true;
	w->result = &result;
	rc = intake_dir_run(ctx, rep, revoke_write, w, &result);
	if (rc == HD_E_NOTFOUND)
		rc = hd_rpc_fail(rep, rc, NULL, "no such session");
	free(w);
	return rc;
}

const hd_rpc_route intake_session_admin_routes[] = {
	{"sessions.list", intake_sessions_list},
	{"sessions.revoke", intake_sessions_revoke},
	{NULL, NULL},
};
