/* imports.tickets and imports.map, and the id map every import shares. Key
 * layout (import module):
 *   imp_map  type byte ('t' ticket, 'u' user, 'o' organization) ‖ u64 BE
 *            Zendesk id → u64 BE Hana id. Tickets are mapped on their own
 *            shard, users and organizations on the directory shard; the map
 *            entry is written in the transaction that writes the record.
 * An imported ticket (import_ticket.c) is stored as tickets.write stores
 * one (tickets, tk_by_created, comments, audits) and announced the same way
 * (ticket.created, then comment.created for each comment after the first),
 * so the search index, views, metrics and every consumer see it; its
 * created/updated/solved times and comment times are kept as given, and
 * Ticket.by_import / Comment.by_import tell consumers to fire no triggers
 * and send no mail (Zendesk's ticket import does neither). */
#include "import.h"
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"
#include "hd/vocab.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SUBJECT   1024
#define MAX_BODY      (256 * 1024)
#define MAX_TAGS      100
#define MAX_TAG_BYTES 80
#define MAX_COMMENTS  2000

const char *const intake_import_dbs[] = {"imp_map", NULL};

int intake_import_bind(intake *in)
{
	return hd_store_dbi(in->store, "imp_map", &in->imp_map);
}

static void map_key(uint8_t key[9], char type, uint64_t zendesk_id)
{
	key[0] = (uint8_t)type;
	hd_key_u64(key + 1, zendesk_id);
}

int import_map_get(const intake *in, hd_txn *t, char type, uint64_t zendesk_id,
		   uint64_t *id)
{
	uint8_t key[9];
	MDB_val v;
	map_key(key, type, zendesk_id);
	int rc = hd_txn_get(t, in->imp_map, key, sizeof key, &v);
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return HD_E_CORRUPT;
	*id = hd_key_get_u64(v.mv_data);
	return HD_OK;
}

int import_map_put(const intake *in, hd_txn *t, char type, uint64_t zendesk_id,
		   uint64_t id)
{
	uint8_t key[9], val[8];
	map_key(key, type, zendesk_id);
	hd_key_u64(val, id);
	return hd_txn_put(t, in->imp_map, key, sizeof key, val, sizeof val);
}

char import_type_of(const char *name)
{
	if (strcmp(name, "ticket") == 0)
		return IMPORT_TICKET;
	if (strcmp(name, "user") == 0)
		return IMPORT_USER;
	if (strcmp(name, "organization") == 0)
		return IMPORT_ORG;
	return 0;
}

int import_gate(const hd_principal *who, hd_rpc_rep *rep)
{
	if (intake_is_admin(who))
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL, "only admins import");
}

int import_result_fail(Hd__ImportResult *r, const char *field, const char *fmt,
		       ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->id = 0;
	r->created = false;
	int rc = hd_pb_set_string(&r->error, msg);
	if (!rc)
		rc = hd_pb_set_string(&r->field, field ? field : "");
	return rc ? rc : HD_E_INVALID;
}

Hd__ImportResult **import_results_new(size_t n)
{
	Hd__ImportResult **r = calloc(n ? n : 1, sizeof *r);
	for (size_t i = 0; r && i < n; i++) {
		r[i] = hd_pb_new(&hd__import_result__descriptor);
		if (!r[i]) {
			import_results_free(r, i);
			return NULL;
		}
	}
	return r;
}

void import_results_free(Hd__ImportResult **r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		hd__import_result__free_unpacked(r[i], NULL);
	free(r);
}

int import_reply(hd_rpc_rep *rep, Hd__ImportResult **r, size_t n)
{
	Hd__ImportReply out = HD__IMPORT_REPLY__INIT;
	out.results = r;
	out.n_results = n;
	return hd_pb_pack(&rep->payload, &out);
}

/* ---- one ticket ---- */

static bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n <= max && hd_utf8_valid(s, n);
}

/* Shape checks that need no store: HD_OK or the result's error. */
static int check_ticket(const Hd__ImportTicket *it, Hd__ImportResult *r)
{
	if (!it->requester_id)
		return import_result_fail(r, "requester_id", "is required");
	if (it->status[0] && hd_status_rank(it->status) < 0)
		return import_result_fail(r, "status", "%.40s is not a status",
					  it->status);
	if (hd_priority_rank(it->priority) < 0)
		return import_result_fail(
			r, "priority", "%.40s is not a priority", it->priority);
	if (hd_type_parse(it->type, &(Hd__TicketType){0}) != HD_OK)
		return import_result_fail(r, "type", "%.40s is not a type",
					  it->type);
	if (!text_ok(it->subject, MAX_SUBJECT) ||
	    !text_ok(it->description, MAX_BODY) ||
	    !text_ok(it->external_id, 255) || !text_ok(it->via_channel, 40))
		return import_result_fail(r, "subject",
					  "subject, description, external_id "
					  "or via_channel is too long or not "
					  "UTF-8");
	if (it->n_tags > MAX_TAGS)
		return import_result_fail(r, "tags", "at most %d tags",
					  MAX_TAGS);
	for (size_t i = 0; i < it->n_tags; i++)
		if (!it->tags[i][0] || !text_ok(it->tags[i], MAX_TAG_BYTES))
			return import_result_fail(r, "tags",
						  "a tag is empty, longer than "
						  "%d bytes or not UTF-8",
						  MAX_TAG_BYTES);
	if (it->n_comments > MAX_COMMENTS)
		return import_result_fail(r, "comments", "at most %d comments",
					  MAX_COMMENTS);
	if (!it->n_comments && !it->description[0])
		return import_result_fail(r, "comments",
					  "a ticket needs a description or "
					  "a comment");
	for (size_t i = 0; i < it->n_comments; i++) {
		const Hd__ImportComment *c = it->comments[i];
		if (!text_ok(c->body, MAX_BODY) ||
		    !text_ok(c->html_body, MAX_BODY))
			return import_result_fail(r, "comments",
						  "comment %zu is too long or "
						  "not UTF-8",
						  i);
		if (!c->body[0] && !c->html_body[0])
			return import_result_fail(r, "comments",
						  "comment %zu is blank", i);
	}
	return HD_OK;
}

typedef struct tk_batch {
	intake *in;
	const hd_rpc_req *req;
	Hd__ImportTicketsRequest *rq;
	Hd__ImportResult **res;
	import_prep *prep; /* one per ticket */
} tk_batch;

/* The whole batch in the job's one transaction, without a nested
 * transaction per ticket (LMDB's nested transactions cost a dirty-page
 * list each): shapes were checked before, so what fails here (no memory,
 * a full disk) fails the whole batch, which the caller sends again. */
static int batch_run(hd_txn *t, void *arg)
{
	tk_batch *b = arg;
	import_ids ids = {.in = b->in};
	for (size_t i = 0; i < b->rq->n_tickets && !t->rc; i++) {
		Hd__ImportResult *r = b->res[i];
		const Hd__ImportTicket *it = b->rq->tickets[i];
		r->zendesk_id = it->zendesk_id;
		if (r->error[0])
			continue; /* failed its shape check */
		r->id = 0;
		r->created = false;
		int rc = import_ticket_write(t, &ids, b->req, it, &b->prep[i],
					     r);
		if (rc)
			return hd_txn_fail(t, rc);
	}
	return import_ids_save(t, &ids);
}

/* On the RPC worker, before the write job: each new ticket's comment
 * texts (a ticket its Zendesk id maps already is not written again, so a
 * re-sent batch costs the writer little). */
static int batch_prepare(tk_batch *b)
{
	hd_txn t = {0};
	uint64_t known;
	int rc = hd_store_read(b->in->store, &t);
	for (size_t i = 0; !rc && i < b->rq->n_tickets; i++) {
		const Hd__ImportTicket *it = b->rq->tickets[i];
		if (b->res[i]->error[0] ||
		    (it->zendesk_id &&
		     import_map_get(b->in, &t, IMPORT_TICKET, it->zendesk_id,
				    &known) == HD_OK))
			continue;
		rc = import_prepare(it, &b->prep[i]);
	}
	hd_txn_end(&t);
	return rc;
}

static int intake_import_tickets(void *ctx, const hd_rpc_req *req,
				 hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__ImportTicketsRequest *rq = NULL;
	int rc = import_gate(&req->principal, rep);
	if (rc)
		return rc;
	if (hd_req_decode(req, rep, &hd__import_tickets_request__descriptor,
			  (void **)&rq))
		return HD_E_DECODE;
	tk_batch b = {in, req, rq, NULL, NULL};
	if (rq->n_tickets > IMPORT_MAX_BATCH)
		rc = hd_rpc_fail(rep, HD_E_TOOBIG, "tickets",
				 "at most %d tickets in one import",
				 IMPORT_MAX_BATCH);
	else if (!(b.res = import_results_new(rq->n_tickets)) ||
		 !(b.prep = calloc(rq->n_tickets + 1, sizeof *b.prep)))
		rc = HD_E_NOMEM;
	for (size_t i = 0; !rc && i < rq->n_tickets; i++)
		if (check_ticket(rq->tickets[i], b.res[i]) == HD_E_NOMEM)
			rc = HD_E_NOMEM;
	if (!rc)
		rc = batch_prepare(&b);
	if (!rc)
		rc = hd_store_write(in->store, batch_run, &b);
	if (!rc)
		rc = import_reply(rep, b.res, rq->n_tickets);
	else if (!rep->message[0])
		hd_rpc_fail(rep, rc, NULL, "import not stored: %s",
			    hd_strerror(rc));
	for (size_t i = 0; b.prep && i < rq->n_tickets; i++)
		import_prep_release(&b.prep[i]);
	free(b.prep);
	import_results_free(b.res, rq->n_tickets);
	hd__import_tickets_request__free_unpacked(rq, NULL);
	return rc;
}

static int intake_import_map(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__ImportMapRequest *rq = NULL;
	Hd__ImportResult **res = NULL;
	hd_txn t = {0};
	int rc = import_gate(&req->principal, rep);
	if (rc)
		return rc;
	if (hd_req_decode(req, rep, &hd__import_map_request__descriptor,
			  (void **)&rq))
		return HD_E_DECODE;
	char type = import_type_of(rq->type);
	if (!type)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "type",
				 "type: ticket, user or organization");
	else if (rq->n_zendesk_ids > IMPORT_MAX_BATCH)
		rc = hd_rpc_fail(rep, HD_E_TOOBIG, "zendesk_ids",
				 "at most %d ids", IMPORT_MAX_BATCH);
	else if (!(res = import_results_new(rq->n_zendesk_ids)))
		rc = HD_E_NOMEM;
	if (!rc)
		rc = hd_store_read(in->store, &t);
	for (size_t i = 0; !rc && i < rq->n_zendesk_ids; i++) {
		res[i]->zendesk_id = rq->zendesk_ids[i];
		int got = import_map_get(in, &t, type, rq->zendesk_ids[i],
					 &res[i]->id);
		if (got && got != HD_E_NOTFOUND)
			rc = got;
	}
	hd_txn_end(&t);
	if (!rc)
		rc = import_reply(rep, res, rq->n_zendesk_ids);
	import_results_free(res, rq ? rq->n_zendesk_ids : 0);
	hd__import_map_request__free_unpacked(rq, NULL);
	return rc;
}

const hd_rpc_route intake_import_routes[] = {
	{"imports.tickets", intake_import_tickets},
	{"imports.users", intake_import_users},
	{"imports.organizations", intake_import_orgs},
	{"imports.map", intake_import_map},
	{NULL, NULL},
};
