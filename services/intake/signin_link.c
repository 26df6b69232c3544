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
 * session for the user it answers. Tokens: link_token.h with '-' and their
 * own MAC purpose. */
#include "dir_common.h"
#include "link_token.h"

#include "hd/cfg.h"
#include "hd/clock.h"
#include "hd/err.h"
#include "hd/obj_mac.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define MAC_CTX     "hc_login"
#define MAC_BYTES   INTAKE_LINK_MAC_BYTES
#define MAIL_GAP_MS (60 * 1000)

static MDB_dbi links_dbi;
static int64_t link_life_ms;

const char *const intake_signin_dbs[] = {"signin_links", NULL};

int intake_signin_bind(intake *in)
{
	uint64_t minutes = 0;
	int rc = hd_cfg_u64(&in->svc->cfg, "HD_SIGNIN_LINK_MINUTES", 1, 60 * 24,
			    &minutes);
	if (rc)
		return rc;
	link_life_ms = (int64_t)minutes * 60 * 1000;
	return hd_store_dbi(in->store, "signin_links", &links_dbi);
}

static const intake_dir_rpc link_rpc = {
	.gate = INTAKE_ANYONE, /* the mailbox, then the link, is the proof */
	.msg = &hd__session_request__descriptor,
	.undecodable = "payload is not an hd.SessionRequest",
};

typedef struct req_job {
	const char *email;
	const char *locale; /* the page's, for the link; "" → the user's */
} req_job;

static int request_write(hd_txn *t, void *arg)
{
	req_job *j = arg;
	Hd__PasswordReset p = HD__PASSWORD_RESET__INIT, *old = NULL;
	Hd__PasswordResetMail m = HD__PASSWORD_RESET_MAIL__INIT;
	Hd__User *u = NULL;
	char nonce[33], head[128], mac[INTAKE_LINK_MAC_HEX + 1], token[200];
	uint8_t raw[16], key[8];
	uint64_t id = 0;
	if (intake_user_by_email(t, j->email, &id) ||
	    intake_user_get(t, id, &u) || u->suspended || u->deleted ||
	    strcmp(u->role, "end-user") != 0)
		goto out;
	hd_key_u64(key, id);
	if (hd_txn_get_pb(t, links_dbi, key, 8, &hd__password_reset__descriptor,
			  (void **)&old) == HD_OK &&
	    old->last_mail_at > hd_wall_ms() - MAIL_GAP_MS)
		goto out; /* no mail bomb through our server */
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(nonce, sizeof nonce, raw, sizeof raw);
	p.nonce = nonce;
	p.expires_at = hd_now_ms() + link_life_ms;
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
	m.locale = (char *)(j->locale[0] ? j->locale : u->locale);
	m.token = token;
	hd_txn_put_pb(t, links_dbi, key, 8, &p);
	hd_txn_emit_pb(t, "signin.link", &m, NULL);
out:
	hd__password_reset__free_unpacked(old, NULL);
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

/* email: the address; token: the page's locale ("ko", "en" or ""). */
static int intake_signin_request(void *ctx, const hd_rpc_req *req,
				 hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__SessionRequest *q = NULL;
	char email[256];
	int rc = intake_dir_open(in, req, rep, &link_rpc, (void **)&q);
	if (rc)
		return rc;
	req_job j = {.email = email,
		     .locale = strcmp(q->token, "ko") == 0 ||
					       strcmp(q->token, "en") == 0
				       ? q->token
				       : ""};
	if (hd_ascii_lower(q->email, email, sizeof email) && email[0])
		rc = hd_store_write(in->store, request_write, &j);
	hd__session_request__free_unpacked(q, NULL);
	return rc;
}

typedef struct apply_job {
	const char *token;
	hd_buf *result;
	bool ok;
} apply_job;

static bool token_ok(const char *token, uint64_t *uid, int64_t *expires,
		     char nonce[INTAKE_LINK_NONCE_HEX + 1])
{
	char mac[INTAKE_LINK_MAC_HEX + 1], head[128];
	return intake_link_split(token, '-', uid, expires, nonce, mac) &&
	       intake_link_head(head, sizeof head, '-', *uid, *expires,
				nonce) == HD_OK &&
	       hd_obj_mac_ok(MAC_CTX, head, strlen(head), MAC_BYTES, mac);
}

static int apply_write(hd_txn *t, void *arg)
{
	apply_job *j = arg;
	uint64_t uid = 0;
	int64_t expires = 0;
	char nonce[INTAKE_LINK_NONCE_HEX + 1];
	Hd__PasswordReset *p = NULL;
	Hd__User *u = NULL;
	uint8_t key[8];
	j->ok = false;
	if (!token_ok(j->token, &uid, &expires, nonce))
		return HD_OK;
	hd_key_u64(key, uid);
	if (hd_txn_get_pb(t, links_dbi, key, 8, &hd__password_reset__descriptor,
			  (void **)&p) ||
	    intake_user_get(t, uid, &u) || u->deleted || u->suspended ||
	    strcmp(u->role, "end-user") != 0 || p->expires_at != expires ||
	    expires < hd_now_ms() || strlen(p->nonce) != 32 ||
	    sodium_memcmp(p->nonce, nonce, 32) != 0)
		goto out;
	j->ok = true;
	/* once only; the mail gap stays (the record goes, so a new link may
	 * be asked for at once after a sign-in) */
	hd_txn_del(t, links_dbi, key, 8);
	if (!u->verified) {
		u->verified = true;
		u->updated_at = hd_now_ms();
		intake_user_put(t, u);
		hd_txn_emit_pb(t, "user.updated", u, NULL);
	}
	hd_buf_reset(j->result);
	if (!t->rc)
		hd_txn_fail(t, hd_pb_pack(j->result, u));
out:
	hd__password_reset__free_unpacked(p, NULL);
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

/* token: the link's token. The user on success; HD_E_NOTFOUND, one answer
 * for a wrong, tampered, expired or used link. */
static int intake_signin_apply(void *ctx, const hd_rpc_req *req,
			       hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__SessionRequest *q = NULL;
	int rc = intake_dir_open(in, req, rep, &link_rpc, (void **)&q);
	if (rc)
		return rc;
	hd_buf result;
	apply_job j = {.token = q->token, .result = &result};
	rc = intake_dir_run(in, rep, apply_write, &j, &result);
	if (!rc && !j.ok)
		rc = hd_rpc_fail(rep, HD_E_NOTFOUND, "token",
				 "This link is invalid, expired or already "
				 "used");
	hd__session_request__free_unpacked(q, NULL);
	return rc;
}

const hd_rpc_route intake_signin_routes[] = {
	{"signin_link.request", intake_signin_request},
	{"signin_link.apply", intake_signin_apply},
	{NULL, NULL},
};

int intake_signin_start(intake *in)
{
	(void)in;
	return HD_OK;
}

void intake_signin_stop(intake *in)
{
	(void)in;
}
