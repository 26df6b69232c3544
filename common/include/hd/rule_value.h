/* Action values of triggers, automations and macros (hd.RuleValue) to and
 * from jansson values — for the gateway, which speaks Zendesk's JSON, and
 * for the action code that still works on json_t — and the reading of
 * records written when the value was JSON text (proto field 2). No state;
 * any thread. */
#ifndef HD_RULE_VALUE_H
#define HD_RULE_VALUE_H

#include "rule.pb-c.h"

#include <jansson.h>
#include <stdbool.h>

/* v as a JSON value (NULL or VALUE_NULL: null); a new reference, NULL only
 * when out of memory. */
json_t *hd_rule_value_json(const Hd__RuleValue *v);

/* j (a string, number, boolean, null or a list of those) as a heap
 * RuleValue in *out, freed with hd__rule_value__free_unpacked.
 * HD_E_INVALID for objects and lists inside lists, HD_E_NOMEM. */
int hd_rule_value_from_json(const json_t *j, Hd__RuleValue **out);
/* The same with numbers spelled as jansson writes them (a real written 2.0
 * stays "2.0"; the above writes "2"): user field values, shown back as
 * they came. */
int hd_rule_value_from_json_as_written(const json_t *j, Hd__RuleValue **out);

/* For a MacroAction or RuleAction decoded from an older record: when its
 * value is unset and it still carries the JSON text of the old field 2,
 * parse that into *value and drop the old bytes. HD_OK when there was
 * nothing to do, HD_E_CORRUPT when the old text does not parse,
 * HD_E_NOMEM. *changed (may be NULL) says whether action changed. */
int hd_rule_value_upgrade(ProtobufCMessage *action, Hd__RuleValue **value,
			  bool *changed);

/* hd_rule_value_upgrade over every action of an hd.Rule (msg); the
 * hd_pb_fix_fn for stored rules (hd_txn_upgrade_pb) and for rules decoded
 * from events written before hd.RuleValue. */
int hd_rule_upgrade(ProtobufCMessage *msg, bool *changed);

#endif
