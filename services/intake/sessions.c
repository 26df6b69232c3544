/* People's browser sessions (directory shard). The gateway checks the
 * password (auth.password, under its sign-in limits), draws a random
 * 256-bit session id and asks sessions.create to remember it; the cookie
 * then authenticates through auth.session. Key layout:
 *   user_sessions  BLAKE2b-256(session id) → hd.UserSession
 * A session ends when it was idle HD_SESSION_IDLE_MINUTES (business clock,
 * so tests move it), when the user is suspended or deleted, and when the
 * password record changes (pw_mark: a hash of it at sign-in). Use touches
 * last_seen_at at most once a minute, so a busy page costs reads only.
 * Ended sessions nobody presents again are swept by each sign-in: it looks
 * at SWEEP sessions from a random key (keys are hashes, so sign-ins cover
 * the table evenly) and deletes the idle ones — at least as many as
 * sign-ins add, without a thread or a scan. */
#include "dir_common.h"

#include "hd/cfg.h"
#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"

#include <sodium.h>
#include <string.h>

#define TOUCH_MS (60 * 1000)
#define SWEEP    8
#define MARK_LEN 16

const char *const intake_session_dbs[] = {"user_sessions", NULL};

int intake_session_bind(intake *in)
{
	uint64_t minutes = 0;
	int rc = hd_cfg_u64(&in->svc->cfg, "HD_SESSION_IDLE_MINUTES", 1,
			    60 * 24 * 365, &minutes);
	if (rc)
		return rc;
	in->sessions.life_ms = (int64_t)minutes * 60 * 1000;
	return hd_store_dbi(in->store, "user_sessions", &in->sessions.dbi);
}

static bool id_shaped(const char *token)
{
	return strlen(token) == 64 && strspn(token, "0123456789abcdef") == 64;
}

static void session_key(const char *token, uint8_t key[32])
{
	crypto_generichash(key, 32, (const unsigned char *)token, strlen(token),
			   NULL, 0);
}

/* A hash of the user's password record ("" when none): a new password
 * gives another mark, which ends the sessions begun under the old one. */
static void pw_mark(const intake *in, hd_txn *t, uint64_t uid,
		    uint8_t mark[MARK_LEN])
{
	uint8_t key[8];
	MDB_val v = {0};
	hd_key_u64(key, uid);
	if (hd_txn_get(t, in->dir.passwords, key, 8, &v) != HD_OK)
		v.mv_size = 0;
	crypto_generichash(mark, MARK_LEN, v.mv_size ? v.mv_data : NULL,
			   v.mv_size, NULL, 0);
}

typedef struct sess_job {
	intake *in;
	const char *token;
	uint64_t user_id;
	int64_t now;
	hd_rpc_rep *rep;
	hd_buf *result;
	bool ok; /* auth: the session holds */
} sess_job;

typedef struct sweep_walk {
	const intake_timed_db *db;
	hd_txn *t;
	int64_t now;
	int seen;
} sweep_walk;

static int sweep_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	sweep_walk *w = arg;
	if (w->seen++ == SWEEP)
		return HD_STOP;
	Hd__UserSession *s =
		hd__user_session__unpack(NULL, v->mv_size, v->mv_data);
	bool gone = !s || w->now - s->last_seen_at > w->db->life_ms;
	hd__user_session__free_unpacked(s, NULL);
	return gone ? hd_txn_del(w->t, w->db->dbi, k->mv_data, k->mv_size)
		    : HD_OK;
}

static void sweep(const intake_timed_db *db, hd_txn *t, int64_t now)
{
	uint8_t from[32];
	randombytes_buf(from, sizeof from);
	sweep_walk w = {db, t, now, 0};
	hd_txn_foreach_from(t, db->dbi, NULL, 0, from, sizeof from, false,
			    sweep_one, &w);
}

static int create_write(hd_txn *t, void *arg)
{
	sess_job *j = arg;
	const intake *in = j->in;
	Hd__User *u = NULL;
	uint8_t key[32], mark[MARK_LEN];
	int rc = intake_user_get(in, t, j->user_id, &u);
	if (rc || u->suspended || u->deleted) {
		hd__user__free_unpacked(u, NULL);
		return hd_rpc_fail(j->rep, HD_E_UNAUTHORIZED, NULL,
				   "Couldn't authenticate you");
	}
	Hd__UserSession s = HD__USER_SESSION__INIT;
	pw_mark(j->in, t, j->user_id, mark);
	s.user_id = j->user_id;
	s.created_at = s.last_seen_at = j->now;
	s.pw_mark.data = mark;
	s.pw_mark.len = sizeof mark;
	sweep(&j->in->sessions, t, j->now);
	session_key(j->token, key);
	hd_txn_put_pb(t, j->in->sessions.dbi, key, sizeof key, &s);
	hd_buf_reset(j->result);
	if (!t->rc)
		hd_txn_fail(t, hd_pb_pack(j->result, u));
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

/* Whether s still holds for u; false also for a missing user. */
static bool holds(const intake *in, hd_txn *t, const Hd__UserSession *s,
		  const Hd__User *u, int64_t now)
{
	uint8_t mark[MARK_LEN];
	if (!u || u->suspended || u->deleted ||
	    now - s->last_seen_at > in->sessions.life_ms)
		return false;
	pw_mark(in, t, s->user_id, mark);
	return s->pw_mark.len == MARK_LEN &&
	       sodium_memcmp(mark, s->pw_mark.data, MARK_LEN) == 0;
}

/* Check, then forget an ended session or touch a live one. */
static int auth_write(hd_txn *t, void *arg)
{
	sess_job *j = arg;
	const intake *in = j->in;
	Hd__UserSession *s = NULL;
	Hd__User *u = NULL;
	uint8_t key[32];
	session_key(j->token, key);
	MDB_dbi dbi = j->in->sessions.dbi;
	if (hd_txn_get_pb(t, dbi, key, sizeof key,
			  &hd__user_session__descriptor, (void **)&s))
		return HD_OK;
	intake_user_get(in, t, s->user_id, &u);
	j->ok = holds(j->in, t, s, u, j->now);
	if (!j->ok) {
		hd_txn_del(t, dbi, key, sizeof key);
	} else {
		s->last_seen_at = j->now;
		hd_txn_put_pb(t, dbi, key, sizeof key, s);
		hd_buf_reset(j->result);
		if (!t->rc)
			hd_txn_fail(t, hd_pb_pack(j->result, u));
	}
	hd__user__free_unpacked(u, NULL);
	hd__user_session__free_unpacked(s, NULL);
	return t->rc;
}

/* The read path: 1 and the user packed when the session holds and was
 * touched within the minute; 0 when a write must decide. */
static int auth_read(intake *in, const char *token, int64_t now,
		     hd_rpc_rep *rep)
{
	hd_txn t;
	Hd__UserSession *s = NULL;
	Hd__User *u = NULL;
	uint8_t key[32];
	int done = 0;
	session_key(token, key);
	if (hd_store_read(in->store, &t))
		return 0;
	if (hd_txn_get_pb(&t, in->sessions.dbi, key, sizeof key,
			  &hd__user_session__descriptor, (void **)&s)) {
		done = -1; /* unknown: nothing to write */
	} else if (now - s->last_seen_at < TOUCH_MS) {
		intake_user_get(in, &t, s->user_id, &u);
		if (holds(in, &t, s, u, now))
			done = hd_pb_pack(&rep->payload, u) == HD_OK;
	}
	hd_txn_end(&t);
	hd__user__free_unpacked(u, NULL);
	hd__user_session__free_unpacked(s, NULL);
	return done;
}

static int refuse(hd_rpc_rep *rep)
{
	return hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL,
			   "Couldn't authenticate you");
}

/* The RPCs below take an hd.SessionRequest from anyone: the session id is
 * the credential (intake_session_rpc). */
static int auth_session(intake *in, const hd_rpc_req *req,
			Hd__SessionRequest *q, hd_rpc_rep *rep)
{
	(void)req;
	int rc;
	int64_t now = hd_now_ms();
	int done = id_shaped(q->token) ? auth_read(in, q->token, now, rep) : -1;
	if (done == 1) {
		rc = HD_OK;
	} else if (done < 0) {
		rc = refuse(rep);
	} else {
		hd_buf result;
		sess_job j = {
			.in = in, .token = q->token, .now = now, .rep = rep};
		j.result = &result;
		hd_buf_reset(&rep->payload);
		rc = intake_dir_run(in, rep, auth_write, &j, &result);
		if (!rc && !j.ok)
			rc = refuse(rep);
	}
	return rc;
}

static int create(intake *in, const hd_rpc_req *req, Hd__SessionRequest *q,
		  hd_rpc_rep *rep)
{
	if (!req->principal.user_id || !id_shaped(q->token))
		return hd_rpc_fail(rep, HD_E_INVALID, "token",
				   "a session needs its user and a 64-hex id");
	hd_buf result;
	sess_job j = {.in = in,
		      .token = q->token,
		      .user_id = req->principal.user_id,
		      .now = hd_now_ms(),
		      .rep = rep,
		      .result = &result};
	return intake_dir_run(in, rep, create_write, &j, &result);
}

static int delete_write(hd_txn *t, void *arg)
{
	uint8_t key[32];
	sess_job *j = arg;
	session_key(j->token, key);
	hd_txn_del(t, j->in->sessions.dbi, key, sizeof key);
	return HD_OK;
}

static int delete (intake *in, const hd_rpc_req *req, Hd__SessionRequest *q,
		   hd_rpc_rep *rep)
{
	(void)req;
	(void)rep;
	sess_job j = {.in = in, .token = q->token};
	return id_shaped(q->token) ? hd_store_write(in->store, delete_write, &j)
				   : HD_OK;
}

INTAKE_SESSION_ROUTE(intake_auth_session, auth_session)
INTAKE_SESSION_ROUTE(intake_sessions_create, create)
INTAKE_SESSION_ROUTE(intake_sessions_delete, delete)

const hd_rpc_route intake_session_routes[] = {
	{"auth.session", intake_auth_session},
	{"sessions.create", intake_sessions_create},
	{"sessions.delete", intake_sessions_delete},
	{NULL, NULL},
};
