/* The trigger builder's endpoints (API.md §7):
 *   GET  /api/v2/triggers/definitions, /api/v2/automations/definitions —
 *        routing's fields, operators and values (the tables it validates
 *        with), completed here with what intake owns: each custom field
 *        (its options as values), the groups and the agents (up to 100
 *        each, for the group_id / assignee_id pickers);
 *   POST /api/v2/hd/triggers/preview — {ticket_id, update_type, trigger}
 *        answered by routing's dry run (rt_preview.c): which triggers would
 *        fire, in order, and what each would change, typed (hd.RulePreview)
 *        and rendered here. Nothing is written. */
#include "gateway.h"
#include "gw_rules.h"
#include "gw_shared.h"
#include "field.pb-c.h"
#include "rule.pb-c.h"
#include "rule_preview.pb-c.h"
#include "user.pb-c.h"

#include "hd/err.h"
#include "hd/rule_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PICKS 100

static json_t *operators_json(Hd__RuleOperator **o, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:b}", "value",
						   o[i]->value, "terminal",
						   o[i]->terminal));
	return a;
}

/* conditions: with their operators; actions have none. */
static json_t *definitions_json(Hd__RuleDefinition **d, size_t n,
				bool conditions)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *vals = json_array();
		for (size_t k = 0; k < d[i]->n_values; k++) {
			json_t *v = json_pack("{s:s}", "value",
					      d[i]->values[k]->value);
			if (d[i]->values[k]->title[0])
				json_object_set_new(
					v, "title",
					json_string(d[i]->values[k]->title));
			json_array_append_new(vals, v);
		}
		json_t *one = json_pack("{s:s, s:s, s:s, s:o}", "subject",
					d[i]->subject, "group", d[i]->group,
					"type", d[i]->type, "values", vals);
		if (conditions)
			json_object_set_new(one, "operators",
					    operators_json(d[i]->operators,
							   d[i]->n_operators));
		json_array_append_new(list, one);
	}
	return list;
}

/* Zendesk's {"definitions": {conditions_all, conditions_any, actions}}
 * from routing's tables (custom_field_operators: for add_field). */
static json_t *definitions_body(const Hd__RuleDefinitions *d)
{
	return json_pack(
		"{s:{s:o, s:o, s:o, s:o}}", "definitions", "conditions_all",
		definitions_json(d->conditions, d->n_conditions, true),
		"conditions_any",
		definitions_json(d->conditions, d->n_conditions, true),
		"actions", definitions_json(d->actions, d->n_actions, false),
		"custom_field_operators",
		operators_json(d->custom_field_operators,
			       d->n_custom_field_operators));
}

static json_t *id_or_null(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *comment_json(const Hd__PreviewComment *c)
{
	json_t *o = json_pack("{s:b}", "public", c->public_);
	if (c->has_text)
		json_object_set_new(o, c->html ? "html_body" : "body",
				    json_string(c->text));
	if (c->author_id)
		json_object_set_new(o, "author_id",
				    json_integer((json_int_t)c->author_id));
	return o;
}

/* A key's value: the comment, the custom field values or its "to". */
static json_t *key_value(const Hd__RulePreviewKey *k)
{
	if (k->comment)
		return comment_json(k->comment);
	if (!strcmp(k->field, "custom_fields")) {
		json_t *a = json_array();
		for (size_t i = 0; i < k->n_custom_fields; i++)
			json_array_append_new(
				a,
				json_pack("{s:I, s:o}", "id",
					  (json_int_t)k->custom_fields[i]->id,
					  "value",
					  hd_rule_value_json(
						  k->custom_fields[i]->value)));
		return a;
	}
	return hd_rule_value_json(k->to);
}

/* {field, from, to} | {field, added, removed} | {field, to}. */
static json_t *change_json(const Hd__RulePreviewKey *k)
{
	json_t *o = json_pack("{s:s}", "field", k->field);
	if (k->tags) {
		json_object_set_new(o, "added",
				    gw_strings_json(k->added, k->n_added));
		json_object_set_new(o, "removed",
				    gw_strings_json(k->removed, k->n_removed));
		return o;
	}
	if (k->from)
		json_object_set_new(o, "from", hd_rule_value_json(k->from));
	json_object_set_new(o, "to", key_value(k));
	return o;
}

static json_t *fired_json(const Hd__RuleFiring *f)
{
	json_t *changes = json_array();
	for (size_t i = 0; i < f->n_changes; i++)
		json_array_append_new(changes, change_json(f->changes[i]));
	return json_pack("{s:o, s:s, s:I, s:b, s:b, s:o}", "id",
			 id_or_null(f->id), "title", f->title, "position",
			 (json_int_t)f->position, "unsaved", f->unsaved,
			 "active", f->active, "changes", changes);
}

static json_t *ticket_state(const Hd__Ticket *tk)
{
	static const Hd__Ticket none = HD__TICKET__INIT;
	if (!tk)
		tk = &none;
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "status",
			 tk->status, "priority", tk->priority, "type", tk->type,
			 "subject", tk->subject, "group_id",
			 id_or_null(tk->group_id), "assignee_id",
			 id_or_null(tk->assignee_id), "tags",
			 gw_strings_json(tk->tags, tk->n_tags));
}

/* {"preview": {ticket_id, update_type, fired, loop, ticket, command}}. */
static json_t *preview_json(const Hd__RulePreview *p)
{
	json_t *fired = json_array(), *cmd = json_object();
	for (size_t i = 0; i < p->n_fired; i++)
		json_array_append_new(fired, fired_json(p->fired[i]));
	for (size_t i = 0; i < p->n_command; i++)
		json_object_set_new(cmd, p->command[i]->field,
				    key_value(p->command[i]));
	return json_pack("{s:{s:I, s:s, s:o, s:b, s:o, s:o}}", "preview",
			 "ticket_id", (json_int_t)p->ticket_id, "update_type",
			 p->update_type, "fired", fired, "loop", p->loop,
			 "ticket", ticket_state(p->ticket), "command", cmd);
}

/* A custom field as a condition subject and an action. */
static void add_field(json_t *defs, const Hd__TicketField *f, json_t *ops)
{
	char subject[48];
	snprintf(subject, sizeof subject, "custom_fields_%llu",
		 (unsigned long long)f->id);
	bool list = f->n_custom_field_options > 0;
	bool flag = !strcmp(f->type, "checkbox");
	json_t *vals = json_array();
	for (size_t i = 0; i < f->n_custom_field_options; i++)
		json_array_append_new(
			vals,
			json_pack("{s:s, s:s}", "value",
				  f->custom_field_options[i]->value, "title",
				  f->custom_field_options[i]->name));
	if (flag) {
		json_t *both = json_pack("[{s:s}, {s:s}]", "value", "true",
					 "value", "false");
		json_array_extend(vals, both); /* copies: both stays ours */
		json_decref(both);
	}
	json_t *one = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:O}",
				"subject", subject, "title", f->title, "group",
				"custom_fields", "field_type", f->type, "type",
				list || flag ? "list" : "text", "values", vals,
				"operators", ops);
	json_t *act = json_deep_copy(one);
	json_object_del(act, "operators");
	json_array_append_new(json_object_get(defs, "actions"), act);
	json_array_append(json_object_get(defs, "conditions_all"), one);
	json_array_append_new(json_object_get(defs, "conditions_any"), one);
}

static int add_custom_fields(gw *g, gw_req *r, json_t *defs, gw_resp *out)
{
	Hd__TicketFieldList *l = NULL;
	int rc = gw_call(g, g->intake[0], r, "fields.list", NULL,
			 &hd__ticket_field_list__descriptor, (void **)&l, out);
	json_t *ops = json_object_get(defs, "custom_field_operators");
	for (size_t i = 0; !rc && i < l->n_fields; i++)
		if (l->fields[i]->active)
			add_field(defs, l->fields[i], ops);
	if (l)
		hd__ticket_field_list__free_unpacked(l, NULL);
	return rc;
}

/* values [{value, title}] of every subject named sub in list. */
static void set_values(json_t *list, const char *sub, json_t *vals)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
	{
		const char *s =
			json_string_value(json_object_get(x, "subject"));
		if (s && !strcmp(s, sub))
			json_object_set(x, "values", vals);
	}
}

static void set_everywhere(json_t *defs, const char *sub, json_t *vals)
{
	set_values(json_object_get(defs, "conditions_all"), sub, vals);
	set_values(json_object_get(defs, "conditions_any"), sub, vals);
	set_values(json_object_get(defs, "actions"), sub, vals);
	json_decref(vals);
}

static int add_groups(gw *g, gw_req *r, json_t *defs, gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	Hd__GroupList *l = NULL;
	q.size = PICKS;
	q.assignable = true;
	int rc = gw_call(g, g->intake[0], r, "groups.list", &q,
			 &hd__group_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *vals = json_array();
	for (size_t i = 0; i < l->n_groups; i++) {
		char id[24];
		snprintf(id, sizeof id, "%llu",
			 (unsigned long long)l->groups[i]->id);
		json_array_append_new(vals,
				      json_pack("{s:s, s:s}", "value", id,
						"title", l->groups[i]->name));
	}
	set_everywhere(defs, "group_id", vals);
	hd__group_list__free_unpacked(l, NULL);
	return HD_OK;
}

static int add_users(gw *g, gw_req *r, const char *role, json_t *vals,
		     gw_resp *out)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	Hd__UserList *l = NULL;
	q.size = PICKS;
	q.role = (char *)role;
	int rc = gw_call(g, g->intake[0], r, "users.list", &q,
			 &hd__user_list__descriptor, (void **)&l, out);
	for (size_t i = 0; !rc && i < l->n_users; i++) {
		char id[24];
		snprintf(id, sizeof id, "%llu",
			 (unsigned long long)l->users[i]->id);
		if (!l->users[i]->suspended)
			json_array_append_new(
				vals, json_pack("{s:s, s:s}", "value", id,
						"title", l->users[i]->name));
	}
	if (l)
		hd__user_list__free_unpacked(l, NULL);
	return rc;
}

static int add_agents(gw *g, gw_req *r, json_t *defs, gw_resp *out)
{
	json_t *vals = json_pack("[{s:s}]", "value", "current_user");
	int rc = add_users(g, r, "agent", vals, out);
	if (!rc)
		rc = add_users(g, r, "admin", vals, out);
	if (rc) {
		json_decref(vals);
		return rc;
	}
	set_everywhere(defs, "assignee_id", vals);
	return HD_OK;
}

static int definitions(gw *g, gw_req *r, gw_resp *out, const char *kind)
{
	json_t *body = NULL;
	Hd__RuleDefinitionsRequest q = HD__RULE_DEFINITIONS_REQUEST__INIT;
	Hd__RuleDefinitions *d = NULL;
	q.kind = (char *)kind;
	int rc = gw_call(g, ROUTING(g), r, "rules.definitions", &q,
			 &hd__rule_definitions__descriptor, (void **)&d, out);
	if (!rc && !(body = definitions_body(d)))
		rc = gw_from_err(out, HD_E_NOMEM, "out of memory");
	if (d)
		hd__rule_definitions__free_unpacked(d, NULL);
	json_t *defs = json_object_get(body, "definitions");
	if (!rc)
		rc = add_custom_fields(g, r, defs, out);
	if (!rc)
		rc = add_groups(g, r, defs, out);
	if (!rc)
		rc = add_agents(g, r, defs, out);
	if (rc) {
		json_decref(body);
		return rc;
	}
	json_object_del(defs, "custom_field_operators");
	out->status = 200;
	json_decref(out->body);
	out->body = body;
	return HD_OK;
}

static int trigger_defs(gw *g, gw_req *r, gw_resp *out)
{
	return definitions(g, r, out, "trigger");
}

static int automation_defs(gw *g, gw_req *r, gw_resp *out)
{
	return definitions(g, r, out, "automation");
}

/* {ticket_id, update_type, trigger}: JSON types here, values in routing. */
static int read_preview(json_t *root, Hd__RulePreviewRequest *q,
			Hd__RuleSaveRequest *sr, gw_rule_input *in,
			gw_resp *out)
{
	json_t *id = json_object_get(root, "ticket_id");
	json_t *type = json_object_get(root, "update_type");
	json_t *trig = json_object_get(root, "trigger");
	json_t *tid = json_object_get(trig, "id");
	if (!json_is_object(root))
		return gw_invalid(out, "preview",
				  "the body must be a JSON object");
	if (!json_is_integer(id) || json_integer_value(id) < 0)
		return gw_invalid(out, "ticket_id",
				  "ticket_id: must be a ticket id");
	if (type && !json_is_null(type) && !json_is_string(type))
		return gw_invalid(out, "update_type",
				  "update_type: must be Create or Change");
	if (trig && !json_is_null(trig) && !json_is_object(trig))
		return gw_invalid(out, "trigger", "trigger: must be an object");
	q->ticket_id = (uint64_t)json_integer_value(id);
	if (json_is_string(type))
		q->update_type = (char *)json_string_value(type);
	if (!json_is_object(trig))
		return HD_OK;
	sr->kind = "trigger";
	if (json_is_integer(tid) && json_integer_value(tid) > 0)
		sr->id = (uint64_t)json_integer_value(tid);
	q->trigger = sr;
	return gw_rule_read(trig, "trigger", in, sr, out);
}

static int trigger_preview(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL, *body = NULL;
	Hd__RulePreview *a = NULL;
	Hd__RulePreviewRequest q = HD__RULE_PREVIEW_REQUEST__INIT;
	Hd__RuleSaveRequest sr = HD__RULE_SAVE_REQUEST__INIT;
	gw_rule_input in;
	memset(&in, 0, sizeof in);
	int rc = gw_parse_body(r, out, &root);
	if (!rc)
		rc = read_preview(root, &q, &sr, &in, out);
	if (!rc)
		rc = gw_call(g, ROUTING(g), r, "rules.preview", &q,
			     &hd__rule_preview__descriptor, (void **)&a, out);
	if (!rc && !(body = preview_json(a)))
		rc = gw_from_err(out, HD_E_NOMEM, "out of memory");
	if (!rc) {
		out->status = 200;
		json_decref(out->body);
		out->body = body;
	}
	if (a)
		hd__rule_preview__free_unpacked(a, NULL);
	gw_rule_input_release(&in);
	json_decref(root);
	return rc;
}

const gw_route gw_rule_tool_routes[] = {
	{"GET", "/api/v2/triggers/definitions", trigger_defs, GW_AUTH_ADMIN},
	{"GET", "/api/v2/automations/definitions", automation_defs,
	 GW_AUTH_ADMIN},
	{"POST", "/api/v2/hd/triggers/preview", trigger_preview, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
