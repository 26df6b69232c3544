/* Mailed one-time links; see mailed_link.h. */
#include "mailed_link.h"

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

#define MAIL_GAP_MS (60 * 1000)

static bool may_receive(const intake_mailed_link *l, const Hd__User *u)
{
	return !u->suspended && !u->deleted &&
	       (!l->end_users_only ||
		hd_role_of(u->role) == HD__USER_ROLE__ROLE_END_USER);
}

int intake_mailed_link_issue(const intake *in, hd_txn *t,
			     const intake_mailed_link *l,
			     const char *email_lower, const char *locale)
{
	Hd__PasswordReset p = HD__PASSWORD_RESET__INIT, *old = NULL;
	Hd__PasswordResetMail m = HD__PASSWORD_RESET_MAIL__INIT;
	Hd__User *u = NULL;
	char nonce[INTAKE_LINK_NONCE_HEX + 1], head[128],
		mac[INTAKE_LINK_MAC_HEX + 1], token[200];
	uint8_t raw[INTAKE_LINK_NONCE_HEX / 2], key[8];
	uint64_t id = 0;
	if (intake_user_by_email(in, t, email_lower, &id) ||
	    intake_user_get(in, t, id, &u) || !may_receive(l, u))
		goto out;
	hd_key_u64(key, id);
	/* the gap is wall time whatever the expiry's clock: it guards our
	 * mail server, not the link */
	if (hd_txn_get_pb(t, l->dbi, key, 8, &hd__password_reset__descriptor,
			  (void **)&old) == HD_OK &&
	    old->last_mail_at > hd_wall_ms() - MAIL_GAP_MS)
		goto out; /* no mail bomb through our server */
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(nonce, sizeof nonce, raw, sizeof raw);
	p.nonce = nonce;
	p.expires_at = l->clock() + l->life_ms;
	p.last_mail_at = hd_wall_ms();
	if (intake_link_head(head, sizeof head, '-', id, p.expires_at, nonce) ||
	    hd_obj_mac_hex(l->mac_ctx, head, strlen(head),
			   INTAKE_LINK_MAC_BYTES, mac, sizeof mac)) {
		hd_txn_fail(t, HD_E_INTERNAL);
		goto out;
	}
	snprintf(token, sizeof token, "%s-%s", head, mac);
	m.user_id = id;
	m.email = u->email;
	m.name = u->name;
	m.locale = (char *)(locale && locale[0] ? locale : u->locale);
	m.token = token;
	hd_txn_put_pb(t, l->dbi, key, 8, &p);
	hd_txn_emit_pb(t, l->event, &m, NULL);
out:
	hd__password_reset__free_unpacked(old, NULL);
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

bool intake_mailed_link_check(const intake *in, hd_txn *t,
			      const intake_mailed_link *l, const char *token,
			      Hd__User **u)
{
	uint64_t uid = 0;
	int64_t expires = 0;
	char nonce[INTAKE_LINK_NONCE_HEX + 1], mac[INTAKE_LINK_MAC_HEX + 1],
		head[128];
	Hd__PasswordReset *p = NULL;
	uint8_t key[8];
	bool ok = false;
	*u = NULL;
	if (!intake_link_split(token, '-', &uid, &expires, nonce, mac) ||
	    intake_link_head(head, sizeof head, '-', uid, expires, nonce) ||
	    !hd_obj_mac_ok(l->mac_ctx, head, strlen(head),
			   INTAKE_LINK_MAC_BYTES, mac))
		return false;
	hd_key_u64(key, uid);
	if (hd_txn_get_pb(t, l->dbi, key, 8, &hd__password_reset__descriptor,
			  (void **)&p) ||
	    intake_user_get(in, t, uid, u) || !may_receive(l, *u))
		goto out;
	/* the MAC proves we wrote the token; the stored nonce and expiry
	 * prove it is the latest link and still unused */
	ok = p->expires_at == expires && expires >= l->clock() &&
	     strlen(p->nonce) == INTAKE_LINK_NONCE_HEX &&
	     sodium_memcmp(p->nonce, nonce, INTAKE_LINK_NONCE_HEX) == 0;
out:
	hd__password_reset__free_unpacked(p, NULL);
	if (!ok) {
		hd__user__free_unpacked(*u, NULL);
		*u = NULL;
	}
	return ok;
}

void intake_mailed_link_use(hd_txn *t, const intake_mailed_link *l,
			    uint64_t uid)
{
	uint8_t key[8];
	hd_key_u64(key, uid);
	hd_txn_del(t, l->dbi, key, 8);
}

int intake_mailed_link_bind(intake *in, intake_mailed_link *l,
			    const intake_mailed_link *tmpl, const char *db,
			    const char *minutes_var, uint64_t max_minutes)
{
	*l = *tmpl;
	uint64_t minutes = 0;
	int rc = hd_cfg_u64(&in->svc->cfg, minutes_var, 1, max_minutes,
			    &minutes);
	if (rc)
		return rc;
	l->life_ms = (int64_t)minutes * 60 * 1000;
	return hd_store_dbi(in->store, db, &l->dbi);
}

typedef struct request_job {
	const intake *in;
	const intake_mailed_link *link;
	const char *email;
	const char *locale;
} request_job;

static int request_write(hd_txn *t, void *arg)
{
	request_job *j = arg;
	return intake_mailed_link_issue(j->in, t, j->link, j->email, j->locale);
}

int intake_mailed_link_request(intake *in, const intake_mailed_link *l,
			       const char *email, const char *locale)
{
	char lower[256];
	request_job j = {.in = in, .link = l, .email = lower, .locale = locale};
	if (!hd_ascii_lower(email, lower, sizeof lower) || !lower[0])
		return HD_OK; /* no such account: the same answer */
	return hd_store_write(in->store, request_write, &j);
}
