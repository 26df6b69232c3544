/* knowledge: help center, verified cards, macros and search. Each new
 * ticket gets article suggestions (hc_suggest.c). Context built in setup,
 * read-only after; apply runs inside the group commit. */
#ifndef KNOWLEDGE_H
#define KNOWLEDGE_H

#include "hd/bus.h"
#include "hd/svc.h"
#include "hc.h"
#include "kb_members.h"

typedef struct kb {
	hd_store *store;
	hc hc; /* help center, article search, suggestions */
	/* knowledge cards (cards_store.c) and macros (macros_store.c) */
	struct kb_cards *cards;
	struct kb_macros *macros;
} kb;

int kb_store_bind(kb *k);
int kb_apply(void *ctx, hd_txn *txn, const struct Hd__Envelope *ev);
void kb_collect(void *ctx, hd_buf *out);

#endif
