/* intake's credentials (directory shard): passwords (argon2id via
 * crypto_pwhash_str), API tokens for Basic "email/token:T", and OAuth
 * Bearer tokens. Tokens are stored only as BLAKE2b hashes and shown once,
 * in the reply that creates them. Hashing runs before the write job, never
 * inside it, so a slow argon2id never stalls the group commit. */
#include "dir_common.h"
#include "pw_pool.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <sodium.h>
#include <string.h>

#define PW_MIN 6
#define PW_MAX 128

/* Who may call is decided per handler, after decoding. */
static const intake_dir_rpc auth_rpc = {
	.gate = INTAKE_ANYONE,
	.msg = &hd__auth_token_request__descriptor,
	.undecodable = "payload is not an hd.AuthTokenRequest"};
static const intake_dir_rpc password_rpc = {
	.gate = INTAKE_ANYONE,
	.msg = &hd__password_request__descriptor,
	.undecodable = "payload is not an hd.PasswordRequest"};
static const intake_dir_rpc token_rpc = {
	.gate = INTAKE_ANYONE,
	.msg = &hd__api_token__descriptor,
	.undecodable = "payload is not an hd.ApiToken"};

static int user_by_email(intake *in, const char *given, Hd__User **u,
			 char hash[crypto_pwhash_STRBYTES])
{
	char email[256];
	uint64_t id = 0;
	MDB_val v;
	hd_txn t;
	*u = NULL;
	hash[0] = '\0';
	if (!hd_ascii_lower(given, email, sizeof email))
		return HD_E_UNAUTHORIZED;
	int rc = hd_store_read(in->store, &t);
	if (!rc)
		rc = intake_user_by_email(in, &t, email, &id);
	if (!rc)
		rc = intake_user_get(in, &t, id, u);
	uint8_t key[8];
	hd_key_u64(key, id);
	if (!rc && hd_txn_get(&t, in->dir.passwords, key, 8, &v) == HD_OK &&
	    v.mv_size < crypto_pwhash_STRBYTES) {
		memcpy(hash, v.mv_data, v.mv_size);
		hash[v.mv_size] = '\0';
	}
	hd_txn_end(&t);
	return rc;
}

static int reply_user_or_401(hd_rpc_rep *rep, int ok, const Hd__User *u)
{
	if (ok && u && !u->suspended && !u->deleted)
		return hd_pb_pack(&rep->payload, u);
	return hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL,
			   "Couldn't authenticate you");
}

int intake_auth_password(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__AuthTokenRequest *ar = NULL;
	int rc = intake_dir_open(in, req, rep, &auth_rpc, (void **)&ar);
	if (rc)
		return rc;
	char hash[crypto_pwhash_STRBYTES];
	Hd__User *u = NULL;
	bool match = false;
	/* Unknown accounts and accounts without a password are checked
	 * against the pool's dummy hash: every wrong answer costs the same. */
	int found = user_by_email(in, ar->email, &u, hash) == HD_OK;
	rc = intake_pw_verify(hash, ar->token, &match);
	if (rc)
		rc = hd_rpc_fail(rep, rc, NULL, "password checks are busy");
	else
		rc = reply_user_or_401(rep, found && hash[0] && match, u);
	sodium_memzero(hash, sizeof hash);
	hd__user__free_unpacked(u, NULL);
	hd__auth_token_request__free_unpacked(ar, NULL);
	return rc;
}

int intake_auth_bearer(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__AuthTokenRequest *ar = NULL;
	int rc = intake_dir_open(in, req, rep, &auth_rpc, (void **)&ar);
	if (rc)
		return rc;
	Hd__ApiToken *rec = NULL;
	Hd__User *u = NULL;
	hd_txn t;
	int ok = hd_store_read(in->store, &t) == HD_OK &&
		 intake_token_find(in, &t, ar->token, &rec) == HD_OK &&
		 rec->oauth &&
		 intake_user_get(in, &t, rec->user_id, &u) == HD_OK;
	hd_txn_end(&t);
	if (ok) { /* borrowed from rec for the reply */
		u->oauth_token = true;
		u->oauth_scopes = rec->scopes;
		u->n_oauth_scopes = rec->n_scopes;
	}
	rc = reply_user_or_401(rep, ok, u);
	if (ok) {
		u->oauth_scopes = NULL;
		u->n_oauth_scopes = 0;
	}
	hd__user__free_unpacked(u, NULL);
	hd__api_token__free_unpacked(rec, NULL);
	hd__auth_token_request__free_unpacked(ar, NULL);
	return rc;
}

typedef struct pw_job {
	const intake *in;
	uint64_t user_id;
	const char *hash;
} pw_job;

static int pw_write(hd_txn *t, void *arg)
{
	pw_job *j = arg;
	const intake *in = j->in;
	Hd__User *u = NULL;
	int rc = intake_user_get(in, t, j->user_id, &u);
	if (rc)
		return rc;
	uint8_t key[8];
	hd_key_u64(key, j->user_id);
	hd_txn_put(t, in->dir.passwords, key, 8, j->hash, strlen(j->hash));
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

/* Self-service changes must prove the previous password, when one is set. */
static int check_previous(intake *in, const hd_rpc_req *req,
			  const Hd__PasswordRequest *pr, hd_rpc_rep *rep)
{
	if (intake_is_admin(&req->principal))
		return HD_OK;
	if (req->principal.user_id != pr->user_id)
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only admins set other users' passwords");
	char hash[crypto_pwhash_STRBYTES];
	Hd__User *u = NULL;
	user_by_email(in, req->principal.email, &u, hash);
	bool match = true;
	int rc = hash[0] ? intake_pw_verify(hash, pr->previous_password, &match)
			 : HD_OK;
	if (rc)
		rc = hd_rpc_fail(rep, rc, NULL, "password checks are busy");
	else if (!match)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "previous_password",
				 "Previous password is not correct");
	hd__user__free_unpacked(u, NULL);
	return rc;
}

int intake_users_password(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__PasswordRequest *pr = NULL;
	int rc = intake_dir_open(in, req, rep, &password_rpc, (void **)&pr);
	if (rc)
		return rc;
	char hash[crypto_pwhash_STRBYTES];
	size_t n = strlen(pr->password);
	rc = check_previous(in, req, pr, rep);
	if (!rc &&
	    (n < PW_MIN || n > PW_MAX || !hd_utf8_valid(pr->password, n)))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "password",
				 "Password: must be %d to %d characters",
				 PW_MIN, PW_MAX);
	if (!rc && (rc = intake_pw_hash(hash, pr->password, n)) != HD_OK)
		rc = hd_rpc_fail(rep, rc, NULL,
				 rc == HD_E_NOMEM ? "out of memory"
						  : "password checks are busy");
	pw_job j = {.in = in, .user_id = pr->user_id, .hash = hash};
	if (!rc)
		rc = hd_store_write(in->store, pw_write, &j);
	sodium_memzero(pr->password, n);
	hd__password_request__free_unpacked(pr, NULL);
	return rc;
}

typedef struct tok_job {
	intake *in;
	Hd__ApiToken *rec;
	const char *clear;
	const hd_principal *who;
	hd_rpc_rep *rep;
} tok_job;

static int tok_create_write(hd_txn *t, void *arg)
{
	tok_job *j = arg;
	const intake *in = j->in;
	Hd__User *u = NULL;
	int rc = intake_user_get(in, t, j->rec->user_id, &u);
	if (rc)
		return hd_rpc_fail(j->rep, HD_E_INVALID, "user_id",
				   "User: does not exist");
	hd__user__free_unpacked(u, NULL);
	return intake_token_put(t, j->in, j->clear, j->rec);
}

int intake_tokens_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__ApiToken *rec = NULL;
	int rc = intake_dir_open(in, req, rep, &token_rpc, (void **)&rec);
	if (rc)
		return rc;
	const hd_principal *who = &req->principal;
	if (!rec->user_id || !rec->oauth)
		rec->user_id = who->user_id;
	if (!intake_is_admin(who) &&
	    (!rec->oauth || rec->user_id != who->user_id))
		rc = hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				 "only admins manage API tokens");
	if (!rc && !hd_utf8_valid(rec->description, strlen(rec->description)))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "description",
				 "not valid UTF-8");
	uint8_t raw[32];
	char clear[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(clear, sizeof clear, raw, rec->oauth ? 32 : 20);
	rec->created_at = hd_now_ms();
	rec->hash.len = 0;
	tok_job j = {
		.in = in, .rec = rec, .clear = clear, .who = who, .rep = rep};
	if (!rc)
		rc = hd_store_write(in->store, tok_create_write, &j);
	rec->token = clear; /* shown once, here */
	if (!rc)
		rc = hd_pb_pack(&rep->payload, rec);
	rec->token = NULL;
	sodium_memzero(clear, sizeof clear);
	hd__api_token__free_unpacked(rec, NULL);
	return rc;
}

typedef struct tok_filter {
	const hd_principal *who;
	bool oauth;
} tok_filter;

static bool keep_token(const void *msg, void *arg)
{
	const Hd__ApiToken *tk = msg;
	const tok_filter *f = arg;
	if (tk->oauth != f->oauth)
		return false;
	return intake_is_admin(f->who) || tk->user_id == f->who->user_id;
}

int intake_tokens_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__ApiToken *want = NULL;
	int rc = intake_dir_open(in, req, rep, &token_rpc, (void **)&want);
	if (rc)
		return rc;
	tok_filter f = {.who = &req->principal, .oauth = want->oauth};
	if (!want->oauth && !intake_is_admin(&req->principal))
		rc = hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				 "only admins manage API tokens");
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	q.size = 100;
	intake_dir_page p = {0};
	if (!rc)
		rc = intake_dir_list(in, in->dir.token_recs,
				     &hd__api_token__descriptor, &q, keep_token,
				     &f, &p);
	Hd__ApiTokenList l = HD__API_TOKEN_LIST__INIT;
	l.tokens = (Hd__ApiToken **)p.items;
	l.n_tokens = p.n;
	for (size_t i = 0; i < p.n; i++)
		l.tokens[i]->hash.len = 0;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	intake_dir_page_free(&p);
	hd__api_token__free_unpacked(want, NULL);
	return rc;
}

static int tok_delete_write(hd_txn *t, void *arg)
{
	tok_job *j = arg;
	const intake *in = j->in;
	Hd__ApiToken *rec = NULL;
	int rc = hd_txn_get_pb_id(t, in->dir.token_recs, j->rec->id,
				  &hd__api_token__descriptor, (void **)&rec);
	if (rc)
		return rc;
	if (!intake_is_admin(j->who) &&
	    (!rec->oauth || rec->user_id != j->who->user_id))
		rc = hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				 "only admins manage API tokens");
	else if (rec->oauth != j->rec->oauth)
		rc = HD_E_NOTFOUND;
	uint8_t key[8];
	hd_key_u64(key, rec->id);
	if (!rc && rec->hash.len == 32)
		hd_txn_del(t, in->dir.tokens, rec->hash.data, 32);
	if (!rc)
		rc = hd_txn_del(t, in->dir.token_recs, key, 8);
	hd__api_token__free_unpacked(rec, NULL);
	return rc;
}

int intake_tokens_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__ApiToken *want = NULL;
	int rc = intake_dir_open(in, req, rep, &token_rpc, (void **)&want);
	if (rc)
		return rc;
	tok_job j = {.in = in, .rec = want, .who = &req->principal, .rep = rep};
	rc = hd_store_write(in->store, tok_delete_write, &j);
	hd__api_token__free_unpacked(want, NULL);
	return rc;
}
