/* GET or POST /api/v2/hd/email_verifications/{token}: the link an end-user's
 * new e-mail address received (intake's users_email.c). The token is the
 * credential, so no sign-in is needed; a wrong, expired or used token is one
 * 404 whatever the reason. */
#include "gateway.h"
#include "gw_users.h"

#include "hd/err.h"

#include <string.h>

static int verify(gw *g, gw_req *r, gw_resp *out)
{
	Hd__EmailVerifyRequest q = HD__EMAIL_VERIFY_REQUEST__INIT;
	Hd__User *u = NULL;
	const char *slash = strrchr(r->path, '/');
	q.token = (char *)(slash ? slash + 1 : "");
	int rc = gw_call(g, g->intake[0], r, "users.email_verify", &q,
			 &hd__user__descriptor, (void **)&u, out);
	if (rc)
		return rc;
	gw_auth_flush(g); /* sign-in by the old address ends now */
	out->status = 200;
	out->body = json_pack("{s:{s:s, s:I, s:s}}", "email_verification",
			      "status", "verified", "user_id",
			      (json_int_t)u->id, "email", u->email);
	hd__user__free_unpacked(u, NULL);
	return HD_OK;
}

const gw_route gw_email_verify_routes[] = {
	{"GET", "/api/v2/hd/email_verifications/{s}", verify, GW_AUTH_NONE},
	{"POST", "/api/v2/hd/email_verifications/{s}", verify, GW_AUTH_NONE},
	{NULL, NULL, NULL, 0},
};
