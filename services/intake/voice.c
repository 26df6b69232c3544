/* voice.ingest: one call record → a VoiceComment on the customer's open
 * ticket, or a new ticket (via.channel "voice"). Missed and abandoned calls
 * become callback tickets (tag "callback", priority high) unless the
 * customer already has an open callback ticket, which then gets the
 * comment. The record, its indexes and call.recorded are written in the
 * same transaction; a call_id seen before changes nothing. */
#include "live.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "hd/ticket_patch.h"
#include "hd/time_iso.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct voice_job {
	intake *in;
	const hd_rpc_req *req;
	Hd__CallRecord *rec; /* the request's; completed and stored */
	hd_rpc_rep *rep;
	Hd__Ticket *tk;
	Hd__CallRecord *seen; /* a duplicate's stored record */
	bool created;
} voice_job;

static bool missed(const Hd__CallRecord *c)
{
	return strcmp(c->outcome, "missed") == 0 ||
	       strcmp(c->outcome, "abandoned") == 0;
}

static bool has_tag(const Hd__Ticket *tk, const char *tag)
{
	for (size_t i = 0; i < tk->n_tags; i++)
		if (strcmp(tk->tags[i], tag) == 0)
			return true;
	return false;
}

typedef struct newest_open {
	uint64_t customer;
	Hd__Ticket **out;
} newest_open;

static int newer_open(void *arg, const MDB_val *k, const MDB_val *v)
{
	newest_open *w = arg;
	Hd__Ticket *tk = hd__ticket__unpack(NULL, v->mv_size, v->mv_data);
	if (!tk)
		return HD_E_CORRUPT;
	if (tk->requester_id == w->customer && live_ticket_open(tk) &&
	    (!*w->out || tk->updated_at >= (*w->out)->updated_at)) {
		hd__ticket__free_unpacked(*w->out, NULL);
		*w->out = tk;
	} else {
		hd__ticket__free_unpacked(tk, NULL);
	}
	return HD_OK;
}

/* The customer's most recently updated open ticket on this shard (lists
 * scan the tickets db the same way; a requester's tickets live on one
 * shard). *out is the caller's, NULL when there is none. */
static int open_ticket(const intake *in, hd_txn *t, uint64_t customer,
		       Hd__Ticket **out)
{
	*out = NULL;
	newest_open w = {customer, out};
	return hd_txn_foreach(t, in->tk.tickets, NULL, 0, newer_open, &w);
}

/* Zendesk's voice comment "data", plus what a call centre reports on. The
 * strings are borrowed from c. */
static Hd__VoiceData comment_data(const Hd__CallRecord *c)
{
	Hd__VoiceData d = HD__VOICE_DATA__INIT;
	d.call_id = c->call_id;
	d.direction = c->direction;
	d.outcome = c->outcome;
	d.from = c->caller;
	d.to = c->called;
	d.recording_url = c->recording_url;
	d.transcription_text = c->transcript;
	d.started_at = c->started_at;
	d.answered_at = c->answered_at;
	d.ended_at = c->ended_at;
	d.call_duration = c->talk_seconds;
	d.wait_seconds = c->wait_seconds;
	d.answered_by_id = c->answered_at ? c->agent_id : 0;
	return d;
}

static const char *outcome_ko(const char *o)
{
	return strcmp(o, "answered") == 0    ? "응답"
	       : strcmp(o, "missed") == 0    ? "부재중"
	       : strcmp(o, "abandoned") == 0 ? "대기 중 끊김"
					     : "음성사서함";
}

/* The comment's readable text (the data carries the same, structured). */
static char *comment_body(const Hd__CallRecord *c)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 20);
	hd_buf_printf(&b, "%s 전화: %s → %s\n결과: %s · 대기 %u초 · 통화 %u초",
		      strcmp(c->direction, "outbound") == 0 ? "발신" : "수신",
		      c->caller, c->called, outcome_ko(c->outcome),
		      c->wait_seconds, c->talk_seconds);
	if (c->recording_url[0])
		hd_buf_printf(&b, "\n녹음: %s", c->recording_url);
	if (c->transcript[0])
		hd_buf_printf(&b, "\n\n통화 내용:\n%s", c->transcript);
	char *s = b.data && !hd_buf_error(&b) ? strdup(b.data) : NULL;
	hd_buf_release(&b);
	return s;
}

static int voice_via(Hd__TicketPatch *p, const Hd__CallRecord *c)
{
	Hd__Via *v = p->via = hd_via_new();
	if (!v)
		return HD_E_NOMEM;
	v->channel = HD__VIA_CHANNEL__VIA_VOICE;
	int rc = hd_via_party_set(v->from, "phone", c->caller);
	if (!rc)
		rc = hd_via_party_set(v->to, "phone", c->called);
	if (!rc)
		rc = hd_pb_set_string(&v->rel, c->direction);
	if (!rc)
		rc = hd_via_mark(v, "from");
	if (!rc)
		rc = hd_via_mark(v, "to");
	if (!rc)
		rc = hd_via_mark(v, "rel");
	return rc ? rc : hd_patch_mark(p, "via");
}

static int ticket_patch(const voice_job *j, const char *body, bool create,
			Hd__TicketPatch *p)
{
	const Hd__CallRecord *c = j->rec;
	Hd__PatchComment *pc = hd_patch_comment(p);
	if (!pc || hd_pb_set_string(&pc->body, body))
		return HD_E_NOMEM;
	pc->author_id = c->agent_id ? c->agent_id : j->req->principal.user_id;
	pc->has_public = true; /* an internal note */
	if (!create)
		return HD_OK;
	const char *number =
		strcmp(c->direction, "outbound") == 0 ? c->called : c->caller;
	char subject[200];
	snprintf(subject, sizeof subject, "%s: %s",
		 missed(c) ? "부재중 전화" : "전화 문의", number);
	int rc = hd_patch_str(p, "subject", &p->subject, subject);
	p->requester_id = c->customer_id;
	if (!rc)
		rc = hd_patch_mark(p, "requester_id");
	if (!rc)
		rc = voice_via(p, c);
	if (!rc)
		rc = hd_patch_add_tag(p, "voice");
	if (!rc && missed(c)) {
		rc = hd_patch_add_tag(p, "callback");
		p->priority = HD__TICKET_PRIORITY__PRIORITY_HIGH;
		if (!rc)
			rc = hd_patch_mark(p, "priority");
	}
	p->assignee_id = c->agent_id;
	if (!rc && c->agent_id && c->answered_at)
		rc = hd_patch_mark(p, "assignee_id");
	return rc;
}

static int duplicate(hd_txn *t, voice_job *j, uint64_t seq)
{
	const intake *in = j->in;
	int rc = hd_txn_get_pb_id(t, j->in->live.calls, seq,
				  &hd__call_record__descriptor,
				  (void **)&j->seen);
	if (!rc)
		rc = hd_txn_get_pb_id(t, in->tk.tickets, j->seen->ticket_id,
				      &hd__ticket__descriptor, (void **)&j->tk);
	return rc;
}

static int voice_run(hd_txn *t, void *arg)
{
	voice_job *j = arg;
	Hd__CallRecord *c = j->rec;
	MDB_val v;
	int rc = hd_txn_get(t, j->in->live.call_ids, c->call_id,
			    strlen(c->call_id), &v);
	if (rc == HD_OK && v.mv_size == 8)
		return duplicate(t, j, hd_key_get_u64(v.mv_data));
	if (rc != HD_E_NOTFOUND)
		return rc ? rc : HD_E_CORRUPT;
	Hd__Ticket *open = NULL;
	if ((rc = open_ticket(j->in, t, c->customer_id, &open)))
		return rc;
	uint64_t target = open && (!missed(c) || has_tag(open, "callback"))
				  ? open->id
				  : 0;
	hd__ticket__free_unpacked(open, NULL);
	char *body = comment_body(c);
	Hd__VoiceData data = comment_data(c);
	Hd__TicketPatch *p = body ? hd_ticket_patch_new() : NULL;
	rc = p ? ticket_patch(j, body, target == 0, p) : HD_E_NOMEM;
	tk_write_in w = {.id = target,
			 .patch = p,
			 .comment_type = "VoiceComment",
			 .voice = &data,
			 .comment_id = &c->comment_id};
	if (!rc)
		rc = tk_write_txn(t, j->in, j->req, &w, j->rep, &j->tk);
	hd_ticket_patch_free(p);
	free(body);
	if (rc)
		return rc;
	j->created = target == 0;
	c->ticket_id = j->tk->id;
	c->recorded_at = hd_now_ms();
	return live_call_put(t, j->in, c, j->req->trace_id);
}

int live_rpc_voice(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	voice_job j = {.in = ctx, .req = req, .rep = rep};
	int rc = hd_req_decode(req, rep, &hd__call_record__descriptor,
			       (void **)&j.rec);
	if (!rc && !intake_is_staff(&req->principal))
		rc = hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				 "only agents and admins record calls");
	if (!rc && !live_channel_id_ok(j.rec->call_id))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "call_id",
				 "call_id: 1 to 128 printable ASCII bytes");
	if (!rc && !j.rec->customer_id)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "caller",
				 "caller: no customer for the number");
	if (!rc)
		rc = hd_store_write(j.in->store, voice_run, &j);
	if (!rc) {
		Hd__ChannelReply cr = HD__CHANNEL_REPLY__INIT;
		cr.ticket = j.tk;
		cr.created = j.created;
		cr.duplicate = j.seen != NULL;
		cr.call = j.seen ? j.seen : j.rec;
		rc = hd_pb_pack(&rep->payload, &cr);
	} else if (!rep->message[0]) {
		hd_rpc_fail(rep, rc, NULL, "call not stored: %s",
			    hd_strerror(rc));
	}
	hd__ticket__free_unpacked(j.tk, NULL);
	hd__call_record__free_unpacked(j.seen, NULL);
	hd__call_record__free_unpacked(j.rec, NULL);
	return rc;
}
