/* Zendesk's "ticket" object to an hd.TicketPatch (proto/ticket.proto), and
 * the small builders internal writers use to make patches without JSON. The
 * one table of ticket keys lives in ticket_patch.c: it checks JSON types
 * only; intake checks the values. Any thread; no state. */
#ifndef HD_TICKET_PATCH_H
#define HD_TICKET_PATCH_H

#include "ticket.pb-c.h"

#include <jansson.h>
#include <stdbool.h>

/* Why a "ticket" object was refused: Zendesk's field and message. */
typedef struct hd_patch_err {
	char field[64];
	char message[200];
} hd_patch_err;

/* A fresh, empty patch on the heap (free with hd_ticket_patch_free), or
 * NULL when out of memory. */
Hd__TicketPatch *hd_ticket_patch_new(void);
void hd_ticket_patch_free(Hd__TicketPatch *p);

/* Fill p (from hd_ticket_patch_new) from the "ticket" object obj; keys the
 * table does not know go to p->unpermitted. HD_OK; HD_E_INVALID with err
 * naming the field whose JSON type is wrong; HD_E_NOMEM. */
int hd_ticket_patch_from_json(const json_t *obj, Hd__TicketPatch *p,
			      hd_patch_err *err);
/* A via object {channel, source {from, to, rel}} into *out (a fresh
 * hd_via_new). HD_E_INVALID with err naming "via"; HD_E_NOMEM. */
int hd_via_from_json(const json_t *v, Hd__Via *out, hd_patch_err *err);

/* Mark name set in p (once). HD_OK, HD_E_NOMEM. */
int hd_patch_mark(Hd__TicketPatch *p, const char *name);
/* Was name set in p? */
bool hd_patch_has(const Hd__TicketPatch *p, const char *name);
/* Set a string member and mark it: HD_OK, HD_E_NOMEM. */
int hd_patch_str(Hd__TicketPatch *p, const char *name, char **member,
		 const char *value);
/* Append tags (copies) to p->tags and mark "tags". */
int hd_patch_add_tag(Hd__TicketPatch *p, const char *tag);
/* p->comment, created on first use and "comment" marked; NULL: no memory. */
Hd__PatchComment *hd_patch_comment(Hd__TicketPatch *p);
/* A fresh via (source parties allocated, channel unset) or NULL. */
Hd__Via *hd_via_new(void);
/* Put key (one of ViaParty's) with value into party: name the key in
 * fields. HD_OK, HD_E_NOMEM. */
int hd_via_party_set(Hd__ViaParty *party, const char *key, const char *value);

/* Name a source key (from, to, rel) of v as given; sets has_source. */
int hd_via_mark(Hd__Via *v, const char *key);
/* The source of via as a JSON object (new reference, NULL: no memory). */
json_t *hd_via_source_json(const Hd__Via *via);
/* The source of via as compact JSON text, as a record written before the
 * typed via kept it; malloc'd, NULL when out of memory. */
char *hd_via_source_text(const Hd__Via *via);

#endif
