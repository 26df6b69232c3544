/* /api/v2/tickets/{id}/side_conversations (API.md §11), agents only.
 * Recipients: [{"email","name"}] by e-mail, or [{"slack_webhook_url":…}]
 * posted to a Slack-compatible incoming webhook as {"text":"*subject*\n
 * body"}. The ticket is looked up in intake first (it must exist and the
 * agent must see it). Ids are integers, not Zendesk's UUIDs. */
#include "gw_tickets.h"
#include "gw_webhooks.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int agents_only(const gw_req *r, gw_resp *out)
{
	if (hd_role_is_agent(r->who.role))
		return HD_OK;
	return gw_from_err(out, HD_E_FORBIDDEN,
			   "Side conversations are for agents");
}

static json_t *participant_json(const Hd__ScParticipant *p)
{
	json_t *o = json_pack("{s:s, s:s}", "email", p->email, "name", p->name);
	if (p->user_id)
		json_object_set_new(o, "user_id",
				    json_integer((json_int_t)p->user_id));
	if (p->slack_webhook_url[0])
		json_object_set_new(o, "slack_webhook_url",
				    json_string(p->slack_webhook_url));
	return o;
}

static json_t *event_json(const Hd__ScMessage *m, uint64_t ticket_id)
{
	json_t *to = json_array();
	for (size_t i = 0; i < m->n_to; i++)
		json_array_append_new(to, participant_json(m->to[i]));
	json_t *from = m->from ? participant_json(m->from) : json_null();
	return json_pack(
		"{s:I, s:I, s:I, s:s, s:{s:I}, s:o, s:{s:s, s:s, s:s, s:o, "
		"s:o, s:s}}",
		"id", (json_int_t)m->id, "side_conversation_id",
		(json_int_t)m->side_conversation_id, "ticket_id",
		(json_int_t)ticket_id, "type", m->type, "actor", "user_id",
		(json_int_t)m->actor_id, "created_at",
		gw_time_json(m->created_at), "message", "subject", m->subject,
		"body", m->body, "html_body", m->html_body, "from", from, "to",
		to, "message_id", m->message_id);
}

static json_t *sc_json(const gw_req *r, const Hd__SideConversation *sc,
		       int with_events)
{
	char url[700];
	snprintf(url, sizeof url,
		 "%s/api/v2/tickets/%llu/side_conversations/%llu", r->base_url,
		 (unsigned long long)sc->ticket_id, (unsigned long long)sc->id);
	json_t *ps = json_array();
	for (size_t i = 0; i < sc->n_participants; i++)
		json_array_append_new(ps,
				      participant_json(sc->participants[i]));
	json_t *o = json_pack(
		"{s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:{}, s:o, s:o, s:o, s:o}",
		"id", (json_int_t)sc->id, "url", url, "ticket_id",
		(json_int_t)sc->ticket_id, "subject", sc->subject,
		"preview_text", sc->preview_text, "state", sc->state,
		"participants", ps, "external_ids", "created_at",
		gw_time_json(sc->created_at), "updated_at",
		gw_time_json(sc->updated_at), "message_added_at",
		gw_time_json(sc->message_added_at), "state_updated_at",
		gw_time_json(sc->state_updated_at));
	if (with_events) {
		json_t *evs = json_array();
		for (size_t i = 0; i < sc->n_events; i++)
			json_array_append_new(
				evs, event_json(sc->events[i], sc->ticket_id));
		json_object_set_new(o, "events", evs);
	}
	return o;
}

static int str_of(json_t *o, const char *key, const char *field, size_t max,
		  char **dst, gw_resp *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_string(v) || json_string_length(v) > max)
		return gw_invalid(out, field,
				  "must be a string that is not too long");
	*dst = (char *)json_string_value(v);
	return HD_OK;
}

typedef struct msg_input {
	Hd__ScParticipant *ps;
	Hd__ScParticipant **pp;
} msg_input;

static int read_message(json_t *root, Hd__ScMessage *m, msg_input *in,
			gw_resp *out)
{
	json_t *msg = json_object_get(root, "message");
	if (!json_is_object(msg))
		return gw_invalid(out, "message", "Message: is required");
	int rc = str_of(msg, "subject", "message.subject", 998, &m->subject,
			out);
	if (!rc)
		rc = str_of(msg, "body", "message.body", 65536, &m->body, out);
	if (!rc)
		rc = str_of(msg, "html_body", "message.html_body", 262144,
			    &m->html_body, out);
	if (rc)
		return rc;
	if (strpbrk(m->subject, "\r\n"))
		return gw_invalid(out, "message.subject",
				  "Subject: may not hold line breaks");
	json_t *to = json_object_get(msg, "to");
	if (!to || json_is_null(to))
		return HD_OK;
	if (!json_is_array(to) || json_array_size(to) > 50)
		return gw_invalid(out, "message.to",
				  "To: an array of at most 50 recipients");
	size_t n = json_array_size(to), i;
	in->ps = calloc(n + 1, sizeof *in->ps);
	in->pp = calloc(n + 1, sizeof *in->pp);
	if (!in->ps || !in->pp)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	json_t *v;
	json_array_foreach(to, i, v)
	{
		Hd__ScParticipant *p = &in->ps[i];
		hd__sc_participant__init(p);
		if (!json_is_object(v))
			return gw_invalid(out, "message.to",
					  "To: each recipient is an object");
		rc = str_of(v, "email", "message.to", 254, &p->email, out);
		if (!rc)
			rc = str_of(v, "name", "message.to", 255, &p->name,
				    out);
		if (!rc)
			rc = str_of(v, "slack_webhook_url", "message.to", 2048,
				    &p->slack_webhook_url, out);
		if (rc)
			return rc;
		if (strpbrk(p->name, "\r\n"))
			return gw_invalid(out, "message.to",
					  "To: names may not hold line breaks");
		in->pp[i] = p;
	}
	m->to = in->pp;
	m->n_to = n;
	return HD_OK;
}

/* The side conversation id in …/side_conversations/{sc}[/reply]. */
static int sc_id(const gw_req *r, uint64_t *id, gw_resp *out)
{
	char s[24];
	if (!gw_path_segment(r, 5, s, sizeof s) || hd_parse_u64(s, id))
		return gw_from_err(out, HD_E_NOTFOUND, "Not found");
	return HD_OK;
}

static int sc_write(gw *g, gw_req *r, const char *method, int kind,
		    gw_resp *out)
{
	json_t *root = NULL;
	Hd__Ticket *tk = NULL;
	Hd__ScWriteRequest w = HD__SC_WRITE_REQUEST__INIT;
	Hd__ScMessage m = HD__SC_MESSAGE__INIT;
	Hd__SideConversation *sc = NULL;
	msg_input in = {0};
	int rc = agents_only(r, out);
	if (!rc && kind != 0)
		rc = sc_id(r, &w.side_conversation_id, out);
	if (!rc)
		rc = gw_ticket_fetch(g, r, &tk, out);
	if (!rc)
		rc = gw_parse_body(r, out, &root);
	if (!rc && kind == 2) {
		json_t *o = json_object_get(root, "side_conversation");
		if (!json_is_object(o))
			rc = gw_invalid(out, "side_conversation",
					"Side conversation: is required");
		if (!rc)
			rc = str_of(o, "state", "state", 16, &w.state, out);
		if (!rc)
			rc = str_of(o, "subject", "subject", 998, &w.subject,
				    out);
		if (!rc && w.state[0] && strcmp(w.state, "open") &&
		    strcmp(w.state, "closed"))
			rc = gw_invalid(out, "state",
					"State: must be open or closed");
	} else if (!rc) {
		rc = read_message(root, &m, &in, out);
		w.message = &m;
	}
	if (!rc) {
		w.ticket_id = r->id;
		w.ticket_subject = tk->subject;
		rc = gw_call(g, NOTIFY(g), r, method, &w,
			     &hd__side_conversation__descriptor, (void **)&sc,
			     out);
	}
	if (!rc) {
		unsigned status = kind == 0 ? 201 : 200;
		gw_reply_one(out, status, "side_conversation",
			     sc_json(r, sc, 0));
		if (sc->n_events)
			json_object_set_new(
				out->body, "event",
				event_json(sc->events[0], sc->ticket_id));
		if (kind == 0)
			snprintf(out->location, sizeof out->location,
				 "%s/api/v2/tickets/%llu/side_conversations/"
				 "%llu",
				 r->base_url, (unsigned long long)r->id,
				 (unsigned long long)sc->id);
	}
	hd__side_conversation__free_unpacked(sc, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	free(in.ps);
	free(in.pp);
	json_decref(root);
	return rc;
}

static int sc_create(gw *g, gw_req *r, gw_resp *out)
{
	return sc_write(g, r, "side_conversations.create", 0, out);
}

static int sc_reply(gw *g, gw_req *r, gw_resp *out)
{
	return sc_write(g, r, "side_conversations.reply", 1, out);
}

static int sc_update(gw *g, gw_req *r, gw_resp *out)
{
	return sc_write(g, r, "side_conversations.update", 2, out);
}

static int with_events(gw_req *r)
{
	const char *inc = gw_query(r, "include");
	return inc && strstr(inc, "events") != NULL;
}

static int sc_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Ticket *tk = NULL;
	Hd__ScQuery q = HD__SC_QUERY__INIT;
	Hd__ScList *l = NULL;
	q.ticket_id = r->id;
	q.include_events = with_events(r);
	int rc = agents_only(r, out);
	if (!rc)
		rc = gw_ticket_fetch(g, r, &tk, out);
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "side_conversations.list", &q,
			     &hd__sc_list__descriptor, (void **)&l, out);
	if (!rc) {
		json_t *arr = json_array();
		for (size_t i = 0; i < l->n_side_conversations; i++)
			json_array_append_new(
				arr, sc_json(r, l->side_conversations[i],
					     q.include_events));
		gw_reply_one(out, 200, "side_conversations", arr);
	}
	hd__sc_list__free_unpacked(l, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

static int sc_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Ticket *tk = NULL;
	Hd__ScQuery q = HD__SC_QUERY__INIT;
	Hd__SideConversation *sc = NULL;
	q.ticket_id = r->id;
	q.include_events = with_events(r);
	int rc = agents_only(r, out);
	if (!rc)
		rc = sc_id(r, &q.side_conversation_id, out);
	if (!rc)
		rc = gw_ticket_fetch(g, r, &tk, out);
	if (!rc)
		rc = gw_call(g, NOTIFY(g), r, "side_conversations.get", &q,
			     &hd__side_conversation__descriptor, (void **)&sc,
			     out);
	if (!rc)
		gw_reply_one(out, 200, "side_conversation",
			     sc_json(r, sc, q.include_events));
	hd__side_conversation__free_unpacked(sc, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

const gw_route gw_sc_routes[] = {
	{"POST", "/api/v2/tickets/{id}/side_conversations", sc_create,
	 GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}/side_conversations", sc_list,
	 GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}/side_conversations/{s}", sc_show,
	 GW_AUTH_USER},
	{"PUT", "/api/v2/tickets/{id}/side_conversations/{s}", sc_update,
	 GW_AUTH_USER},
	{"POST", "/api/v2/tickets/{id}/side_conversations/{s}/reply", sc_reply,
	 GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
