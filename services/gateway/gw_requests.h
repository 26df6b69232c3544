/* The Requests API (Zendesk's end-user view of a ticket; API.md §2 through
 * the end-user's eyes): requests.c answers the endpoints, requests_json.c
 * renders the request object. Built on the ticket RPCs: every call runs as
 * the caller downgraded to an end-user ("admins and agents are treated as
 * end users when using the Requests endpoint"), so intake itself limits
 * what is seen to the caller's own tickets, public comments and the portal
 * field rules. Nothing here keeps state between requests. */
#ifndef GW_REQUESTS_H
#define GW_REQUESTS_H

#include "field.pb-c.h"
#include "gw_tickets.h"

#include <stdbool.h>

/* The ticket fields an end-user sees (visible_in_portal and active), from
 * fields.list asked as an end-user. */
typedef struct gw_portal_fields {
	Hd__TicketFieldList
		*list; /* owned; release with gw_portal_fields_free */
} gw_portal_fields;

int gw_portal_fields_load(gw *g, gw_req *r, gw_portal_fields *pf, gw_resp *out);
void gw_portal_fields_free(gw_portal_fields *pf);
/* The visible field with this id, or NULL. */
const Hd__TicketField *gw_portal_field(const gw_portal_fields *pf, uint64_t id);

/* May the caller (r->who) mark tk solved? The requester, once an agent is
 * assigned, while it is neither solved nor closed. */
bool gw_request_solvable(const gw_req *r, const Hd__Ticket *tk);

/* The Zendesk request object for tk; pf (a gw_portal_fields *) keeps only
 * the custom fields end-users see. New reference. */
json_t *gw_request_json(const gw_req *r, const Hd__Ticket *tk, void *pf);

/* requests.c: a key for the client's address; and the per-address limit of
 * anonymous callers (HD_ANON_RATE_LIMIT a minute), counted separately per
 * purpose (any constant): HD_OK, or a 429 with Retry-After in out. */
uint64_t gw_client_ip_key(gw_req *r);
int gw_anon_rate(gw *g, gw_req *r, uint64_t purpose, gw_resp *out);

/* requests.c: POST /api/v2/requests for a caller whose r->body holds the
 * JSON {"request":{…}} (the customers' request form, portal_form.c, files
 * through it so every rule of the API holds there too). */
int gw_request_create(gw *g, gw_req *r, gw_resp *out);

/* requests.c */
extern const gw_route gw_request_routes[];

#endif
