/* The placeholder context of a ticket, from the copies kept from intake's
 * events: {"ticket":{id, title, subject, description, status, priority,
 * requester{…}, assignee{…}, …}}. The one context every template and
 * webhook body is rendered against. */
#include "notifications.h"

#include "hd/err.h"

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
	return json_pack("{s:o}", "ticket", tj);
}
