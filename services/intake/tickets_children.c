/* A ticket's comments and audits (keys: u64 ticket ‖ u64 id, so one
 * ticket's children are one contiguous, id-ordered range). End-users never
 * see internal notes: private comments, and the Comment events of audits. */
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CHILDREN 100

typedef struct kids {
	void **items;
	size_t n, cap;
	uint64_t count;
	int has_more;
} kids;

/* Drop what who may not see; returns 0 when nothing of m is visible. */
static int visible(ProtobufCMessage *m, const hd_principal *who)
{
	if (intake_is_staff(who))
		return 1;
	if (m->descriptor == &hd__comment__descriptor)
		return ((Hd__Comment *)m)->public_;
	Hd__Audit *a = (Hd__Audit *)m;
	size_t kept = 0;
	for (size_t i = 0; i < a->n_events; i++) {
		Hd__AuditEvent *e = a->events[i];
		if (strcmp(e->type, "Comment") == 0 && !e->is_public)
			hd__audit_event__free_unpacked(e, NULL);
		else
			a->events[kept++] = e;
	}
	a->n_events = kept;
	return kept > 0;
}

static int push(kids *k, void *m)
{
	if (intake_vec_room(&k->items, &k->cap, k->n, sizeof *k->items, 16))
		return HD_E_NOMEM;
	k->items[k->n++] = m;
	return HD_OK;
}

typedef struct child_walk {
	const ProtobufCMessageDescriptor *d;
	const hd_principal *who;
	kids *k;
} child_walk;

static int child_one(void *arg, const MDB_val *key, const MDB_val *v)
{
	child_walk *w = arg;
	if (key->mv_size != 16)
		return HD_STOP;
	ProtobufCMessage *msg =
		protobuf_c_message_unpack(w->d, NULL, v->mv_size, v->mv_data);
	if (msg && visible(msg, w->who))
		return push(w->k, msg);
	protobuf_c_message_free_unpacked(msg, NULL);
	return HD_OK;
}

static int scan(hd_txn *t, MDB_dbi dbi, const ProtobufCMessageDescriptor *d,
		const Hd__TicketChildRequest *q, const hd_principal *who,
		kids *k)
{
	uint8_t prefix[8];
	hd_key_u64(prefix, q->ticket_id);
	child_walk w = {d, who, k};
	return hd_txn_foreach(t, dbi, prefix, 8, child_one, &w);
}

/* Keep the page: order, cursor (after_id) or offset, limit. */
static void page(kids *k, const Hd__TicketChildRequest *q,
		 uint64_t (*id_of)(const void *))
{
	k->count = k->n;
	if (q->desc)
		for (size_t i = 0; i < k->n / 2; i++) {
			void *x = k->items[i];
			k->items[i] = k->items[k->n - 1 - i];
			k->items[k->n - 1 - i] = x;
		}
	size_t start = q->offset < k->n ? (size_t)q->offset : k->n;
	if (q->after_id) {
		start = 0;
		while (start < k->n &&
		       (q->desc ? id_of(k->items[start]) >= q->after_id
				: id_of(k->items[start]) <= q->after_id))
			start++;
	}
	size_t limit =
		q->limit && q->limit <= MAX_CHILDREN ? q->limit : MAX_CHILDREN;
	size_t end = start + limit < k->n ? start + limit : k->n;
	k->has_more = end < k->n;
	for (size_t i = 0; i < k->n; i++)
		if (i < start || i >= end)
			protobuf_c_message_free_unpacked(k->items[i], NULL);
	if (end > start)
		memmove(k->items, k->items + start,
			(end - start) * sizeof *k->items);
	k->n = end - start;
}

static uint64_t comment_id(const void *m)
{
	return ((const Hd__Comment *)m)->id;
}

static uint64_t audit_id(const void *m)
{
	return ((const Hd__Audit *)m)->id;
}

static int children(intake *in, const hd_rpc_req *req, hd_rpc_rep *rep,
		    int audits)
{
	Hd__TicketChildRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__ticket_child_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	kids k = {0};
	Hd__Ticket *tk = NULL;
	hd_txn t;
	int rc = INTAKE_SHARD_OF(q->ticket_id) == in->shard ? HD_OK
							    : HD_E_NOTFOUND;
	if (!rc && !(rc = hd_store_read(in->store, &t))) {
		rc = hd_txn_get_pb_id(&t, in->tk.tickets, q->ticket_id,
				      &hd__ticket__descriptor, (void **)&tk);
		if (!rc && (tk->deleted || !tk_can_see(&req->principal, tk)))
			rc = HD_E_NOTFOUND;
		if (!rc)
			rc = scan(&t, audits ? in->tk.audits : in->tk.comments,
				  audits ? &hd__audit__descriptor
					 : &hd__comment__descriptor,
				  q, &req->principal, &k);
		hd_txn_end(&t);
	}
	if (!rc) {
		page(&k, q, audits ? audit_id : comment_id);
		if (audits) {
			Hd__AuditList l = HD__AUDIT_LIST__INIT;
			l.audits = (Hd__Audit **)k.items;
			l.n_audits = k.n;
			l.count = k.count;
			l.has_more = k.has_more;
			rc = hd_pb_pack(&rep->payload, &l);
		} else {
			Hd__CommentList l = HD__COMMENT_LIST__INIT;
			l.comments = (Hd__Comment **)k.items;
			l.n_comments = k.n;
			l.count = k.count;
			l.has_more = k.has_more;
			rc = hd_pb_pack(&rep->payload, &l);
		}
	}
	for (size_t i = 0; i < k.n; i++)
		protobuf_c_message_free_unpacked(k.items[i], NULL);
	free(k.items);
	hd__ticket__free_unpacked(tk, NULL);
	hd__ticket_child_request__free_unpacked(q, NULL);
	return rc;
}

int tk_rpc_comments(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return children(ctx, req, rep, 0);
}

int tk_rpc_audits(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return children(ctx, req, rep, 1);
}
