/* chat.ingest: one chat transcript → a ticket (via.channel "chat") with one
 * comment per message in time order, or more comments on the visitor's
 * open chat ticket when the visitor chatted within HD_CHAT_FOLLOWUP_MINUTES
 * of business time. A chat_id seen before answers its ticket and changes
 * nothing. Everything happens in one write job, indexes included. */
#include "live.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "hd/ticket_patch.h"

#include <stdlib.h>
#include <string.h>

#define MAX_MESSAGES 1000

typedef struct chat_job {
	intake *in;
	const hd_rpc_req *req;
	Hd__ChatTranscript *tr;
	hd_rpc_rep *rep;
	Hd__Ticket *tk;
	bool created, duplicate;
	uint64_t cids[MAX_MESSAGES];
	size_t ncids;
} chat_job;

static int chat_via(Hd__TicketPatch *p, const Hd__ChatTranscript *tr)
{
	Hd__Via *v = p->via = hd_via_new();
	if (!v)
		return HD_E_NOMEM;
	v->channel = HD__VIA_CHANNEL__VIA_CHAT;
	int rc = hd_via_party_set(v->from, "name", tr->visitor_name);
	if (!rc && tr->visitor_email[0])
		rc = hd_via_party_set(v->from, "address", tr->visitor_email);
	if (!rc && tr->visitor_phone[0])
		rc = hd_via_party_set(v->from, "phone", tr->visitor_phone);
	if (!rc)
		rc = hd_via_party_set(v->from, "chat_id", tr->chat_id);
	if (!rc)
		rc = hd_via_mark(v, "from");
	if (!rc)
		rc = hd_via_mark(v, "to");
	if (!rc)
		rc = hd_pb_set_string(&v->rel, "chat");
	if (!rc)
		rc = hd_via_mark(v, "rel");
	return rc ? rc : hd_patch_mark(p, "via");
}

/* The patch that carries message m (the first one also creates). */
static int message_patch(const chat_job *j, const Hd__ChatMessage *m,
			 bool create, Hd__TicketPatch *p)
{
	const Hd__ChatTranscript *tr = j->tr;
	uint64_t author = strcmp(m->author, "visitor") == 0 ? tr->visitor_id
			  : m->author_id                    ? m->author_id
			  : strcmp(m->author, "agent") == 0
				  ? tr->agent_id
				  : j->req->principal.user_id;
	Hd__PatchComment *c = hd_patch_comment(p);
	if (!c || hd_pb_set_string(&c->body, m->text))
		return HD_E_NOMEM;
	c->author_id = author;
	/* system lines (joined, left, transferred) are internal notes */
	c->has_public = true;
	c->public_ = strcmp(m->author, "system") != 0;
	if (!create)
		return HD_OK;
	char subject[300];
	if (tr->subject[0])
		snprintf(subject, sizeof subject, "%s", tr->subject);
	else
		snprintf(subject, sizeof subject, "채팅 상담: %.200s",
			 tr->visitor_name[0] ? tr->visitor_name
					     : tr->visitor_email);
	int rc = hd_patch_str(p, "subject", &p->subject, subject);
	p->requester_id = tr->visitor_id;
	if (!rc)
		rc = hd_patch_mark(p, "requester_id");
	if (!rc)
		rc = chat_via(p, tr);
	if (!rc)
		rc = hd_patch_add_tag(p, "chat");
	p->assignee_id = tr->agent_id;
	if (!rc && tr->agent_id)
		rc = hd_patch_mark(p, "assignee_id");
	return rc;
}

/* The visitor's open chat ticket still inside the follow-up window, or 0. */
static uint64_t followup_target(hd_txn *t, const chat_job *j, int64_t now)
{
	const intake *in = j->in;
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, j->tr->visitor_id);
	if (hd_txn_get(t, j->in->live.visitors, key, 8, &v) || v.mv_size != 16)
		return 0;
	uint64_t id = hd_key_get_u64(v.mv_data);
	int64_t last = (int64_t)hd_key_get_u64((uint8_t *)v.mv_data + 8);
	if (now - last > j->in->live.followup_ms)
		return 0;
	Hd__Ticket *tk = NULL;
	if (hd_txn_get_pb_id(t, in->tk.tickets, id, &hd__ticket__descriptor,
			     (void **)&tk))
		return 0;
	bool open = live_ticket_open(tk);
	hd__ticket__free_unpacked(tk, NULL);
	return open ? id : 0;
}

static int index_chat(hd_txn *t, const chat_job *j, int64_t now)
{
	uint8_t id[8], visitor[8], val[16];
	hd_key_u64(id, j->tk->id);
	hd_key_u64(visitor, j->tr->visitor_id);
	hd_key_u64(val, j->tk->id);
	hd_key_u64(val + 8, (uint64_t)now);
	hd_txn_put(t, j->in->live.chats, j->tr->chat_id, strlen(j->tr->chat_id),
		   id, 8);
	return hd_txn_put(t, j->in->live.visitors, visitor, 8, val, 16);
}

static int chat_run(hd_txn *t, void *arg)
{
	chat_job *j = arg;
	const intake *in = j->in;
	const Hd__ChatTranscript *tr = j->tr;
	MDB_val v;
	int rc = hd_txn_get(t, j->in->live.chats, tr->chat_id,
			    strlen(tr->chat_id), &v);
	if (rc == HD_OK && v.mv_size == 8) {
		j->duplicate = true;
		return hd_txn_get_pb_id(
			t, in->tk.tickets, hd_key_get_u64(v.mv_data),
			&hd__ticket__descriptor, (void **)&j->tk);
	}
	if (rc != HD_E_NOTFOUND)
		return rc ? rc : HD_E_CORRUPT;
	int64_t now = hd_now_ms();
	uint64_t target = followup_target(t, j, now);
	j->created = target == 0;
	for (size_t i = 0; i < tr->n_messages && t->rc == HD_OK; i++) {
		Hd__TicketPatch *p = hd_ticket_patch_new();
		rc = p ? message_patch(j, tr->messages[i], target == 0, p)
		       : HD_E_NOMEM;
		tk_write_in w = {.id = target,
				 .patch = p,
				 .comment_id = &j->cids[j->ncids]};
		hd__ticket__free_unpacked(j->tk, NULL);
		j->tk = NULL;
		if (!rc)
			rc = tk_write_txn(t, j->in, j->req, &w, j->rep, &j->tk);
		hd_ticket_patch_free(p);
		if (rc)
			return rc;
		j->ncids++;
		target = j->tk->id;
	}
	return t->rc ? t->rc : index_chat(t, j, now);
}

/* The gateway validated; intake re-checks what its indexes rely on. */
static int check(const hd_rpc_req *req, const Hd__ChatTranscript *tr,
		 hd_rpc_rep *rep)
{
	if (!intake_is_staff(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only agents and admins submit chats");
	if (!live_channel_id_ok(tr->chat_id))
		return hd_rpc_fail(rep, HD_E_INVALID, "chat_id",
				   "chat_id: 1 to 128 printable ASCII bytes");
	if (!tr->visitor_id)
		return hd_rpc_fail(rep, HD_E_INVALID, "visitor",
				   "visitor: is required");
	if (tr->n_messages == 0 || tr->n_messages > MAX_MESSAGES)
		return hd_rpc_fail(rep, HD_E_INVALID, "messages",
				   "messages: 1 to 1000 are required");
	return HD_OK;
}

int live_rpc_chat(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	chat_job *j = calloc(1, sizeof *j); /* cids: too big for a stack */
	if (!j)
		return HD_E_NOMEM;
	j->in = ctx;
	j->req = req;
	j->rep = rep;
	j->tr = hd__chat_transcript__unpack(NULL, req->len, req->payload);
	int rc = j->tr ? check(req, j->tr, rep)
		       : hd_rpc_fail(rep, HD_E_DECODE, NULL,
				     "payload is not an hd.ChatTranscript");
	if (!rc)
		rc = hd_store_write(j->in->store, chat_run, j);
	if (!rc) {
		Hd__ChannelReply cr = HD__CHANNEL_REPLY__INIT;
		cr.ticket = j->tk;
		cr.created = j->created && !j->duplicate;
		cr.duplicate = j->duplicate;
		cr.comment_ids = j->cids;
		cr.n_comment_ids = j->duplicate ? 0 : j->ncids;
		rc = hd_pb_pack(&rep->payload, &cr);
	} else if (!rep->message[0]) {
		hd_rpc_fail(rep, rc, NULL, "chat not stored: %s",
			    hd_strerror(rc));
	}
	hd__ticket__free_unpacked(j->tk, NULL);
	hd__chat_transcript__free_unpacked(j->tr, NULL);
	free(j);
	return rc;
}
