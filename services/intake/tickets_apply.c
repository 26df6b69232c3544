/* Merging a Zendesk JSON "ticket" object into an hd.Ticket: one table row
 * per field (type check, value check, audit value), then the status rules.
 * Nothing here touches the store; the write job decides what to keep. */
#include "tickets.h"

#include "hd/err.h"
#include "hd/text.h"
#include "hd/time_iso.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SUBJECT_BYTES 1024
#define MAX_BODY_BYTES    (64 * 1024)
#define MAX_TAGS          100
#define MAX_TAG_BYTES     80
#define MAX_IDS           100

enum kind {
	K_STR,
	K_ENUM,
	K_ID,
	K_IDS,
	K_TIME,
	K_TAGS,
	K_CUSTOM,
	K_VIA,
	K_CSAT
};

typedef struct field {
	const char *name;
	enum kind kind;
	size_t off;  /* the member in Hd__Ticket */
	size_t noff; /* K_IDS/K_TAGS: the n_ member */
	const char *const *allowed;
	int staff_only;
} fdef;

static const char *const priorities[] = {"low", "normal", "high", "urgent",
					 NULL};
static const char *const types[] = {"problem", "incident", "question", "task",
				    NULL};
static const char *const statuses[] = {"new",    "open",   "pending", "hold",
				       "solved", "closed", NULL};

/* One row: name, kind, member, n_ member offset, allowed values, staff. */
#define ROW(n, k, m, no, a, s)                                                 \
	{                                                                      \
		n, k, offsetof(Hd__Ticket, m), no, a, s                        \
	}
#define F(n, k, m)     ROW(n, k, m, 0, NULL, 0)
#define FS(n, k, m)    ROW(n, k, m, 0, NULL, 1)
#define FE(n, m, a)    ROW(n, K_ENUM, m, 0, a, 0)
#define FN(n, k, m, s) ROW(n, k, m, offsetof(Hd__Ticket, n_##m), NULL, s)
static const fdef fields[] = {
	F("subject", K_STR, subject),
	FE("type", type, types),
	FE("priority", priority, priorities),
	FE("status", status, statuses),
	FS("requester_id", K_ID, requester_id),
	FS("submitter_id", K_ID, submitter_id),
	FS("assignee_id", K_ID, assignee_id),
	FS("organization_id", K_ID, organization_id),
	FS("group_id", K_ID, group_id),
	FN("collaborator_ids", K_IDS, collaborator_ids, 1),
	FN("follower_ids", K_IDS, follower_ids, 1),
	FN("email_cc_ids", K_IDS, email_cc_ids, 1),
	FS("problem_id", K_ID, problem_id),
	F("due_at", K_TIME, due_at),
	FN("tags", K_TAGS, tags, 1),
	FN("custom_fields", K_CUSTOM, custom_fields, 0),
	F("via", K_VIA, via_channel),
	FS("external_id", K_STR, external_id),
	F("ticket_form_id", K_ID, ticket_form_id),
	F("brand_id", K_ID, brand_id),
	FS("recipient", K_STR, recipient),
	F("satisfaction_rating", K_CSAT, satisfaction_score),
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* Keys that are understood elsewhere (comment, write-only inputs). */
static const char *const other_keys[] = {
	"comment",     "description",   "requester",
	"safe_update", "updated_stamp", "collaborators",
	"email_ccs",   "followers",     NULL};

#define AT(tk, f, T) ((T *)((char *)(tk) + (f)->off))
#define NAT(tk, f)   ((size_t *)((char *)(tk) + (f)->noff))

char *tk_strdup(const char *s)
{
	char *d = strdup(s ? s : "");
	return d;
}

void tk_change_release(tk_change *c)
{
	for (size_t i = 0; i < c->nev; i++)
		hd__audit_event__free_unpacked(c->ev[i], NULL);
	free(c->ev);
	free(c->comment_body);
	free(c->comment_html);
	for (size_t i = 0; i < c->nunpermitted; i++)
		free(c->unpermitted[i]);
	memset(c, 0, sizeof *c);
}

int tk_event(tk_change *c, const char *type, const char *field,
	     const char *value, const char *prev)
{
	Hd__AuditEvent **ev = realloc(c->ev, (c->nev + 1) * sizeof *ev);
	if (!ev)
		return HD_E_NOMEM;
	c->ev = ev;
	Hd__AuditEvent *e = malloc(sizeof *e);
	if (!e)
		return HD_E_NOMEM;
	hd__audit_event__init(e);
	int rc = hd_pb_set_string(&e->type, type);
	if (!rc)
		rc = hd_pb_set_string(&e->field_name, field);
	if (!rc)
		rc = hd_pb_set_string(&e->value_json, value ? value : "null");
	if (!rc && prev)
		rc = hd_pb_set_string(&e->previous_value_json, prev);
	if (rc) {
		hd__audit_event__free_unpacked(e, NULL);
		return rc;
	}
	c->ev[c->nev++] = e;
	return HD_OK;
}

static int bad(hd_rpc_rep *rep, const char *field, const char *why)
{
	return hd_rpc_fail(rep, HD_E_INVALID, field, "%s: %s", field, why);
}

static int parse_time(const char *s, int64_t *ms)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || (*end && strcmp(end, "Z") != 0 && strcmp(end, "+00:00")))
		return HD_E_INVALID;
	*ms = (int64_t)timegm(&tm) * 1000;
	return HD_OK;
}

static int set_ids(Hd__Ticket *tk, const fdef *f, json_t *v, hd_rpc_rep *rep)
{
	if (!json_is_array(v) || json_array_size(v) > MAX_IDS)
		return bad(rep, f->name, "must be an array of user ids");
	uint64_t *ids = calloc(json_array_size(v) + 1, sizeof *ids);
	if (!ids)
		return HD_E_NOMEM;
	size_t i, n = 0;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		if (!json_is_integer(x) || json_integer_value(x) <= 0) {
			free(ids);
			return bad(rep, f->name,
				   "must be an array of user ids");
		}
		ids[n++] = (uint64_t)json_integer_value(x);
	}
	free(*AT(tk, f, uint64_t *));
	*AT(tk, f, uint64_t *) = ids;
	*NAT(tk, f) = n;
	return HD_OK;
}

static int set_tags(Hd__Ticket *tk, json_t *v, hd_rpc_rep *rep)
{
	if (!json_is_array(v) || json_array_size(v) > MAX_TAGS)
		return bad(rep, "tags", "must be an array of at most 100 tags");
	char **tags = calloc(json_array_size(v) + 1, sizeof *tags);
	if (!tags)
		return HD_E_NOMEM;
	size_t i, n = 0;
	json_t *x;
	int rc = HD_OK;
	json_array_foreach(v, i, x)
	{
		const char *s = json_string_value(x);
		size_t len = s ? strlen(s) : 0;
		if (!s || !len || len > MAX_TAG_BYTES ||
		    strpbrk(s, " \t\r\n,")) {
			rc = bad(rep, "tags",
				 "each tag must be 1-80 bytes "
				 "without spaces or commas");
			break;
		}
		char *t = tk_strdup(s);
		if (!t) {
			rc = HD_E_NOMEM;
			break;
		}
		hd_ascii_lower(t, t, len + 1);
		int dup = 0;
		for (size_t j = 0; j < n && !dup; j++)
			dup = strcmp(tags[j], t) == 0;
		if (dup)
			free(t);
		else
			tags[n++] = t;
	}
	if (rc) {
		for (size_t j = 0; j < n; j++)
			free(tags[j]);
		free(tags);
		return rc;
	}
	for (size_t j = 0; j < tk->n_tags; j++)
		free(tk->tags[j]);
	free(tk->tags);
	tk->tags = tags;
	tk->n_tags = n;
	return HD_OK;
}

/* HD_E_INVALID for a value of no custom field kind, HD_E_NOMEM. */
static int custom_value(Hd__CustomFieldValue *c, json_t *val)
{
	if (json_is_null(val))
		return HD_OK;
	c->has_value = 1;
	int rc = HD_OK;
	if (json_is_string(val)) {
		rc = hd_pb_set_string(&c->kind, "text");
		if (!rc)
			rc = hd_pb_set_string(&c->text, json_string_value(val));
	} else if (json_is_boolean(val)) {
		rc = hd_pb_set_string(&c->kind, "flag");
		c->flag = json_is_true(val);
	} else if (json_is_number(val)) {
		char num[64];
		snprintf(num, sizeof num, "%.17g", json_number_value(val));
		rc = hd_pb_set_string(&c->kind, "text");
		if (!rc)
			rc = hd_pb_set_string(&c->text, num);
	} else if (json_is_array(val)) {
		if ((rc = hd_pb_set_string(&c->kind, "tags")))
			return rc;
		c->tags = calloc(json_array_size(val) + 1, sizeof *c->tags);
		if (!c->tags)
			return HD_E_NOMEM;
		size_t i;
		json_t *x;
		json_array_foreach(val, i, x)
		{
			if (!json_is_string(x))
				return HD_E_INVALID;
			char *tag = tk_strdup(json_string_value(x));
			if (!tag)
				return HD_E_NOMEM;
			c->tags[c->n_tags++] = tag;
		}
	} else {
		return HD_E_INVALID;
	}
	return rc;
}

/* custom_fields [{id, value}] replace the values of the named fields. */
static int set_custom(Hd__Ticket *tk, json_t *v, hd_rpc_rep *rep)
{
	if (!json_is_array(v) || json_array_size(v) > 400)
		return bad(rep, "custom_fields",
			   "must be an array of {id, value}");
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		json_t *id = json_object_get(x, "id");
		if (!json_is_integer(id) || json_integer_value(id) <= 0)
			return bad(rep, "custom_fields",
				   "each entry needs a positive integer id");
		Hd__CustomFieldValue *c = NULL;
		size_t at = 0;
		for (size_t k = 0; k < tk->n_custom_fields && !c; k++)
			if (tk->custom_fields[k]->id ==
			    (uint64_t)json_integer_value(id))
				c = tk->custom_fields[at = k];
		if (c) {
			Hd__CustomFieldValue *fresh = malloc(sizeof *fresh);
			if (!fresh)
				return HD_E_NOMEM;
			hd__custom_field_value__init(fresh);
			fresh->id = c->id;
			hd__custom_field_value__free_unpacked(c, NULL);
			tk->custom_fields[at] = c = fresh;
		} else {
			Hd__CustomFieldValue **a =
				realloc(tk->custom_fields,
					(tk->n_custom_fields + 1) * sizeof *a);
			if (!a || !(c = malloc(sizeof *c)))
				return HD_E_NOMEM;
			hd__custom_field_value__init(c);
			c->id = (uint64_t)json_integer_value(id);
			tk->custom_fields = a;
			a[tk->n_custom_fields++] = c;
		}
		json_t *val = json_object_get(x, "value");
		int rc = custom_value(c, val ? val : json_null());
		if (rc == HD_E_INVALID)
			return bad(rep, "custom_fields",
				   "a value must be a string, boolean, number, "
				   "array of strings or null");
		if (rc)
			return rc;
	}
	return HD_OK;
}

static int set_via(Hd__Ticket *tk, json_t *v, hd_rpc_rep *rep)
{
	json_t *ch = json_object_get(v, "channel");
	json_t *src = json_object_get(v, "source");
	if (!json_is_object(v) || (ch && !json_is_string(ch)) ||
	    (src && !json_is_object(src)))
		return bad(rep, "via",
			   "must be {\"channel\":\"…\",\"source\":{…}}");
	if (ch) {
		const char *c = json_string_value(ch);
		if (!c[0] || strlen(c) > 32 ||
		    strspn(c, "abcdefghijklmnopqrstuvwxyz_") != strlen(c))
			return bad(rep, "via",
				   "channel must be a lower-case word");
		int rc = hd_pb_set_string(&tk->via_channel, c);
		if (rc)
			return rc;
	}
	if (src) {
		char *text = json_dumps(src, JSON_COMPACT);
		if (!text || strlen(text) > 4096) {
			free(text);
			return bad(rep, "via", "source is too large");
		}
		int rc = hd_pb_set_string(&tk->via_source_json, text);
		free(text);
		if (rc)
			return rc;
	}
	return HD_OK;
}

static int set_csat(Hd__Ticket *tk, json_t *v, hd_rpc_rep *rep)
{
	static const char *const scores[] = {"offered", "unoffered", "good",
					     "bad", NULL};
	json_t *s = json_object_get(v, "score");
	json_t *c = json_object_get(v, "comment");
	int ok = json_is_object(v) && json_is_string(s) &&
		 (!c || json_is_null(c) || json_is_string(c));
	for (size_t i = 0; ok && scores[i]; i++)
		if (strcmp(json_string_value(s), scores[i]) == 0)
			ok = 2;
	if (ok != 2)
		return bad(rep, "satisfaction_rating",
			   "score must be offered, unoffered, good or bad");
	int rc =
		hd_pb_set_string(&tk->satisfaction_score, json_string_value(s));
	if (!rc)
		rc = hd_pb_set_string(&tk->satisfaction_comment,
				      json_is_string(c) ? json_string_value(c)
							: "");
	/* Zendesk's reason codes; anything else reads as none. */
	json_int_t why = json_integer_value(json_object_get(v, "reason_code"));
	tk->satisfaction_reason_code =
		why == 5 || why == 6 || why == 7 || why == 8 || why == 100
			? (uint32_t)why
			: 0;
	return rc;
}

static int check_text(const fdef *f, const char *s, hd_rpc_rep *rep)
{
	size_t n = strlen(s);
	size_t max = strcmp(f->name, "subject") == 0 ? MAX_SUBJECT_BYTES : 255;
	if (n > max)
		return bad(rep, f->name, "is too long");
	return HD_OK;
}

static int set_enum(Hd__Ticket *tk, const fdef *f, json_t *v, hd_rpc_rep *rep)
{
	const char *s = json_is_null(v) ? "" : json_string_value(v);
	if (!s)
		return bad(rep, f->name, "must be a string");
	int ok = !s[0] && f->allowed != statuses;
	for (size_t i = 0; !ok && f->allowed[i]; i++)
		ok = strcmp(s, f->allowed[i]) == 0;
	if (!ok) {
		char msg[160];
		snprintf(msg, sizeof msg, "'%.32s' is not a valid value", s);
		return bad(rep, f->name, msg);
	}
	return hd_pb_set_string(AT(tk, f, char *), s);
}

static int set_field(Hd__Ticket *tk, const fdef *f, json_t *v, hd_rpc_rep *rep)
{
	int64_t ms = 0;
	switch (f->kind) {
	case K_STR:
		if (!json_is_string(v) && !json_is_null(v))
			return bad(rep, f->name, "must be a string");
		if (check_text(f, json_is_null(v) ? "" : json_string_value(v),
			       rep))
			return HD_E_INVALID;
		return hd_pb_set_string(AT(tk, f, char *),
					json_is_null(v) ? ""
							: json_string_value(v));
	case K_ENUM:
		return set_enum(tk, f, v, rep);
	case K_ID:
		if (!json_is_null(v) &&
		    (!json_is_integer(v) || json_integer_value(v) <= 0))
			return bad(rep, f->name, "must be a positive integer");
		*AT(tk, f, uint64_t) =
			json_is_null(v) ? 0 : (uint64_t)json_integer_value(v);
		return HD_OK;
	case K_IDS:
	case K_TAGS: {
		json_t *empty = json_array();
		int rc = f->kind == K_IDS
				 ? set_ids(tk, f, json_is_null(v) ? empty : v,
					   rep)
				 : set_tags(tk, json_is_null(v) ? empty : v,
					    rep);
		json_decref(empty);
		return rc;
	}
	case K_TIME:
		if (!json_is_null(v) && (!json_is_string(v) ||
					 parse_time(json_string_value(v), &ms)))
			return bad(rep, f->name, "must be an ISO 8601 time");
		*AT(tk, f, int64_t) = ms;
		return HD_OK;
	case K_CUSTOM:
		return set_custom(tk, v, rep);
	case K_VIA:
		return set_via(tk, v, rep);
	case K_CSAT:
		return set_csat(tk, v, rep);
	}
	return HD_OK;
}

/* The field's value as JSON text (malloc'd), as audits show it. */
static char *field_json(const Hd__Ticket *tk, const fdef *f)
{
	json_t *v = NULL;
	switch (f->kind) {
	case K_STR:
	case K_ENUM: {
		const char *s = *AT(tk, f, char *const);
		v = s[0] ? json_string(s) : json_null();
		break;
	}
	case K_ID: {
		uint64_t id = *AT(tk, f, const uint64_t);
		v = id ? json_integer((json_int_t)id) : json_null();
		break;
	}
	case K_IDS:
		v = json_array();
		for (size_t i = 0; i < *NAT(tk, f); i++)
			json_array_append_new(
				v, json_integer((json_int_t)(*AT(
					   tk, f, uint64_t *const))[i]));
		break;
	case K_TAGS:
		v = json_array();
		for (size_t i = 0; i < tk->n_tags; i++)
			json_array_append_new(v, json_string(tk->tags[i]));
		break;
	case K_TIME: {
		v = hd_time_json(*AT(tk, f, const int64_t));
		break;
	}
	case K_CUSTOM:
		v = json_integer((json_int_t)tk->n_custom_fields);
		break;
	case K_VIA:
		v = json_string(tk->via_channel);
		break;
	case K_CSAT:
		v = tk->satisfaction_score[0]
			    ? json_string(tk->satisfaction_score)
			    : json_null();
		break;
	}
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	return text;
}

/* A custom field's value as audits show it (malloc'd JSON text). */
static char *custom_json(const Hd__CustomFieldValue *c)
{
	json_t *v = json_null();
	if (c && c->has_value && strcmp(c->kind, "flag") == 0) {
		v = json_boolean(c->flag);
	} else if (c && c->has_value && strcmp(c->kind, "tags") == 0) {
		v = json_array();
		for (size_t i = 0; i < c->n_tags; i++)
			json_array_append_new(v, json_string(c->tags[i]));
	} else if (c && c->has_value) {
		v = json_string(c->text);
	}
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	return text;
}

static const Hd__CustomFieldValue *custom_of(const Hd__Ticket *tk, uint64_t id)
{
	for (size_t i = 0; tk && i < tk->n_custom_fields; i++)
		if (tk->custom_fields[i]->id == id)
			return tk->custom_fields[i];
	return NULL;
}

/* Create/Change events for custom fields, named by the field id as
 * Zendesk's audits do. */
static int diff_custom(const Hd__Ticket *tk, const Hd__Ticket *before,
		       tk_change *ch)
{
	int rc = HD_OK;
	for (size_t i = 0; i < tk->n_custom_fields && !rc; i++) {
		uint64_t id = tk->custom_fields[i]->id;
		char name[32];
		snprintf(name, sizeof name, "%llu", (unsigned long long)id);
		char *now = custom_json(tk->custom_fields[i]);
		char *was = before ? custom_json(custom_of(before, id)) : NULL;
		if (!now || (before && !was))
			rc = HD_E_NOMEM;
		else if (!before && strcmp(now, "null"))
			rc = tk_event(ch, "Create", name, now, NULL);
		else if (before && strcmp(now, was))
			rc = tk_event(ch, "Change", name, now, was);
		free(now);
		free(was);
	}
	return rc;
}

int tk_diff(const Hd__Ticket *tk, const Hd__Ticket *before, tk_change *ch)
{
	int rc = diff_custom(tk, before, ch);
	for (size_t i = 0; i < NFIELDS && !rc; i++) {
		const fdef *f = &fields[i];
		if (f->kind == K_CUSTOM)
			continue;
		char *now = field_json(tk, f);
		char *was = before ? field_json(before, f) : NULL;
		if (!now)
			rc = HD_E_NOMEM;
		else if (!before && strcmp(now, "null") && strcmp(now, "[]"))
			rc = tk_event(ch, "Create", f->name, now, NULL);
		else if (before && was && strcmp(now, was))
			rc = tk_event(ch, "Change", f->name, now, was);
		free(now);
		free(was);
	}
	return rc;
}

static int is_known(const char *key)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(key, fields[i].name) == 0)
			return 1;
	for (size_t i = 0; other_keys[i]; i++)
		if (strcmp(key, other_keys[i]) == 0)
			return 1;
	return 0;
}

static void note_unpermitted(tk_change *ch, const char *key)
{
	if (ch->nunpermitted <
		    sizeof ch->unpermitted / sizeof ch->unpermitted[0] &&
	    strlen(key) < 64 && !strpbrk(key, "\"\r\n"))
		ch->unpermitted[ch->nunpermitted++] = tk_strdup(key);
}

/* An end-user may set only these on a ticket (status only to solved). */
static int end_user_may(const fdef *f, json_t *v)
{
	if (strcmp(f->name, "status") == 0)
		return json_is_string(v) &&
		       strcmp(json_string_value(v), "solved") == 0;
	return !f->staff_only;
}

/* Add (put) or drop (delete) id in a repeated id field. */
static int edit_ids(uint64_t **ids, size_t *n, uint64_t id, int put)
{
	size_t k = 0;
	int found = 0;
	for (size_t i = 0; i < *n; i++) {
		found |= (*ids)[i] == id;
		if ((*ids)[i] != id || put)
			(*ids)[k++] = (*ids)[i];
	}
	*n = k;
	if (!put || found)
		return HD_OK;
	if (*n >= MAX_IDS)
		return HD_E_INVALID;
	uint64_t *grown = realloc(*ids, (*n + 1) * sizeof *grown);
	if (!grown)
		return HD_E_NOMEM;
	*ids = grown;
	grown[(*n)++] = id;
	return HD_OK;
}

/* collaborators [id…] (add), email_ccs / followers [{user_id, action}]. The
 * e-mail forms need the directory shard, so only user ids are taken. */
static int write_only_people(Hd__Ticket *tk, json_t *obj, hd_rpc_rep *rep)
{
	static const char *const keys[] = {"collaborators", "email_ccs",
					   "followers"};
	for (size_t k = 0; k < 3; k++) {
		json_t *list = json_object_get(obj, keys[k]), *x;
		size_t i;
		if (!list)
			continue;
		if (!json_is_array(list) || json_array_size(list) > MAX_IDS)
			return bad(rep, keys[k], "must be an array");
		json_array_foreach(list, i, x)
		{
			json_t *uid = k ? json_object_get(x, "user_id") : x;
			json_t *act = json_object_get(x, "action");
			if (!json_is_integer(uid) ||
			    json_integer_value(uid) <= 0)
				return bad(rep, keys[k],
					   "entries need a positive user_id");
			int put = !json_is_string(act) ||
				  strcmp(json_string_value(act), "delete") != 0;
			uint64_t id = (uint64_t)json_integer_value(uid);
			int rc = k == 2   ? edit_ids(&tk->follower_ids,
						     &tk->n_follower_ids, id, put)
				 : k == 1 ? edit_ids(&tk->email_cc_ids,
						     &tk->n_email_cc_ids, id,
						     put)
					  : edit_ids(&tk->collaborator_ids,
						     &tk->n_collaborator_ids,
						     id, 1);
			if (rc)
				return bad(rep, keys[k], "too many people");
		}
	}
	return HD_OK;
}

static int merge_fields(Hd__Ticket *tk, json_t *obj, const hd_principal *who,
			tk_change *ch, hd_rpc_rep *rep)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (!is_known(key))
			note_unpermitted(ch, key);
	}
	for (size_t i = 0; i < NFIELDS; i++) {
		v = json_object_get(obj, fields[i].name);
		if (!v)
			continue;
		if (!intake_is_staff(who) && !end_user_may(&fields[i], v) &&
		    !(strcmp(fields[i].name, "requester_id") == 0 &&
		      json_is_integer(v) &&
		      (uint64_t)json_integer_value(v) == who->user_id))
			return hd_rpc_fail(rep, HD_E_FORBIDDEN, fields[i].name,
					   "%s: end-users may not set this",
					   fields[i].name);
		int rc = set_field(tk, &fields[i], v, rep);
		if (rc)
			return rc;
	}
	return write_only_people(tk, obj, rep);
}

static int read_comment(json_t *obj, const Hd__Ticket *before,
			const hd_principal *who, tk_change *ch, hd_rpc_rep *rep)
{
	json_t *c = json_object_get(obj, "comment");
	json_t *desc = before ? NULL : json_object_get(obj, "description");
	if (before && json_object_get(obj, "description"))
		note_unpermitted(ch, "description");
	if ((!c || json_is_null(c)) && json_is_string(desc)) {
		ch->comment_body = tk_strdup(json_string_value(desc));
		ch->comment_public = 1;
	} else if (c && !json_is_null(c)) {
		json_t *body = json_object_get(c, "body");
		json_t *html = json_object_get(c, "html_body");
		json_t *pub = json_object_get(c, "public");
		json_t *author = json_object_get(c, "author_id");
		json_t *up = json_object_get(c, "uploads");
		if (!json_is_object(c) || (body && !json_is_string(body)) ||
		    (html && !json_is_string(html)) ||
		    (pub && !json_is_boolean(pub)) ||
		    (author && !json_is_integer(author)) ||
		    (up && !json_is_array(up)))
			return bad(rep, "comment",
				   "must be {\"body\"|\"html_body\":\"…\", "
				   "\"public\":bool, \"author_id\":int, "
				   "\"uploads\":[…]}");
		if (json_is_string(html) && !body) {
			ch->comment_html = tk_html_sanitize(
				json_string_value(html), &ch->comment_body);
			if (!ch->comment_html || !ch->comment_body)
				return bad(rep, "comment",
					   "html_body is too large");
		} else if (json_is_string(body))
			ch->comment_body = tk_strdup(json_string_value(body));
		ch->comment_public =
			!pub || json_is_true(pub) || !intake_is_staff(who);
		if (author && intake_is_staff(who))
			ch->comment_author =
				(uint64_t)json_integer_value(author);
		/* the gateway resolves uploads tokens into hd_attachments */
		ch->uploads = json_object_get(c, "hd_attachments");
	}
	if (ch->comment_body) {
		size_t n = strlen(ch->comment_body);
		if (strspn(ch->comment_body, " \t\r\n") == n)
			return bad(rep, "comment", "cannot be blank");
		if (n > MAX_BODY_BYTES || !hd_utf8_valid(ch->comment_body, n))
			return bad(rep, "comment", "is too long or not UTF-8");
		if (!ch->comment_html)
			ch->comment_html = tk_html_from_text(ch->comment_body);
	} else if (!before) {
		return bad(rep, "comment", "cannot be blank");
	}
	if (!ch->comment_author)
		ch->comment_author = who->user_id;
	return HD_OK;
}

static int status_rules(Hd__Ticket *tk, const Hd__Ticket *before, json_t *obj,
			const hd_principal *who, hd_rpc_rep *rep)
{
	int given = json_is_string(json_object_get(obj, "status"));
	if (!tk->status[0] && hd_pb_set_string(&tk->status, "new"))
		return HD_E_NOMEM;
	if (given && before && strcmp(tk->status, "new") == 0 &&
	    strcmp(before->status, "new") != 0)
		return bad(rep, "status", "cannot go back to new");
	if (tk->assignee_id && strcmp(tk->status, "new") == 0 &&
	    hd_pb_set_string(&tk->status, "open"))
		return HD_E_NOMEM;
	int solving = strcmp(tk->status, "solved") == 0 ||
		      strcmp(tk->status, "closed") == 0;
	if (solving && !tk->assignee_id && intake_is_staff(who))
		return hd_rpc_fail(rep, HD_E_INVALID, "assignee_id",
				   "Assignee: is required when solving");
	if (tk->problem_id && strcmp(tk->type, "incident") != 0)
		return bad(rep, "problem_id",
			   "only incidents link to a problem");
	if (tk->problem_id == tk->id && tk->id)
		return bad(rep, "problem_id", "cannot be the ticket itself");
	if (tk->due_at && strcmp(tk->type, "task") != 0)
		return bad(rep, "due_at", "only tasks have a due date");
	if (solving && (!before || !before->solved_at))
		tk->solved_at = hd_now_ms();
	return HD_OK;
}

int tk_apply(Hd__Ticket *tk, const Hd__Ticket *before, json_t *obj,
	     const hd_principal *who, tk_change *ch, hd_rpc_rep *rep)
{
	if (!json_is_object(obj))
		return bad(rep, "ticket", "must be an object");
	if (before && strcmp(before->status, "closed") == 0)
		return hd_rpc_fail(rep, HD_E_INVALID, "status",
				   "Status: closed prevents ticket update");
	int rc = merge_fields(tk, obj, who, ch, rep);
	if (!rc)
		rc = read_comment(obj, before, who, ch, rep);
	if (!rc)
		rc = status_rules(tk, before, obj, who, rep);
	if (!rc && !before)
		rc = hd_pb_set_string(&tk->description, ch->comment_body);
	return rc;
}
