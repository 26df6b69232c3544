/* Trigger and automation conditions (API.md §7): which conditions a rule
 * may hold, and whether the facts of one update (triggers) or one moment
 * (automations) satisfy them. Pure functions over decoded messages; no
 * store, no clock, thread-safe. */
#ifndef RULES_RT_COND_H
#define RULES_RT_COND_H

#include "rule.pb-c.h"
#include "ticket.pb-c.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* What a rule sees. Strings are borrowed for the call. */
typedef struct rt_facts {
	const Hd__Ticket *tk;     /* the ticket as the rules have left it */
	const Hd__Ticket *before; /* before this update; NULL on create and
				     for automations */
	bool created;             /* update_type Create */
	const char *comment;      /* this update's comment text, or NULL */
	bool comment_public;
	const char *role; /* the updater: end_user | agent | admin | "" */
	uint64_t updater_id;
	const char *via; /* channel of this update (web, email, api, …) */
	const char *requester_locale; /* "ko", "en-US", … or NULL */
	int64_t now_ms;
	const Hd__RuleTicketTimes *times; /* automations; NULL → unknown */
} rt_facts;

/* May a rule of this kind (automation or trigger) hold the condition
 * field/op/value? Time fields (NEW, SOLVED, …) are for automations only;
 * changes (changed, value, …), update_type, comments and role for
 * triggers only. */
bool rt_cond_valid(const char *field, const char *op, const char *value,
		   bool automation);
/* Every operator name a condition may use, NULL-terminated (a seam for
 * tests/unit/test_rt_defs.c). */
extern const char *const *const rt_cond_op_names;
/* Does one condition hold for f? A condition that is not valid never
 * holds. */
bool rt_cond_match(const Hd__RuleCondition *c, const rt_facts *f);
/* Every `all` condition and, when there are any, one `any` condition. */
bool rt_conds_match(const Hd__Rule *r, const rt_facts *f);
/* For the rule builder (GET /triggers/definitions): every condition field
 * a rule of this kind may hold as [{subject, group, type (list | text |
 * tags | id | hours), operators [{value, terminal}], values [{value}]}]
 * (new reference), and the operators a custom_fields_<id> condition
 * takes (new reference). */
json_t *rt_cond_definitions(bool automation);
json_t *rt_cond_custom_operators(bool automation);
/* Zendesk's numeric via id of a channel (web 0, email 4, api 5, rule 8,
 * chat 29, voice 34 …); -1 when it has none. */
int rt_via_id(const char *channel);
/* Rank of a status (new 0 … closed 5) and a priority ("" 0 … urgent 4);
 * -1 when it is none (rules_rank.c; views sort by them too). */
int rules_status_rank(const char *s);
int rules_priority_rank(const char *s);

#endif
