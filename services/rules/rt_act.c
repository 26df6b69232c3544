/* What a firing trigger or automation does (API.md §7 actions): each action
 * changes the working copy of the ticket (so later rules in the same cycle
 * see it) and the command that will carry the net change to intake;
 * notification actions publish rule.notification in the same
 * transaction. */
#include "rules.h"

#include "alerts.pb-c.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/rule_value.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

static const char *const act_statuses[] = {"open",   "pending", "hold",
					   "solved", "closed",  NULL};
static const char *const act_priorities[] = {"",     "low",    "normal",
					     "high", "urgent", NULL};
static const char *const act_types[] = {"",         "problem", "incident",
					"question", "task",    NULL};
static const char *const act_recipients[] = {"requester_id", "assignee_id",
					     "current_user", NULL};

static bool listed(const char *const *list, const char *s)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static bool id_text(const char *s)
{
	uint64_t n;
	return s && (!s[0] || hd_parse_u64(s, &n) == HD_OK);
}

/* A webhook id (API.md §11): a ULID, 26 Crockford base32 characters. */
static bool ulid_text(const char *s)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
				  "abcdefghjkmnpqrstvwxyz";
	return s && strlen(s) == 26 && strspn(s, b32) == 26 && s[0] <= '7';
}

/* A tag list: "a b" or ["a","b"], each tag without spaces. */
static bool tags_ok(const json_t *v)
{
	if (json_is_string(v))
		return true;
	size_t i;
	json_t *x;
	if (!json_is_array(v))
		return false;
	json_array_foreach(
		v, i, x) if (!json_is_string(x) ||
			     strchr(json_string_value(x), ' ')) return false;
	return true;
}

/* [a, b, c] of strings with n elements. */
static bool strings(const json_t *v, size_t n)
{
	if (!json_is_array(v) || json_array_size(v) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!json_is_string(json_array_get(v, i)))
			return false;
	return true;
}

static const char *sval(const json_t *v)
{
	return json_string_value(v);
}

const char *rt_act_invalid(const char *f, const json_t *v)
{
	uint64_t n;
	if (!strcmp(f, "status"))
		return listed(act_statuses, sval(v)) ? NULL
						     : "status: unknown value";
	if (!strcmp(f, "priority"))
		return listed(act_priorities, sval(v))
			       ? NULL
			       : "priority: unknown value";
	if (!strcmp(f, "type"))
		return listed(act_types, sval(v)) ? NULL
						  : "type: unknown value";
	if (!strcmp(f, "group_id"))
		return id_text(sval(v)) || json_is_integer(v) || json_is_null(v)
			       ? NULL
			       : "group_id: must be a group id";
	if (!strcmp(f, "assignee_id"))
		return id_text(sval(v)) || json_is_integer(v) ||
				       json_is_null(v) ||
				       (sval(v) &&
					!strcmp(sval(v), "current_user"))
			       ? NULL
			       : "assignee_id: must be a user id or "
				 "current_user";
	if (!strcmp(f, "set_tags") || !strcmp(f, "current_tags") ||
	    !strcmp(f, "remove_tags"))
		return tags_ok(v) ? NULL : "tags: must be \"a b\" or [\"a\"]";
	if (!strncmp(f, "custom_fields_", 14))
		return hd_parse_u64(f + 14, &n) == HD_OK && n &&
				       (json_is_string(v) ||
					json_is_boolean(v) ||
					json_is_number(v) || json_is_null(v) ||
					tags_ok(v))
			       ? NULL
			       : "custom field: unknown field or value";
	if (!strcmp(f, "comment_value"))
		return json_is_string(v) || strings(v, 2)
			       ? NULL
			       : "comment_value: must be text or "
				 "[\"channel:all\",text]";
	if (!strcmp(f, "comment_value_html") || !strcmp(f, "subject"))
		return json_is_string(v) && sval(v)[0] ? NULL : "must be text";
	if (!strcmp(f, "comment_mode_is_public"))
		return json_is_boolean(v) ||
				       (sval(v) && (!strcmp(sval(v), "true") ||
						    !strcmp(sval(v), "false")))
			       ? NULL
			       : "comment_mode_is_public: must be true or "
				 "false";
	if (!strcmp(f, "notification_user"))
		return strings(v, 3) &&
				       (listed(act_recipients,
					       sval(json_array_get(v, 0))) ||
					hd_parse_u64(sval(json_array_get(v, 0)),
						     &n) == HD_OK)
			       ? NULL
			       : "notification_user: must be [recipient, "
				 "subject, body]";
	if (!strcmp(f, "notification_group"))
		return strings(v, 3) &&
				       (!strcmp(sval(json_array_get(v, 0)),
						"group_id") ||
					hd_parse_u64(sval(json_array_get(v, 0)),
						     &n) == HD_OK)
			       ? NULL
			       : "notification_group: must be [group_id, "
				 "subject, body]";
	if (!strcmp(f, "notification_webhook"))
		return strings(v, 2) &&
				       (ulid_text(sval(json_array_get(v, 0))) ||
					hd_parse_u64(sval(json_array_get(v, 0)),
						     &n) == HD_OK)
			       ? NULL
			       : "notification_webhook: must be [webhook_id, "
				 "body]";
	return "unknown action field";
}

static json_t *values_json(const char *const *list)
{
	json_t *a = json_array();
	for (size_t i = 0; list && list[i]; i++)
		json_array_append_new(a, json_pack("{s:s}", "value", list[i]));
	return a;
}

json_t *rt_act_definitions(void)
{
	static const char *const booleans[] = {"true", "false", NULL};
	static const struct {
		const char *subject, *type;
		const char *const *values;
	} acts[] = {
		{"status", "list", act_statuses},
		{"priority", "list", act_priorities},
		{"type", "list", act_types},
		{"group_id", "id", NULL},
		{"assignee_id", "id", NULL},
		{"set_tags", "tags", NULL},
		{"current_tags", "tags", NULL},
		{"remove_tags", "tags", NULL},
		{"subject", "text", NULL},
		{"comment_value", "textarea", NULL},
		{"comment_value_html", "textarea", NULL},
		{"comment_mode_is_public", "list", booleans},
		{"notification_user", "notification", act_recipients},
		{"notification_group", "notification", NULL},
		{"notification_webhook", "webhook", NULL},
	};
	json_t *list = json_array();
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s, s:o}", "subject",
					acts[i].subject, "group", "ticket",
					"type", acts[i].type, "values",
					values_json(acts[i].values)));
	return list;
}

/* An id action's value: "" / null → 0; current_user → the updater. */
static uint64_t id_value(const json_t *v, const rt_facts *f)
{
	uint64_t n = 0;
	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	if (sval(v) && !strcmp(sval(v), "current_user"))
		return f->updater_id;
	if (sval(v))
		hd_parse_u64(sval(v), &n);
	return n;
}

static json_t *id_json(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static bool has_tag(const Hd__Ticket *tk, const char *tag)
{
	for (size_t i = 0; i < tk->n_tags; i++)
		if (!strcmp(tk->tags[i], tag))
			return true;
	return false;
}

static int add_tag(Hd__Ticket *tk, const char *tag)
{
	if (!tag[0] || has_tag(tk, tag))
		return HD_OK;
	char **grown = realloc(tk->tags, (tk->n_tags + 1) * sizeof *grown);
	if (!grown)
		return HD_E_NOMEM;
	tk->tags = grown;
	if (!(tk->tags[tk->n_tags] = strdup(tag)))
		return HD_E_NOMEM;
	tk->n_tags++;
	return HD_OK;
}

static void remove_tag(Hd__Ticket *tk, const char *tag)
{
	for (size_t i = 0; i < tk->n_tags; i++)
		if (!strcmp(tk->tags[i], tag)) {
			free(tk->tags[i]);
			tk->tags[i] = tk->tags[--tk->n_tags];
			return;
		}
}

/* Each tag of v ("a b" or [..]) to fn. */
static int each_tag(Hd__Ticket *tk, const json_t *v, int add)
{
	int rc = HD_OK;
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (add)
				rc = rc ? rc : add_tag(tk, sval(x));
			else
				remove_tag(tk, sval(x));
		}
		return rc;
	}
	char *copy = strdup(sval(v) ? sval(v) : "");
	if (!copy)
		return HD_E_NOMEM;
	for (char *p = copy; *p;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		char keep = p[n];
		p[n] = 0;
		if (n && add)
			rc = rc ? rc : add_tag(tk, p);
		else if (n)
			remove_tag(tk, p);
		p[n] = keep;
		p += n;
	}
	free(copy);
	return rc;
}

static int set_custom(rt_work *w, uint64_t id, const json_t *v)
{
	json_t *list = json_object_get(w->cmd, "custom_fields");
	if (!list) {
		list = json_array();
		json_object_set_new(w->cmd, "custom_fields", list);
	}
	json_array_append_new(list, json_pack("{s:I, s:O}", "id",
					      (json_int_t)id, "value", v));
	for (size_t i = 0; i < w->tk->n_custom_fields; i++) {
		Hd__CustomFieldValue *c = w->tk->custom_fields[i];
		if (c->id != id || strcmp(c->kind, "text") != 0)
			continue;
		c->has_value = !json_is_null(v);
		int rc = hd_pb_set_string(&c->text, sval(v) ? sval(v) : "");
		if (rc)
			return rc;
	}
	return HD_OK;
}

static json_t *comment(rt_work *w)
{
	if (!w->comment)
		w->comment = json_pack("{s:b}", "public", 1);
	return w->comment;
}

/* Several comment actions in one run join into one comment. */
static void comment_text(rt_work *w, const char *key, const char *text)
{
	json_t *c = comment(w);
	const char *had = sval(json_object_get(c, key));
	if (!had) {
		json_object_set_new(c, key, json_string(text));
		return;
	}
	size_t n = strlen(had) + strlen(text) + 3;
	char *joined = malloc(n);
	if (!joined)
		return;
	snprintf(joined, n, "%s\n\n%s", had, text);
	json_object_set_new(c, key, json_string(joined));
	free(joined);
}

static int notify(rt_work *w, const Hd__Rule *r, const char *kind,
		  const json_t *v)
{
	if (!w->emit)
		return HD_OK;
	Hd__RuleNotification n = HD__RULE_NOTIFICATION__INIT;
	n.ticket_id = w->tk->id;
	n.rule_kind = r->kind;
	n.rule_id = r->id;
	n.rule_title = r->title;
	n.target_kind = (char *)kind;
	const char *target = sval(json_array_get(v, 0));
	bool webhook = !strcmp(kind, "webhook");
	if (!strcmp(target, "group_id"))
		n.target_id = w->tk->group_id;
	else if (hd_parse_u64(target, &n.target_id) != HD_OK && !webhook)
		n.target_role = (char *)target;
	if (webhook)
		n.target_webhook_id = (char *)target;
	n.subject = webhook ? "" : (char *)sval(json_array_get(v, 1));
	n.body = (char *)sval(json_array_get(v, webhook ? 1 : 2));
	return hd_txn_emit_pb(w->emit, "rule.notification", &n, w->trace);
}

static int apply_one(const Hd__Rule *r, const char *f, const json_t *v,
		     rt_work *w)
{
	Hd__Ticket *tk = w->tk;
	uint64_t n = 0;
	if (!strcmp(f, "status") || !strcmp(f, "priority") ||
	    !strcmp(f, "type") || !strcmp(f, "subject")) {
		char **field = !strcmp(f, "status")     ? &tk->status
			       : !strcmp(f, "priority") ? &tk->priority
			       : !strcmp(f, "type")     ? &tk->type
							: &tk->subject;
		int rc = hd_pb_set_string(field, sval(v));
		if (rc)
			return rc;
		json_object_set_new(w->cmd, f,
				    sval(v)[0] ? json_string(sval(v))
					       : json_null());
	} else if (!strcmp(f, "group_id") || !strcmp(f, "assignee_id")) {
		if (sval(v) && !strcmp(sval(v), "current_user") &&
		    !w->f->updater_id)
			return HD_OK; /* automations and rules have no user */
		n = id_value(v, w->f);
		*(f[0] == 'g' ? &tk->group_id : &tk->assignee_id) = n;
		json_object_set_new(w->cmd, f, id_json(n));
	} else if (!strcmp(f, "set_tags")) {
		while (tk->n_tags)
			remove_tag(tk, tk->tags[0]);
		return each_tag(tk, v, 1);
	} else if (!strcmp(f, "current_tags") || !strcmp(f, "remove_tags")) {
		return each_tag(tk, v, f[0] == 'c');
	} else if (!strncmp(f, "custom_fields_", 14) &&
		   hd_parse_u64(f + 14, &n) == HD_OK) {
		return set_custom(w, n, v);
	} else if (!strcmp(f, "comment_value")) {
		comment_text(w, "body",
			     json_is_array(v) ? sval(json_array_get(v, 1))
					      : sval(v));
	} else if (!strcmp(f, "comment_value_html")) {
		comment_text(w, "html_body", sval(v));
	} else if (!strcmp(f, "comment_mode_is_public")) {
		json_object_set_new(
			comment(w), "public",
			json_boolean(json_is_true(v) ||
				     (sval(v) && !strcmp(sval(v), "true"))));
	} else if (!strncmp(f, "notification_", 13)) {
		return notify(w, r, f + 13, v);
	}
	return HD_OK;
}

int rt_act_apply(const Hd__Rule *r, rt_work *w)
{
	int rc = HD_OK;
	for (size_t i = 0; i < r->n_actions && !rc; i++) {
		json_t *v = hd_rule_value_json(r->actions[i]->value);
		if (v && !rt_act_invalid(r->actions[i]->field, v))
			rc = apply_one(r, r->actions[i]->field, v, w);
		json_decref(v);
	}
	return rc;
}

int rt_act_notify(const Hd__Rule *r, rt_work *w)
{
	int rc = HD_OK;
	for (size_t i = 0; i < r->n_actions && !rc; i++) {
		const char *f = r->actions[i]->field;
		if (strncmp(f, "notification_", 13) != 0)
			continue;
		json_t *v = hd_rule_value_json(r->actions[i]->value);
		if (v && !rt_act_invalid(f, v))
			rc = notify(w, r, f + 13, v);
		json_decref(v);
	}
	return rc;
}

static bool same_tags(const Hd__Ticket *a, const Hd__Ticket *b)
{
	if (a->n_tags != b->n_tags)
		return false;
	for (size_t i = 0; i < a->n_tags; i++)
		if (!has_tag(b, a->tags[i]))
			return false;
	return true;
}

json_t *rt_act_command_json(rt_work *w, const Hd__Ticket *orig)
{
	if (!same_tags(w->tk, orig)) {
		json_t *tags = json_array();
		for (size_t i = 0; i < w->tk->n_tags; i++)
			json_array_append_new(tags,
					      json_string(w->tk->tags[i]));
		json_object_set_new(w->cmd, "tags", tags);
	}
	if (w->comment) {
		/* comment_value_html wins over comment_value: one comment */
		if (json_object_get(w->comment, "html_body"))
			json_object_del(w->comment, "body");
		if (w->tk->assignee_id)
			json_object_set_new(
				w->comment, "author_id",
				json_integer((json_int_t)w->tk->assignee_id));
		if (json_object_get(w->comment, "body") ||
		    json_object_get(w->comment, "html_body"))
			json_object_set(w->cmd, "comment", w->comment);
	}
	return json_object_size(w->cmd) ? json_incref(w->cmd) : NULL;
}

char *rt_act_command(rt_work *w, const Hd__Ticket *orig)
{
	json_t *cmd = rt_act_command_json(w, orig);
	char *text = cmd ? json_dumps(cmd, JSON_COMPACT) : NULL;
	json_decref(cmd);
	return text;
}

char *rt_via_json(const Hd__Rule *r)
{
	json_t *via = json_pack("{s:s, s:{s:s, s:{s:I, s:s}}}", "channel",
				"rule", "source", "rel", r->kind, "from", "id",
				(json_int_t)r->id, "title", r->title);
	char *text = via ? json_dumps(via, JSON_COMPACT) : NULL;
	json_decref(via);
	return text;
}

Hd__Ticket *rt_ticket_copy(const Hd__Ticket *tk)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)16 << 20);
	Hd__Ticket *copy = hd_pb_pack(&b, tk) == HD_OK
				   ? hd__ticket__unpack(NULL, b.len,
							(const uint8_t *)b.data)
				   : NULL;
	hd_buf_release(&b);
	return copy;
}
