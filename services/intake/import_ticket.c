/* One imported ticket: its comments' texts prepared on the RPC worker (the
 * HTML sanitizer is the costliest part of an import and needs no store),
 * then the ticket, comments, audits, indexes, map entry and events written
 * in the batch's transaction on the writer thread. Ids come from the
 * meta counters through an import_ids run: the counters are read once
 * and written back once per batch, not once per record. */
#include "import.h"
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/vocab.h"

#include <stdlib.h>
#include <string.h>

#define CHILD_ID_BIT ((uint64_t)1 << 32) /* as tk_child_id */

/* A comment's text and sanitized HTML, malloc'd. */
static int comment_texts(const Hd__ImportComment *c, import_texts *out)
{
	if (c->html_body[0]) {
		char *plain = NULL;
		/* the plain text is derived only when the export has none */
		out->html = tk_html_sanitize(c->html_body,
					     c->body[0] ? NULL : &plain);
		out->body = c->body[0] ? tk_strdup(c->body) : plain;
	} else {
		out->body = tk_strdup(c->body);
		out->html = out->body ? tk_html_from_text(out->body) : NULL;
	}
	return out->body && out->html ? HD_OK : HD_E_NOMEM;
}

int import_prepare(const Hd__ImportTicket *it, import_prep *p)
{
	Hd__ImportComment only = HD__IMPORT_COMMENT__INIT;
	size_t n = it->n_comments ? it->n_comments : 1;
	p->tx = calloc(n, sizeof *p->tx);
	if (!p->tx)
		return HD_E_NOMEM;
	p->n = n;
	only.body = it->description;
	for (size_t i = 0; i < n; i++) {
		int rc = comment_texts(it->n_comments ? it->comments[i] : &only,
				       &p->tx[i]);
		if (rc)
			return rc;
	}
	return HD_OK;
}

void import_prep_release(import_prep *p)
{
	for (size_t i = 0; p->tx && i < p->n; i++) {
		free(p->tx[i].body);
		free(p->tx[i].html);
	}
	free(p->tx);
	p->tx = NULL;
	p->n = 0;
}

/* ---- ids ---- */

static void id_load(hd_txn *t, intake *in, const char *counter, uint64_t *n)
{
	MDB_val v;
	int rc = hd_txn_get(t, in->meta, counter, strlen(counter), &v);
	if (rc == HD_OK && v.mv_size == 8)
		*n = hd_key_get_u64(v.mv_data);
	else if (rc == HD_E_NOTFOUND)
		*n = 1;
	else
		hd_txn_fail(t, rc ? rc : HD_E_CORRUPT);
}

/* The next ticket id (child: a comment, audit or event id), as
 * intake_next_id / tk_child_id would give it. */
static uint64_t id_take(hd_txn *t, import_ids *ids, bool child)
{
	if (!ids->loaded) {
		id_load(t, ids->in, "next_ticket", &ids->ticket);
		id_load(t, ids->in, "next_ticket_child", &ids->child);
		ids->loaded = true;
	}
	uint64_t n = child ? ids->child++ : ids->ticket++;
	return INTAKE_ID(n, ids->in->shard) + (child ? CHILD_ID_BIT : 0);
}

int import_ids_save(hd_txn *t, import_ids *ids)
{
	uint8_t v[8];
	if (!ids->loaded)
		return t->rc;
	hd_key_u64(v, ids->ticket);
	hd_txn_put(t, ids->in->meta, "next_ticket", strlen("next_ticket"), v,
		   8);
	hd_key_u64(v, ids->child);
	hd_txn_put(t, ids->in->meta, "next_ticket_child",
		   strlen("next_ticket_child"), v, 8);
	return t->rc;
}

/* ---- the write ---- */

typedef struct tk_import {
	import_ids *ids;
	const hd_principal *who;
	const char *trace;
	const Hd__ImportTicket *it;
	import_prep *prep;
} tk_import;

/* The comment at index i (or the description, when the ticket has no
 * comments) with its audit; the first audit also holds the Create events. */
static int put_comment(hd_txn *t, tk_import *x, Hd__Ticket *tk,
		       const Hd__ImportComment *ic, size_t i)
{
	const intake *in = x->ids->in;
	Hd__Comment c = HD__COMMENT__INIT;
	Hd__Audit au = HD__AUDIT__INIT;
	tk_change ch = {0};
	const import_texts *tx = &x->prep->tx[i];
	int rc = i == 0 ? tk_diff(tk, NULL, &ch) : HD_OK;
	if (!rc)
		rc = tk_event(&ch, "Comment", "", NULL, NULL);
	if (rc)
		goto out;
	au.id = id_take(t, x->ids, true);
	c.id = id_take(t, x->ids, true);
	c.ticket_id = au.ticket_id = tk->id;
	c.author_id = au.author_id =
		ic->author_id ? ic->author_id : tk->requester_id;
	c.body = tx->body;
	c.html_body = tx->html;
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
		ch.ev[k]->id = id_take(t, x->ids, true);
	au.events = ch.ev;
	au.n_events = ch.nev;
	tk_put_child(t, in->tk.comments, tk->id, c.id, &c);
	tk_put_child(t, in->tk.audits, tk->id, au.id, &au);
	/* The first comment travels inside ticket.created, as for creates. */
	if (i > 0)
		hd_txn_emit_pb(t, "comment.created", &c, x->trace);
	rc = t->rc;
out:
	tk_change_release(&ch);
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

/* The latest write's via of an imported ticket (only ever packed). */
static const Hd__Via import_via = {
	.base = PROTOBUF_C_MESSAGE_INIT(&hd__via__descriptor),
	.channel = HD__VIA_CHANNEL__VIA_IMPORT,
	.rel = (char *)protobuf_c_empty_string};

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
	tk->updater_role = (char *)hd_role_name(x->who->role);
	tk->update_via = (Hd__Via *)&import_via;
	tk->by_import = true;
}

int import_ticket_write(hd_txn *t, import_ids *ids, const hd_rpc_req *req,
			const Hd__ImportTicket *it, import_prep *prep,
			Hd__ImportResult *r)
{
	const intake *in = ids->in;
	tk_import x = {ids, &req->principal, req->trace_id, it, prep};
	Hd__Ticket tk = HD__TICKET__INIT;
	uint64_t known = 0;
	if (it->zendesk_id && import_map_get(ids->in, t, IMPORT_TICKET,
					     it->zendesk_id, &known) == HD_OK) {
		r->id = known; /* imported before: nothing to write */
		return HD_OK;
	}
	/* not prepared when the worker saw it mapped (but it is not now) */
	if (!prep->tx && import_prepare(it, prep) != HD_OK)
		return hd_txn_fail(t, HD_E_NOMEM);
	fill_ticket(&tk, &x);
	tk.id = id_take(t, ids, false);
	/* ticket.created before the comments' events (appending to the
	 * outbox is the bus order): consumers learn the ticket first. */
	int rc = hd_txn_emit_pb(t, "ticket.created", &tk, x.trace);
	if (!rc && !it->n_comments) {
		Hd__ImportComment only = HD__IMPORT_COMMENT__INIT;
		only.body = it->description;
		only.author_id = tk.requester_id;
		only.public_ = true;
		only.created_at = tk.created_at;
		rc = put_comment(t, &x, &tk, &only, 0);
	}
	for (size_t i = 0; !rc && i < it->n_comments; i++)
		rc = put_comment(t, &x, &tk, it->comments[i], i);
	if (!rc)
		rc = intake_put_pb(t, in->tk.tickets, tk.id, &tk);
	if (!rc)
		rc = tk_by_created_put(in, t, &tk);
	if (!rc && it->zendesk_id)
		rc = import_map_put(ids->in, t, IMPORT_TICKET, it->zendesk_id,
				    tk.id);
	if (!rc) {
		r->id = tk.id;
		r->created = true;
	}
	return rc ? rc : t->rc;
}
