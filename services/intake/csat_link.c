/* tickets.rate_link: a satisfaction rating given through a survey mail's
 * signed link (hd/csat_link.h) by someone who is not signed in. The token
 * is the credential: it names the ticket and its requester, and the MAC
 * proves we made it. A link works once (its nonce is kept here, in the
 * rating's own transaction), only while it has not expired, only for its
 * own ticket and only while that ticket is solved and still has the same
 * requester. The rating is written as the requester's own (tickets.rate's
 * path: audited, in ticket.updated, counted by metrics). Key layout:
 *   csat_links  nonce (32 hex) → u64 ticket id ‖ i64 used at (wall ms)
 * The request is an hd.RateRequest: id (the ticket the caller read from the
 * token, to pick this shard), token, score, comment, reason_code and check
 * (true: only check the link and answer the ticket). Refusals: HD_E_FORBIDDEN "token" (not a link of
 * ours, or not for this ticket), HD_E_INVALID "expires" (expired),
 * HD_E_CONFLICT "token" (used), HD_E_INVALID "status" (not solved). */
#include "tickets.h"

#include "hd/clock.h"
#include "hd/csat_link.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "hd/ticket_patch.h"

#include <string.h>

#define MAX_COMMENT 65536

const char *const intake_csat_dbs[] = {"csat_links", NULL};

int intake_csat_bind(intake *in)
{
	return hd_store_dbi(in->store, "csat_links", &in->csat_links);
}

typedef struct link_job {
	intake *in;
	hd_rpc_rep *rep;
	hd_csat_link link;
	int check_only;
	const Hd__RateRequest *rating;
	Hd__Ticket *tk; /* the answer */
} link_job;

static int refuse(hd_txn *t, hd_rpc_rep *rep, int rc, const char *field,
		  const char *msg)
{
	hd_rpc_fail(rep, rc, field, "%s", msg);
	return hd_txn_fail(t, rc);
}

static int link_run(hd_txn *t, void *arg)
{
	link_job *j = arg;
	const intake *in = j->in;
	MDB_val v;
	Hd__Ticket *tk = NULL;
	int rc = hd_txn_get_pb_id(t, in->tk.tickets, j->link.ticket_id,
				  &hd__ticket__descriptor, (void **)&tk);
	if (rc == HD_E_NOTFOUND ||
	    (!rc &&
	     (tk->deleted || tk->requester_id != j->link.requester_id))) {
		hd__ticket__free_unpacked(tk, NULL);
		return refuse(t, j->rep, HD_E_FORBIDDEN, "token",
			      "this link is not for this request");
	}
	if (rc) {
		hd__ticket__free_unpacked(tk, NULL);
		return rc;
	}
	if (hd_txn_get(t, j->in->csat_links, j->link.nonce, 32, &v) == HD_OK) {
		hd__ticket__free_unpacked(tk, NULL);
		return refuse(t, j->rep, HD_E_CONFLICT, "token",
			      "this link was already used");
	}
	if (!hd_ticket_solved_str(tk->status)) {
		hd_rpc_fail(j->rep, HD_E_INVALID, "status",
			    "only a solved request can be rated (this one is "
			    "%s)",
			    tk->status);
		hd__ticket__free_unpacked(tk, NULL);
		return hd_txn_fail(t, HD_E_INVALID);
	}
	if (j->check_only) {
		j->tk = tk;
		return HD_OK;
	}
	hd__ticket__free_unpacked(tk, NULL);
	/* The requester's own rating, as tickets.rate writes it. */
	hd_rpc_req as = {.method = "tickets.rate_link"};
	as.principal.user_id = j->link.requester_id;
	as.principal.role = HD__USER_ROLE__ROLE_END_USER;
	Hd__TicketPatch *p = hd_ticket_patch_new();
	rc = p ? tk_rating_patch(p, j->rating) : HD_E_NOMEM;
	tk_write_in w = {.id = j->link.ticket_id, .patch = p};
	if (!rc)
		rc = tk_write_txn(t, j->in, &as, &w, j->rep, &j->tk);
	hd_ticket_patch_free(p);
	uint8_t used[16];
	hd_key_u64(used, j->link.ticket_id);
	hd_key_u64(used + 8, (uint64_t)hd_wall_ms());
	if (!rc)
		rc = hd_txn_put(t, j->in->csat_links, j->link.nonce, 32, used,
				16);
	return rc;
}

/* The token's verdict as the refusal the gateway shows. */
static int check_token(const char *token, uint64_t id, hd_csat_link *l,
		       hd_rpc_rep *rep)
{
	switch (hd_csat_link_check(token, hd_now_ms() / 1000, l)) {
	case HD_CSAT_LINK_OK:
		break;
	case HD_CSAT_LINK_EXPIRED:
		return hd_rpc_fail(rep, HD_E_INVALID, "expires",
				   "this link has expired");
	default:
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "token",
				   "this link is not valid");
	}
	if (l->ticket_id != id)
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "token",
				   "this link is not for this request");
	return HD_OK;
}

static int intake_tickets_rate_link(void *ctx, const hd_rpc_req *req,
				    hd_rpc_rep *rep)
{
	intake *in = ctx;
	link_job j = {.in = in, .rep = rep};
	Hd__RateRequest *wr = NULL;
	if (hd_req_decode(req, rep, &hd__rate_request__descriptor,
			  (void **)&wr))
		return HD_E_DECODE;
	int rc = HD_OK;
	if (INTAKE_SHARD_OF(wr->id) != in->shard)
		rc = hd_rpc_fail(rep, HD_E_FORBIDDEN, "token",
				 "this link is not for this request");
	if (!rc)
		rc = check_token(wr->token, wr->id, &j.link, rep);
	j.check_only = wr->check;
	j.rating = wr;
	if (!rc && !j.check_only)
		rc = tk_rating_check(wr, MAX_COMMENT, rep);
	if (!rc && j.check_only) { /* a look: a read transaction */
		hd_txn t;
		if (!(rc = hd_store_read(in->store, &t)))
			rc = link_run(&t, &j);
		hd_txn_end(&t);
	} else if (!rc) {
		rc = hd_store_write(in->store, link_run, &j);
	}
	return tk_rating_reply(rc, j.tk, wr, rep);
}

const hd_rpc_route intake_csat_routes[] = {
	{"tickets.rate_link", intake_tickets_rate_link},
	{NULL, NULL},
};
