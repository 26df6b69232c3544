/* Password reset by e-mail link (directory shard). Key layout:
 *   password_resets  u64 user id → hd.PasswordReset
 * password_reset.request answers the same whether or not the address has
 * an account (nothing to learn from it); for an active account it keeps a
 * fresh nonce and publishes password.reset, which notifications mails, at
 * most once a minute per account. password_reset.apply takes the token and
 * the new password: the link works once, before it expires, and the new
 * password record ends every session (sessions.c's pw_mark). */
#include "dir_common.h"
#include "pw_pool.h"

#include "hd/cfg.h"
#include "hd/clock.h"
#include "hd/err.h"
#include "hd/obj_mac.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <inttypes.h>
#include "link_token.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define MAC_CTX     "pw_reset"
#define MAC_BYTES   INTAKE_LINK_MAC_BYTES
#define MAIL_GAP_MS (60 * 1000)
#define PW_MIN      6
#define PW_MAX      128

static MDB_dbi resets_dbi;
static int64_t link_life_ms;

const char *const intake_pwreset_dbs[] = {"password_resets", NULL};

int intake_pwreset_bind(intake *in)
{
	uint64_t minutes = 0;
	int rc = hd_cfg_u64(&in->svc->cfg, "HD_PASSWORD_RESET_MINUTES", 1,
			    60 * 24 * 7, &minutes);
	if (rc)
		return rc;
	link_life_ms = (int64_t)minutes * 60 * 1000;
	return hd_store_dbi(in->store, "password_resets", &resets_dbi);
}

static const intake_dir_rpc reset_rpc = {
	.gate = INTAKE_ANYONE, /* the mailbox, then the link, is the proof */
	.msg = &hd__session_request__descriptor,
	.undecodable = "payload is not an hd.SessionRequest",
};

typedef struct req_job {
	const char *email;
} req_job;

static int request_write(hd_txn *t, void *arg)
{
	req_job *j = arg;
	Hd__PasswordReset p = HD__PASSWORD_RESET__INIT, *old = NULL;
	Hd__PasswordResetMail m = HD__PASSWORD_RESET_MAIL__INIT;
	Hd__User *u = NULL;
	char nonce[33], head[128], mac[2 * INTAKE_LINK_MAC_BYTES + 1],
		token[200];
	uint8_t raw[16], key[8];
	uint64_t id = 0;
	if (intake_user_by_email(t, j->email, &id) ||
	    intake_user_get(t, id, &u) || u->suspended || u->deleted)
		goto out;
	hd_key_u64(key, id);
	if (hd_txn_get_pb(t, resets_dbi, key, 8,
			  &hd__password_reset__descriptor,
			  (void **)&old) == HD_OK &&
	    old->last_mail_at > hd_wall_ms() - MAIL_GAP_MS)
		goto out; /* no mail bomb through our server */
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(nonce, sizeof nonce, raw, sizeof raw);
	p.nonce = nonce;
	p.expires_at = hd_wall_ms() + link_life_ms;
	p.last_mail_at = hd_wall_ms();
	if (intake_link_head(head, sizeof head, '-', id, p.expires_at, nonce) ||
	    hd_obj_mac_hex(MAC_CTX, head, strlen(head), MAC_BYTES, mac,
			   sizeof mac)) {
		hd_txn_fail(t, HD_E_INTERNAL);
		goto out;
	}
	snprintf(token, sizeof token, "%s-%s", head, mac);
	m.user_id = id;
	m.email = u->email;
	m.name = u->name;
	m.locale = u->locale;
	m.token = token;
	hd_txn_put_pb(t, resets_dbi, key, 8, &p);
	hd_txn_emit_pb(t, "password.reset", &m, NULL);
out:
	hd__password_reset__free_unpacked(old, NULL);
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

static int intake_pwreset_request(void *ctx, const hd_rpc_req *req,
				  hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__SessionRequest *q = NULL;
	char email[256];
	int rc = intake_dir_open(in, req, rep, &reset_rpc, (void **)&q);
	if (rc)
		return rc;
	req_job j = {.email = email};
	if (hd_ascii_lower(q->email, email, sizeof email) && email[0])
		rc = hd_store_write(in->store, request_write, &j);
	hd__session_request__free_unpacked(q, NULL);
	return rc;
}

typedef struct apply_job {
	const char *token;
	const char *hash; /* the new password's; NULL: only check */
	hd_buf *result;
	bool ok;
} apply_job;

static int apply_write(hd_txn *t, void *arg)
{
	apply_job *j = arg;
	uint64_t uid = 0;
	int64_t expires = 0;
	char nonce[33], mac[2 * INTAKE_LINK_MAC_BYTES + 1], head[128];
	Hd__PasswordReset *p = NULL;
	Hd__User *u = NULL;
	uint8_t key[8];
	j->ok = false;
	if (!intake_link_split(j->token, '-', &uid, &expires, nonce, mac) ||
	    intake_link_head(head, sizeof head, '-', uid, expires, nonce) ||
	    !hd_obj_mac_ok(MAC_CTX, head, strlen(head), MAC_BYTES, mac))
		return HD_OK;
	hd_key_u64(key, uid);
	if (hd_txn_get_pb(t, resets_dbi, key, 8,
			  &hd__password_reset__descriptor, (void **)&p) ||
	    intake_user_get(t, uid, &u) || u->deleted || u->suspended ||
	    p->expires_at != expires || expires < hd_wall_ms() ||
	    strlen(p->nonce) != 32 || sodium_memcmp(p->nonce, nonce, 32) != 0)
		goto out;
	j->ok = true;
	if (!j->hash)
		goto out;
	hd_txn_del(t, resets_dbi, key, 8); /* once only */
	hd_txn_put(t, intake_dir.passwords, key, 8, j->hash, strlen(j->hash));
	hd_buf_reset(j->result);
	if (!t->rc)
		hd_txn_fail(t, hd_pb_pack(j->result, u));
out:
	hd__password_reset__free_unpacked(p, NULL);
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

static int refuse(hd_rpc_rep *rep)
{
	return hd_rpc_fail(rep, HD_E_NOTFOUND, "token",
			   "This link is invalid, expired or already used");
}

/* The link is checked before the (costly) hashing and again in the write,
 * which consumes it. */
static int apply(intake *in, Hd__SessionRequest *q, hd_rpc_rep *rep)
{
	char hash[crypto_pwhash_STRBYTES];
	size_t n = strlen(q->password);
	hd_buf result;
	apply_job j = {.token = q->token, .result = &result};
	hd_buf_init(&result, 1 << 16);
	int rc = hd_store_write(in->store, apply_write, &j);
	hd_buf_release(&result);
	if (rc || !j.ok)
		return rc ? rc : refuse(rep);
	if (n < PW_MIN || n > PW_MAX || !hd_utf8_valid(q->password, n))
		return hd_rpc_fail(rep, HD_E_INVALID, "password",
				   "Password: must be %d to %d characters",
				   PW_MIN, PW_MAX);
	if ((rc = intake_pw_hash(hash, q->password, n)) != HD_OK)
		return hd_rpc_fail(rep, rc, NULL,
				   rc == HD_E_NOMEM
					   ? "out of memory"
					   : "password checks are busy");
	j.hash = hash;
	rc = intake_dir_run(in, rep, apply_write, &j, &result);
	sodium_memzero(hash, sizeof hash);
	if (!rc && !j.ok)
		rc = refuse(rep);
	return rc;
}

static int intake_pwreset_apply(void *ctx, const hd_rpc_req *req,
				hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__SessionRequest *q = NULL;
	int rc = intake_dir_open(in, req, rep, &reset_rpc, (void **)&q);
	if (rc)
		return rc;
	rc = apply(in, q, rep);
	sodium_memzero(q->password, strlen(q->password));
	hd__session_request__free_unpacked(q, NULL);
	return rc;
}

const hd_rpc_route intake_pwreset_routes[] = {
	{"password_reset.request", intake_pwreset_request},
	{"password_reset.apply", intake_pwreset_apply},
	{NULL, NULL},
};

int intake_pwreset_start(intake *in)
{
	(void)in;
	return HD_OK;
}

void intake_pwreset_stop(intake *in)
{
	(void)in;
}
