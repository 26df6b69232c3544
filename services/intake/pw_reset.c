/* Password reset by e-mail link (directory shard). Key layout:
 *   password_resets  u64 user id → hd.PasswordReset
 * password_reset.request answers the same whether or not the address has
 * an account (nothing to learn from it); for an active account it keeps a
 * fresh nonce and publishes password.reset, which notifications mails, at
 * most once a minute per account. password_reset.apply takes the token and
 * the new password: the link works once, before it expires, and the new
 * password record ends every session (sessions.c's pw_mark). */
#include "dir_common.h"
#include "mailed_link.h"
#include "pw_pool.h"

#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <sodium.h>
#include <string.h>

#define PW_MIN 6
#define PW_MAX 128

static const intake_mailed_link reset_link = {
	.mac_ctx = "pw_reset",
	.event = "password.reset",
	.clock = hd_wall_ms,
	.end_users_only = false,
};

const char *const intake_pwreset_dbs[] = {"password_resets", NULL};

int intake_pwreset_bind(intake *in)
{
	return intake_mailed_link_bind(
		in, &in->pwreset, &reset_link, "password_resets",
		"HD_PASSWORD_RESET_MINUTES", 60 * 24 * 7);
}

static int request(intake *in, const hd_rpc_req *req, Hd__SessionRequest *q,
		   hd_rpc_rep *rep)
{
	(void)req;
	(void)rep;
	return intake_mailed_link_request(in, &in->pwreset, q->email, NULL);
}

INTAKE_SESSION_ROUTE(intake_pwreset_request, request)

typedef struct apply_job {
	const intake *in;
	const char *token;
	const char *hash; /* the new password's; NULL: only check */
	hd_buf *result;
	bool ok;
} apply_job;

static int apply_write(hd_txn *t, void *arg)
{
	apply_job *j = arg;
	const intake *in = j->in;
	Hd__User *u = NULL;
	uint8_t key[8];
	j->ok = intake_mailed_link_check(in, t, &in->pwreset, j->token, &u);
	if (!j->ok || !j->hash)
		goto out;
	intake_mailed_link_use(t, &in->pwreset, u->id); /* once only */
	hd_key_u64(key, u->id);
	hd_txn_put(t, in->dir.passwords, key, 8, j->hash, strlen(j->hash));
	hd_buf_reset(j->result);
	if (!t->rc)
		hd_txn_fail(t, hd_pb_pack(j->result, u));
out:
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
	apply_job j = {.in = in, .token = q->token, .result = &result};
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

static int apply_wiped(intake *in, const hd_rpc_req *req, Hd__SessionRequest *q,
		       hd_rpc_rep *rep)
{
	(void)req;
	int rc = apply(in, q, rep);
	sodium_memzero(q->password, strlen(q->password));
	return rc;
}

INTAKE_SESSION_ROUTE(intake_pwreset_apply, apply_wiped)

const hd_rpc_route intake_pwreset_routes[] = {
	{"password_reset.request", intake_pwreset_request},
	{"password_reset.apply", intake_pwreset_apply},
	{NULL, NULL},
};
