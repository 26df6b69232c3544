/* tickets.rate: a satisfaction rating (API.md §10) stored on the ticket, so
 * it shows in the ticket's satisfaction_rating, is audited like any change
 * and travels in ticket.updated (metrics keeps the ratings list). Only the
 * ticket's requester may rate, only a solved ticket. The request is an
 * hd.TicketWriteRequest: id, and json = {"score":"good|bad","comment":…,
 * "reason_code":…}. */
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <string.h>

typedef struct rate_job {
	intake *in;
	const hd_rpc_req *req;
	hd_rpc_rep *rep;
	uint64_t id;
	json_t *rating;
	Hd__Ticket *tk;
} rate_job;

static int check(hd_txn *t, rate_job *j)
{
	Hd__Ticket *tk = NULL;
	int rc = hd_txn_get_pb_id(t, tkdb.tickets, j->id,
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
	json_t *obj = json_pack("{s:O}", "satisfaction_rating", j->rating);
	tk_write_in w = {.id = j->id, .obj = obj};
	rc = obj ? tk_write_txn(t, j->in, j->req, &w, j->rep, &j->tk)
		 : HD_E_NOMEM;
	json_decref(obj);
	return rc;
}

/* Only score (good | bad) and comment (text) reach the ticket. */
static int read_rating(const char *text, hd_rpc_rep *rep, json_t **out)
{
	json_t *in = json_loads(text, 0, NULL);
	const char *s = json_string_value(json_object_get(in, "score"));
	json_t *c = json_object_get(in, "comment");
	int rc = HD_OK;
	if (!s || (strcmp(s, "good") && strcmp(s, "bad")))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "score",
				 "score must be good or bad");
	else if (c && !json_is_string(c) && !json_is_null(c))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "comment",
				 "comment must be text");
	else
		*out = json_pack("{s:s, s:s}", "score", s, "comment",
				 json_is_string(c) ? json_string_value(c) : "");
	json_t *why = json_object_get(in, "reason_code");
	if (!rc && *out && json_is_integer(why))
		json_object_set(*out, "reason_code", why);
	json_decref(in);
	return rc;
}

static int intake_tickets_rate(void *ctx, const hd_rpc_req *req,
			       hd_rpc_rep *rep)
{
	intake *in = ctx;
	rate_job j = {.in = in, .req = req, .rep = rep};
	Hd__TicketWriteRequest *wr = NULL;
	if (hd_req_decode(req, rep, &hd__ticket_write_request__descriptor,
			  (void **)&wr))
		return HD_E_DECODE;
	j.id = wr->id;
	int rc = req->principal.user_id
			 ? HD_OK
			 : hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL,
				       "only a signed-in requester may rate");
	if (!rc && INTAKE_SHARD_OF(j.id) != in->shard)
		rc = hd_rpc_fail(rep, HD_E_NOTFOUND, NULL, "no such ticket");
	if (!rc)
		rc = read_rating(wr->json, rep, &j.rating);
	if (!rc)
		rc = hd_store_write(in->store, rate_run, &j);
	if (!rc) {
		Hd__TicketWriteReply out = HD__TICKET_WRITE_REPLY__INIT;
		out.ticket = j.tk;
		rc = hd_pb_pack(&rep->payload, &out);
	}
	hd__ticket__free_unpacked(j.tk, NULL);
	json_decref(j.rating);
	hd__ticket_write_request__free_unpacked(wr, NULL);
	return rc;
}

const hd_rpc_route intake_rating_routes[] = {
	{"tickets.rate", intake_tickets_rate},
	{NULL, NULL},
};
