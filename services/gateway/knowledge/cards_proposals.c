/* Card proposals over HTTP: any account proposes a new card
 * (POST /api/v2/hd/cards/proposals) or an edit (POST …/cards/{id}/proposals);
 * the owner or verifier accepts or rejects (…/proposals/{pid}/accept|reject,
 * with or without the card in the path); agents list pending ones. */
#include "gw_kb.h"

#include "hd/err.h"

#include <string.h>

#define PROPOSAL_SEGMENT 6 /* /api/v2/hd/cards/{id}/proposals/{pid} */

static int propose(gw *g, gw_req *r, uint64_t card_id, gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardProposal p = HD__CARD_PROPOSAL__INIT, *saved = NULL;
	Hd__CardWrite w = HD__CARD_WRITE__INIT;
	Hd__Card in = HD__CARD__INIT;
	w.card = &in;
	p.card_id = card_id;
	q.proposal = &p;
	int rc = gw_req_object(r, out, "proposal", &root, &obj);
	if (!rc)
		rc = gw_card_read(obj, &w,
				  out); /* title, content, collection */
	if (!rc) {
		p.title = in.title;
		p.content = in.content;
		p.collection = in.collection;
		rc = gw_call(g, KNOWLEDGE(g), r, "cards.propose", &q,
			     &hd__card_proposal__descriptor, (void **)&saved,
			     out);
	}
	if (!rc) {
		gw_reply_one(out, 201, "proposal",
			     gw_card_proposal_json(r, saved));
		gw_reply_location(r, out, 201, "hd/cards/proposals", saved->id);
	}
	hd__card_proposal__free_unpacked(saved, NULL);
	gw_card_input_release(&w);
	json_decref(root);
	return rc;
}

int gw_cards_propose(gw *g, gw_req *r, gw_resp *out)
{
	return propose(g, r, 0, out);
}

int gw_cards_propose_edit(gw *g, gw_req *r, gw_resp *out)
{
	return propose(g, r, r->id, out);
}

static int list(gw *g, gw_req *r, uint64_t card_id, gw_resp *out)
{
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardProposalList *l = NULL;
	const char *state = gw_query(r, "state");
	static const char *const states[] = {"pending", "accepted", "rejected",
					     "any", NULL};
	size_t i = 0;
	while (state && states[i] && strcmp(state, states[i]) != 0)
		i++;
	if (state && !states[i])
		return gw_error(out, 400, "InvalidParameter",
				"state: is not a valid value");
	q.id = card_id;
	q.state = state ? (char *)states[i] : "";
	int rc = gw_call(g, KNOWLEDGE(g), r, "cards.proposals", &q,
			 &hd__card_proposal_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (i = 0; i < l->n_proposals; i++)
		json_array_append_new(
			arr, gw_card_proposal_json(r, l->proposals[i]));
	gw_reply_one(out, 200, "proposals", arr);
	json_object_set_new(out->body, "count",
			    json_integer((json_int_t)l->n_proposals));
	hd__card_proposal_list__free_unpacked(l, NULL);
	return HD_OK;
}

int gw_cards_proposals(gw *g, gw_req *r, gw_resp *out)
{
	return list(g, r, 0, out);
}

int gw_cards_card_proposals(gw *g, gw_req *r, gw_resp *out)
{
	return list(g, r, r->id, out);
}

static int decide(gw *g, gw_req *r, uint64_t card_id, uint64_t pid, bool accept,
		  gw_resp *out)
{
	Hd__CardRequest q = HD__CARD_REQUEST__INIT;
	Hd__CardProposalDecision *d = NULL;
	q.id = card_id;
	q.proposal_id = pid;
	q.accept = accept;
	int rc = gw_call(g, KNOWLEDGE(g), r, "cards.decide", &q,
			 &hd__card_proposal_decision__descriptor, (void **)&d,
			 out);
	if (rc)
		return rc;
	gw_reply_one(out, 200, "proposal",
		     gw_card_proposal_json(r, d->proposal));
	json_object_set_new(out->body, "card",
			    d->card ? gw_card_json(r, d->card) : json_null());
	hd__card_proposal_decision__free_unpacked(d, NULL);
	return HD_OK;
}

int gw_cards_accept(gw *g, gw_req *r, gw_resp *out)
{
	return decide(g, r, 0, r->id, true, out);
}

int gw_cards_reject(gw *g, gw_req *r, gw_resp *out)
{
	return decide(g, r, 0, r->id, false, out);
}

static int card_decide(gw *g, gw_req *r, bool accept, gw_resp *out)
{
	uint64_t pid = 0;
	int rc = gw_path_id(r, PROPOSAL_SEGMENT, &pid, out);
	return rc ? rc : decide(g, r, r->id, pid, accept, out);
}

int gw_cards_card_accept(gw *g, gw_req *r, gw_resp *out)
{
	return card_decide(g, r, true, out);
}

int gw_cards_card_reject(gw *g, gw_req *r, gw_resp *out)
{
	return card_decide(g, r, false, out);
}
