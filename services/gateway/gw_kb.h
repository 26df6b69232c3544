/* The gateway's knowledge-card and macro endpoints, internal interface
 * (cards*.c, macros*.c). Both live in knowledge (g->peers[1]); the gateway
 * adds what knowledge cannot know: the caller's groups (from intake's
 * directory) and, for macros, the ticket and people a macro renders. */
#ifndef GW_KB_H
#define GW_KB_H

#include "cards.pb-c.h"
#include "gw_shared.h"
#include "macros.pb-c.h"

/* The caller's groups are not passed along: knowledge keeps its own copy of
 * the memberships from intake's events (services/knowledge/kb_members.c). */
/* The k-th segment of the path ("/api/v2/hd/cards/5" → k=4 is 5) as an
 * id; 404 when it is not one. */
int gw_path_id(gw_req *r, unsigned k, uint64_t *id, gw_resp *out);
/* text HTML-escaped, through the one placeholder renderer; new string. */
char *gw_html_escape(const char *text);

/* cards_json.c: objects (new references) and the card input. */
json_t *gw_card_json(const gw_req *r, const Hd__Card *c);
json_t *gw_card_version_json(const Hd__CardVersion *v);
json_t *gw_card_proposal_json(const gw_req *r, const Hd__CardProposal *p);
/* Overlay the JSON "card" object onto w->card, naming given fields in
 * w->fields (strings borrowed from obj; release with
 * gw_card_input_release). 422 naming the field. */
int gw_card_read(json_t *obj, Hd__CardWrite *w, gw_resp *out);
void gw_card_input_release(Hd__CardWrite *w);

/* cards_proposals.c */
int gw_cards_propose(gw *g, gw_req *r, gw_resp *out);
int gw_cards_propose_edit(gw *g, gw_req *r, gw_resp *out);
int gw_cards_proposals(gw *g, gw_req *r, gw_resp *out);
int gw_cards_card_proposals(gw *g, gw_req *r, gw_resp *out);
int gw_cards_accept(gw *g, gw_req *r, gw_resp *out);
int gw_cards_reject(gw *g, gw_req *r, gw_resp *out);
int gw_cards_card_accept(gw *g, gw_req *r, gw_resp *out);
int gw_cards_card_reject(gw *g, gw_req *r, gw_resp *out);

/* cards_versions.c */
int gw_cards_versions(gw *g, gw_req *r, gw_resp *out);
int gw_cards_version(gw *g, gw_req *r, gw_resp *out);
int gw_cards_diff(gw *g, gw_req *r, gw_resp *out);
int gw_cards_restore(gw *g, gw_req *r, gw_resp *out);

/* macros_json.c: the Zendesk macro object, with the usage_* counts whose
 * GW_USAGE_* bits are set (the ?include= sideloads), and its input. */
enum { GW_USAGE_1H = 1, GW_USAGE_24H = 2, GW_USAGE_7D = 4, GW_USAGE_30D = 8 };
json_t *gw_macro_json(const gw_req *r, const Hd__Macro *m, unsigned usage);
/* Overlay the JSON "macro" object onto m (create: from INIT; update: a
 * copy of the stored one). Strings are malloc'd into in; release after
 * packing. 422 naming the field. */
typedef struct gw_macro_input {
	Hd__MacroAction *actions;
	Hd__MacroAction **ptrs;
	Hd__RuleValue **values; /* heap, one per action */
	size_t nvalues;
	uint64_t *ids;
} gw_macro_input;
int gw_macro_read(json_t *obj, gw_macro_input *in, Hd__Macro *m, gw_resp *out);
void gw_macro_input_release(gw_macro_input *in);

/* macros_apply.c: the apply endpoints. */
int gw_macros_apply(gw *g, gw_req *r, gw_resp *out);
int gw_tickets_macro_apply(gw *g, gw_req *r, gw_resp *out);
/* macros_actions.c: GET /macros/actions, the action builder's fields. */
int gw_macros_actions(gw *g, gw_req *r, gw_resp *out);
/* macros_from_ticket.c */
int gw_macros_from_ticket(gw *g, gw_req *r, gw_resp *out);
/* macros.c: one macros.* call with the caller's groups filled in. */
int gw_macro_call(gw *g, gw_req *r, const char *method, Hd__MacroRequest *q,
		  const ProtobufCMessageDescriptor *desc, void **reply,
		  gw_resp *out);

#endif
