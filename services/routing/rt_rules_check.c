/* A trigger or automation save (API.md §7): the values a rules.save set
 * (RuleSaveRequest.fields) are checked and copied onto the stored or new
 * rule, each error naming its field (conditions and actions with the
 * index). The gateway only turned Zendesk's JSON into the typed rule. */
#include "rt_rules.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/rule_value.h"
#include "hd/store_pb.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONDITIONS 64
#define MAX_ACTIONS    64
#define MAX_TITLE      255
#define MAX_TEXT       65536
#define MAX_POSITION   1000000

#define invalid(rep, field, ...)                                               \
	hd_rpc_fail(rep, HD_E_INVALID, field, __VA_ARGS__)

static bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n <= max && hd_utf8_valid(s, n);
}

static bool is_set(const Hd__RuleSaveRequest *sr, const char *name)
{
	for (size_t i = 0; i < sr->n_fields; i++)
		if (!strcmp(sr->fields[i], name))
			return true;
	return false;
}

/* A deep copy of a condition or action (any message) through its
 * encoding; NULL when out of memory. */
static void *copy_of(const void *msg)
{
	const ProtobufCMessage *m = msg;
	hd_buf b;
	hd_buf_init(&b, MAX_TEXT * 2);
	void *copy = hd_pb_pack(&b, m) == HD_OK
			     ? protobuf_c_message_unpack(
				       m->descriptor, NULL, b.len,
				       (const uint8_t *)(b.data ? b.data : ""))
			     : NULL;
	hd_buf_release(&b);
	return copy;
}

static void free_list(void **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		protobuf_c_message_free_unpacked(items[i], NULL);
	free(items);
}

/* Copies of src[0..n) into *dst (freeing what was there). */
static int replace_list(void ***dst, size_t *dn, void *const *src, size_t n)
{
	void **c = calloc(n ? n : 1, sizeof *c);
	if (!c)
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(c[i] = copy_of(src[i]))) {
			free_list(c, i);
			return HD_E_NOMEM;
		}
	free_list(*dst, *dn);
	*dst = c;
	*dn = n;
	return HD_OK;
}

static int check_conds(Hd__RuleCondition *const *c, size_t n, bool automation,
		       const char *which, hd_rpc_rep *rep)
{
	if (n > MAX_CONDITIONS)
		return invalid(rep, "conditions",
			       "conditions: %s has more than 64 conditions",
			       which);
	for (size_t i = 0; i < n; i++)
		if (!text_ok(c[i]->value, 1024) ||
		    !rt_cond_valid(c[i]->field, c[i]->operator_, c[i]->value,
				   automation))
			return invalid(rep, "conditions",
				       "conditions.%s[%zu]: is not a valid %s "
				       "condition",
				       which, i,
				       automation ? "automation" : "trigger");
	return HD_OK;
}

static int check_actions(Hd__RuleAction *const *a, size_t n, hd_rpc_rep *rep)
{
	if (n > MAX_ACTIONS)
		return invalid(rep, "actions",
			       "actions: must be an array of at most 64 "
			       "{field, value}");
	for (size_t i = 0; i < n; i++) {
		json_t *v = hd_rule_value_json(a[i]->value);
		char *text = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT)
			       : NULL;
		const char *why = !a[i]->field[0]
					  ? "needs a field name"
					  : rt_act_invalid(a[i]->field, v);
		if (!why && (!text || strlen(text) > MAX_TEXT ||
			     !hd_utf8_valid(text, strlen(text))))
			why = "is too large or not UTF-8";
		json_decref(v);
		free(text);
		if (why)
			return invalid(rep, "actions", "actions[%zu]: %s", i,
				       why);
	}
	return HD_OK;
}

static int set_text(const Hd__RuleSaveRequest *sr, const char *key,
		    const char *v, size_t max, char **field, hd_rpc_rep *rep)
{
	if (!is_set(sr, key))
		return HD_OK;
	if (!text_ok(v, max))
		return invalid(rep, key, "%s: is too long or not UTF-8", key);
	return hd_pb_set_string(field, v);
}

static int apply_scalars(const Hd__RuleSaveRequest *sr, const Hd__Rule *in,
			 Hd__Rule *r, hd_rpc_rep *rep)
{
	if (is_set(sr, "position") && in->position > MAX_POSITION)
		return invalid(rep, "position",
			       "position: must be a whole number from 0");
	if (is_set(sr, "category_id") && strlen(in->category_id) > 64)
		return invalid(rep, "category_id",
			       "category_id: must be an id");
	if (is_set(sr, "active"))
		r->active = in->active;
	if (is_set(sr, "position"))
		r->position = in->position;
	int rc = set_text(sr, "category_id", in->category_id, 64,
			  &r->category_id, rep);
	if (!rc)
		rc = set_text(sr, "title", in->title, MAX_TITLE, &r->title,
			      rep);
	if (!rc)
		rc = set_text(sr, "description", in->description, MAX_TEXT,
			      &r->description, rep);
	return rc;
}

static int apply_lists(const Hd__RuleSaveRequest *sr, const Hd__Rule *in,
		       Hd__Rule *r, hd_rpc_rep *rep)
{
	bool automation = !strcmp(r->kind, "automation");
	int rc = HD_OK;
	if (is_set(sr, "all") &&
	    !(rc = check_conds(in->all, in->n_all, automation, "all", rep)))
		rc = replace_list((void ***)&r->all, &r->n_all,
				  (void *const *)in->all, in->n_all);
	if (!rc && is_set(sr, "any") &&
	    !(rc = check_conds(in->any, in->n_any, automation, "any", rep)))
		rc = replace_list((void ***)&r->any, &r->n_any,
				  (void *const *)in->any, in->n_any);
	if (!rc && is_set(sr, "actions") &&
	    !(rc = check_actions(in->actions, in->n_actions, rep)))
		rc = replace_list((void ***)&r->actions, &r->n_actions,
				  (void *const *)in->actions, in->n_actions);
	return rc;
}

static bool has_time_condition(const Hd__Rule *r)
{
	for (size_t i = 0; i < r->n_all; i++)
		if (!rt_cond_valid(r->all[i]->field, r->all[i]->operator_,
				   r->all[i]->value, false))
			return true; /* valid only in automations: a time */
	return false;
}

int rt_rule_apply(const Hd__RuleSaveRequest *sr, Hd__Rule *r, hd_rpc_rep *rep)
{
	static const Hd__Rule empty = HD__RULE__INIT;
	const Hd__Rule *in = sr->rule ? sr->rule : &empty;
	for (size_t i = 0; i < sr->n_fields; i++)
		if (!rt_rule_field_known(sr->fields[i]))
			return invalid(rep, "fields",
				       "fields: unknown \"%.64s\"",
				       sr->fields[i]);
	int rc = apply_scalars(sr, in, r, rep);
	if (!rc)
		rc = apply_lists(sr, in, r, rep);
	if (rc)
		return rc;
	size_t n = strlen(r->title);
	if (n == 0 || strspn(r->title, " \t\r\n") == n)
		return invalid(rep, "title", "title: cannot be blank");
	if (r->n_all + r->n_any == 0)
		return invalid(rep, "conditions",
			       "conditions: at least one "
			       "condition is needed");
	if (r->n_actions == 0)
		return invalid(rep, "actions",
			       "actions: at least one action "
			       "is needed");
	if (!strcmp(r->kind, "automation") && !has_time_condition(r))
		return invalid(rep, "conditions",
			       "conditions: an automation "
			       "needs a time condition in all (NEW, SOLVED, "
			       "updated_at, …)");
	return HD_OK;
}

bool rt_rule_field_known(const char *name)
{
	static const char *const known[] = {"title",    "description", "active",
					    "position", "category_id", "all",
					    "any",      "actions",     NULL};
	for (size_t i = 0; known[i]; i++)
		if (!strcmp(known[i], name))
			return true;
	return false;
}
