/* knowledge's cards.* RPCs for the card itself: save (create/update), get,
 * list, delete, verify. Versions and proposals are in their own files. */
#include "cards.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

#define DAY_MS        (24LL * 3600 * 1000)
#define MAX_LIST_PAGE 100

/* kb_card_get for an RPC: a missing card is answered "no such card". */
static int card_for(hd_txn *t, kb_cards *c, uint64_t id, hd_rpc_rep *rep,
		    Hd__Card **card)
{
	int rc = kb_card_get(t, c, id, card);
	return rc == HD_E_NOTFOUND ? hd_rpc_fail(rep, rc, NULL, "no such card")
				   : rc;
}

/* A card write's end: unless rc already failed, card is stored (its due
 * date moved from old_due) and kept in *kept for the reply; else freed. */
static int card_kept(hd_txn *t, kb_cards *c, int rc, int64_t old_due,
		     Hd__Card *card, Hd__Card **kept)
{
	if (!rc)
		rc = kb_card_put(t, c, old_due, card);
	if (rc)
		hd__card__free_unpacked(card, NULL);
	else
		*kept = card;
	return rc ? rc : t->rc;
}

static bool given(const Hd__CardWrite *w, const char *field)
{
	for (size_t i = 0; i < w->n_fields; i++)
		if (!strcmp(w->fields[i], field))
			return true;
	return false;
}

typedef struct save_job {
	kb_cards *c;
	const hd_rpc_req *req;
	hd_rpc_rep *rep;
	const Hd__CardWrite *w;
	Hd__Card *card; /* the stored card afterwards */
} save_job;

/* Owner, verifier and interval from the request onto card. */
static int set_meta(save_job *j, Hd__Card *card, bool create)
{
	const Hd__Card *in = j->w->card;
	bool verifier = create || given(j->w, "verifier");
	if (create || given(j->w, "owner_id"))
		card->owner_id =
			in->owner_id ? in->owner_id : j->req->principal.user_id;
	if (verifier &&
	    (create || in->verifier_user_id != card->verifier_user_id ||
	     in->verifier_group_id != card->verifier_group_id)) {
		card->verifier_user_id = in->verifier_user_id;
		card->verifier_group_id = in->verifier_group_id;
		if (!card->verifier_user_id && !card->verifier_group_id)
			card->verifier_user_id = card->owner_id;
		card->next_verification_at = 0;
		if (hd_pb_set_string(&card->state, KB_CARD_STATE_NEEDS))
			return HD_E_NOMEM;
	}
	if (create || given(j->w, "verification_interval_days")) {
		uint32_t days = in->verification_interval_days
					? in->verification_interval_days
					: KB_CARD_DEFAULT_DAYS;
		if (days > KB_CARD_MAX_DAYS)
			return hd_rpc_fail(j->rep, HD_E_INVALID,
					   "verification_interval_days",
					   "verification_interval_days: must "
					   "be between 1 and %d",
					   KB_CARD_MAX_DAYS);
		card->verification_interval_days = days;
		if (card->next_verification_at)
			card->next_verification_at =
				card->last_verified_at + days * DAY_MS;
	}
	return HD_OK;
}

static int save_write(hd_txn *t, void *arg)
{
	save_job *j = arg;
	const Hd__Card *in = j->w->card;
	Hd__Card *card = NULL;
	bool create = in->id == 0;
	int rc = create ? HD_OK : card_for(t, j->c, in->id, j->rep, &card);
	if (rc == HD_E_NOTFOUND)
		return rc;
	if (!rc && create && !(card = hd_pb_new(&hd__card__descriptor)))
		rc = HD_E_NOMEM;
	int64_t old_due = card ? kb_card_due(card) : 0;
	if (!rc && create) {
		rc = hd_txn_next_id(t, j->c->meta, "next_card", &card->id);
		card->created_at = hd_now_ms();
	}
	if (!rc)
		rc = set_meta(j, card, create);
	if (!rc) {
		kb_card_text text = {
			.title = create || given(j->w, "title") ? in->title
								: NULL,
			.content = create || given(j->w, "content")
					   ? in->content
					   : NULL,
			.collection = create || given(j->w, "collection")
					      ? in->collection
					      : NULL,
			.author_id = j->req->principal.user_id,
			.author_verifies = kb_card_is_verifier(
				t, j->c, card, &j->req->principal),
			.reason = create ? "created" : "edited",
		};
		rc = kb_card_edit(t, j->c, card, &text);
	}
	return card_kept(t, j->c, rc, old_due, card, &j->card);
}

static int cards_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc = kb_deny_unless_staff(req, rep);
	if (rc)
		return rc;
	Hd__CardWrite *w = hd__card_write__unpack(NULL, req->len, req->payload);
	if (!w || !w->card) {
		hd__card_write__free_unpacked(w, NULL);
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.CardWrite");
	}
	bool create = w->card->id == 0;
	rc = kb_card_check_text(
		create || given(w, "title") ? w->card->title : NULL,
		create || given(w, "content") ? w->card->content : NULL,
		w->card->collection, create, rep);
	save_job j = {c, req, rep, w, NULL};
	if (!rc)
		rc = hd_store_write(c->store, save_write, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, j.card);
	hd__card__free_unpacked(j.card, NULL);
	hd__card_write__free_unpacked(w, NULL);
	return rc;
}

static int read_card(kb_cards *c, uint64_t id, Hd__Card **card, hd_rpc_rep *rep)
{
	hd_txn t;
	int rc = hd_store_read(c->store, &t);
	if (!rc) {
		rc = card_for(&t, c, id, rep, card);
		hd_txn_end(&t);
	}
	return rc;
}

static int cards_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc = kb_deny_unless_staff(req, rep);
	Hd__CardRequest *q = rc ? NULL : kb_card_request(req, rep);
	Hd__Card *card = NULL;
	if (!q)
		return rc ? rc : HD_E_DECODE;
	rc = read_card(c, q->id, &card, rep);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, card);
	hd__card__free_unpacked(card, NULL);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}

static bool listed(const Hd__Card *card, const Hd__CardRequest *q)
{
	return (!q->state[0] || !strcmp(card->state, q->state)) &&
	       (!q->collection[0] || !strcmp(card->collection, q->collection));
}

typedef struct card_page {
	const Hd__CardRequest *q;
	Hd__CardList *l;
	uint32_t limit;
} card_page;

static int card_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	card_page *p = arg;
	Hd__Card *card = hd__card__unpack(NULL, v->mv_size, v->mv_data);
	if (!card)
		return HD_E_CORRUPT;
	if (listed(card, p->q) && p->l->count++ >= p->q->offset &&
	    p->l->n_cards < p->limit) {
		p->l->cards[p->l->n_cards++] = card;
		card = NULL;
	}
	hd__card__free_unpacked(card, NULL);
	return HD_OK;
}

/* Matching cards in id order: count them all, keep [offset, offset+limit). */
static int scan(hd_txn *t, kb_cards *c, const Hd__CardRequest *q, void *list)
{
	Hd__CardList *l = list;
	uint32_t limit = q->limit && q->limit <= MAX_LIST_PAGE ? q->limit
							       : MAX_LIST_PAGE;
	if (!(l->cards = calloc(limit, sizeof *l->cards)))
		return HD_E_NOMEM;
	card_page p = {q, l, limit};
	return hd_txn_foreach(t, c->cards, NULL, 0, card_one, &p);
}

static int cards_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__CardList l = HD__CARD_LIST__INIT;
	return kb_cards_list_rpc(((kb *)ctx)->cards, req, rep, scan, &l.base);
}

typedef struct card_job {
	kb_cards *c;
	const hd_rpc_req *req;
	hd_rpc_rep *rep;
	const Hd__CardRequest *q;
	Hd__Card *card; /* verify: the card afterwards */
} card_job;

static int delete_write(hd_txn *t, void *arg)
{
	card_job *j = arg;
	Hd__Card *card = NULL;
	int rc = card_for(t, j->c, j->q->id, j->rep, &card);
	if (!rc && card->owner_id != j->req->principal.user_id &&
	    j->req->principal.role != HD__USER_ROLE__ROLE_ADMIN)
		rc = hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				 "only the card's owner or an admin may "
				 "delete it");
	else if (!rc)
		rc = kb_card_del(t, j->c, card);
	hd__card__free_unpacked(card, NULL);
	return rc ? rc : t->rc;
}

static int verify_write(hd_txn *t, void *arg)
{
	card_job *j = arg;
	Hd__Card *card = NULL;
	int rc = card_for(t, j->c, j->q->id, j->rep, &card);
	if (!rc && !kb_card_is_verifier(t, j->c, card, &j->req->principal))
		rc = hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				 "only the card's verifier may verify it");
	int64_t old_due = card ? kb_card_due(card) : 0;
	if (!rc && hd_pb_set_string(&card->state, KB_CARD_STATE_VERIFIED))
		rc = HD_E_NOMEM;
	if (!rc) {
		int64_t now = hd_now_ms();
		card->last_verified_by = j->req->principal.user_id;
		card->last_verified_at = now;
		card->next_verification_at =
			now + card->verification_interval_days * DAY_MS;
	}
	return card_kept(t, j->c, rc, old_due, card, &j->card);
}

static int card_write(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		      hd_write_fn fn)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc = kb_deny_unless_staff(req, rep);
	Hd__CardRequest *q = rc ? NULL : kb_card_request(req, rep);
	if (!q)
		return rc ? rc : HD_E_DECODE;
	card_job j = {c, req, rep, q, NULL};
	rc = hd_store_write(c->store, fn, &j);
	if (!rc && j.card)
		rc = hd_pb_pack(&rep->payload, j.card);
	hd__card__free_unpacked(j.card, NULL);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}

static int cards_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return card_write(ctx, req, rep, delete_write);
}

static int cards_verify(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return card_write(ctx, req, rep, verify_write);
}

const hd_rpc_route kb_card_routes[] = {
	{"cards.save", cards_save},
	{"cards.get", cards_get},
	{"cards.list", cards_list},
	{"cards.delete", cards_delete},
	{"cards.verify", cards_verify},
	{"cards.versions", kb_cards_versions_list},
	{"cards.version", kb_cards_versions_get},
	{"cards.diff", kb_cards_diff},
	{"cards.restore", kb_cards_restore},
	{"cards.propose", kb_cards_propose},
	{"cards.proposals", kb_cards_proposals_list},
	{"cards.decide", kb_cards_proposal_decide},
	{"cards.search", kb_cards_search},
	{NULL, NULL},
};
