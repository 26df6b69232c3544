/* Ticket lists for one shard (the gateway merges the shards), and a
 * ticket's comments and audits. Lists scan the "tickets" db (or walk it,
 * or tk_by_created, for cursor pages; see scan_start), keep what
 * matches, sort by (key, id) and cut after the cursor; a cursor names the
 * last (key, id) seen, so tickets created meanwhile never shift a page. */
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/prom.h"
#include "hd/vocab.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LIST 10100

HD_COUNTER(decoded, "hd_intake_list_tickets_decoded_total",
	   "Tickets decoded to answer tickets.list (index walk or scan).");

typedef struct row {
	int64_t key;
	uint64_t id;
	Hd__Ticket *tk;
} row;

enum { WALK_NONE, WALK_ID, WALK_CREATED };

typedef struct list_ctx {
	const intake *in;
	const Hd__TicketListRequest *q;
	const hd_principal *who;
	row *rows;
	size_t n, cap;
	int desc;
	int walk;     /* WALK_*: no count, stop at limit (scan_start) */
	size_t limit; /* rows the reply holds */
} list_ctx;

static int64_t sort_key(const Hd__Ticket *tk, const char *by)
{
	if (strcmp(by, "updated_at") == 0)
		return tk->updated_at;
	if (strcmp(by, "id") == 0)
		return (int64_t)tk->id;
	if (strcmp(by, "status") == 0)
		return hd_status_rank(tk->status) + 1; /* unknown first */
	if (strcmp(by, "priority") == 0)
		return hd_priority_of(tk->priority); /* "" and unknown 0 */
	return tk->created_at;
}

static int has_id(const uint64_t *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

static int has_str(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int matches(const list_ctx *c, const Hd__Ticket *tk)
{
	const Hd__TicketListRequest *q = c->q;
	const char *f = q->filter;
	if (tk->deleted != q->deleted || !tk_can_see(c->who, tk))
		return 0;
	if (q->n_ids && !has_id(q->ids, q->n_ids, tk->id))
		return 0;
	if (q->external_id[0] && strcmp(q->external_id, tk->external_id))
		return 0;
	if (q->n_statuses && !has_str(q->statuses, q->n_statuses, tk->status))
		return 0;
	if (strcmp(f, "requester") == 0)
		return tk->requester_id == q->filter_id;
	if (strcmp(f, "assignee") == 0)
		return tk->assignee_id == q->filter_id;
	if (strcmp(f, "organization") == 0)
		return tk->organization_id == q->filter_id;
	if (strcmp(f, "ccd") == 0)
		return has_id(tk->collaborator_ids, tk->n_collaborator_ids,
			      q->filter_id) ||
		       has_id(tk->email_cc_ids, tk->n_email_cc_ids,
			      q->filter_id);
	return 1;
}

static int cmp_rows(const row *a, const row *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_asc(const void *a, const void *b)
{
	return cmp_rows(a, b);
}

static int cmp_desc(const void *a, const void *b)
{
	return cmp_rows(b, a);
}

/* Is r past the cursor in the list's order? */
static int after_cursor(const list_ctx *c, const row *r)
{
	if (!c->q->has_after)
		return 1;
	row cur = {.key = c->q->after_key, .id = c->q->after_id};
	int d = cmp_rows(r, &cur);
	return c->desc ? d < 0 : d > 0;
}

typedef struct collect_walk {
	list_ctx *c;
	hd_txn *t;
	uint64_t *count;
} collect_walk;

static int collect_one(void *arg, const MDB_val *k, const MDB_val *val)
{
	collect_walk *w = arg;
	list_ctx *c = w->c;
	const intake *in = c->in;
	MDB_val v = *val;
	if (c->walk && c->n >= c->limit)
		return HD_STOP;
	if (c->walk == WALK_CREATED &&
	    (k->mv_size != TK_BY_CREATED_KEY ||
	     hd_txn_get(w->t, in->tk.tickets, (const uint8_t *)k->mv_data + 8,
			8, &v) != HD_OK))
		return HD_OK;
	Hd__Ticket *tk = hd__ticket__unpack(NULL, v.mv_size, v.mv_data);
	hd_counter_add(&decoded, 1);
	if (!tk)
		return HD_OK;
	row r = {sort_key(tk, c->q->sort_by), tk->id, tk};
	if (!matches(c, tk) || ((*w->count)++, !after_cursor(c, &r))) {
		hd__ticket__free_unpacked(tk, NULL);
		return HD_OK;
	}
	if (intake_vec_room(&c->rows, &c->cap, c->n, sizeof *c->rows, 64)) {
		hd__ticket__free_unpacked(tk, NULL);
		return HD_E_NOMEM;
	}
	c->rows[c->n++] = r;
	return HD_OK;
}

/* Where the scan starts and which way it goes. A cursor page (no count)
 * in id order walks the tickets db, whose key order is id order, and one in
 * created_at order walks tk_by_created, from the cursor (at or next to it:
 * after_cursor() skips it), stopping at the limit: a page costs the same at
 * 100 tickets as at a million. Every other list reads all tickets. */
static int collect(list_ctx *c, hd_txn *t, uint64_t *count)
{
	const intake *in = c->in;
	const Hd__TicketListRequest *q = c->q;
	uint8_t key[TK_BY_CREATED_KEY];
	size_t klen = 0;
	if (c->walk && q->has_after) {
		klen = c->walk == WALK_CREATED ? TK_BY_CREATED_KEY : 8;
		if (c->walk == WALK_CREATED)
			tk_by_created_key(key, q->after_key, q->after_id);
		else
			hd_key_u64(key, q->after_id);
	}
	collect_walk w = {c, t, count};
	return hd_txn_foreach_from(
		t, c->walk == WALK_CREATED ? in->tk.by_created : in->tk.tickets,
		NULL, 0, klen ? key : NULL, klen, c->walk && c->desc,
		collect_one, &w);
}

/* The list of the list index (tickets_by_owner.c) that holds exactly this
 * request's tickets, or 0 when none does: id order, one owner filter (or
 * none), a staff caller (who sees every ticket), nothing else to match. */
static char index_list(const list_ctx *c, uint64_t *owner)
{
	const Hd__TicketListRequest *q = c->q;
	const char *f = q->filter;
	*owner = q->filter_id;
	if (strcmp(q->sort_by, "id") != 0 || q->n_ids || q->external_id[0] ||
	    q->n_statuses || !intake_is_staff(c->who))
		return 0;
	if (!f[0]) {
		*owner = 0;
		return q->deleted ? 'd' : 'a';
	}
	if (q->deleted)
		return 0;
	return strcmp(f, "requester") == 0      ? 'r'
	       : strcmp(f, "assignee") == 0     ? 'g'
	       : strcmp(f, "organization") == 0 ? 'o'
						: 0;
}

typedef struct list_walk {
	list_ctx *c;
	hd_txn *t;
} list_walk;

static int list_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	list_walk *w = arg;
	list_ctx *c = w->c;
	const intake *in = c->in;
	const Hd__TicketListRequest *q = c->q;
	if (c->n >= c->limit || k->mv_size != TK_LISTS_KEY)
		return HD_STOP;
	uint64_t id = hd_key_get_u64((const uint8_t *)k->mv_data + 9);
	MDB_val tv;
	if (q->has_after && (c->desc ? id >= q->after_id : id <= q->after_id))
		return HD_OK;
	uint8_t ik[8];
	hd_key_u64(ik, id);
	if (hd_txn_get(w->t, in->tk.tickets, ik, 8, &tv) != HD_OK)
		return HD_OK;
	Hd__Ticket *tk = hd__ticket__unpack(NULL, tv.mv_size, tv.mv_data);
	hd_counter_add(&decoded, 1);
	if (!tk)
		return HD_OK;
	if (!matches(c, tk)) { /* the index is exact: never, but safe */
		hd__ticket__free_unpacked(tk, NULL);
		return HD_OK;
	}
	if (intake_vec_room(&c->rows, &c->cap, c->n, sizeof *c->rows, 64)) {
		hd__ticket__free_unpacked(tk, NULL);
		return HD_E_NOMEM;
	}
	c->rows[c->n++] = (row){(int64_t)id, id, tk};
	return HD_OK;
}

/* Read the page from the list index: from the cursor (or the list's end),
 * one ticket per entry, stopping at the limit. */
static int walk_list(list_ctx *c, hd_txn *t, char list, uint64_t owner)
{
	const intake *in = c->in;
	const Hd__TicketListRequest *q = c->q;
	uint8_t key[TK_LISTS_KEY];
	uint64_t from = q->has_after ? q->after_id : c->desc ? UINT64_MAX : 0;
	tk_lists_key(key, list, owner, from);
	list_walk w = {c, t};
	return hd_txn_foreach_from(t, in->tk.lists, key, 9, key, sizeof key,
				   c->desc, list_one, &w);
}

int tk_rpc_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__TicketListRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__ticket_list_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	list_ctx c = {
		.in = in, .q = q, .who = &req->principal, .desc = q->desc};
	c.limit = q->limit && q->limit < MAX_LIST ? q->limit : MAX_LIST;
	if (q->skip_count && strcmp(q->sort_by, "id") == 0)
		c.walk = WALK_ID;
	else if (q->skip_count && strcmp(q->sort_by, "created_at") == 0)
		c.walk = WALK_CREATED;
	Hd__TicketListReply out = HD__TICKET_LIST_REPLY__INIT;
	hd_txn t;
	int rc = hd_store_read(in->store, &t);
	uint64_t owner = 0;
	char list = rc ? 0 : index_list(&c, &owner);
	if (list && tk_lists_ready(in, &t)) {
		rc = q->skip_count
			     ? HD_OK
			     : tk_lists_count(in, &t, list, owner, &out.count);
		if (!rc)
			rc = walk_list(&c, &t, list, owner);
	} else if (!rc) {
		rc = collect(&c, &t, &out.count);
	}
	hd_txn_end(&t);
	if (c.n)
		qsort(c.rows, c.n, sizeof *c.rows, c.desc ? cmp_desc : cmp_asc);
	out.n_tickets = c.n < c.limit ? c.n : c.limit;
	out.tickets = calloc(out.n_tickets + 1, sizeof *out.tickets);
	out.keys = calloc(out.n_tickets + 1, sizeof *out.keys);
	if (!out.tickets || !out.keys)
		rc = rc ? rc : HD_E_NOMEM;
	for (size_t i = 0; !rc && i < out.n_tickets; i++) {
		out.tickets[i] = c.rows[i].tk;
		out.keys[i] = c.rows[i].key;
	}
	out.n_keys = out.n_tickets;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &out);
	for (size_t i = 0; i < c.n; i++)
		hd__ticket__free_unpacked(c.rows[i].tk, NULL);
	free(c.rows);
	free(out.tickets);
	free(out.keys);
	hd__ticket_list_request__free_unpacked(q, NULL);
	return rc;
}
