/* View conditions (API.md §7): which fields and operators a view may use,
 * and whether a ticket satisfies them for a given caller. Pure functions. */
#include "routing.h"
#include "../rules/rt_cond.h"

#include "hd/cfg.h"
#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_STATUS, K_PRIORITY, K_TYPE, K_ID, K_TAGS, K_CUSTOM };

typedef struct cond_field {
	const char *name;
	enum kind kind;
	bool anchors; /* may be the `all` condition a view needs */
} cond_field;

static const cond_field fields[] = {
	{"status", K_STATUS, true},
	{"priority", K_PRIORITY, false},
	{"type", K_TYPE, true},
	{"group_id", K_ID, true},
	{"assignee_id", K_ID, true},
	{"requester_id", K_ID, true},
	{"organization_id", K_ID, false},
	{"ticket_form_id", K_ID, false},
	{"brand_id", K_ID, false},
	{"current_tags", K_TAGS, false},
	{NULL, 0, false},
};

static const char *const types[] = {"",         "problem", "incident",
				    "question", "task",    NULL};

static int rank(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

int routing_status_rank(const char *s)
{
	return rules_status_rank(s);
}

int routing_priority_rank(const char *s)
{
	return rules_priority_rank(s);
}

static const cond_field *lookup(const char *name, uint64_t *custom)
{
	static const cond_field custom_field = {"custom_fields_", K_CUSTOM,
						false};
	for (size_t i = 0; fields[i].name; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	if (strncmp(name, "custom_fields_", 14) == 0 &&
	    hd_parse_u64(name + 14, custom) == HD_OK && *custom)
		return &custom_field;
	return NULL;
}

static bool op_in(const char *op, const char *const *ops)
{
	return rank(ops, op) >= 0;
}

static bool id_value_ok(const char *field, const char *v)
{
	uint64_t n;
	if (!v[0] || hd_parse_u64(v, &n) == HD_OK)
		return true;
	return strcmp(v, "current_user") == 0 &&
	       (strcmp(field, "assignee_id") == 0 ||
		strcmp(field, "requester_id") == 0);
}

static int check_one(const Hd__ViewCondition *c, hd_rpc_rep *rep)
{
	static const char *const ordinal_ops[] = {"is", "is_not", "less_than",
						  "greater_than", NULL};
	static const char *const eq_ops[] = {"is", "is_not", NULL};
	static const char *const tag_ops[] = {"includes", "not_includes", NULL};
	uint64_t custom = 0;
	const cond_field *f = lookup(c->field, &custom);
	bool ok = f != NULL;
	if (ok && f->kind == K_STATUS)
		ok = op_in(c->operator_, ordinal_ops) &&
		     routing_status_rank(c->value) >= 0;
	else if (ok && f->kind == K_PRIORITY)
		ok = op_in(c->operator_, ordinal_ops) &&
		     routing_priority_rank(c->value) >= 0;
	else if (ok && f->kind == K_TYPE)
		ok = op_in(c->operator_, eq_ops) && rank(types, c->value) >= 0;
	else if (ok && f->kind == K_ID)
		ok = op_in(c->operator_, eq_ops) &&
		     id_value_ok(c->field, c->value);
	else if (ok && f->kind == K_TAGS)
		ok = op_in(c->operator_, tag_ops) && c->value[0];
	else if (ok)
		ok = op_in(c->operator_, eq_ops);
	if (!ok)
		return hd_rpc_fail(rep, HD_E_INVALID, "conditions",
				   "conditions: '%.64s %.32s %.64s' is not a "
				   "supported view condition",
				   c->field, c->operator_, c->value);
	return HD_OK;
}

static int check_restriction(const Hd__ViewRestriction *r, hd_rpc_rep *rep)
{
	if (!r)
		return HD_OK;
	bool user = !strcmp(r->type, "User"), group = !strcmp(r->type, "Group");
	if (!user && !group)
		return hd_rpc_fail(rep, HD_E_INVALID, "restriction",
				   "restriction.type: must be \"User\" or "
				   "\"Group\"");
	if (!r->id && !(group && r->n_ids))
		return hd_rpc_fail(rep, HD_E_INVALID, "restriction",
				   "restriction.id: must be a %s id",
				   user ? "user" : "group");
	for (size_t i = 0; i < r->n_ids; i++)
		if (!r->ids[i])
			return hd_rpc_fail(rep, HD_E_INVALID, "restriction",
					   "restriction.ids[%zu]: must be a "
					   "group id",
					   i);
	return HD_OK;
}

int routing_view_check(const Hd__View *v, hd_rpc_rep *rep)
{
	size_t n = strlen(v->title);
	if (n == 0 || n > 255 || strspn(v->title, " \t\r\n") == n)
		return hd_rpc_fail(rep, HD_E_INVALID, "title",
				   "title: cannot be blank");
	int rc = check_restriction(v->restriction, rep);
	if (rc)
		return rc;
	bool anchored = false;
	for (size_t i = 0; i < v->n_all + v->n_any; i++) {
		const Hd__ViewCondition *c =
			i < v->n_all ? v->all[i] : v->any[i - v->n_all];
		rc = check_one(c, rep);
		if (rc)
			return rc;
		uint64_t custom;
		if (i < v->n_all && lookup(c->field, &custom)->anchors)
			anchored = true;
	}
	if (!anchored)
		return hd_rpc_fail(rep, HD_E_INVALID, "conditions",
				   "conditions: at least one 'all' condition "
				   "must be on status, type, group_id, "
				   "assignee_id or requester_id");
	return HD_OK;
}

static uint64_t id_of(const Hd__Ticket *tk, const char *field)
{
	if (!strcmp(field, "group_id"))
		return tk->group_id;
	if (!strcmp(field, "assignee_id"))
		return tk->assignee_id;
	if (!strcmp(field, "requester_id"))
		return tk->requester_id;
	if (!strcmp(field, "organization_id"))
		return tk->organization_id;
	if (!strcmp(field, "ticket_form_id"))
		return tk->ticket_form_id;
	return tk->brand_id;
}

static bool has_tag(const Hd__Ticket *tk, const char *tag, size_t n)
{
	for (size_t i = 0; i < tk->n_tags; i++)
		if (strlen(tk->tags[i]) == n && !strncmp(tk->tags[i], tag, n))
			return true;
	return false;
}

/* includes: at least one of the space-separated tags is on the ticket. */
static bool any_tag(const Hd__Ticket *tk, const char *list)
{
	for (const char *p = list; *p;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		if (n && has_tag(tk, p, n))
			return true;
		p += n;
	}
	return false;
}

static bool custom_is(const Hd__Ticket *tk, uint64_t id, const char *v)
{
	for (size_t i = 0; i < tk->n_custom_fields; i++) {
		const Hd__CustomFieldValue *c = tk->custom_fields[i];
		if (c->id != id || !c->has_value)
			continue;
		if (!strcmp(c->kind, "flag"))
			return !strcmp(v, c->flag ? "true" : "false");
		if (!strcmp(c->kind, "tags")) {
			for (size_t j = 0; j < c->n_tags; j++)
				if (!strcmp(c->tags[j], v))
					return true;
			return !v[0] && c->n_tags == 0;
		}
		return !strcmp(c->text, v);
	}
	return !v[0] || !strcmp(v, "false");
}

static int compare(int a, int b)
{
	return a < b ? -1 : a > b;
}

static bool ordinal(const char *op, int have, int want)
{
	int c = compare(have, want);
	if (!strcmp(op, "less_than"))
		return c < 0;
	if (!strcmp(op, "greater_than"))
		return c > 0;
	return (c == 0) == (strcmp(op, "is") == 0);
}

static bool match_one(const Hd__ViewCondition *c, const Hd__Ticket *tk,
		      const hd_principal *who)
{
	uint64_t custom = 0, want = 0;
	const cond_field *f = lookup(c->field, &custom);
	bool is = strcmp(c->operator_, "is") == 0;
	switch (f ? f->kind : K_CUSTOM) {
	case K_STATUS:
		return ordinal(c->operator_, routing_status_rank(tk->status),
			       routing_status_rank(c->value));
	case K_PRIORITY:
		return ordinal(c->operator_,
			       routing_priority_rank(tk->priority),
			       routing_priority_rank(c->value));
	case K_TYPE:
		return (strcmp(tk->type, c->value) == 0) == is;
	case K_ID:
		if (!strcmp(c->value, "current_user"))
			want = who->user_id;
		else if (c->value[0])
			hd_parse_u64(c->value, &want);
		return (id_of(tk, c->field) == want) == is;
	case K_TAGS:
		return any_tag(tk, c->value) ==
		       (strcmp(c->operator_, "includes") == 0);
	default:
		return f && custom_is(tk, custom, c->value) == is;
	}
}

bool routing_view_match(const Hd__View *v, const Hd__Ticket *tk,
			const hd_principal *who)
{
	if (tk->deleted)
		return false;
	for (size_t i = 0; i < v->n_all; i++)
		if (!match_one(v->all[i], tk, who))
			return false;
	for (size_t i = 0; i < v->n_any; i++)
		if (match_one(v->any[i], tk, who))
			return true;
	return v->n_any == 0;
}

int routing_condition_check(const Hd__ViewCondition *c, hd_rpc_rep *rep)
{
	return check_one(c, rep);
}
