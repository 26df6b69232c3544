/* Proposals: anyone with an account proposes a new card or an edit; the
 * card's owner or verifier (any agent or admin, for a new card) accepts or
 * rejects it. Accepting applies the text as the proposer's edit, so a
 * verified card needs verification again (cards.h). */
#include "cards.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PROPOSALS 1000 /* per list reply */

typedef struct prop_job {
	kb_cards *c;
	const hd_rpc_req *req;
	hd_rpc_rep *rep;
	Hd__CardRequest *q;
	Hd__CardProposal *prop; /* afterwards */
	Hd__Card *card;
} prop_job;

static int propose_write(hd_txn *t, void *arg)
{
	prop_job *j = arg;
	Hd__CardProposal *p = j->q->proposal;
	Hd__Card *card = NULL;
	int rc = p->card_id ? kb_card_get(t, j->c, p->card_id, &card) : HD_OK;
	if (rc == HD_E_NOTFOUND)
		rc = hd_rpc_fail(j->rep, rc, NULL, "no such card");
	if (!rc)
		rc = hd_txn_next_id(t, j->c->meta, "next_proposal", &p->id);
	if (!rc && hd_pb_set_string(&p->state, "pending"))
		rc = HD_E_NOMEM;
	if (!rc) {
		p->author_id = j->req->principal.user_id;
		p->created_at = hd_now_ms();
		p->decided_by = 0;
		p->decided_at = 0;
		p->base_version = card ? card->version : 0;
		rc = kb_card_proposal_put(t, j->c, p);
	}
	hd__card__free_unpacked(card, NULL);
	return rc ? rc : t->rc;
}

int kb_cards_propose(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	if (!kb_account(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "proposals need an account");
	Hd__CardRequest *q = kb_card_request(req, rep);
	if (!q)
		return HD_E_DECODE;
	Hd__CardProposal *p = q->proposal;
	int rc = p ? HD_OK
		   : hd_rpc_fail(rep, HD_E_INVALID, "proposal",
				 "proposal: is required");
	/* A new card needs its title and content; an edit changes either. */
	if (!rc)
		rc = kb_card_check_text(
			p->title[0] || !p->card_id ? p->title : NULL,
			p->content[0] || !p->card_id ? p->content : NULL,
			p->collection, !p->card_id, rep);
	if (!rc && p->card_id && !p->title[0] && !p->content[0])
		rc = hd_rpc_fail(rep, HD_E_INVALID, "content",
				 "content: an edit must change the title or "
				 "the content");
	prop_job j = {c, req, rep, q, NULL, NULL};
	if (!rc)
		rc = hd_store_write(c->store, propose_write, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, p);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}

/* May the caller decide on proposals for card (NULL: a new card)? */
static bool decider(hd_txn *t, const kb_cards *c, const Hd__Card *card,
		    const hd_rpc_req *req)
{
	if (!kb_staff(&req->principal))
		return false;
	return !card || card->owner_id == req->principal.user_id ||
	       kb_card_is_verifier(t, c, card, &req->principal);
}

/* Accept: the proposal's text becomes the card's next version (or a new
 * card the decider owns and verifies). */
static int accept(hd_txn *t, prop_job *j, Hd__CardProposal *p, Hd__Card **cardp)
{
	Hd__Card *card = *cardp;
	int rc = HD_OK;
	if (!card) {
		card = *cardp = hd_pb_new(&hd__card__descriptor);
		if (!card)
			return HD_E_NOMEM;
		rc = hd_txn_next_id(t, j->c->meta, "next_card", &card->id);
		card->created_at = hd_now_ms();
		card->owner_id = j->req->principal.user_id;
		card->verifier_user_id = j->req->principal.user_id;
		card->verification_interval_days = KB_CARD_DEFAULT_DAYS;
		p->card_id = card->id;
	}
	int64_t old_due = kb_card_due(card);
	kb_card_text text = {
		.title = p->title[0] ? p->title : NULL,
		.content = p->content[0] ? p->content : NULL,
		.collection = p->collection[0] ? p->collection : NULL,
		.author_id = p->author_id,
		.author_verifies = card->verifier_user_id &&
				   card->verifier_user_id == p->author_id,
		.reason = "proposal",
		.proposal_id = p->id,
	};
	if (!rc)
		rc = kb_card_edit(t, j->c, card, &text);
	return rc ? rc : kb_card_put(t, j->c, old_due, card);
}

static int decide_write(hd_txn *t, void *arg)
{
	prop_job *j = arg;
	Hd__CardProposal *p = NULL;
	Hd__Card *card = NULL;
	int rc = kb_card_proposal_get(t, j->c, j->q->proposal_id, &p);
	if (!rc && j->q->id && p->card_id != j->q->id)
		rc = HD_E_NOTFOUND; /* the path names another card */
	if (!rc && p->card_id)
		rc = kb_card_get(t, j->c, p->card_id, &card);
	if (rc == HD_E_NOTFOUND)
		rc = hd_rpc_fail(j->rep, rc, NULL, "no such proposal");
	else if (!rc && !decider(t, j->c, card, j->req))
		rc = hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				 "only the card's owner or verifier may "
				 "decide on its proposals");
	else if (!rc && strcmp(p->state, "pending") != 0)
		rc = hd_rpc_fail(j->rep, HD_E_CONFLICT, NULL,
				 "the proposal was already %s", p->state);
	if (!rc && j->q->accept)
		rc = accept(t, j, p, &card);
	if (!rc)
		rc = hd_pb_set_string(&p->state,
				      j->q->accept ? "accepted" : "rejected");
	if (!rc) {
		p->decided_by = j->req->principal.user_id;
		p->decided_at = hd_now_ms();
		rc = kb_card_proposal_put(t, j->c, p);
	}
	j->prop = p;
	j->card = card;
	return rc ? rc : t->rc;
}

int kb_cards_proposal_decide(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc = kb_deny_unless_staff(req, rep);
	Hd__CardRequest *q = rc ? NULL : kb_card_request(req, rep);
	if (!q)
		return rc ? rc : HD_E_DECODE;
	prop_job j = {c, req, rep, q, NULL, NULL};
	rc = hd_store_write(c->store, decide_write, &j);
	if (!rc) {
		Hd__CardProposalDecision d = HD__CARD_PROPOSAL_DECISION__INIT;
		d.proposal = j.prop;
		d.card = j.q->accept ? j.card : NULL;
		rc = hd_pb_pack(&rep->payload, &d);
	}
	hd__card_proposal__free_unpacked(j.prop, NULL);
	hd__card__free_unpacked(j.card, NULL);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}

typedef struct proposal_filter {
	const Hd__CardRequest *q;
	const char *state;
	Hd__CardProposalList *l;
} proposal_filter;

static int proposal_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	proposal_filter *f = arg;
	if (f->l->n_proposals >= MAX_PROPOSALS)
		return HD_STOP;
	Hd__CardProposal *p =
		hd__card_proposal__unpack(NULL, v->mv_size, v->mv_data);
	if (!p)
		return HD_E_CORRUPT;
	if ((!f->q->id || p->card_id == f->q->id) &&
	    (!strcmp(f->state, "any") || !strcmp(p->state, f->state))) {
		f->l->proposals[f->l->n_proposals++] = p;
		p = NULL;
	}
	hd__card_proposal__free_unpacked(p, NULL);
	return HD_OK;
}

/* Pending proposals, of one card (q->id) or all; q->state overrides
 * "pending" ("any": every state). */
static int scan(hd_txn *t, kb_cards *c, const Hd__CardRequest *q, void *list)
{
	Hd__CardProposalList *l = list;
	if (!(l->proposals = calloc(MAX_PROPOSALS, sizeof(void *))))
		return HD_E_NOMEM;
	proposal_filter f = {q, q->state[0] ? q->state : "pending", l};
	return hd_txn_foreach(t, c->proposals, NULL, 0, proposal_one, &f);
}

int kb_cards_proposals_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__CardProposalList l = HD__CARD_PROPOSAL_LIST__INIT;
	return kb_cards_list_rpc(((kb *)ctx)->cards, req, rep, scan, &l.base);
}
