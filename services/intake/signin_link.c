/* Customers' sign-in by e-mail link (directory shard; the help center's
 * /hc/{locale}/signin, issue 17). Key layout:
 *   signin_links  u64 user id → hd.PasswordReset (nonce, expiry, last mail)
 * signin_link.request answers the same whether or not the address has an
 * end-user account (nothing to learn from it); for an active end-user it
 * keeps a fresh nonce and publishes signin.link, which notifications mails,
 * at most once a minute per account. Staff sign in with their password
 * only: a mailbox is a weaker proof than what their accounts guard.
 * signin_link.apply takes the token: the link works once, before it
 * expires (HD_SIGNIN_LINK_MINUTES of business time, so tests move it), and
 * proves the mailbox, so the account becomes verified (an anonymous
 * request's requester sees it from then on). The gateway then starts a
 * session for the user it answers. The link itself: mailed_link.h, with
 * its own MAC purpose. */
#include "dir_common.h"
#include "mailed_link.h"

#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"

#include <string.h>

static const intake_mailed_link signin_link = {
	.mac_ctx = "hc_login",
	.event = "signin.link",
	.clock = hd_now_ms, /* business time, so tests move it */
	.end_users_only = true,
};

const char *const intake_signin_dbs[] = {"signin_links", NULL};

int intake_signin_bind(intake *in)
{
	return intake_mailed_link_bind(in, &in->signin, &signin_link,
				       "signin_links", "HD_SIGNIN_LINK_MINUTES",
				       60 * 24);
}

/* email: the address; token: the page's locale ("ko", "en" or "": the
 * user's own, for the link). */
static int request(intake *in, const hd_rpc_req *req, Hd__SessionRequest *q,
		   hd_rpc_rep *rep)
{
	(void)req;
	(void)rep;
	bool page = strcmp(q->token, "ko") == 0 || strcmp(q->token, "en") == 0;
	return intake_mailed_link_request(in, &in->signin, q->email,
					  page ? q->token : NULL);
}

INTAKE_SESSION_ROUTE(intake_signin_request, request)

typedef struct apply_job {
	const intake *in;
	const char *token;
	hd_buf *result;
	bool ok;
} apply_job;

static int apply_write(hd_txn *t, void *arg)
{
	apply_job *j = arg;
	const intake *in = j->in;
	Hd__User *u = NULL;
	j->ok = intake_mailed_link_check(in, t, &in->signin, j->token, &u);
	if (!j->ok)
		return HD_OK;
	/* once only; the mail gap stays (the record goes, so a new link may
	 * be asked for at once after a sign-in) */
	intake_mailed_link_use(t, &in->signin, u->id);
	if (!u->verified) {
		u->verified = true;
		u->updated_at = hd_now_ms();
		intake_user_put(in, t, u);
		hd_txn_emit_pb(t, "user.updated", u, NULL);
	}
	hd_buf_reset(j->result);
	if (!t->rc)
		hd_txn_fail(t, hd_pb_pack(j->result, u));
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

/* token: the link's token. The user on success; HD_E_NOTFOUND, one answer
 * for a wrong, tampered, expired or used link. */
static int apply(intake *in, const hd_rpc_req *req, Hd__SessionRequest *q,
		 hd_rpc_rep *rep)
{
	(void)req;
	hd_buf result;
	apply_job j = {.in = in, .token = q->token, .result = &result};
	int rc = intake_dir_run(in, rep, apply_write, &j, &result);
	if (!rc && !j.ok)
		rc = hd_rpc_fail(rep, HD_E_NOTFOUND, "token",
				 "This link is invalid, expired or already "
				 "used");
	return rc;
}

INTAKE_SESSION_ROUTE(intake_signin_apply, apply)

const hd_rpc_route intake_signin_routes[] = {
	{"signin_link.request", intake_signin_request},
	{"signin_link.apply", intake_signin_apply},
	{NULL, NULL},
};
