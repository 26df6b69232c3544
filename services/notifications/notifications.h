/* notifications: email, webhooks and side conversations from a durable
 * outbox. For now it records who asked for each new ticket, which the
 * e-mail channel will notify. Context built in setup, read-only after. */
#ifndef NOTIFICATIONS_H
#define NOTIFICATIONS_H

#include "hd/bus.h"
#include "hd/svc.h"

typedef struct notify {
	hd_store *store;
	MDB_dbi requesters, counters;
} notify;

int notify_store_bind(notify *n);
int notify_apply(void *ctx, hd_txn *txn, const struct Hd__Envelope *ev);
void notify_collect(void *ctx, hd_buf *out);

#endif
