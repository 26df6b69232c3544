/* tickets.rate: a satisfaction rating (API.md §10) stored on the ticket, so
 * it shows in the ticket's satisfaction_rating, is audited like any change
 * and travels in ticket.updated (metrics keeps the ratings list). Only the
 * ticket's requester may rate, only a solved ticket. The request is an
 * hd.RateRequest (id, score, comment, reason_code). */
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "hd/ticket_patch.h"

#include <stdint.h>
#include <string.h>

typedef struct rate_job {
	intake *in;
	const hd_rpc_req *req;
	hd_rpc_rep *rep;
	uint64_t id;
	const Hd__RateRequest *rating;
	Hd__Ticket *tk;
} rate_job;

static int check(hd_txn *t, rate_job *j)
{
	const intake *in = j->in;
	Hd__Ticket *tk = NULL;
	int rc = hd_txn_get_pb_id(t, in->tk.tickets, j->id,
				  &hd__ticket__descriptor, (void **)&tk);
	if (!rc && (tk->deleted || !tk_can_see(&j->req->principal, tk)))
		rc = HD_E_NOTFOUND;
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(j->rep, rc, NULL, "no such ticket");
	else if (!rc && j->req->principal.user_id != tk->requester_id)
		rc = hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				 "only the ticket's requester may rate it");
	else if (!rc &&
		 hd_status_of(tk->status) != HD__TICKET_STATUS__STATUS_SOLVED)
		rc = hd_rpc_fail(j->rep, HD_E_INVALID, "status",
				 "only a solved ticket can be rated (this one "
				 "is %s)",
				 tk->status);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

static int rate_run(hd_txn *t, void *arg)
{
	rate_job *j = arg;
	int rc = check(t, j);
	if (rc)
		return rc;
	Hd__TicketPatch *p = hd_ticket_patch_new();
	rc = p ? tk_rating_patch(p, j->rating) : HD_E_NOMEM;
	tk_write_in w = {.id = j->id, .patch = p};
	if (!rc)
		rc = tk_write_txn(t, j->in, j->req, &w, j->rep, &j->tk);
	hd_ticket_patch_free(p);
	return rc;
}

int tk_rating_check(const Hd__RateRequest *r, size_t max_comment,
		    hd_rpc_rep *rep)
{
	if (strcmp(r->score, "good") && strcmp(r->score, "bad"))
		return hd_rpc_fail(rep, HD_E_INVALID, "score",
				   "score must be good or bad");
	if (strlen(r->comment) > max_comment)
		return hd_rpc_fail(rep, HD_E_INVALID, "comment",
				   "comment must be text of at most 64 KiB");
	return HD_OK;
}

int tk_rating_patch(Hd__TicketPatch *p, const Hd__RateRequest *r)
{
	int rc = hd_patch_str(p, "satisfaction_rating", &p->satisfaction_score,
			      r->score);
	if (!rc)
		rc = hd_pb_set_string(&p->satisfaction_comment, r->comment);
	p->satisfaction_reason_code = r->reason_code;
	return rc;
}

static int intake_tickets_rate(void *ctx, const hd_rpc_req *req,
			       hd_rpc_rep *rep)
{
	intake *in = ctx;
	rate_job j = {.in = in, .req = req, .rep = rep};
	Hd__RateRequest *wr = NULL;
	if (hd_req_decode(req, rep, &hd__rate_request__descriptor,
			  (void **)&wr))
		return HD_E_DECODE;
	j.id = wr->id;
	j.rating = wr;
	int rc = req->principal.user_id
			 ? HD_OK
			 : hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL,
				       "only a signed-in requester may rate");
	if (!rc && INTAKE_SHARD_OF(j.id) != in->shard)
		rc = hd_rpc_fail(rep, HD_E_NOTFOUND, NULL, "no such ticket");
	if (!rc)
		rc = tk_rating_check(wr, SIZE_MAX, rep);
	if (!rc)
		rc = hd_store_write(in->store, rate_run, &j);
	return tk_rating_reply(rc, j.tk, wr, rep);
}

int tk_rating_reply(int rc, Hd__Ticket *tk, Hd__RateRequest *r, hd_rpc_rep *rep)
{
	if (!rc) {
		Hd__TicketWriteReply out = HD__TICKET_WRITE_REPLY__INIT;
		out.ticket = tk;
		rc = hd_pb_pack(&rep->payload, &out);
	}
	hd__ticket__free_unpacked(tk, NULL);
	hd__rate_request__free_unpacked(r, NULL);
	return rc;
}

const hd_rpc_route intake_rating_routes[] = {
	{"tickets.rate", intake_tickets_rate},
	{NULL, NULL},
};
