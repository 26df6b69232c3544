/* knowledge: help center, verified cards, macros and search. For now it
 * queues each new ticket's text for article suggestions. Context built in
 * setup, read-only after; apply runs inside the group commit. */
#ifndef KNOWLEDGE_H
#define KNOWLEDGE_H

#include "hd/bus.h"
#include "hd/svc.h"

typedef struct kb {
	hd_store *store;
	MDB_dbi suggest_queue;
	struct kb_cards *cards;   /* cards_store.c */
	struct kb_macros *macros; /* macros_store.c */
} kb;

int kb_store_bind(kb *k);
int kb_apply(void *ctx, hd_txn *txn, const struct Hd__Envelope *ev);
void kb_collect(void *ctx, hd_buf *out);

#endif
