/* Zendesk's request object: the ticket object (gw_ticket_json) cut down to
 * what an end-user may see, with its own url, the custom fields filtered to
 * the portal-visible ones, and can_be_solved_by_me / solved added. */
#include "gw_requests.h"

#include "hd/err.h"
#include "hd/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gw_portal_fields_load(gw *g, gw_req *r, gw_portal_fields *pf, gw_resp *out)
{
	pf->list = NULL;
	return gw_call(g, g->intake[0], r, "fields.list", NULL,
		       &hd__ticket_field_list__descriptor, (void **)&pf->list,
		       out);
}

void gw_portal_fields_free(gw_portal_fields *pf)
{
	hd__ticket_field_list__free_unpacked(pf->list, NULL);
	pf->list = NULL;
}

const Hd__TicketField *gw_portal_field(const gw_portal_fields *pf, uint64_t id)
{
	for (size_t i = 0; pf->list && i < pf->list->n_fields; i++)
		if (pf->list->fields[i]->id == id)
			return pf->list->fields[i];
	return NULL;
}

bool gw_request_solvable(const gw_req *r, const Hd__Ticket *tk)
{
	return tk->requester_id == r->who.user_id && tk->assignee_id &&
	       !hd_ticket_solved_str(tk->status);
}

/* [{id,value}…] keeping only the fields end-users see. */
static json_t *visible_fields(json_t *all, const gw_portal_fields *pf)
{
	json_t *kept = json_array(), *x;
	size_t i;
	json_array_foreach(all, i, x)
	{
		json_t *id = json_object_get(x, "id");
		if (json_is_integer(id) &&
		    gw_portal_field(pf, (uint64_t)json_integer_value(id)))
			json_array_append(kept, x);
	}
	return kept;
}

/* The request object's keys, in Zendesk's order, taken from the ticket. */
static const char *const from_ticket[] = {"id",
					  "status",
					  "priority",
					  "type",
					  "subject",
					  "description",
					  "organization_id",
					  "via",
					  "requester_id",
					  "collaborator_ids",
					  "email_cc_ids",
					  "is_public",
					  "due_at",
					  "created_at",
					  "updated_at",
					  "recipient",
					  "assignee_id",
					  "group_id",
					  "ticket_form_id",
					  "custom_status_id",
					  NULL};

json_t *gw_request_json(const gw_req *r, const Hd__Ticket *tk, void *pf)
{
	json_t *t = gw_ticket_json(r, tk);
	json_t *o = json_object();
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/requests/%llu.json", r->base_url,
		 (unsigned long long)tk->id);
	json_object_set_new(o, "url", json_string(url));
	for (size_t i = 0; from_ticket[i]; i++)
		json_object_set(o, from_ticket[i],
				json_object_get(t, from_ticket[i]));
	json_t *cf = visible_fields(json_object_get(t, "custom_fields"), pf);
	json_object_set_new(o, "custom_fields", cf);
	json_object_set(o, "fields", cf);
	json_object_set_new(o, "can_be_solved_by_me",
			    json_boolean(gw_request_solvable(r, tk)));
	json_object_set_new(o, "solved",
			    json_boolean(hd_ticket_solved_str(tk->status)));
	json_object_set_new(o, "followup_source_id", json_null());
	json_decref(t);
	return o;
}
