/* The trigger and automation evaluation both intake (triggers, inside its
 * ticket write) and routing (automations, the trigger preview) link: the
 * conditions (rt_cond.h), the actions, and Zendesk's trigger cycle. Pure
 * over decoded messages but for notification actions, which emit
 * rule.notification into the caller's transaction (rt_work.emit). */
#ifndef RULES_RULES_H
#define RULES_RULES_H

#include "rt_cond.h"

#include "hd/store.h"
#include "rule.pb-c.h"

#include <jansson.h>

/* rt_act.c: what a firing rule does. */
typedef struct rt_work {
	Hd__Ticket *tk;    /* working copy the actions change */
	json_t *cmd;       /* the ticket object the command will carry */
	json_t *comment;   /* {"body"|"html_body","public"} or NULL */
	const rt_facts *f; /* updater (current_user) */
	hd_txn *emit;      /* notifications go here; NULL: a dry run */
	const char *trace;
} rt_work;
/* NULL when field/value is an action a rule may hold, else why not. */
const char *rt_act_invalid(const char *field, const json_t *value);
/* For the rule builder: every action field as [{subject, group, type
 * (list | id | tags | text | textarea | notification | webhook), values}]
 * (new reference); custom fields are added by the caller. */
json_t *rt_act_definitions(void);
/* Apply r's actions to w (tickets fields, command, notifications). */
int rt_act_apply(const Hd__Rule *r, rt_work *w);
/* Only r's notification actions, into w->emit (intake runs the cycle as a
 * dry run and sends the fired triggers' notifications after the ticket
 * event, once the write is complete). */
int rt_act_notify(const Hd__Rule *r, rt_work *w);
/* Finish the command: tags when they changed from orig, the comment
 * (authored by the assignee when there is one). Returns the JSON text
 * (malloc'd) or NULL when there is nothing to send. */
char *rt_act_command(rt_work *w, const Hd__Ticket *orig);
/* The same, as a new reference (NULL when there is nothing to change). */
json_t *rt_act_command_json(rt_work *w, const Hd__Ticket *orig);
/* A deep copy of tk through the wire format (LMDB values may move once
 * the transaction writes, so copies are made from decoded tickets); NULL
 * when out of memory. Free with hd__ticket__free_unpacked. */
Hd__Ticket *rt_ticket_copy(const Hd__Ticket *tk);
/* {"channel":"rule","source":{"rel":kind,"from":{"id","title"}}}. */
char *rt_via_json(const Hd__Rule *r);

/* rt_cycle.c: one trigger cycle (Zendesk's): rules are the active triggers
 * in position order; fired[] and order[] (n each, zeroed by the caller)
 * receive which fired and in what order. on_fire (may be NULL) sees each
 * firing before (after=false) and after (after=true) its actions; a
 * non-zero return stops the cycle with that error. loop: a fired trigger
 * would still change the final ticket (the cycle was cut off there). */
typedef struct rt_cycle {
	Hd__Rule **rules;
	size_t n;
	size_t *order;
	size_t nfired;
	bool *fired;
	bool loop;
	size_t loop_at; /* the rule that would change it again */
	int (*on_fire)(void *arg, size_t rule, bool after, rt_work *w);
	void *arg;
} rt_cycle;
int rt_trig_cycle(rt_cycle *c, rt_work *w, rt_facts *f);
/* Sort rules into trigger order: position, then id. */
void rt_rules_sort(Hd__Rule **rules, size_t n);

#endif
