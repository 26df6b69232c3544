/* Which comment an attachment is on, kept on the ticket's shard so the
 * visibility of an attachment is decided where its ticket lives. Key layout:
 *   tk_att_ref  u64 attachment id → u64 ticket ‖ u64 comment id
 * Written with the comment; attachments from before this index have no
 * entry and count as unattached (their uploader alone sees them). */
#include "tickets.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <string.h>

int tk_att_ref_put(const intake *in, hd_txn *t, const Hd__Comment *c)
{
	for (size_t i = 0; i < c->n_attachments; i++) {
		uint8_t key[8], val[16];
		hd_key_u64(key, c->attachments[i]->id);
		hd_key_u64(val, c->ticket_id);
		hd_key_u64(val + 8, c->id);
		hd_txn_put(t, in->tk.att_ref, key, sizeof key, val, sizeof val);
	}
	return t->rc;
}

/* The rule of tickets.comments: staff see every comment of every ticket;
 * end-users the public comments of tickets they can see. */
static bool visible(const intake *in, hd_txn *t, const hd_principal *who,
		    uint64_t ticket, uint64_t comment)
{
	Hd__Ticket *tk = NULL;
	Hd__Comment *c = NULL;
	uint8_t key[16];
	bool ok = false;
	if (hd_txn_get_pb_id(t, in->tk.tickets, ticket, &hd__ticket__descriptor,
			     (void **)&tk) != HD_OK)
		goto out;
	if (intake_is_staff(who)) {
		ok = true;
		goto out;
	}
	hd_key_u64(key, ticket);
	hd_key_u64(key + 8, comment);
	if (tk->deleted || !tk_can_see(who, tk) ||
	    hd_txn_get_pb(t, in->tk.comments, key, sizeof key,
			  &hd__comment__descriptor, (void **)&c) != HD_OK)
		goto out;
	ok = c->public_;
out:
	hd__comment__free_unpacked(c, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return ok;
}

int tk_rpc_attachments_ref(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__TicketGetRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__ticket_get_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	Hd__AttachmentRef out = HD__ATTACHMENT_REF__INIT;
	uint8_t key[8];
	MDB_val v;
	hd_txn t;
	hd_key_u64(key, q->id);
	int rc = hd_store_read(in->store, &t);
	if (!rc) {
		rc = hd_txn_get(&t, in->tk.att_ref, key, sizeof key, &v);
		if (rc == HD_OK && v.mv_size == 16) {
			out.found = true;
			out.ticket_id = hd_key_get_u64(v.mv_data);
			out.comment_id =
				hd_key_get_u64((const uint8_t *)v.mv_data + 8);
			out.visible = visible(in, &t, &req->principal,
					      out.ticket_id, out.comment_id);
		}
		if (rc == HD_E_NOTFOUND)
			rc = HD_OK;
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &out);
	hd__ticket_get_request__free_unpacked(q, NULL);
	return rc;
}
