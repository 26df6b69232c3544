/* What routing does with each event, beyond keeping its ticket copy: every
 * module (triggers, SLAs, assignment, …) adds one entry to a table in
 * hooks.c. Hooks run inside the consumer's group commit, in table order, so
 * everything they write (and every command they enqueue) commits with the
 * event's cursor: applied exactly once. They must not block on other
 * services — changes to tickets go through commands.h. */
#ifndef ROUTING_HOOKS_H
#define ROUTING_HOOKS_H

#include "common.pb-c.h"
#include "routing.h"

/* A ticket.created / ticket.updated / ticket.deleted event. before is
 * routing's copy from before the event (NULL on create or when unknown);
 * after is the ticket the event carries (for ticket.deleted, with
 * deleted set). The new copy is already stored in t when hooks run. */
typedef int (*routing_ticket_hook)(routing *r, hd_txn *t,
				   const Hd__Envelope *ev,
				   const Hd__Ticket *before,
				   const Hd__Ticket *after);

/* Any event (comment.created, user.*, group.*, …), before the ticket hooks
 * for ticket events. */
typedef int (*routing_event_hook)(routing *r, hd_txn *t,
				  const Hd__Envelope *ev);

/* Time: every tick (HD_ROUTING_TICK_MS, default 1000 ms) one write job runs
 * every tick hook with the business time now_ms (hd_now_ms(), which tests
 * move). A hook does what has come due — SLA breaches, automations, card
 * sweeps — and returns quickly when nothing has. */
typedef int (*routing_tick_hook)(routing *r, hd_txn *t, int64_t now_ms);

extern const routing_ticket_hook routing_ticket_hooks[];
extern const routing_tick_hook routing_tick_hooks[];
extern const routing_event_hook routing_event_hooks[];

/* ticker.c: main.c's tick job "routing.tick": one write job running every
 * tick hook (ctx is the routing). */
int routing_tick(hd_svc *svc, void *ctx);

#endif
