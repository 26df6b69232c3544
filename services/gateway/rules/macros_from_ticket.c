/* POST /api/v2/hd/macros/from_ticket/{id}: propose a macro from the last
 * public reply an agent wrote on a solved (or closed) ticket. The
 * requester's name and first name, the agent's name and the ticket id are
 * replaced by {{ticket.requester.name}}, {{ticket.requester.first_name}},
 * {{current_user.name}} and {{ticket.id}}; the macro is saved inactive and
 * marked review_required for an admin to edit and activate. */
#include "gw_kb.h"
#include "gw_tickets.h"

#include "hd/err.h"
#include "hd/text.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPLY    ((size_t)256 << 10)
#define MAX_COMMENTS 100 /* newest first; older replies are not searched */
#define MAX_AUTHORS  20  /* author look-ups per request */

static bool ascii_alnum(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= 'A' && ch <= 'Z');
}

/* Append s to out with every `from` replaced by `to` where it starts a
 * word — not right after a letter or digit of any script ("이" stays in
 * "환불이") — and is not followed by an ASCII letter or digit ("Ann" stays
 * in "Annual"; Korean particles such as 님 may follow a name). */
static int replace(hd_buf *out, const char *s, const char *from, const char *to)
{
	size_t n = strlen(from);
	const char *p = s;
	while (n && *p) {
		const char *hit = strstr(p, from);
		if (!hit)
			break;
		bool whole = (hit == s || (!ascii_alnum(hit[-1]) &&
					   !((unsigned char)hit[-1] & 0x80))) &&
			     !ascii_alnum(hit[n]);
		int rc = hd_buf_append(out, p, (size_t)(hit - p));
		rc = rc ? rc : hd_buf_puts(out, whole ? to : from);
		if (rc)
			return rc;
		p = hit + n;
	}
	return hd_buf_puts(out, p);
}

/* body with each (from, to) pair replaced in order; new string or NULL. */
static char *templatize(const char *body, const char *const pairs[][2],
			size_t npairs, const char *ticket_id)
{
	char *cur = strdup(body);
	for (size_t i = 0; cur && i <= npairs; i++) {
		bool last = i == npairs;
		const char *from = last ? ticket_id : pairs[i][0];
		if (!from || !from[0])
			continue;
		hd_buf b;
		hd_buf_init(&b, MAX_REPLY * 4);
		int rc = replace(&b, cur, from,
				 last ? "{{ticket.id}}" : pairs[i][1]);
		free(cur);
		cur = rc ? NULL : hd_buf_detach(&b, NULL);
		hd_buf_release(&b);
		if (!rc && !cur)
			cur = strdup("");
	}
	return cur;
}

static Hd__User *user(gw *g, gw_req *r, uint64_t id)
{
	Hd__IdRequest q = HD__ID_REQUEST__INIT;
	Hd__User *u = NULL;
	gw_resp scratch = {0};
	q.id = id;
	if (id)
		gw_call(g, g->intake[0], r, "users.get", &q,
			&hd__user__descriptor, (void **)&u, &scratch);
	json_decref(scratch.body);
	return u;
}

static bool staff_user(const Hd__User *u)
{
	return u && hd_role_is_agent_str(u->role);
}

/* The newest public comment by an agent or admin, and its author. */
static int last_reply(gw *g, gw_req *r, hd_rpc_client *c, Hd__CommentList **l,
		      const Hd__Comment **reply, Hd__User **agent, gw_resp *out)
{
	Hd__TicketChildRequest q = HD__TICKET_CHILD_REQUEST__INIT;
	q.ticket_id = r->id;
	q.desc = 1;
	q.limit = MAX_COMMENTS;
	int rc = gw_call(g, c, r, "tickets.comments", &q,
			 &hd__comment_list__descriptor, (void **)l, out);
	unsigned looked = 0;
	for (size_t i = 0; !rc && i < (*l)->n_comments && !*reply; i++) {
		const Hd__Comment *cm = (*l)->comments[i];
		if (!cm->public_ || looked++ >= MAX_AUTHORS)
			continue;
		Hd__User *u = user(g, r, cm->author_id);
		if (staff_user(u)) {
			*reply = cm;
			*agent = u;
		} else {
			hd__user__free_unpacked(u, NULL);
		}
	}
	if (!rc && !*reply)
		rc = gw_invalid(out, "comment",
				"comment: the ticket has no public reply by "
				"an agent");
	return rc;
}

static char *first_word(const char *name)
{
	size_t n = strcspn(name, " ");
	/* A one-word name is already replaced as the full name. */
	return name[n] ? strndup(name, n) : strdup("");
}

static int save(gw *g, gw_req *r, const Hd__Ticket *tk, const char *body,
		gw_resp *out)
{
	char title[600];
	snprintf(title, sizeof title, "Ticket #%llu: %.500s",
		 (unsigned long long)tk->id, tk->subject);
	Hd__RuleValue value = HD__RULE_VALUE__INIT;
	value.kind = HD__RULE_VALUE__KIND__VALUE_TEXT;
	value.text = (char *)(body ? body : "");
	Hd__MacroAction a = HD__MACRO_ACTION__INIT, *ap = &a;
	Hd__Macro m = HD__MACRO__INIT, *saved = NULL;
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	a.field = "comment_value";
	a.value = &value;
	m.title = title;
	m.actions = &ap;
	m.n_actions = 1;
	m.review = 1;
	m.source_ticket_id = tk->id;
	q.macro = &m;
	int rc = body && hd_utf8_valid(body, strlen(body))
			 ? gw_macro_call(g, r, "macros.save", &q,
					 &hd__macro__descriptor,
					 (void **)&saved, out)
			 : gw_from_err(out, HD_E_INVALID,
				       "the reply is not valid text");
	if (!rc) {
		gw_reply_one(out, 201, "macro", gw_macro_json(r, saved, 0));
		gw_reply_location(r, out, 201, "macros", saved->id);
	}
	hd__macro__free_unpacked(saved, NULL);
	return rc;
}

int gw_macros_from_ticket(gw *g, gw_req *r, gw_resp *out)
{
	Hd__TicketGetRequest gr = HD__TICKET_GET_REQUEST__INIT;
	Hd__Ticket *tk = NULL;
	Hd__CommentList *l = NULL;
	const Hd__Comment *reply = NULL;
	Hd__User *agent = NULL, *requester = NULL;
	char *first = NULL, *body = NULL;
	hd_rpc_client *c = gw_ticket_shard(g, r->id);
	gr.id = r->id;
	int rc = !hd_role_is_agent(r->who.role)
			 ? gw_from_err(out, HD_E_FORBIDDEN,
				       "Macros are for agents and admins")
		 : c ? gw_call(g, c, r, "tickets.get", &gr,
			       &hd__ticket__descriptor, (void **)&tk, out)
		     : gw_from_err(out, HD_E_NOTFOUND, "Not found");
	if (!rc && !hd_ticket_solved_str(tk->status))
		rc = gw_invalid(out, "status",
				"status: only a solved ticket can become a "
				"macro");
	if (!rc)
		rc = last_reply(g, r, c, &l, &reply, &agent, out);
	if (!rc) {
		requester = user(g, r, tk->requester_id);
		const char *rname = requester ? requester->name : "";
		first = first_word(rname);
		char id[24];
		snprintf(id, sizeof id, "%llu", (unsigned long long)tk->id);
		const char *const pairs[][2] = {
			{rname, "{{ticket.requester.name}}"},
			{first, "{{ticket.requester.first_name}}"},
			{agent->name, "{{current_user.name}}"}};
		body = templatize(reply->body, pairs, 3, id);
		rc = body ? save(g, r, tk, body, out)
			  : gw_from_err(out, HD_E_NOMEM, "out of memory");
	}
	free(body);
	free(first);
	hd__user__free_unpacked(requester, NULL);
	hd__user__free_unpacked(agent, NULL);
	hd__comment_list__free_unpacked(l, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}
