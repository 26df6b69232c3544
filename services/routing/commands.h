/* routing's durable queue of commands to intake. Triggers, automations, SLA
 * escalations and assignment never call intake from inside the group commit:
 * they enqueue the change in the same transaction that decided it, and one
 * sender thread delivers commands oldest first, deleting each only after
 * intake has answered. A crash between the answer and the delete resends the
 * command, so commands set values (assignee_id = 7) and are safe to repeat.
 * intake stays the single writer of tickets. */
#ifndef ROUTING_COMMANDS_H
#define ROUTING_COMMANDS_H

#include "hd/store.h"
#include "hd/svc.h"
#include "ticket.pb-c.h"

#include <stdint.h>

struct routing;

/* Queue an update of ticket_id: patch (borrowed) is the change to apply
 * (assignee_id = 7 …); audit_via (borrowed, may be NULL) is the audit's via,
 * e.g. channel rule, source {rel trigger, from {id 3, title …}}. Runs
 * inside t; nothing is sent before t commits. */
int routing_cmd_enqueue_patch(hd_txn *t, struct routing *r, uint64_t ticket_id,
			      const Hd__TicketPatch *patch,
			      const Hd__Via *audit_via);
/* The same for a rule whose actions still come as the Zendesk "ticket"
 * object (ticket_json) and a via as JSON text (audit_via_json, may be
 * NULL): both are made typed here, before they are queued. */
int routing_cmd_enqueue(hd_txn *t, struct routing *r, uint64_t ticket_id,
			const char *ticket_json, const char *audit_via_json);

/* Start / stop the sender thread (dials every intake shard). */
int routing_cmds_start(struct routing *r, hd_svc *svc);
void routing_cmds_stop(struct routing *r);

/* Prometheus families: pending commands, sent and dropped totals. */
void routing_cmds_collect(void *ctx, hd_buf *out);

#endif
