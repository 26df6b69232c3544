/* intake's ticket RPCs: one function per method, no sockets. Key layout:
 *   tickets  u64 ticket id → hd.Ticket */
#include "intake.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SUBJECT_BYTES     1024
#define MAX_DESCRIPTION_BYTES (64 * 1024)
#define MAX_TAGS              100
#define MAX_TAG_BYTES         80

const char *const intake_tickets_dbs[] = {"tickets", NULL};

static struct {
	MDB_dbi tickets;
} db;

int intake_tickets_bind(intake *in)
{
	return hd_store_dbi(in->store, "tickets", &db.tickets);
}

int intake_tickets_start(intake *in)
{
	(void)in;
	return HD_OK;
}

void intake_tickets_stop(intake *in)
{
	(void)in;
}

static int one_of(const char *v, const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(v, allowed[i]) == 0)
			return 1;
	return 0;
}

static int check_text(hd_rpc_rep *rep, const char *field, const char *v,
		      size_t max, int required)
{
	size_t n = strlen(v);
	if (required && strspn(v, " \t\r\n") == n)
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: cannot be blank", field);
	if (n > max)
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: is too long (maximum is %zu bytes)",
				   field, max);
	if (!hd_utf8_valid(v, n))
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: is not valid UTF-8", field);
	return HD_OK;
}

/* Lower-case ASCII in place and check each tag; duplicates are dropped. */
static int normalize_tags(hd_rpc_rep *rep, Hd__Ticket *tk)
{
	if (tk->n_tags > MAX_TAGS)
		return hd_rpc_fail(rep, HD_E_INVALID, "tags",
				   "tags: at most %d tags", MAX_TAGS);
	size_t kept = 0;
	for (size_t i = 0; i < tk->n_tags; i++) {
		char *tag = tk->tags[i];
		size_t n = strlen(tag);
		if (n == 0 || n > MAX_TAG_BYTES || !hd_utf8_valid(tag, n) ||
		    strpbrk(tag, " \t\r\n,"))
			return hd_rpc_fail(rep, HD_E_INVALID, "tags",
					   "tags: '%.80s' is not a valid tag "
					   "(1-%d bytes, no spaces or commas)",
					   tag, MAX_TAG_BYTES);
		hd_ascii_lower(tag, tag, n + 1);
		int dup = 0;
		for (size_t j = 0; j < kept && !dup; j++)
			dup = strcmp(tk->tags[j], tag) == 0;
		if (dup)
			free(tag); /* protobuf-c's default allocator is malloc */
		else
			tk->tags[kept++] = tag;
	}
	tk->n_tags = kept;
	return HD_OK;
}

static int validate_ticket(hd_rpc_rep *rep, Hd__Ticket *tk)
{
	static const char *const priorities[] = {"",     "low",    "normal",
						 "high", "urgent", NULL};
	static const char *const types[] = {"",         "problem", "incident",
					    "question", "task",    NULL};
	int rc = check_text(rep, "subject", tk->subject, MAX_SUBJECT_BYTES, 0);
	if (!rc)
		rc = check_text(rep, "description", tk->description,
				MAX_DESCRIPTION_BYTES, 1);
	if (!rc)
		rc = check_text(rep, "external_id", tk->external_id, 255, 0);
	if (!rc && !one_of(tk->priority, priorities))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "priority",
				 "priority: '%.32s' is not one of low, normal, "
				 "high, urgent",
				 tk->priority);
	if (!rc && !one_of(tk->type, types))
		rc = hd_rpc_fail(
			rep, HD_E_INVALID, "type",
			"type: '%.32s' is not one of problem, incident, "
			"question, task",
			tk->type);
	return rc ? rc : normalize_tags(rep, tk);
}

typedef struct create_job {
	intake *in;
	Hd__Ticket *tk;
	const char *trace;
} create_job;

static int create_write(hd_txn *t, void *arg)
{
	create_job *j = arg;
	Hd__Ticket *tk = j->tk;
	int rc = intake_next_id(t, j->in, "next_ticket", &tk->id);
	if (rc)
		return rc;
	tk->created_at = tk->updated_at = hd_now_ms();
	intake_put_pb(t, db.tickets, tk->id, tk);
	hd_buf b;
	hd_buf_init(&b, (size_t)64 << 20);
	if ((rc = hd_pb_pack(&b, tk)))
		hd_txn_fail(t, rc);
	else
		hd_txn_emit(t, "ticket.created", b.data, b.len, j->trace);
	hd_buf_release(&b);
	return t->rc;
}

static int intake_tickets_create(void *ctx, const hd_rpc_req *req,
				 hd_rpc_rep *rep)
{
	intake *in = ctx;
	if (req->principal.user_id == 0)
		return hd_rpc_fail(
			rep, HD_E_UNAUTHORIZED, NULL,
			"tickets.create needs an authenticated user");
	Hd__TicketCreateRequest *cr =
		hd__ticket_create_request__unpack(NULL, req->len, req->payload);
	if (!cr || !cr->ticket) {
		hd__ticket_create_request__free_unpacked(cr, NULL);
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.TicketCreateRequest");
	}
	Hd__Ticket *tk = cr->ticket;
	char *orig_status = tk->status, *orig_via = tk->via_channel;
	int rc = validate_ticket(rep, tk);
	if (!rc && tk->requester_id &&
	    tk->requester_id != req->principal.user_id &&
	    !intake_is_staff(&req->principal))
		rc = hd_rpc_fail(
			rep, HD_E_FORBIDDEN, "requester_id",
			"end-users may file tickets only for themselves");
	if (!rc) {
		if (!tk->requester_id)
			tk->requester_id = req->principal.user_id;
		tk->submitter_id = req->principal.user_id;
		tk->status = "new";
		if (!tk->via_channel[0])
			tk->via_channel = "api";
		create_job j = {.in = in, .tk = tk, .trace = req->trace_id};
		rc = hd_store_write(in->store, create_write, &j);
		if (rc == HD_OK)
			rc = hd_pb_pack(&rep->payload, tk);
		else
			hd_rpc_fail(rep, rc, NULL, "ticket not stored: %s",
				    hd_strerror(rc));
	}
	/* Give back the decoder's own strings so it frees only those. */
	tk->status = orig_status;
	tk->via_channel = orig_via;
	hd__ticket_create_request__free_unpacked(cr, NULL);
	return rc;
}

static int intake_tickets_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__TicketGetRequest *gr =
		hd__ticket_get_request__unpack(NULL, req->len, req->payload);
	if (!gr)
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.TicketGetRequest");
	uint64_t id = gr->id;
	hd__ticket_get_request__free_unpacked(gr, NULL);
	if (INTAKE_SHARD_OF(id) != in->shard)
		return hd_rpc_fail(rep, HD_E_NOTFOUND, "id",
				   "ticket %llu is not "
				   "on this shard",
				   (unsigned long long)id);
	hd_txn t;
	Hd__Ticket *tk = NULL;
	int rc = hd_store_read(in->store, &t);
	if (!rc)
		rc = intake_get_pb(&t, db.tickets, id, &hd__ticket__descriptor,
				   (void **)&tk);
	hd_txn_end(&t);
	/* End-users see only what they requested; anything else "not found". */
	if (!rc && !intake_is_staff(&req->principal) &&
	    tk->requester_id != req->principal.user_id)
		rc = HD_E_NOTFOUND;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, tk);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

const hd_rpc_route intake_tickets_routes[] = {
	{"tickets.create", intake_tickets_create},
	{"tickets.get", intake_tickets_get},
	{NULL, NULL},
};
