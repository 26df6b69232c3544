/* knowledge: help center, verified cards, macros and search. Each new
 * ticket gets article suggestions (hc_suggest.c). The context is filled by
 * main.c's modules, read-only after; event handlers run inside the group
 * commit. */
#ifndef KNOWLEDGE_H
#define KNOWLEDGE_H

#include "hd/bus.h"
#include "hd/svc.h"
#include "hc.h"
#include "kb_members.h"

typedef struct kb {
	hd_store *store;
	hc hc;           /* help center, article search, suggestions */
	MDB_dbi members; /* kb_members.c: group memberships from intake */
	/* knowledge cards (cards_store.c) and macros (macros_store.c) */
	struct kb_cards *cards;
	struct kb_macros *macros;
} kb;

/* store.c: the help center's and the staff list's sub-databases. */
int kb_store_bind(kb *k);

/* handlers.c: main.c's module rows (ctx is the kb) */
int kb_open(hd_svc *svc, void *ctx);
int kb_cards_open(hd_svc *svc, void *ctx);
int kb_macros_open(hd_svc *svc, void *ctx);
int kb_prom_open(hd_svc *svc, void *ctx);
/* … and its event rows. */
int kb_on_member_event(void *ctx, hd_txn *t, const struct Hd__Envelope *ev);
int kb_on_ticket_created(void *ctx, hd_txn *t, const struct Hd__Envelope *ev);
void kb_collect(void *ctx, hd_buf *out);

#endif
