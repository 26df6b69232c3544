/* The gateway's trigger and automation input (rules_read.c): Zendesk's
 * "trigger" / "automation" object as the typed hd.RuleSaveRequest routing
 * checks and saves. Only JSON types are checked here; which values are
 * allowed is routing's (rt_rules_check.c). */
#ifndef GW_RULES_H
#define GW_RULES_H

#include "gateway.h"
#include "rule.pb-c.h"

/* Storage behind a RuleSaveRequest read from JSON: strings are borrowed
 * from the JSON (keep it until the request is packed); release after. */
typedef struct gw_rule_input {
	Hd__Rule rule;
	Hd__RuleCondition *conds;
	Hd__RuleCondition **cond_ptrs;
	char *numbers; /* 24 bytes per condition: non-text values as text */
	char category[24];
	Hd__RuleAction *actions;
	Hd__RuleAction **action_ptrs;
	Hd__RuleValue **values; /* heap, one per action */
	size_t nvalues;
	char *fields[16];
} gw_rule_input;

/* Fill sr (kind and id set by the caller) from obj, naming each key it
 * set in sr->fields. 422 naming the key on a wrong JSON type. */
int gw_rule_read(json_t *obj, const char *kind, gw_rule_input *in,
		 Hd__RuleSaveRequest *sr, gw_resp *out);
void gw_rule_input_release(gw_rule_input *in);

#endif
