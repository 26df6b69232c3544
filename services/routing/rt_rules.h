/* Triggers and automations (API.md §7), routing's business rules. Rules
 * live in routing's store (rt_rules); triggers run inside the consumer's
 * group commit on each ticket event (rt_trig.c), automations on the tick
 * (rt_auto.c); both change tickets only through commands.h, as one command
 * per ticket and run, with the audit via {"channel":"rule",…}.
 * Key layout (integers big-endian):
 *   rt_rules     u64 rule id               → hd.Rule (both kinds)
 *   rt_comments  u64 ticket id             → hd.Comment: the comment of the
 *                                             update in flight (comment.created
 *                                             comes just before ticket.updated)
 *   rt_times     u64 ticket id             → hd.RuleTicketTimes
 *   rt_fired     u64 ticket ‖ u64 rule id  → "" (an automation fired and its
 *                                             conditions still hold)
 *   rt_locales   see rt_locale.c
 *   meta         "next_rule", "rt_defaults" (counters) */
#ifndef ROUTING_RT_RULES_H
#define ROUTING_RT_RULES_H

#include "common.pb-c.h"
#include "../rules/rules.h"
#include "routing.h"

#include <jansson.h>

/* Their names, for the service's list of sub-databases (the handles are
 * routing's rt, bound by rt_bind). */
extern const char *const rt_db_names[];

/* rt_rules.c: bind the dbs, create the default automation on first start,
 * the rules.* RPCs. */
int rt_bind(routing *r);
int rt_defaults(routing *r);
extern const hd_rpc_route rt_rule_routes[];
/* The active rules of kind, by position, then id. The caller frees each
 * with hd__rule__free_unpacked and the array with free. */
int rt_rules_active(hd_txn *t, const rt_dbs *db, const char *kind,
		    Hd__Rule ***out, size_t *n);

/* rt_rules_check.c: check the values sr sets (sr->fields, from
 * sr->rule) and copy them onto r (a new rule from INIT with kind set, or a
 * stored one), then check the whole rule. HD_E_INVALID with rep naming the
 * field (conditions / actions with the index), HD_E_NOMEM. r's strings
 * and lists are malloc'd: free r with hd__rule__free_unpacked (r itself
 * included when heap). */
int rt_rule_apply(const Hd__RuleSaveRequest *sr, Hd__Rule *r, hd_rpc_rep *rep);
/* Whether name is one of RuleSaveRequest.fields' names. */
bool rt_rule_field_known(const char *name);

/* rt_locale.c: users' locales (event hook) and the lookup. */
#define RT_LOCALE_MAX 24
int rt_locale_event(routing *r, hd_txn *t, const Hd__Envelope *ev);
/* The user's locale copied into out, or NULL when unknown. */
const char *rt_locale_of(hd_txn *t, const rt_dbs *db, uint64_t user,
			 char out[RT_LOCALE_MAX]);

/* The facts of the update that made after (before: the copy before it,
 * NULL on create; cm: its comment or NULL), read from work, the working
 * copy the actions change. The facts borrow locale. */
void rt_trig_facts(hd_txn *t, const rt_dbs *db, rt_facts *f,
		   const Hd__Ticket *work, const Hd__Ticket *before,
		   const Hd__Ticket *after, bool created, const Hd__Comment *cm,
		   char locale[RT_LOCALE_MAX]);

/* rt_defs.c: rules.definitions; rt_preview.c: rules.preview (admins;
 * nothing written). */
int rt_definitions(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int rt_preview(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* rt_trig.c / rt_auto.c: hooks (see hooks.h). */
int rt_times_ticket(routing *r, hd_txn *t, const Hd__Envelope *ev,
		    const Hd__Ticket *before, const Hd__Ticket *after);
int rt_auto_tick(routing *r, hd_txn *t, int64_t now_ms);

#endif
