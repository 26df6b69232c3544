/* An end-user's own e-mail change waits for the new address to confirm it:
 * a primary e-mail decides which mail lands in whose tickets, so taking an
 * address one cannot read would take over its conversations. Key layout:
 *   user_email_pending  u64 user id → hd.EmailPending
 * users.update (users_write.c) holds the change here and publishes
 * email.verification; notifications mails the link (or, when another
 * account has the address, a notice without one — the API answer is the
 * same either way, so it reveals no account). users.email_verify switches
 * the address once, before the link expires. */
#include "dir_common.h"

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
#include <stdlib.h>
#include <string.h>

#define MAC_CTX     "mail_vfy"
#define MAC_BYTES   INTAKE_LINK_MAC_BYTES
#define MAIL_GAP_MS (60 * 1000)

const char *const intake_email_dbs[] = {"user_email_pending", NULL};

int intake_email_bind(intake *in)
{
	uint64_t minutes = 0;
	int rc = hd_cfg_u64(&in->svc->cfg, "HD_EMAIL_VERIFY_MINUTES", 1,
			    60 * 24 * 30, &minutes);
	if (rc)
		return rc;
	in->email.life_ms = (int64_t)minutes * 60 * 1000;
	return hd_store_dbi(in->store, "user_email_pending", &in->email.dbi);
}

static int link_mac(uint64_t uid, int64_t expires, const char *nonce,
		    const char *email, char *mac, size_t cap)
{
	char msg[600];
	char head[128];
	int rc = intake_link_head(head, sizeof head, '.', uid, expires, nonce);
	if (rc)
		return rc;
	int n = snprintf(msg, sizeof msg, "%s.%s", head, email);
	if (n < 0 || (size_t)n >= sizeof msg)
		return HD_E_INVALID;
	return hd_obj_mac_hex(MAC_CTX, msg, (size_t)n, MAC_BYTES, mac, cap);
}

/* Which mail, if any: none within a minute of the last (a mail bomb
 * through our server is no better than one through theirs). */
static bool throttled(MDB_dbi dbi, hd_txn *t, const uint8_t key[8],
		      Hd__EmailPending **old)
{
	*old = NULL;
	if (hd_txn_get_pb(t, dbi, key, 8, &hd__email_pending__descriptor,
			  (void **)old) != HD_OK)
		return false;
	return (*old)->last_mail_at > hd_wall_ms() - MAIL_GAP_MS;
}

int intake_email_hold(const intake *in, hd_txn *t, const Hd__User *u,
		      const char *email)
{
	Hd__EmailVerificationMail ev = HD__EMAIL_VERIFICATION_MAIL__INIT;
	Hd__EmailPending p = HD__EMAIL_PENDING__INIT, *old = NULL;
	char nonce[33], mac[2 * INTAKE_LINK_MAC_BYTES + 1], head[128],
		token[200];
	uint8_t raw[16], key[8];
	uint64_t other = 0;
	int rc = HD_OK;
	hd_key_u64(key, u->id);
	if (throttled(in->email.dbi, t, key, &old))
		goto out;
	ev.user_id = u->id;
	ev.email = (char *)email;
	ev.name = u->name;
	ev.locale = u->locale;
	ev.in_use = intake_user_by_email(in, t, email, &other) == HD_OK &&
		    other != u->id;
	if (ev.in_use && old) /* an older link stays as it was */
		p = *old;
	p.last_mail_at = hd_wall_ms();
	if (!ev.in_use) {
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(nonce, sizeof nonce, raw, sizeof raw);
		p.email = (char *)email;
		p.nonce = nonce;
		p.expires_at = hd_wall_ms() + in->email.life_ms;
		rc = link_mac(u->id, p.expires_at, nonce, email, mac,
			      sizeof mac);
		if (!rc)
			rc = intake_link_head(head, sizeof head, '.', u->id,
					      p.expires_at, nonce);
		if (rc)
			goto out;
		snprintf(token, sizeof token, "%s.%s", head, mac);
		ev.token = token;
	}
	hd_txn_put_pb(t, in->email.dbi, key, sizeof key, &p);
	hd_txn_emit_pb(t, "email.verification", &ev, NULL);
out:
	hd__email_pending__free_unpacked(old, NULL);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

typedef struct verify_job {
	const intake *in;
	const char *token;
	hd_rpc_rep *rep;
	hd_buf *result;
} verify_job;

static int refuse(verify_job *j)
{
	return hd_rpc_fail(j->rep, HD_E_NOTFOUND, "token",
			   "This link is invalid, expired or already used");
}

static int switch_email(verify_job *j, hd_txn *t, Hd__User *u,
			const char *email)
{
	const intake *in = j->in;
	uint64_t other = 0;
	if (intake_user_by_email(in, t, email, &other) == HD_OK &&
	    other != u->id)
		return refuse(j); /* taken meanwhile */
	if (u->email[0])
		hd_txn_del(t, in->dir.by_email, u->email, strlen(u->email));
	Hd__User m = *u;
	m.email = (char *)email;
	m.updated_at = hd_now_ms();
	intake_user_put(in, t, &m);
	hd_txn_emit_pb(t, "user.updated", &m, NULL);
	hd_buf_reset(j->result);
	if (!t->rc)
		hd_txn_fail(t, hd_pb_pack(j->result, &m));
	return t->rc;
}

static int verify_write(hd_txn *t, void *arg)
{
	verify_job *j = arg;
	const intake *in = j->in;
	uint64_t uid = 0;
	int64_t expires = 0;
	char nonce[33], mac[2 * INTAKE_LINK_MAC_BYTES + 1];
	Hd__EmailPending *p = NULL;
	Hd__User *u = NULL;
	uint8_t key[8];
	int rc;
	if (!intake_link_split(j->token, '.', &uid, &expires, nonce, mac))
		return refuse(j);
	hd_key_u64(key, uid);
	if (hd_txn_get_pb(t, j->in->email.dbi, key, sizeof key,
			  &hd__email_pending__descriptor, (void **)&p) ||
	    intake_user_get(in, t, uid, &u) || u->deleted || u->suspended ||
	    p->expires_at != expires || expires < hd_wall_ms() ||
	    strlen(p->nonce) != 32 || !p->email[0] ||
	    sodium_memcmp(p->nonce, nonce, 32) != 0) {
		rc = refuse(j);
		goto out;
	}
	char want[2 * INTAKE_LINK_MAC_BYTES + 1];
	if (link_mac(uid, expires, nonce, p->email, want, sizeof want) ||
	    sodium_memcmp(want, mac, 2 * MAC_BYTES) != 0) {
		rc = refuse(j);
		goto out;
	}
	hd_txn_del(t, j->in->email.dbi, key, sizeof key); /* once only */
	rc = switch_email(j, t, u, p->email);
out:
	hd__user__free_unpacked(u, NULL);
	hd__email_pending__free_unpacked(p, NULL);
	return rc;
}

static const intake_dir_rpc verify_rpc = {
	.gate = INTAKE_ANYONE, /* the link is the credential */
	.msg = &hd__email_verify_request__descriptor,
	.undecodable = "payload is not an hd.EmailVerifyRequest",
};

static int intake_users_email_verify(void *ctx, const hd_rpc_req *req,
				     hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__EmailVerifyRequest *q = NULL;
	int rc = intake_dir_open(in, req, rep, &verify_rpc, (void **)&q);
	if (rc)
		return rc;
	hd_buf result;
	verify_job j = {
		.in = in, .token = q->token, .rep = rep, .result = &result};
	rc = intake_dir_run(in, rep, verify_write, &j, &result);
	hd__email_verify_request__free_unpacked(q, NULL);
	return rc;
}

const hd_rpc_route intake_email_routes[] = {
	{"users.email_verify", intake_users_email_verify},
	{NULL, NULL},
};
