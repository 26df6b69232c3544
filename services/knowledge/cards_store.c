/* knowledge's card store. Key layout (integers big-endian):
 *   cards           u64 card id → hd.Card
 *   card_versions   u64 card id, u32 number → hd.CardVersion
 *   card_proposals  u64 proposal id → hd.CardProposal
 *   card_due        u64 next_verification_at (ms), u64 card id → "" — the
 *                   verified cards in the order they fall due (the sweep)
 *   card_meta       counter name → u64 ("next_card", "next_proposal")
 * and in kbsearch (kbsearch.h) as kind "card", flag KB_CARD_FLAG_VERIFIED. */
#include "cards.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

const char *const kb_cards_dbs[] = {"cards",          "card_versions",
				    "card_proposals", "card_due",
				    "card_meta",      NULL};

static kb_cards the_cards;

int kb_cards_setup(kb *k, hd_svc *svc)
{
	kb_cards *c = &the_cards;
	c->store = svc->store;
	c->members = k->members;
	const hd_dbi_ref dbs[] = {{"cards", &c->cards},
				  {"card_versions", &c->versions},
				  {"card_proposals", &c->proposals},
				  {"card_due", &c->due},
				  {"card_meta", &c->meta},
				  {NULL, NULL}};
	int rc = hd_store_dbis(c->store, dbs);
	rc = rc ? rc : kbs_bind(c->store, &c->search);
	if (!rc)
		k->cards = c;
	return rc;
}

int kb_card_get(hd_txn *t, kb_cards *c, uint64_t id, Hd__Card **out)
{
	return hd_txn_get_pb_id(t, c->cards, id, &hd__card__descriptor,
				(void **)out);
}

static void version_key(uint8_t key[12], uint64_t id, uint32_t n)
{
	hd_key_u64(key, id);
	key[8] = (uint8_t)(n >> 24);
	key[9] = (uint8_t)(n >> 16);
	key[10] = (uint8_t)(n >> 8);
	key[11] = (uint8_t)n;
}

static void due_key(uint8_t key[16], int64_t due, uint64_t id)
{
	hd_key_u64(key, (uint64_t)due);
	hd_key_u64(key + 8, id);
}

int64_t kb_card_due(const Hd__Card *card)
{
	return !strcmp(card->state, KB_CARD_STATE_VERIFIED) &&
			       card->next_verification_at > 0
		       ? card->next_verification_at
		       : 0;
}

int kb_card_put(hd_txn *t, kb_cards *c, int64_t old_due, const Hd__Card *card)
{
	uint8_t key[8], due[16];
	int64_t now_due = kb_card_due(card);
	if (old_due && old_due != now_due) {
		due_key(due, old_due, card->id);
		hd_txn_del(t, c->due, due, 16); /* NOTFOUND is not sticky */
	}
	if (now_due && old_due != now_due) {
		due_key(due, now_due, card->id);
		hd_txn_put(t, c->due, due, 16, "", 0);
	}
	kbs_field f[] = {
		[KB_CARD_F_TITLE] = {card->title, strlen(card->title)},
		[KB_CARD_F_CONTENT] = {card->content, strlen(card->content)},
		[KB_CARD_F_COLLECTION] = {card->collection,
					  strlen(card->collection)},
	};
	int rc = kbs_put(t, &c->search, KB_CARD_KIND, card->id, f, 3,
			 strcmp(card->state, KB_CARD_STATE_VERIFIED)
				 ? 0
				 : KB_CARD_FLAG_VERIFIED);
	if (rc)
		return hd_txn_fail(t, rc);
	hd_key_u64(key, card->id);
	return hd_txn_put_pb(t, c->cards, key, 8, card);
}

int kb_card_del(hd_txn *t, kb_cards *c, const Hd__Card *card)
{
	uint8_t key[12], due[16];
	if (kb_card_due(card)) {
		due_key(due, kb_card_due(card), card->id);
		hd_txn_del(t, c->due, due, 16);
	}
	hd_key_u64(key, card->id);
	hd_txn_del(t, c->cards, key, 8);
	int rc = kbs_remove(t, &c->search, KB_CARD_KIND, card->id);
	if (rc)
		return hd_txn_fail(t, rc);
	for (uint32_t n = 1; n <= card->version && !t->rc; n++) {
		version_key(key, card->id, n);
		hd_txn_del(t, c->versions, key, 12);
	}
	return t->rc;
}

int kb_card_version_get(hd_txn *t, kb_cards *c, uint64_t id, uint32_t n,
			Hd__CardVersion **out)
{
	uint8_t key[12];
	version_key(key, id, n);
	return hd_txn_get_pb(t, c->versions, key, 12,
			     &hd__card_version__descriptor, (void **)out);
}

int kb_card_version_put(hd_txn *t, kb_cards *c, const Hd__CardVersion *v)
{
	uint8_t key[12];
	version_key(key, v->card_id, v->number);
	return hd_txn_put_pb(t, c->versions, key, 12, v);
}

int kb_card_versions(hd_txn *t, kb_cards *c, uint64_t id,
		     Hd__CardVersionList *l)
{
	Hd__Card *card = NULL;
	int rc = kb_card_get(t, c, id, &card);
	if (rc)
		return rc;
	l->versions =
		calloc(card->version ? card->version : 1, sizeof *l->versions);
	if (!l->versions)
		rc = HD_E_NOMEM;
	for (uint32_t n = 1; !rc && n <= card->version; n++) {
		rc = kb_card_version_get(t, c, id, n, &l->versions[n - 1]);
		if (!rc)
			l->n_versions = n;
	}
	hd__card__free_unpacked(card, NULL);
	return rc == HD_E_NOTFOUND ? HD_E_CORRUPT : rc;
}

void kb_card_versions_free(Hd__CardVersionList *l)
{
	for (size_t i = 0; i < l->n_versions; i++)
		hd__card_version__free_unpacked(l->versions[i], NULL);
	free(l->versions);
	l->versions = NULL;
	l->n_versions = 0;
}

int kb_card_proposal_get(hd_txn *t, kb_cards *c, uint64_t id,
			 Hd__CardProposal **out)
{
	return hd_txn_get_pb_id(t, c->proposals, id,
				&hd__card_proposal__descriptor, (void **)out);
}

int kb_card_proposal_put(hd_txn *t, kb_cards *c, const Hd__CardProposal *p)
{
	return hd_txn_put_pb_id(t, c->proposals, p->id, p);
}
