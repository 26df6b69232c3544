/* routing: decides who works on what and when it is due. For now it keeps
 * the queue of tickets awaiting assignment, fed by ticket.created. Context
 * built in setup, read-only after; apply runs inside the group commit. */
#ifndef ROUTING_H
#define ROUTING_H

#include "hd/bus.h"
#include "hd/svc.h"

typedef struct routing {
	hd_store *store;
	MDB_dbi tickets, unassigned;
} routing;

int routing_store_bind(routing *r);
int routing_apply(void *ctx, hd_txn *txn, const struct Hd__Envelope *ev);
void routing_collect(void *ctx, hd_buf *out);

#endif
