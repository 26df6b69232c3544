/* POST /api/v2/hd/channels/chat: a finished chat's transcript
 *   {"chat": {"chat_id", "subject"?, "visitor": {"name", "email", "phone"?},
 *             "agent_id"?, "started_at"?, "ended_at"?,
 *             "messages": [{"author": "visitor"|"agent"|"system",
 *                           "author_id"?, "text", "at"}]}}
 * becomes a chat ticket (one comment per message, in time order) or joins
 * the visitor's open chat ticket (HD_CHAT_FOLLOWUP_MINUTES, intake). The
 * visitor is found or created by e-mail. Answers 201 {"result": "ticket" |
 * "appended", "ticket", "comment_ids"}, or 200 with "duplicate" for a
 * chat_id seen before. */
#include "gw_channels.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/phone.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MESSAGES 1000
#define MAX_TEXT     ((size_t)64 << 10)

typedef struct sorted_msg {
	Hd__ChatMessage *m;
	size_t pos; /* input order breaks ties: a stable sort */
} sorted_msg;

static int by_time(const void *a, const void *b)
{
	const sorted_msg *x = a, *y = b;
	if (x->m->at != y->m->at)
		return x->m->at < y->m->at ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int read_message(gw *g, gw_req *r, json_t *x, size_t i, uint64_t agent,
			Hd__ChatMessage *m, gw_resp *out)
{
	char f[64];
	const char *author, *text;
	snprintf(f, sizeof f, "messages[%zu].author", i);
	int rc = gw_channel_str(x, "author", f, 16, true, &author, out);
	if (!rc && strcmp(author, "visitor") && strcmp(author, "agent") &&
	    strcmp(author, "system"))
		rc = gw_invalid(out, f, "must be visitor, agent or system");
	snprintf(f, sizeof f, "messages[%zu].text", i);
	if (!rc)
		rc = gw_channel_str(x, "text", f, MAX_TEXT, true, &text, out);
	if (!rc && strspn(text, " \t\r\n") == strlen(text))
		rc = gw_invalid(out, f, "cannot be blank");
	snprintf(f, sizeof f, "messages[%zu].at", i);
	if (!rc)
		rc = gw_channel_time(x, "at", f, true, &m->at, out);
	snprintf(f, sizeof f, "messages[%zu].author_id", i);
	if (!rc)
		rc = gw_channel_uint(x, "author_id", f, &m->author_id, out);
	if (rc)
		return rc;
	m->author = (char *)author;
	m->text = (char *)text;
	if (strcmp(author, "agent") != 0) {
		m->author_id = 0; /* visitor lines: the visitor; system: us */
		return HD_OK;
	}
	if (!m->author_id && !agent)
		return gw_invalid(out, f,
				  "agent lines need an author_id or "
				  "the chat's agent_id");
	return m->author_id && m->author_id != agent
		       ? gw_channel_agent(g, r, m->author_id, f, out)
		       : HD_OK;
}

/* messages[] → tr->messages sorted by time; the array and *block (the
 * messages) are the caller's (free both), strings borrowed from the JSON. */
static int read_messages(gw *g, gw_req *r, json_t *chat, Hd__ChatTranscript *tr,
			 Hd__ChatMessage **block, gw_resp *out)
{
	json_t *list = json_object_get(chat, "messages"), *x;
	size_t n = json_array_size(list), i;
	if (!json_is_array(list) || n == 0 || n > MAX_MESSAGES)
		return gw_invalid(out, "messages",
				  "messages: an array of 1 to 1000 messages");
	Hd__ChatMessage *ms = *block = calloc(n, sizeof *ms);
	sorted_msg *s = calloc(n, sizeof *s);
	tr->messages = calloc(n, sizeof *tr->messages);
	if (!ms || !s || !tr->messages) {
		free(s);
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	}
	int rc = HD_OK;
	json_array_foreach(list, i, x)
	{
		hd__chat_message__init(&ms[i]);
		if (!rc && !json_is_object(x))
			rc = gw_invalid(out, "messages",
					"messages: each must be an object");
		if (!rc)
			rc = read_message(g, r, x, i, tr->agent_id, &ms[i],
					  out);
		s[i] = (sorted_msg){&ms[i], i};
	}
	qsort(s, n, sizeof *s, by_time);
	for (i = 0; i < n; i++)
		tr->messages[i] = s[i].m;
	tr->n_messages = n;
	free(s);
	return rc;
}

/* visitor{name,email,phone} → the visitor's user (users.ensure). */
static int read_visitor(gw *g, gw_req *r, json_t *chat, Hd__ChatTranscript *tr,
			gw_resp *out)
{
	json_t *v = json_object_get(chat, "visitor");
	const char *name, *email, *phone;
	if (!json_is_object(v))
		return gw_invalid(out, "visitor",
				  "visitor: must be {\"name\",\"email\","
				  "\"phone\"}");
	int rc = gw_channel_str(v, "email", "visitor.email", 254, true, &email,
				out);
	if (!rc)
		rc = gw_channel_str(v, "name", "visitor.name", 255, false,
				    &name, out);
	if (!rc)
		rc = gw_channel_str(v, "phone", "visitor.phone", 64, false,
				    &phone, out);
	char norm[HD_PHONE_MAX];
	if (!rc && phone && !hd_phone_norm(phone, norm))
		rc = gw_invalid(out, "visitor.phone", "is not a phone number");
	if (rc)
		return rc;
	Hd__UserEnsureRequest er = HD__USER_ENSURE_REQUEST__INIT;
	Hd__User *u = NULL;
	er.email = (char *)email;
	er.name = (char *)(name ? name : "");
	rc = gw_call(g, g->intake[0], r, "users.ensure", &er,
		     &hd__user__descriptor, (void **)&u, out);
	if (rc && out->status == 422)
		return gw_invalid(out, "visitor.email", "is not valid");
	if (rc)
		return rc;
	tr->visitor_id = u->id;
	tr->visitor_name = strdup(name && name[0] ? name : u->name);
	tr->visitor_email = (char *)email;
	tr->visitor_phone = (char *)(phone ? phone : "");
	hd__user__free_unpacked(u, NULL);
	return tr->visitor_name ? HD_OK
				: gw_from_err(out, HD_E_NOMEM, "out of memory");
}

static int read_transcript(gw *g, gw_req *r, json_t *chat,
			   Hd__ChatTranscript *tr, Hd__ChatMessage **block,
			   gw_resp *out)
{
	const char *id = NULL, *subject = NULL;
	int rc = gw_channel_id(chat, "chat_id", &id, out);
	if (!rc)
		rc = gw_channel_str(chat, "subject", "subject", 255, false,
				    &subject, out);
	if (!rc)
		rc = gw_channel_uint(chat, "agent_id", "agent_id",
				     &tr->agent_id, out);
	if (!rc && tr->agent_id)
		rc = gw_channel_agent(g, r, tr->agent_id, "agent_id", out);
	if (!rc)
		rc = gw_channel_time(chat, "started_at", "started_at", false,
				     &tr->started_at, out);
	if (!rc)
		rc = gw_channel_time(chat, "ended_at", "ended_at", false,
				     &tr->ended_at, out);
	if (!rc)
		rc = read_messages(g, r, chat, tr, block, out);
	if (!rc)
		rc = read_visitor(g, r, chat, tr, out);
	tr->chat_id = (char *)(id ? id : "");
	tr->subject = (char *)(subject ? subject : "");
	return rc;
}

static int chat_create(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *chat = NULL;
	Hd__ChatTranscript tr = HD__CHAT_TRANSCRIPT__INIT;
	Hd__ChannelReply *rep = NULL;
	Hd__ChatMessage *msgs = NULL;
	int rc = gw_channel_staff(r, out);
	if (!rc)
		rc = gw_req_object(r, out, "chat", &root, &chat);
	if (!rc)
		rc = read_transcript(g, r, chat, &tr, &msgs, out);
	if (!rc)
		rc = gw_call(
			g,
			g->intake[gw_ticket_spread(tr.visitor_id, g->shards)],
			r, "chat.ingest", &tr, &hd__channel_reply__descriptor,
			(void **)&rep, out);
	if (!rc) {
		gw_channel_reply(r, out, rep,
				 rep->duplicate ? "duplicate"
				 : rep->created ? "ticket"
						: "appended");
		json_t *ids = json_array();
		for (size_t i = 0; i < rep->n_comment_ids; i++)
			json_array_append_new(
				ids,
				json_integer((json_int_t)rep->comment_ids[i]));
		json_object_set_new(out->body, "comment_ids", ids);
		hd_info("chat.ingested",
			"chat_id=\"%s\" ticket=%llu result=%s "
			"trace=%s",
			tr.chat_id, (unsigned long long)rep->ticket->id,
			json_string_value(json_object_get(out->body, "result")),
			r->trace);
	}
	hd__channel_reply__free_unpacked(rep, NULL);
	if (tr.visitor_name != protobuf_c_empty_string)
		free(tr.visitor_name);
	free(msgs);
	free(tr.messages);
	json_decref(root);
	return rc;
}

const gw_route gw_chat_routes[] = {
	{"POST", "/api/v2/hd/channels/chat", chat_create, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
