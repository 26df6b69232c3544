/* cards.search: knowledge cards ranked by the shared engine (kbsearch.h,
 * kind "card"), agents and admins only, filtered by state; each hit with
 * its score and a snippet of its content. Title weighs most, then the
 * collection, then the content. */
#include "cards.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PAGE      100
#define MAX_QUERY     1024
#define SNIPPET_CHARS 160

static int snippet(const Hd__Card *card, const char *query, char **out)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)64 << 10);
	int rc = kbs_snippet(&b, card->content, strlen(card->content), query,
			     strlen(query), SNIPPET_CHARS);
	*out = rc ? NULL : hd_buf_detach(&b, NULL);
	if (!rc && !*out)
		*out = strdup("");
	hd_buf_release(&b);
	return rc ? rc : (*out ? HD_OK : HD_E_NOMEM);
}

static int collect(hd_txn *t, kb_cards *c, const Hd__CardRequest *q,
		   const kbs_result *res, Hd__CardList *l)
{
	l->cards = calloc(res->n + 1, sizeof *l->cards);
	l->scores = calloc(res->n + 1, sizeof *l->scores);
	l->snippets = calloc(res->n + 1, sizeof *l->snippets);
	if (!l->cards || !l->scores || !l->snippets)
		return HD_E_NOMEM;
	/* Unfilled slots stay NULL, which the release accepts. */
	l->n_cards = l->n_scores = l->n_snippets = res->n;
	int rc = HD_OK;
	for (size_t i = 0; !rc && i < res->n; i++) {
		rc = kb_card_get(t, c, res->hits[i].id, &l->cards[i]);
		if (!rc)
			rc = snippet(l->cards[i], q->query, &l->snippets[i]);
		l->scores[i] = res->hits[i].score;
	}
	l->count = res->total;
	return rc == HD_E_NOTFOUND ? HD_E_CORRUPT : rc;
}

static void list_release(Hd__CardList *l)
{
	for (size_t i = 0; i < l->n_cards; i++)
		hd__card__free_unpacked(l->cards[i], NULL);
	for (size_t i = 0; i < l->n_snippets; i++)
		free(l->snippets[i]);
	free(l->cards);
	free(l->scores);
	free(l->snippets);
}

int kb_cards_search(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc = kb_deny_unless_staff(req, rep);
	Hd__CardRequest *q = rc ? NULL : kb_card_request(req, rep);
	if (!q)
		return rc ? rc : HD_E_DECODE;
	size_t qlen = strlen(q->query);
	if (!qlen || qlen > MAX_QUERY)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "query",
				 "query: between 1 and %d bytes", MAX_QUERY);
	kbs_query kq = {.kind = KB_CARD_KIND, .text = q->query, .len = qlen};
	kq.weights[KB_CARD_F_TITLE] = 3.0;
	kq.weights[KB_CARD_F_COLLECTION] = 1.5;
	kq.weights[KB_CARD_F_CONTENT] = 1.0;
	kq.flags_mask = q->state[0] ? KB_CARD_FLAG_VERIFIED : 0;
	kq.flags_value = !strcmp(q->state, KB_CARD_STATE_VERIFIED)
				 ? KB_CARD_FLAG_VERIFIED
				 : 0;
	kq.offset = q->offset;
	kq.limit = q->limit && q->limit <= MAX_PAGE ? q->limit : MAX_PAGE;
	kbs_result res = {0};
	Hd__CardList l = HD__CARD_LIST__INIT;
	hd_txn t;
	if (!rc && !(rc = hd_store_read(c->store, &t))) {
		rc = kbs_search(&t, &c->search, &kq, &res);
		if (!rc)
			rc = collect(&t, c, q, &res, &l);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	list_release(&l);
	kbs_result_release(&res);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}
