/* The mailed one-time link that password reset (pw_reset.c) and the
 * customers' sign-in (signin_link.c) share: a table of u64 user id →
 * hd.PasswordReset (nonce, expiry, last mail), a token "{uid}-{expires}-
 * {nonce}-{mac}" (link_token.h) and an hd.PasswordResetMail event that
 * notifications turns into the mail. A small descriptor says what differs
 * between the two; the rest is written once here. */
#ifndef INTAKE_MAILED_LINK_H
#define INTAKE_MAILED_LINK_H

#include "dir_common.h"

#include <stdbool.h>
#include <stdint.h>

/* Both links' RPCs take an hd.SessionRequest from anyone (the mailbox,
 * then the link, is the proof) and run through intake_session_rpc.
 *
 * At bind: *l (a member of in) becomes tmpl with its table db and its life
 * from the configuration variable minutes_var (1 to max_minutes). */
int intake_mailed_link_bind(intake *in, intake_mailed_link *l,
			    const intake_mailed_link *tmpl, const char *db,
			    const char *minutes_var, uint64_t max_minutes);

/* The request RPC's work: email (any case) lowered, then
 * intake_mailed_link_issue in one write job. */
int intake_mailed_link_request(intake *in, const intake_mailed_link *l,
			       const char *email, const char *locale);

/* For the active account of email_lower (and nothing otherwise, so the
 * answer tells nothing), a fresh nonce stored and the link's event
 * published, at most once a minute per account. locale: the mail's, or
 * NULL/"" for the user's own. Returns t->rc. */
int intake_mailed_link_issue(const intake *in, hd_txn *t,
			     const intake_mailed_link *l,
			     const char *email_lower, const char *locale);

/* true when token is a link of l that is still good (MAC, stored nonce,
 * expiry, not used) for a user who may still receive it; then *u is that
 * user (the caller's to free) and the link is left in place. */
bool intake_mailed_link_check(const intake *in, hd_txn *t,
			      const intake_mailed_link *l, const char *token,
			      Hd__User **u);

/* The link of user uid works once: forget it. */
void intake_mailed_link_use(hd_txn *t, const intake_mailed_link *l,
			    uint64_t uid);

#endif
