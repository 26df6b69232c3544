/* Side conversations (API.md §11): an agent writes from a ticket to people
 * outside the team, by e-mail or to a Slack-compatible incoming webhook;
 * their replies come back through intake's e-mail channel
 * (side_conversations.inbound) and are appended here, never to the ticket.
 * Agents and admins only. Each message is stored with the deliveries that
 * carry it, in one transaction. Threading: every mail of a conversation has
 * a Message-ID <hd.sc.{sc}.{ticket}.{unique}@domain> (proto/mail.proto),
 * In-Reply-To the conversation's latest message and References the chain. */
#include "notifications.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/placeholder.h"
#include "hd/req_decode.h"
#include "hd/text.h"

#include "mail.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECIPIENTS 50
#define MAX_REFS       1800 /* bytes of References kept (newest ids) */

static int check_message(const Hd__ScMessage *m, int need_to, hd_rpc_rep *rep)
{
	if (!m || (!m->body[0] && !m->html_body[0]))
		return hd_rpc_fail(rep, HD_E_INVALID, "message.body",
				   "Body: cannot be blank");
	if (need_to && m->n_to == 0)
		return hd_rpc_fail(rep, HD_E_INVALID, "message.to",
				   "To: at least one recipient is required");
	if (m->n_to > MAX_RECIPIENTS)
		return hd_rpc_fail(rep, HD_E_INVALID, "message.to",
				   "To: at most 50 recipients");
	for (size_t i = 0; i < m->n_to; i++) {
		const Hd__ScParticipant *p = m->to[i];
		const char *u = p->slack_webhook_url;
		int slack = u[0] && (!strncmp(u, "https://", 8) ||
				     !strncmp(u, "http://", 7));
		if (!slack && !hd_email_plausible(p->email))
			return hd_rpc_fail(rep, HD_E_INVALID, "message.to",
					   "To: needs an email or a "
					   "slack_webhook_url");
	}
	return HD_OK;
}

typedef struct sc_job {
	notify *n;
	const hd_rpc_req *req;
	Hd__ScWriteRequest *w;
	Hd__SideConversation *sc; /* loaded (reply/update) or built (create) */
	Hd__ScMessage *msg;       /* the message written, for the reply */
	Hd__SideConversation fresh;
	char msgid[200];
	int kind; /* 0 create, 1 reply, 2 update */
} sc_job;

/* HTML part for a message written as text only. */
static char *html_of(const Hd__ScMessage *m)
{
	if (m->html_body[0])
		return strdup(m->html_body);
	json_t *c = json_pack("{s:s}", "b", m->body);
	hd_buf b;
	hd_buf_init(&b, (size_t)4 << 20);
	static const char t[] =
		"<div style=\"white-space:pre-wrap\">{{b}}</div>";
	if (c)
		hd_placeholder_render(t, sizeof t - 1, c, HD_PH_HTML, &b);
	json_decref(c);
	size_t len;
	char *s = hd_buf_detach(&b, &len);
	hd_buf_release(&b);
	return s ? s : strdup("");
}

static int queue_chat(notify *n, hd_txn *t, const Hd__SideConversation *sc,
		      const Hd__ScMessage *m, const char *url)
{
	Hd__Delivery d = HD__DELIVERY__INIT;
	char lane[40], *body;
	snprintf(lane, sizeof lane, "chat:%llu", (unsigned long long)sc->id);
	json_t *j = json_pack("{s:s+++}", "text", "*", sc->subject, "*\n",
			      m->body[0] ? m->body : m->html_body);
	body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!body)
		return hd_txn_fail(t, HD_E_NOMEM);
	d.kind = "chat";
	d.lane = lane;
	d.url = (char *)url;
	d.body = body;
	d.ticket_id = sc->ticket_id;
	d.event_type = "side_conversation";
	int rc = notify_enqueue(n, t, &d);
	free(body);
	return rc;
}

static int queue_mails(sc_job *j, hd_txn *t, const Hd__ScMessage *m)
{
	Hd__SideConversation *sc = j->sc;
	char *html = html_of(m);
	int rc = html ? HD_OK : HD_E_NOMEM;
	char irt[220];
	snprintf(irt, sizeof irt, "<%s>", sc->last_message_id);
	for (size_t i = 0; i < m->n_to && !rc; i++) {
		const Hd__ScParticipant *p = m->to[i];
		if (p->slack_webhook_url[0]) {
			rc = queue_chat(j->n, t, sc, m, p->slack_webhook_url);
			continue;
		}
		if (notify_mail_off(j->n)) {
			hd_warn("notify.mail_unsent",
				"side_conversation=%llu reason=\"HD_SMTP_URL "
				"is empty\"",
				(unsigned long long)sc->id);
			continue;
		}
		Hd__Delivery d = HD__DELIVERY__INIT;
		d.kind = "mail";
		d.lane = "";
		d.event_type = "side_conversation";
		d.ticket_id = sc->ticket_id;
		d.mail_to = p->email;
		d.mail_to_name = p->name;
		d.subject = sc->subject;
		d.text = m->body[0] ? m->body : m->html_body;
		d.html = html;
		d.message_id = j->msgid;
		if (sc->last_message_id[0]) {
			d.in_reply_to = irt;
			d.references = sc->references;
		}
		rc = notify_enqueue(j->n, t, &d);
	}
	free(html);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

/* Add the participants of m that the conversation does not have yet. */
static int add_participants(Hd__SideConversation *sc, Hd__ScMessage *m)
{
	for (size_t i = 0; i < m->n_to; i++) {
		int known = 0;
		for (size_t k = 0; k < sc->n_participants && !known; k++)
			known = !strcmp(sc->participants[k]->email,
					m->to[i]->email) &&
				!strcmp(sc->participants[k]->slack_webhook_url,
					m->to[i]->slack_webhook_url);
		if (known || sc->n_participants >= MAX_RECIPIENTS)
			continue;
		Hd__ScParticipant **g = realloc(
			sc->participants, (sc->n_participants + 1) * sizeof *g);
		Hd__ScParticipant *p = g ? malloc(sizeof *p) : NULL;
		if (g)
			sc->participants = g;
		if (!p)
			return HD_E_NOMEM;
		hd__sc_participant__init(p);
		p->email = strdup(m->to[i]->email);
		p->name = strdup(m->to[i]->name);
		p->slack_webhook_url = strdup(m->to[i]->slack_webhook_url);
		p->user_id = m->to[i]->user_id;
		sc->participants[sc->n_participants++] = p;
		if (!p->email || !p->name || !p->slack_webhook_url)
			return HD_E_NOMEM;
	}
	return HD_OK;
}

/* The conversation after message m (preview, times, threading). */
static int touch(Hd__SideConversation *sc, const Hd__ScMessage *m,
		 const char *msgid, int64_t now)
{
	char preview[301];
	const char *text = m->body[0] ? m->body : m->html_body;
	size_t n = strlen(text) < 300 ? strlen(text) : 300;
	while (n && !hd_utf8_valid(text, n))
		n--; /* never cut a character in half */
	snprintf(preview, sizeof preview, "%.*s", (int)n, text);
	sc->updated_at = sc->message_added_at = now;
	char refs[MAX_REFS + 220];
	const char *old = sc->references;
	size_t ol = strlen(old);
	if (ol > MAX_REFS) /* keep the newest: drop whole ids from the front */
		old = strchr(old + ol - MAX_REFS, '<')
			      ? strchr(old + ol - MAX_REFS, '<')
			      : "";
	snprintf(refs, sizeof refs, "%s%s<%s>", old, old[0] ? " " : "", msgid);
	int rc = hd_pb_set_string(&sc->preview_text, preview);
	if (!rc)
		rc = hd_pb_set_string(&sc->references, refs);
	if (!rc)
		rc = hd_pb_set_string(&sc->last_message_id, msgid);
	return rc;
}

static int put_sc(notify *n, hd_txn *t, const Hd__SideConversation *sc)
{
	Hd__SideConversation c = *sc;
	c.n_events = 0; /* events live in sc_events */
	return notify_put_pb_u64(t, n->scs, sc->id, &c);
}

static int put_message(notify *n, hd_txn *t, Hd__ScMessage *m)
{
	uint8_t k[16];
	hd_key_u64(k, m->side_conversation_id);
	hd_key_u64(k + 8, m->id);
	notify_put_pb(t, n->sc_events, k, 16, m);
	if (m->message_id[0]) {
		uint8_t v[8];
		hd_key_u64(v, m->side_conversation_id);
		hd_txn_put(t, n->sc_msgids, m->message_id,
			   strlen(m->message_id), v, 8);
	}
	return t->rc;
}

static int load_sc(notify *n, hd_txn *t, uint64_t ticket, uint64_t id,
		   Hd__SideConversation **out)
{
	int rc = notify_get_pb_u64(t, n->scs, id,
				   &hd__side_conversation__descriptor,
				   (void **)out);
	if (!rc && (*out)->ticket_id != ticket)
		rc = HD_E_NOTFOUND; /* ids are global; the path names a ticket */
	return rc;
}

static int write_fn(hd_txn *t, void *arg)
{
	sc_job *j = arg;
	notify *n = j->n;
	Hd__ScWriteRequest *w = j->w;
	int64_t now = hd_now_ms();
	int rc = HD_OK;
	if (j->kind == 0) {
		Hd__SideConversation *sc = calloc(1, sizeof *sc);
		if (!sc)
			return HD_E_NOMEM;
		hd__side_conversation__init(sc);
		j->sc = sc;
		sc->id = notify_next_id(n, t);
		sc->ticket_id = w->ticket_id;
		sc->created_at = sc->state_updated_at = now;
		const char *subj = w->message->subject[0] ? w->message->subject
							  : w->ticket_subject;
		rc = hd_pb_set_string(&sc->subject, subj);
		if (!rc)
			rc = hd_pb_set_string(&sc->state, "open");
		uint8_t k[16];
		hd_key_u64(k, sc->ticket_id);
		hd_key_u64(k + 8, sc->id);
		hd_txn_put(t, n->sc_by_ticket, k, 16, "", 0);
	} else {
		rc = load_sc(n, t, w->ticket_id, w->side_conversation_id,
			     &j->sc);
	}
	if (rc)
		return rc;
	Hd__SideConversation *sc = j->sc;
	Hd__ScMessage *m = w->message;
	m->id = notify_next_id(n, t);
	m->side_conversation_id = sc->id;
	m->actor_id = j->req->principal.user_id;
	m->created_at = now;
	rc = hd_pb_set_string(&m->type, j->kind == 0   ? "create"
					: j->kind == 1 ? "reply"
						       : "update");
	if (rc)
		return rc;
	if (j->kind == 2) {
		if (w->state[0]) {
			sc->state_updated_at = now;
			if ((rc = hd_pb_set_string(&sc->state, w->state)) ||
			    (rc = hd_pb_set_string(&m->state, w->state)))
				return rc;
		}
		if (w->subject[0] &&
		    (rc = hd_pb_set_string(&sc->subject, w->subject)))
			return rc;
		sc->updated_at = now;
	} else {
		if (m->n_to == 0) { /* a reply goes to everyone in it */
			m->to = sc->participants;
			m->n_to = sc->n_participants;
		}
		notify_message_id(n, sc->id, sc->ticket_id, j->msgid,
				  sizeof j->msgid);
		rc = hd_pb_set_string(&m->message_id, j->msgid);
		if (!rc)
			rc = queue_mails(j, t, m);
		if (m->to == sc->participants) {
			m->to = NULL;
			m->n_to = 0;
		}
		if (!rc)
			rc = add_participants(sc, m);
		if (!rc)
			rc = touch(sc, m, j->msgid, now);
	}
	if (!rc)
		rc = put_message(n, t, m);
	if (!rc)
		rc = put_sc(n, t, sc);
	j->msg = m;
	return rc ? rc : t->rc;
}

static int sc_write(notify *n, const hd_rpc_req *req, hd_rpc_rep *rep, int kind)
{
	Hd__ScWriteRequest *w;
	int rc = hd_req_decode_staff(
		req, rep, &hd__sc_write_request__descriptor, (void **)&w);
	if (rc)
		return rc;
	if (kind == 2 && w->state[0] && strcmp(w->state, "open") &&
	    strcmp(w->state, "closed"))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "state",
				 "State: must be open or closed");
	else if (kind != 2)
		rc = check_message(w->message, kind == 0, rep);
	if (!rc && !w->message) {
		w->message = malloc(sizeof *w->message);
		if (w->message)
			hd__sc_message__init(w->message);
		else
			rc = HD_E_NOMEM;
	}
	sc_job j = {.n = n, .req = req, .w = w, .kind = kind};
	if (!rc) {
		rc = hd_store_write(n->store, write_fn, &j);
		if (rc == HD_E_NOTFOUND)
			hd_rpc_fail(rep, rc, "", "side conversation not found");
	}
	if (!rc) {
		j.sc->events = &j.msg;
		j.sc->n_events = 1;
		rc = hd_pb_pack(&rep->payload, j.sc);
		j.sc->events = NULL;
		j.sc->n_events = 0;
		notify_sender_kick(n);
	}
	hd__side_conversation__free_unpacked(j.sc, NULL);
	hd__sc_write_request__free_unpacked(w, NULL);
	return rc;
}

static int sc_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return sc_write(ctx, req, rep, 0);
}

static int sc_reply(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return sc_write(ctx, req, rep, 1);
}

static int sc_update(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return sc_write(ctx, req, rep, 2);
}

typedef struct gather {
	notify *n;
	hd_txn *t;
	void ***items;
	size_t *count;
	const ProtobufCMessageDescriptor *desc;
	MDB_dbi from; /* NULL-ish: decode the value itself */
	int by_key;   /* the row's key names an sc to load from scs */
} gather;

static int gather_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	gather *g = arg;
	void *m = NULL;
	if (g->by_key)
		notify_get_pb_u64(
			g->t, g->n->scs,
			hd_key_get_u64((const uint8_t *)k->mv_data + 8),
			g->desc, &m);
	else
		m = protobuf_c_message_unpack(g->desc, NULL, v->mv_size,
					      v->mv_data);
	if (!m)
		return 0;
	void **grown = realloc(*g->items, (*g->count + 1) * sizeof *grown);
	if (!grown) {
		protobuf_c_message_free_unpacked(m, NULL);
		return HD_E_NOMEM;
	}
	*g->items = grown;
	grown[(*g->count)++] = m;
	return 0;
}

static int events_of(notify *n, hd_txn *t, Hd__SideConversation *sc)
{
	uint8_t prefix[8];
	hd_key_u64(prefix, sc->id);
	gather g = {n,
		    t,
		    (void ***)&sc->events,
		    &sc->n_events,
		    &hd__sc_message__descriptor,
		    0,
		    0};
	return hd_txn_foreach(t, n->sc_events, prefix, 8, gather_one, &g);
}

static int list_read(notify *n, hd_txn *t, const Hd__ScQuery *q,
		     hd_rpc_rep *rep)
{
	Hd__ScList l = HD__SC_LIST__INIT;
	uint8_t prefix[8];
	hd_key_u64(prefix, q->ticket_id);
	gather g = {n,
		    t,
		    (void ***)&l.side_conversations,
		    &l.n_side_conversations,
		    &hd__side_conversation__descriptor,
		    0,
		    1};
	int rc = hd_txn_foreach(t, n->sc_by_ticket, prefix, 8, gather_one, &g);
	for (size_t i = 0;
	     !rc && q->include_events && i < l.n_side_conversations; i++)
		rc = events_of(n, t, l.side_conversations[i]);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	for (size_t i = 0; i < l.n_side_conversations; i++)
		hd__side_conversation__free_unpacked(l.side_conversations[i],
						     NULL);
	free(l.side_conversations);
	return rc;
}

static int get_read(notify *n, hd_txn *t, const Hd__ScQuery *q, hd_rpc_rep *rep)
{
	Hd__SideConversation *sc = NULL;
	int rc = load_sc(n, t, q->ticket_id, q->side_conversation_id, &sc);
	if (!rc && q->include_events)
		rc = events_of(n, t, sc);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, sc);
	else
		hd_rpc_fail(rep, rc, "", "side conversation not found");
	hd__side_conversation__free_unpacked(sc, NULL);
	return rc;
}

/* side_conversations.list and .get: the query (agents only), then body in a
 * read transaction (the reply is packed there, from decoded copies). */
static int sc_read(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		   int (*body)(notify *n, hd_txn *t, const Hd__ScQuery *q,
			       hd_rpc_rep *rep))
{
	notify *n = ctx;
	Hd__ScQuery *q;
	int rc = hd_req_decode_staff(req, rep, &hd__sc_query__descriptor,
				     (void **)&q);
	if (rc)
		return rc;
	hd_txn t;
	rc = hd_store_read(n->store, &t);
	if (!rc)
		rc = body(n, &t, q, rep);
	hd_txn_end(&t);
	hd__sc_query__free_unpacked(q, NULL);
	return rc;
}

static int sc_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return sc_read(ctx, req, rep, list_read);
}

static int sc_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return sc_read(ctx, req, rep, get_read);
}

typedef struct inbound_job {
	notify *n;
	const Hd__SideConversationInbound *in;
	int duplicate;
} inbound_job;

static int inbound_fn(hd_txn *t, void *arg)
{
	inbound_job *j = arg;
	const Hd__SideConversationInbound *in = j->in;
	MDB_val v;
	if (hd_txn_get(t, j->n->sc_msgids, in->message_id,
		       strlen(in->message_id), &v) == HD_OK) {
		j->duplicate = 1; /* already appended: idempotent */
		return HD_OK;
	}
	Hd__SideConversation *sc = NULL;
	int rc = load_sc(j->n, t, in->ticket_id, in->side_conversation_id, &sc);
	if (rc)
		return rc;
	Hd__ScMessage m = HD__SC_MESSAGE__INIT;
	Hd__ScParticipant from = HD__SC_PARTICIPANT__INIT;
	from.email = in->from_email;
	from.name = in->from_name;
	m.id = notify_next_id(j->n, t);
	m.side_conversation_id = sc->id;
	m.type = "inbound";
	m.from = &from;
	m.subject = in->subject;
	m.body = in->body;
	m.html_body = in->html_body;
	m.message_id = in->message_id;
	m.created_at = in->received_at ? in->received_at : hd_now_ms();
	rc = touch(sc, &m, in->message_id, hd_now_ms());
	if (!rc)
		rc = put_message(j->n, t, &m);
	if (!rc)
		rc = put_sc(j->n, t, sc);
	hd__side_conversation__free_unpacked(sc, NULL);
	return rc ? rc : t->rc;
}

int notify_sc_inbound(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	if (!hd_role_is_admin(req->principal.role))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, "", "system only");
	Hd__SideConversationInbound *in = hd__side_conversation_inbound__unpack(
		NULL, req->len, req->payload);
	if (!in)
		return hd_rpc_fail(rep, HD_E_DECODE, "", "bad request");
	int rc = HD_OK;
	if (!in->message_id[0] || strlen(in->message_id) > 500)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "message_id",
				 "message_id: required");
	else if (!hd_utf8_valid(in->body, strlen(in->body)))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "body", "body: not UTF-8");
	inbound_job j = {n, in, 0};
	if (!rc) {
		rc = hd_store_write(n->store, inbound_fn, &j);
		if (rc == HD_E_NOTFOUND)
			hd_rpc_fail(rep, rc, "side_conversation_id",
				    "side conversation not found");
		else if (!rc && j.duplicate) /* the channel says "duplicate" */
			rc = hd_rpc_fail(rep, HD_E_CONFLICT, "message_id",
					 "message already appended");
	}
	hd__side_conversation_inbound__free_unpacked(in, NULL);
	return rc;
}

const hd_rpc_route notify_sc_routes[] = {
	{"side_conversations.create", sc_create},
	{"side_conversations.reply", sc_reply},
	{"side_conversations.update", sc_update},
	{"side_conversations.list", sc_list},
	{"side_conversations.get", sc_get},
	{"side_conversations.inbound", notify_sc_inbound},
	{NULL, NULL},
};
