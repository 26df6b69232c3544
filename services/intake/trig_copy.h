/* intake's copy of the triggers (event-sourced from routing, their owner).
 * routing validates and orders trigger definitions and publishes
 * trigger.created / updated / deleted / reordered (hd.Rule, hd.RuleRef,
 * hd.RuleList); every intake shard applies them into tk_triggers in the same
 * transaction as its routing cursor, so a ticket write evaluates triggers
 * with no RPC. Key layout:
 *   tk_triggers  u64 rule id → hd.Rule (kind "trigger") */
#ifndef INTAKE_TRIG_COPY_H
#define INTAKE_TRIG_COPY_H

#include "intake.h"
#include "rule.pb-c.h"

struct Hd__Envelope;

extern const char *const intake_trig_dbs[];
int intake_trig_bind(intake *in);
/* The consumer's apply (routing's events); other types are ignored. */
int intake_trig_apply(void *ctx, hd_txn *t, const struct Hd__Envelope *ev);
/* The active triggers in position order (caller frees each rule with
 * hd__rule__free_unpacked and the array with free). */
int intake_trig_active(const intake *in, hd_txn *t, Hd__Rule ***out, size_t *n);
/* /readyz: HD_E_UNAVAILABLE with why naming the routing cursor when this
 * shard's copy of the triggers is behind (failed, or not caught up within
 * a few seconds). */
int intake_trig_ready(void *arg, char *why, size_t cap);

#endif
