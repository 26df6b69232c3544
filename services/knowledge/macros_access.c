/* Who sees and writes macros (Zendesk's rules: personal macros are their
 * owner's alone; group macros their groups' and admins'; agents write only
 * their personal macros), and what a stored macro must look like. */
#include "macros.h"

#include "cards.h"
#include "kb_members.h"
#include "hd/err.h"
#include "hd/text.h"
#include "hd/vocab.h"

#include <string.h>

#define MAX_TITLE   1024
#define MAX_ACTIONS 64
#define MAX_VALUE   (64 << 10)

bool kb_macro_visible(hd_txn *t, const kb_macros *m, const Hd__Macro *macro,
		      const hd_principal *who)
{
	if (!kb_staff(who))
		return false;
	if (!strcmp(macro->restriction_type, "User"))
		return macro->restriction_id == who->user_id;
	if (strcmp(macro->restriction_type, "Group") != 0 ||
	    hd_role_is_admin(who->role))
		return true;
	for (size_t i = 0; i < macro->n_restriction_ids; i++)
		if (kb_member_of(t, m->members, who->user_id,
				 macro->restriction_ids[i]))
			return true;
	return false;
}

bool kb_macro_writable(const Hd__Macro *macro, const hd_principal *who)
{
	if (hd_role_is_admin(who->role))
		return !strcmp(macro->restriction_type, "User")
			       ? macro->restriction_id == who->user_id
			       : true;
	return who->role == HD__USER_ROLE__ROLE_AGENT &&
	       !strcmp(macro->restriction_type, "User") &&
	       macro->restriction_id == who->user_id;
}

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static const char *const text_fields[] = {
	"status",   "priority",           "type",
	"subject",  "comment_value_html", "comment_mode_is_public",
	"group_id", "assignee_id",        NULL};
static const char *const tag_fields[] = {"set_tags", "current_tags",
					 "remove_tags", NULL};
/* A macro sets open, pending, hold or solved: never new, never closed. */
static bool macro_status_ok(const char *s)
{
	Hd__TicketStatus st = HD__TICKET_STATUS__STATUS_UNSET;
	return hd_status_parse(s, &st) == HD_OK &&
	       st >= HD__TICKET_STATUS__STATUS_OPEN &&
	       st <= HD__TICKET_STATUS__STATUS_SOLVED;
}

static bool custom_field(const char *f)
{
	static const char prefix[] = "custom_fields_";
	if (strncmp(f, prefix, sizeof prefix - 1) != 0)
		return false;
	const char *p = f + sizeof prefix - 1;
	return *p && strspn(p, "0123456789") == strlen(p) && strlen(p) < 20;
}

/* The value when it is text, else NULL. */
static const char *scalar(const Hd__RuleValue *v)
{
	return v->kind == HD__RULE_VALUE__KIND__VALUE_TEXT ? v->text : NULL;
}

/* Every text in v is UTF-8, at most MAX_VALUE bytes together. */
static bool texts_ok(const Hd__RuleValue *v)
{
	size_t total = 0;
	for (size_t i = 0; i <= v->n_items; i++) {
		const char *t = i ? v->items[i - 1]->text : v->text;
		size_t n = strlen(t);
		total += n;
		if (total > MAX_VALUE || !hd_utf8_valid(t, n))
			return false;
	}
	return true;
}

static int check_action(const Hd__MacroAction *a, hd_rpc_rep *rep)
{
	static const Hd__RuleValue null_value = HD__RULE_VALUE__INIT;
	const char *f = a->field;
	if (!one_of(f, text_fields) && !one_of(f, tag_fields) &&
	    strcmp(f, "comment_value") != 0 && !custom_field(f))
		return hd_rpc_fail(rep, HD_E_INVALID, "actions",
				   "actions: unknown field \"%.64s\"", f);
	const Hd__RuleValue *v = a->value ? a->value : &null_value;
	const char *s = scalar(v);
	bool text = v->kind == HD__RULE_VALUE__KIND__VALUE_TEXT;
	bool list = v->kind == HD__RULE_VALUE__KIND__VALUE_LIST;
	bool ok = texts_ok(v);
	if (ok && !strcmp(f, "status"))
		ok = s && macro_status_ok(s);
	else if (ok && !strcmp(f, "priority"))
		ok = s &&
		     hd_priority_parse(s, &(Hd__TicketPriority){0}) == HD_OK;
	else if (ok && !strcmp(f, "type"))
		ok = s && hd_type_parse(s, &(Hd__TicketType){0}) == HD_OK;
	else if (ok && !strcmp(f, "comment_value"))
		ok = text || list;
	else if (ok && !strcmp(f, "comment_mode_is_public"))
		ok = v->kind == HD__RULE_VALUE__KIND__VALUE_BOOL ||
		     (s && (!strcmp(s, "true") || !strcmp(s, "false")));
	else if (ok && one_of(f, tag_fields))
		ok = text || list;
	return ok ? HD_OK
		  : hd_rpc_fail(rep, HD_E_INVALID, "actions",
				"actions: invalid value for \"%s\"", f);
}

int kb_macro_check(const Hd__Macro *macro, hd_rpc_rep *rep)
{
	size_t n = strlen(macro->title);
	if (!n || strspn(macro->title, " \t\r\n") == n)
		return hd_rpc_fail(rep, HD_E_INVALID, "title",
				   "title: cannot be blank");
	if (n > MAX_TITLE || !hd_utf8_valid(macro->title, n))
		return hd_rpc_fail(rep, HD_E_INVALID, "title",
				   "title: must be UTF-8 of at most %d bytes",
				   MAX_TITLE);
	if (!hd_utf8_valid(macro->description, strlen(macro->description)))
		return hd_rpc_fail(rep, HD_E_INVALID, "description",
				   "description: is not valid UTF-8");
	if (!macro->n_actions || macro->n_actions > MAX_ACTIONS)
		return hd_rpc_fail(rep, HD_E_INVALID, "actions",
				   "actions: between 1 and %d are required",
				   MAX_ACTIONS);
	for (size_t i = 0; i < macro->n_actions; i++) {
		int rc = check_action(macro->actions[i], rep);
		if (rc)
			return rc;
	}
	const char *rt = macro->restriction_type;
	if (rt[0] && strcmp(rt, "User") != 0 && strcmp(rt, "Group") != 0)
		return hd_rpc_fail(rep, HD_E_INVALID, "restriction",
				   "restriction: type must be User or Group");
	if (rt[0] && !macro->restriction_id)
		return hd_rpc_fail(rep, HD_E_INVALID, "restriction",
				   "restriction: id is required");
	return HD_OK;
}
