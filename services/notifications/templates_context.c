/* The placeholder context of a ticket, from the copies kept from intake's
 * events: {"ticket":{id, title, subject, description, status, priority,
 * requester{…}, assignee{…}, url, link, …}}. The one context every template and
 * webhook body is rendered against. */
#include "notifications.h"

#include "hd/err.h"

#include <stdio.h>
#include <string.h>

/* HD_PUBLIC_URL may end in '/'; the path starts with one. */
void notify_public_link(notify *n, const char *path, const char *token,
			char *out, size_t cap)
{
	const char *pub = n->cfg.public_url ? n->cfg.public_url : "";
	size_t base = strlen(pub);
	while (base && pub[base - 1] == '/')
		base--;
	snprintf(out, cap, "%.*s%s%s", (int)base, pub, path, token);
}

static json_t *user_json(notify *n, hd_txn *t, uint64_t id)
{
	Hd__User *u = NULL;
	if (!id || notify_get_pb_u64(t, n->users, id, &hd__user__descriptor,
				     (void **)&u))
		return json_object();
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id,
			      "name", u->name, "email", u->email, "locale",
			      u->locale, "role", u->role);
	hd__user__free_unpacked(u, NULL);
	return o ? o : json_object();
}

json_t *notify_ticket_context(notify *n, hd_txn *t, uint64_t ticket_id)
{
	Hd__Ticket *tk = NULL;
	json_t *tj = NULL;
	if (notify_get_pb_u64(t, n->tickets, ticket_id, &hd__ticket__descriptor,
			      (void **)&tk) == HD_OK) {
		tj = json_pack(
			"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
			"id", (json_int_t)tk->id, "title", tk->subject,
			"subject", tk->subject, "description", tk->description,
			"status", tk->status, "priority", tk->priority, "via",
			tk->via_channel, "requester_id",
			(json_int_t)tk->requester_id, "assignee_id",
			(json_int_t)tk->assignee_id, "group_id",
			(json_int_t)tk->group_id);
		if (tj) {
			json_t *tags = json_array();
			for (size_t i = 0; i < tk->n_tags; i++)
				json_array_append_new(tags,
						      json_string(tk->tags[i]));
			json_object_set_new(tj, "tags", tags);
			json_object_set_new(tj, "requester",
					    user_json(n, t, tk->requester_id));
			json_object_set_new(tj, "assignee",
					    user_json(n, t, tk->assignee_id));
		}
		hd__ticket__free_unpacked(tk, NULL);
	}
	if (!tj)
		tj = json_pack("{s:I}", "id", (json_int_t)ticket_id);
	/* Zendesk's {{ticket.url}} and {{ticket.link}}: the ticket in the
	 * workspace, absolute under HD_PUBLIC_URL (never a bare host). */
	char id[24], link[700];
	snprintf(id, sizeof id, "%llu", (unsigned long long)ticket_id);
	notify_public_link(n, "/agent/#/tickets/", id, link, sizeof link);
	if (tj) {
		json_object_set_new(tj, "url", json_string(link));
		json_object_set_new(tj, "link", json_string(link));
	}
	return json_pack("{s:o}", "ticket", tj);
}
