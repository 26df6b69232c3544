/* Trigger and automation conditions (see rt_cond.h). Every condition reads
 * one value of the ticket (or of the update) as text and compares it; the
 * change operators compare the same value before and after the update. */
#include "rt_cond.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/tokenize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOUR_MS ((int64_t)3600000)

enum rt_kind {
	RK_UPDATE_TYPE,
	RK_STATUS,
	RK_PRIORITY,
	RK_TYPE,
	RK_ID,
	RK_TAGS,
	RK_VIA,
	RK_CUSTOM,
	RK_COMMENT_PUBLIC,
	RK_COMMENT_WORDS,
	RK_SUBJECT_WORDS,
	RK_ROLE,
	RK_CSAT,
	RK_TIME,
	RK_LOCALE,
};

enum rt_op {
	OP_IS = 1 << 0,
	OP_IS_NOT = 1 << 1,
	OP_LT = 1 << 2,
	OP_GT = 1 << 3,
	OP_CHANGED = 1 << 4,
	OP_VALUE = 1 << 5,
	OP_VALUE_PREV = 1 << 6,
	OP_NOT_CHANGED = 1 << 7,
	OP_NOT_VALUE = 1 << 8,
	OP_NOT_VALUE_PREV = 1 << 9,
	OP_INCLUDES = 1 << 10,
	OP_NOT_INCLUDES = 1 << 11,
	OP_PRESENT = 1 << 12,
	OP_NOT_PRESENT = 1 << 13,
};

#define OPS_EQ (OP_IS | OP_IS_NOT)
#define OPS_CHANGE                                                             \
	(OP_CHANGED | OP_VALUE | OP_VALUE_PREV | OP_NOT_CHANGED |              \
	 OP_NOT_VALUE | OP_NOT_VALUE_PREV)
#define OPS_ORD          (OPS_EQ | OP_LT | OP_GT)
#define OPS_WORDS        (OPS_EQ | OP_INCLUDES | OP_NOT_INCLUDES)
#define OPS_TRIGGER_ONLY OPS_CHANGE

static const char *const op_names[] = {"is",
				       "is_not",
				       "less_than",
				       "greater_than",
				       "changed",
				       "value",
				       "value_previous",
				       "not_changed",
				       "not_value",
				       "not_value_previous",
				       "includes",
				       "not_includes",
				       "present",
				       "not_present",
				       NULL};
/* Every operator a condition may name, for tests/unit/test_rt_defs.c (which
 * checks the definitions offer exactly the valid ones); rt_cond.h. */
const char *const *const rt_cond_op_names = op_names;

typedef struct rt_field {
	const char *name;
	enum rt_kind kind;
	unsigned ops;
	int only; /* 0: any rule, 1: triggers only, 2: automations only */
} rt_field;

static const rt_field rt_fields[] = {
	{"update_type", RK_UPDATE_TYPE, OPS_EQ, 1},
	{"status", RK_STATUS, OPS_ORD | OPS_CHANGE, 0},
	{"priority", RK_PRIORITY, OPS_ORD | OPS_CHANGE, 0},
	{"type", RK_TYPE, OPS_EQ | OPS_CHANGE, 0},
	{"group_id", RK_ID, OPS_EQ | OPS_CHANGE, 0},
	{"assignee_id", RK_ID, OPS_EQ | OPS_CHANGE, 0},
	{"requester_id", RK_ID, OPS_EQ | OPS_CHANGE, 0},
	{"organization_id", RK_ID, OPS_EQ | OPS_CHANGE, 0},
	{"ticket_form_id", RK_ID, OPS_EQ | OPS_CHANGE, 0},
	{"brand_id", RK_ID, OPS_EQ | OPS_CHANGE, 0},
	{"current_tags", RK_TAGS, OP_INCLUDES | OP_NOT_INCLUDES, 0},
	{"via_id", RK_VIA, OPS_EQ, 0},
	{"comment_is_public", RK_COMMENT_PUBLIC, OPS_EQ, 1},
	{"comment_includes_word", RK_COMMENT_WORDS, OPS_WORDS, 1},
	{"subject_includes_word", RK_SUBJECT_WORDS, OPS_WORDS, 0},
	{"role", RK_ROLE, OPS_EQ, 1},
	{"satisfaction_score", RK_CSAT, OPS_EQ | OPS_CHANGE, 0},
	/* Zendesk's "requester language"; values are locale codes (ko,
	 * en-US), since Hana Desk has no numeric locale table. */
	{"locale_id", RK_LOCALE, OPS_EQ, 0},
	{"NEW", RK_TIME, OPS_ORD, 2},
	{"OPEN", RK_TIME, OPS_ORD, 2},
	{"PENDING", RK_TIME, OPS_ORD, 2},
	{"HOLD", RK_TIME, OPS_ORD, 2},
	{"SOLVED", RK_TIME, OPS_ORD, 2},
	{"CLOSED", RK_TIME, OPS_ORD, 2},
	{"assigned_at", RK_TIME, OPS_ORD, 2},
	{"updated_at", RK_TIME, OPS_ORD, 2},
	{"requester_updated_at", RK_TIME, OPS_ORD, 2},
	{"assignee_updated_at", RK_TIME, OPS_ORD, 2},
	{"due_date", RK_TIME, OPS_ORD, 2},
	{"until_due_date", RK_TIME, OPS_ORD, 2},
	{NULL, 0, 0, 0},
};

static const char *const rt_types[] = {"",         "problem", "incident",
				       "question", "task",    NULL};
static const char *const rt_roles[] = {"end_user", "agent", "admin", NULL};
static const char *const rt_csat[] = {"",     "offered", "unoffered",
				      "good", "bad",     NULL};

static const struct {
	const char *channel;
	int id;
} rt_vias[] = {
	{"web", 0},    {"email", 4},          {"api", 5},
	{"rule", 8},   {"closed_ticket", 27}, {"chat", 29},
	{"voice", 34}, {"sms", 57},           {NULL, 0},
};

static int in_list(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

int rt_via_id(const char *channel)
{
	for (size_t i = 0; rt_vias[i].channel; i++)
		if (strcmp(rt_vias[i].channel, channel) == 0)
			return rt_vias[i].id;
	return -1;
}

static bool via_known(int id)
{
	for (size_t i = 0; rt_vias[i].channel; i++)
		if (rt_vias[i].id == id)
			return true;
	return false;
}

static const rt_field *field_of(const char *name, uint64_t *custom)
{
	static const rt_field custom_field = {
		"custom_fields_", RK_CUSTOM,
		OPS_EQ | OPS_CHANGE | OP_PRESENT | OP_NOT_PRESENT, 0};
	for (size_t i = 0; rt_fields[i].name; i++)
		if (strcmp(rt_fields[i].name, name) == 0)
			return &rt_fields[i];
	if (strncmp(name, "custom_fields_", 14) == 0 &&
	    hd_parse_u64(name + 14, custom) == HD_OK && *custom)
		return &custom_field;
	return NULL;
}

static unsigned op_of(const char *op)
{
	int i = in_list(op_names, op);
	return i < 0 ? 0 : 1u << i;
}

static bool value_ok(const rt_field *f, const char *v)
{
	uint64_t n;
	switch (f->kind) {
	case RK_UPDATE_TYPE:
		return !strcmp(v, "Create") || !strcmp(v, "Change");
	case RK_STATUS:
		return v[0] && rules_status_rank(v) >= 0;
	case RK_PRIORITY:
		return rules_priority_rank(v) >= 0;
	case RK_TYPE:
		return in_list(rt_types, v) >= 0;
	case RK_ID:
		return !v[0] || hd_parse_u64(v, &n) == HD_OK ||
		       (!strcmp(v, "current_user") &&
			(!strcmp(f->name, "assignee_id") ||
			 !strcmp(f->name, "requester_id")));
	case RK_TAGS:
	case RK_COMMENT_WORDS:
	case RK_SUBJECT_WORDS:
		return v[0] && strspn(v, " ") != strlen(v);
	case RK_VIA:
		return hd_parse_u64(v, &n) == HD_OK && n < 1000 &&
		       via_known((int)n);
	case RK_COMMENT_PUBLIC:
		return !strcmp(v, "true") || !strcmp(v, "false");
	case RK_ROLE:
		return in_list(rt_roles, v) >= 0;
	case RK_CSAT:
		return in_list(rt_csat, v) >= 0;
	case RK_TIME:
		return hd_parse_u64(v, &n) == HD_OK && n <= 100000;
	case RK_LOCALE:
		return v[0] && strlen(v) <= 16 &&
		       strspn(v, "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") == strlen(v);
	default:
		return strlen(v) <= 1024;
	}
}

bool rt_cond_valid(const char *field, const char *op, const char *value,
		   bool automation)
{
	uint64_t custom = 0;
	const rt_field *f = field_of(field, &custom);
	unsigned o = op_of(op);
	if (!f || !(f->ops & o))
		return false;
	if (automation && (f->only == 1 || (o & OPS_TRIGGER_ONLY)))
		return false;
	if (!automation && f->only == 2)
		return false;
	if (o & (OP_PRESENT | OP_NOT_PRESENT | OP_CHANGED | OP_NOT_CHANGED))
		return true; /* the value is not read */
	return value_ok(f, value);
}

/* The ticket's value of an id, enum or custom field as text ("" = none). */
static const char *ticket_value(const Hd__Ticket *tk, const rt_field *f,
				uint64_t custom, char *buf, size_t cap)
{
	static const Hd__Ticket empty = HD__TICKET__INIT;
	if (!tk)
		tk = &empty;
	const char *n = f->name;
	uint64_t id = 0;
	switch (f->kind) {
	case RK_STATUS:
		return tk->status;
	case RK_PRIORITY:
		return tk->priority;
	case RK_TYPE:
		return tk->type;
	case RK_CSAT:
		return tk->satisfaction_score;
	case RK_ID:
		id = !strcmp(n, "group_id")          ? tk->group_id
		     : !strcmp(n, "assignee_id")     ? tk->assignee_id
		     : !strcmp(n, "requester_id")    ? tk->requester_id
		     : !strcmp(n, "organization_id") ? tk->organization_id
		     : !strcmp(n, "ticket_form_id")  ? tk->ticket_form_id
						     : tk->brand_id;
		if (!id)
			return "";
		snprintf(buf, cap, "%llu", (unsigned long long)id);
		return buf;
	default:
		break;
	}
	for (size_t i = 0; i < tk->n_custom_fields; i++) {
		const Hd__CustomFieldValue *c = tk->custom_fields[i];
		if (c->id != custom || !c->has_value)
			continue;
		if (!strcmp(c->kind, "flag"))
			return c->flag ? "true" : "false";
		if (strcmp(c->kind, "tags") != 0)
			return c->text;
		size_t used = 0;
		buf[0] = 0;
		for (size_t j = 0; j < c->n_tags && used + 1 < cap; j++)
			used += (size_t)snprintf(buf + used, cap - used,
						 j ? " %s" : "%s", c->tags[j]);
		return buf;
	}
	return "";
}

/* Is want one of the space-separated words of list? */
static bool word_in(const char *list, const char *want)
{
	size_t n = strlen(want);
	for (const char *p = list; *p;) {
		p += strspn(p, " ");
		size_t k = strcspn(p, " ");
		if (k && k == n && !strncmp(p, want, n))
			return true;
		p += k;
	}
	return false;
}

static bool value_eq(const rt_field *f, const char *have, const char *want,
		     const rt_facts *fx)
{
	char me[24];
	if (f->kind == RK_ID && !strcmp(want, "current_user")) {
		if (!fx->updater_id)
			return false;
		snprintf(me, sizeof me, "%llu",
			 (unsigned long long)fx->updater_id);
		want = me;
	}
	if (f->kind == RK_CUSTOM && strchr(have, ' ') && want[0])
		return word_in(have, want); /* multiselect: one of its tags */
	return strcmp(have, want) == 0;
}

static bool tk_has_tag(const Hd__Ticket *tk, const char *tag, size_t n)
{
	for (size_t i = 0; i < tk->n_tags; i++)
		if (strlen(tk->tags[i]) == n && !strncmp(tk->tags[i], tag, n))
			return true;
	return false;
}

static bool tags_include(const Hd__Ticket *tk, const char *list)
{
	for (const char *p = list; *p;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		if (n && tk_has_tag(tk, p, n))
			return true;
		p += n;
	}
	return false;
}

typedef struct token_set {
	char **tok;
	size_t n, cap;
} token_set;

static int add_token(void *arg, const char *tok, size_t len, uint32_t pos)
{
	(void)pos;
	token_set *s = arg;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **grown = realloc(s->tok, cap * sizeof *grown);
		if (!grown)
			return HD_E_NOMEM;
		s->tok = grown;
		s->cap = cap;
	}
	char *copy = strndup(tok, len);
	if (!copy)
		return HD_E_NOMEM;
	s->tok[s->n++] = copy;
	return HD_OK;
}

static void token_set_free(token_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->tok[i]);
	free(s->tok);
}

static bool token_in(const token_set *s, const char *t)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->tok[i], t))
			return true;
	return false;
}

/* includes: one of the space-separated words is in the text; a word is
 * there when all its tokens are (Korean words become bigrams). */
static bool words_in(const char *text, const char *words)
{
	token_set have = {0};
	bool found = false;
	hd_tokenize(text, strlen(text), add_token, &have);
	for (const char *p = words; *p && !found;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		token_set want = {0};
		if (n && hd_tokenize(p, n, add_token, &want) == HD_OK &&
		    want.n) {
			found = true;
			for (size_t i = 0; i < want.n && found; i++)
				found = token_in(&have, want.tok[i]);
		}
		token_set_free(&want);
		p += n;
	}
	token_set_free(&have);
	return found;
}

/* is: the text contains the phrase, both case-folded. */
static bool phrase_in(const char *text, const char *phrase)
{
	char *t = hd_text_fold(text, strlen(text));
	char *p = hd_text_fold(phrase, strlen(phrase));
	bool found = t && p && p[0] && strstr(t, p) != NULL;
	free(t);
	free(p);
	return found;
}

static bool words_match(const char *text, unsigned o, const char *v)
{
	if (!text)
		return o == OP_IS_NOT || o == OP_NOT_INCLUDES;
	if (o & (OP_INCLUDES | OP_NOT_INCLUDES))
		return words_in(text, v) == (o == OP_INCLUDES);
	return phrase_in(text, v) == (o == OP_IS);
}

static int64_t floor_hours(int64_t ms)
{
	return ms >= 0 ? ms / HOUR_MS : -((-ms + HOUR_MS - 1) / HOUR_MS);
}

/* Whole hours the time field measures; false when it does not apply (the
 * ticket is not in that status, was never assigned, has no due date). */
static bool hours_of(const char *name, const rt_facts *f, int64_t *hours)
{
	static const Hd__RuleTicketTimes none = HD__RULE_TICKET_TIMES__INIT;
	const Hd__RuleTicketTimes *tm = f->times ? f->times : &none;
	const Hd__Ticket *tk = f->tk;
	int64_t at = 0;
	if (!strcmp(name, "NEW"))
		at = tk->created_at;
	else if (!strcmp(name, "updated_at"))
		at = tk->updated_at;
	else if (!strcmp(name, "assigned_at"))
		at = tk->assignee_id ? tm->assigned_at : 0;
	else if (!strcmp(name, "requester_updated_at"))
		at = tm->requester_updated_at;
	else if (!strcmp(name, "assignee_updated_at"))
		at = tm->assignee_updated_at;
	else if (!strcmp(name, "due_date"))
		at = tk->due_at;
	else if (!strcmp(name, "until_due_date")) {
		if (!tk->due_at)
			return false;
		*hours = floor_hours(tk->due_at - f->now_ms);
		return true;
	} else if (!strcasecmp(name, tk->status))
		at = tm->status_at ? tm->status_at : tk->updated_at;
	if (!at)
		return false;
	*hours = floor_hours(f->now_ms - at);
	return true;
}

static bool compare_ord(unsigned o, int64_t have, int64_t want)
{
	switch (o) {
	case OP_LT:
		return have < want;
	case OP_GT:
		return have > want;
	case OP_IS:
		return have == want;
	default:
		return have != want;
	}
}

static int ordinal_rank(const rt_field *f, const char *v)
{
	return f->kind == RK_STATUS ? rules_status_rank(v)
				    : rules_priority_rank(v);
}

static bool change_match(const rt_field *f, uint64_t custom, unsigned o,
			 const char *v, const rt_facts *fx)
{
	char b1[256], b2[256];
	const char *now = ticket_value(fx->tk, f, custom, b1, sizeof b1);
	const char *was = ticket_value(fx->before, f, custom, b2, sizeof b2);
	bool changed = strcmp(now, was) != 0;
	switch (o) {
	case OP_CHANGED:
		return changed;
	case OP_NOT_CHANGED:
		return !changed;
	case OP_VALUE:
		return changed && value_eq(f, now, v, fx);
	case OP_NOT_VALUE:
		return !(changed && value_eq(f, now, v, fx));
	case OP_VALUE_PREV:
		return changed && value_eq(f, was, v, fx);
	default:
		return !(changed && value_eq(f, was, v, fx));
	}
}

static bool field_match(const rt_field *f, uint64_t custom, unsigned o,
			const char *v, const rt_facts *fx)
{
	char buf[256];
	int64_t hours = 0;
	uint64_t n = 0;
	bool is = o == OP_IS;
	switch (f->kind) {
	case RK_UPDATE_TYPE:
		return (!strcmp(v, "Create") == fx->created) == is;
	case RK_TAGS:
		return tags_include(fx->tk, v) == (o == OP_INCLUDES);
	case RK_VIA:
		hd_parse_u64(v, &n);
		return (rt_via_id(fx->via ? fx->via : "") == (int)n) == is;
	case RK_COMMENT_PUBLIC:
		/* false: a private note; no comment satisfies neither */
		return fx->comment &&
		       (fx->comment_public == !strcmp(v, "true")) == is;
	case RK_COMMENT_WORDS:
		return words_match(fx->comment, o, v);
	case RK_SUBJECT_WORDS:
		return words_match(fx->tk->subject, o, v);
	case RK_ROLE:
		return (strcmp(fx->role ? fx->role : "", v) == 0) == is;
	case RK_LOCALE:
		return (strcasecmp(fx->requester_locale ? fx->requester_locale
							: "",
				   v) == 0) == is;
	case RK_TIME:
		hd_parse_u64(v, &n);
		return hours_of(f->name, fx, &hours) &&
		       compare_ord(o, hours, (int64_t)n);
	default:
		break;
	}
	if (o & OPS_CHANGE)
		return change_match(f, custom, o, v, fx);
	const char *have = ticket_value(fx->tk, f, custom, buf, sizeof buf);
	if (o & (OP_PRESENT | OP_NOT_PRESENT))
		return (have[0] != 0) == (o == OP_PRESENT);
	if (o & (OP_LT | OP_GT))
		return ordinal_rank(f, have) >= 0 &&
		       compare_ord(o, ordinal_rank(f, have),
				   ordinal_rank(f, v));
	return value_eq(f, have, v, fx) == is;
}

bool rt_cond_match(const Hd__RuleCondition *c, const rt_facts *f)
{
	uint64_t custom = 0;
	const rt_field *fd = field_of(c->field, &custom);
	unsigned o = op_of(c->operator_);
	if (!fd || !(fd->ops & o) || !f->tk)
		return false;
	return field_match(fd, custom, o, c->value, f);
}

/* The values a condition's value may take, for the builder; NULL when the
 * value is free (words, tags, ids, hours, locales). */
static const char *const *values_of(const rt_field *f)
{
	static const char *const update_types[] = {"Create", "Change", NULL};
	static const char *const statuses[] = {
		"new", "open", "pending", "hold", "solved", "closed", NULL};
	static const char *const priorities[] = {"",     "low",    "normal",
						 "high", "urgent", NULL};
	static const char *const vias[] = {"0",  "4",  "5",  "8", "27",
					   "29", "34", "57", NULL};
	static const char *const booleans[] = {"true", "false", NULL};
	/* the builder's choice; conditions may name any locale code */
	static const char *const locales[] = {"ko", "en-US", "en",
					      "ja", "zh-CN", NULL};
	switch (f->kind) {
	case RK_UPDATE_TYPE:
		return update_types;
	case RK_STATUS:
		return statuses;
	case RK_PRIORITY:
		return priorities;
	case RK_TYPE:
		return rt_types;
	case RK_VIA:
		return vias;
	case RK_COMMENT_PUBLIC:
		return booleans;
	case RK_ROLE:
		return rt_roles;
	case RK_CSAT:
		return rt_csat;
	case RK_LOCALE:
		return locales;
	default:
		return NULL;
	}
}

static const char *value_type(const rt_field *f)
{
	switch (f->kind) {
	case RK_ID:
		return "id";
	case RK_TAGS:
		return "tags";
	case RK_TIME:
		return "hours";
	case RK_COMMENT_WORDS:
	case RK_SUBJECT_WORDS:
		return "text";
	default:
		return values_of(f) ? "list" : "text";
	}
}

static json_t *field_definition(const rt_field *f, bool automation)
{
	json_t *ops = json_array(), *vals = json_array();
	for (size_t i = 0; op_names[i]; i++) {
		unsigned o = 1u << i;
		if (!(f->ops & o) || (automation && (o & OPS_TRIGGER_ONLY)))
			continue;
		bool terminal = o & (OP_PRESENT | OP_NOT_PRESENT | OP_CHANGED |
				     OP_NOT_CHANGED);
		json_array_append_new(ops, json_pack("{s:s, s:b}", "value",
						     op_names[i], "terminal",
						     terminal));
	}
	const char *const *list = values_of(f);
	for (size_t i = 0; list && list[i]; i++)
		json_array_append_new(vals,
				      json_pack("{s:s}", "value", list[i]));
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "subject", f->name,
			 "group", "ticket", "type", value_type(f), "operators",
			 ops, "values", vals);
}

json_t *rt_cond_definitions(bool automation)
{
	json_t *list = json_array();
	for (size_t i = 0; rt_fields[i].name; i++) {
		const rt_field *f = &rt_fields[i];
		if ((automation && f->only == 1) ||
		    (!automation && f->only == 2))
			continue;
		json_array_append_new(list, field_definition(f, automation));
	}
	return list;
}

json_t *rt_cond_custom_operators(bool automation)
{
	static const rt_field custom = {
		"custom_fields_", RK_CUSTOM,
		OPS_EQ | OPS_CHANGE | OP_PRESENT | OP_NOT_PRESENT, 0};
	json_t *one = field_definition(&custom, automation);
	json_t *ops = json_incref(json_object_get(one, "operators"));
	json_decref(one);
	return ops;
}

bool rt_conds_match(const Hd__Rule *r, const rt_facts *f)
{
	for (size_t i = 0; i < r->n_all; i++)
		if (!rt_cond_match(r->all[i], f))
			return false;
	for (size_t i = 0; i < r->n_any; i++)
		if (rt_cond_match(r->any[i], f))
			return true;
	return r->n_any == 0;
}
