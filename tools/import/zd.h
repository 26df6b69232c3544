/* Zendesk's JSON records (as its API and exports return them) turned into
 * hd.Import* messages. Strings in the messages are borrowed from the JSON,
 * which must outlive them; arrays are malloc'd (zd_*_release frees them).
 * Ids of people and organizations are left as Zendesk's: the caller maps
 * them. Each function returns 0, or -1 with err naming the field. */
#ifndef IMP_ZD_H
#define IMP_ZD_H

#include "import.pb-c.h"

#include <jansson.h>
#include <stddef.h>

/* An ISO-8601 time ("2024-03-01T10:00:00Z", fractions and offsets
 * allowed) or null/missing (0) into ms. -1 when it is not a time. */
int zd_time(const json_t *v, int64_t *ms);

/* A ticket (without comments) whose Zendesk ids stay in the message
 * (requester_id … organization_id); *deleted when Zendesk's status is
 * "deleted" (the export lists deleted tickets too). */
int zd_ticket(json_t *o, Hd__ImportTicket *t, int *deleted, char *err,
	      size_t cap);
void zd_ticket_release(Hd__ImportTicket *t);
/* One comment (author_id stays Zendesk's). */
int zd_comment(json_t *o, Hd__ImportComment *c, char *err, size_t cap);
/* A user; *zd_org gets its Zendesk organization_id. */
int zd_user(json_t *o, Hd__ImportUser *iu, Hd__User *u, char *err, size_t cap);
int zd_org(json_t *o, Hd__ImportOrganization *io, Hd__Organization *org,
	   char *err, size_t cap);
/* Free the arrays zd_user / zd_org allocated. */
void zd_user_release(Hd__User *u);
void zd_org_release(Hd__Organization *o);
/* A positive integer id under key ("id", "ticket_id"), or 0. */
uint64_t zd_id(const json_t *o, const char *key);

#endif
