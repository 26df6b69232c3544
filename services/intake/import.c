/* imports.tickets and imports.map, and the id map every import shares. Key
 * layout (import module):
 *   imp_map  type byte ('t' ticket, 'u' user, 'o' organization) ‖ u64 BE
 *            Zendesk id → u64 BE Hana id. Tickets are mapped on their own
 *            shard, users and organizations on the directory shard; the map
 *            entry is written in the transaction that writes the record.
 * An imported ticket is stored as tickets.write stores one (tickets,
 * tk_by_created, comments, audits) and announced the same way
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

static MDB_dbi imp_map;

int intake_import_bind(intake *in)
{
	return hd_store_dbi(in->store, "imp_map", &imp_map);
}

static void map_key(uint8_t key[9], char type, uint64_t zendesk_id)
{
	key[0] = (uint8_t)type;
	hd_key_u64(key + 1, zendesk_id);
}

int import_map_get(hd_txn *t, char type, uint64_t zendesk_id, uint64_t *id)
{
	uint8_t key[9];
	MDB_val v;
	map_key(key, type, zendesk_id);
	int rc = hd_txn_get(t, imp_map, key, sizeof key, &v);
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return HD_E_CORRUPT;
	*id = hd_key_get_u64(v.mv_data);
	return HD_OK;
}

int import_map_put(hd_txn *t, char type, uint64_t zendesk_id, uint64_t id)
{
	uint8_t key[9], val[8];
	map_key(key, type, zendesk_id);
	hd_key_u64(val, id);
	return hd_txn_put(t, imp_map, key, sizeof key, val, sizeof val);
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

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n <= max && hd_utf8_valid(s, n);
}

/* Shape checks that need no store: HD_OK or the result's error. */
static int check_ticket(const Hd__ImportTicket *it, Hd__ImportResult *r)
{
	static const char *const statuses[] = {
		"new", "open", "pending", "hold", "solved", "closed", NULL};
	static const char *const priorities[] = {"",     "low",    "normal",
						 "high", "urgent", NULL};
	static const char *const types[] = {"",         "problem", "incident",
					    "question", "task",    NULL};
	if (!it->requester_id)
		return import_result_fail(r, "requester_id", "is required");
	if (it->status[0] && !one_of(it->status, statuses))
		return import_result_fail(r, "status", "%.40s is not a status",
					  it->status);
	if (!one_of(it->priority, priorities))
		return import_result_fail(
			r, "priority", "%.40s is not a priority", it->priority);
	if (!one_of(it->type, types))
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

/* A comment's text and sanitized HTML, malloc'd. */
typedef struct texts {
	char *body, *html;
} texts;

static int comment_texts(const Hd__ImportComment *c, texts *out)
{
	if (c->html_body[0]) {
		char *plain = NULL;
		out->html = tk_html_sanitize(c->html_body, &plain);
		out->body = c->body[0] ? tk_strdup(c->body) : plain;
		if (c->body[0])
			free(plain);
	} else {
		out->body = tk_strdup(c->body);
		out->html = out->body ? tk_html_from_text(out->body) : NULL;
	}
	return out->body && out->html ? HD_OK : HD_E_NOMEM;
}

typedef struct tk_import {
	intake *in;
	const hd_principal *who;
	const char *trace;
	const Hd__ImportTicket *it;
	Hd__ImportResult *r;
} tk_import;

/* The comment at index i (or the description, when the ticket has no
 * comments) with its audit; the first audit also holds the Create events. */
static int put_comment(hd_txn *t, tk_import *x, Hd__Ticket *tk,
		       const Hd__ImportComment *ic, size_t i)
{
	Hd__Comment c = HD__COMMENT__INIT;
	Hd__Audit au = HD__AUDIT__INIT;
	tk_change ch = {0};
	texts tx = {0};
	int rc = comment_texts(ic, &tx);
	if (!rc && i == 0)
		rc = tk_diff(tk, NULL, &ch);
	if (!rc)
		rc = tk_event(&ch, "Comment", "", NULL, NULL);
	if (rc)
		goto out;
	tk_child_id(t, x->in, &au.id);
	tk_child_id(t, x->in, &c.id);
	c.ticket_id = au.ticket_id = tk->id;
	c.author_id = au.author_id =
		ic->author_id ? ic->author_id : tk->requester_id;
	c.body = tx.body;
	c.html_body = tx.html;
	c.public_ = ic->public_;
	c.audit_id = au.id;
	c.created_at = au.created_at =
		ic->created_at ? ic->created_at : tk->created_at;
	c.via_channel = au.via_channel = tk->via_channel;
	c.type = "Comment";
	c.by_import = true;
	Hd__AuditEvent *e = ch.ev[ch.nev - 1];
	e->comment_id = c.id;
	e->is_public = c.public_;
	e->author_id = c.author_id;
	if ((rc = hd_pb_set_string(&e->body, c.body)) ||
	    (rc = hd_pb_set_string(&e->html_body, c.html_body)))
		goto out;
	for (size_t k = 0; k < ch.nev; k++)
		tk_child_id(t, x->in, &ch.ev[k]->id);
	au.events = ch.ev;
	au.n_events = ch.nev;
	tk_put_child(t, tkdb.comments, tk->id, c.id, &c);
	tk_put_child(t, tkdb.audits, tk->id, au.id, &au);
	/* The first comment travels inside ticket.created, as for creates. */
	if (i > 0)
		hd_txn_emit_pb(t, "comment.created", &c, x->trace);
	rc = t->rc;
out:
	tk_change_release(&ch);
	free(tx.body);
	free(tx.html);
	return rc ? hd_txn_fail(t, rc) : HD_OK;
}

static int64_t latest_time(const Hd__ImportTicket *it, int64_t created)
{
	int64_t at = it->updated_at > created ? it->updated_at : created;
	for (size_t i = 0; i < it->n_comments; i++)
		if (it->comments[i]->created_at > at)
			at = it->comments[i]->created_at;
	return at;
}

static void fill_ticket(Hd__Ticket *tk, const tk_import *x)
{
	const Hd__ImportTicket *it = x->it;
	tk->subject = it->subject;
	tk->description = it->description[0] || !it->n_comments
				  ? it->description
				  : it->comments[0]->body;
	tk->requester_id = it->requester_id;
	tk->submitter_id =
		it->submitter_id ? it->submitter_id : it->requester_id;
	tk->assignee_id = it->assignee_id;
	tk->organization_id = it->organization_id;
	tk->group_id = it->group_id;
	tk->status = it->status[0]     ? it->status
		     : it->assignee_id ? "open"
				       : "new";
	tk->priority = it->priority;
	tk->type = it->type;
	tk->tags = it->tags;
	tk->n_tags = it->n_tags;
	tk->external_id = it->external_id;
	tk->via_channel = it->via_channel[0] ? it->via_channel : "api";
	tk->created_at = it->created_at ? it->created_at : hd_now_ms();
	tk->updated_at = latest_time(it, tk->created_at);
	tk->solved_at = it->solved_at;
	tk->due_at = it->due_at;
	tk->comment_count = it->n_comments ? it->n_comments : 1;
	tk->updated_stamp = 1;
	tk->updater_id = x->who->user_id;
	tk->updater_role = (char *)x->who->role;
	tk->update_via_json = "{\"channel\":\"import\"}";
	tk->by_import = true;
}

static int import_ticket(hd_txn *t, void *arg)
{
	tk_import *x = arg;
	const Hd__ImportTicket *it = x->it;
	Hd__Ticket tk = HD__TICKET__INIT;
	uint64_t known = 0;
	if (it->zendesk_id &&
	    import_map_get(t, IMPORT_TICKET, it->zendesk_id, &known) == HD_OK) {
		x->r->id = known; /* imported before: nothing to write */
		return HD_OK;
	}
	fill_ticket(&tk, x);
	int rc = intake_next_id(t, x->in, "next_ticket", &tk.id);
	/* ticket.created before the comments' events (appending to the
	 * outbox is the bus order): consumers learn the ticket first. */
	if (!rc)
		rc = hd_txn_emit_pb(t, "ticket.created", &tk, x->trace);
	if (!rc && !it->n_comments) {
		Hd__ImportComment only = HD__IMPORT_COMMENT__INIT;
		only.body = it->description;
		only.author_id = tk.requester_id;
		only.public_ = true;
		only.created_at = tk.created_at;
		rc = put_comment(t, x, &tk, &only, 0);
	}
	for (size_t i = 0; !rc && i < it->n_comments; i++)
		rc = put_comment(t, x, &tk, it->comments[i], i);
	if (!rc)
		rc = intake_put_pb(t, tkdb.tickets, tk.id, &tk);
	if (!rc)
		rc = tk_by_created_put(t, &tk);
	if (!rc && it->zendesk_id)
		rc = import_map_put(t, IMPORT_TICKET, it->zendesk_id, tk.id);
	if (!rc) {
		x->r->id = tk.id;
		x->r->created = true;
	}
	return rc ? rc : t->rc;
}

typedef struct tk_batch {
	intake *in;
	const hd_rpc_req *req;
	Hd__ImportTicketsRequest *rq;
	Hd__ImportResult **res;
} tk_batch;

/* The whole batch in the job's one transaction, without a nested
 * transaction per ticket (LMDB's nested transactions cost a dirty-page
 * list each): shapes were checked before, so what fails here (no memory,
 * a full disk) fails the whole batch, which the caller sends again. */
static int batch_run(hd_txn *t, void *arg)
{
	tk_batch *b = arg;
	for (size_t i = 0; i < b->rq->n_tickets && !t->rc; i++) {
		Hd__ImportResult *r = b->res[i];
		const Hd__ImportTicket *it = b->rq->tickets[i];
		r->zendesk_id = it->zendesk_id;
		if (r->error[0])
			continue; /* failed its shape check */
		r->id = 0;
		r->created = false;
		tk_import x = {b->in, &b->req->principal, b->req->trace_id, it,
			       r};
		int rc = import_ticket(t, &x);
		if (rc)
			return hd_txn_fail(t, rc);
	}
	return t->rc;
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
	tk_batch b = {in, req, rq, NULL};
	if (rq->n_tickets > IMPORT_MAX_BATCH)
		rc = hd_rpc_fail(rep, HD_E_TOOBIG, "tickets",
				 "at most %d tickets in one import",
				 IMPORT_MAX_BATCH);
	else if (!(b.res = import_results_new(rq->n_tickets)))
		rc = HD_E_NOMEM;
	for (size_t i = 0; !rc && i < rq->n_tickets; i++)
		if (check_ticket(rq->tickets[i], b.res[i]) == HD_E_NOMEM)
			rc = HD_E_NOMEM;
	if (!rc)
		rc = hd_store_write(in->store, batch_run, &b);
	if (!rc)
		rc = import_reply(rep, b.res, rq->n_tickets);
	else if (!rep->message[0])
		hd_rpc_fail(rep, rc, NULL, "import not stored: %s",
			    hd_strerror(rc));
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
		int got = import_map_get(&t, type, rq->zendesk_ids[i],
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
