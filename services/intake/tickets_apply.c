/* Merging an hd.TicketPatch into an hd.Ticket: one table row per field
 * (value check, audit value), then the status rules. The patch's JSON types
 * were checked where it was made (hd/ticket_patch.h); every value is checked
 * here. Nothing here touches the store; the write job decides what to
 * keep. */
#include "tickets.h"

#include "hd/err.h"
#include "hd/rule_value.h"
#include "hd/text.h"
#include "hd/ticket_patch.h"
#include "hd/time_iso.h"
#include "hd/via_compat.h"
#include "hd/vocab.h"

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
#define MAX_CUSTOM        400

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
	size_t off;                          /* the member in Hd__Ticket */
	size_t noff;                         /* K_IDS/K_TAGS: the n_ member */
	const ProtobufCEnumDescriptor *desc; /* K_ENUM */
	int staff_only;
	size_t poff;  /* the member in Hd__TicketPatch */
	size_t pnoff; /* K_IDS/K_TAGS: its n_ member */
} fdef;

/* One row: name, kind, member, n_ member offset, enum, staff; the patch's
 * member has the ticket's name. */
#define ROW(n, k, m, no, d, s, pno)                                            \
	{                                                                      \
		n, k, offsetof(Hd__Ticket, m), no, d, s,                       \
			offsetof(Hd__TicketPatch, m), pno                      \
	}
#define F(n, k, m)  ROW(n, k, m, 0, NULL, 0, 0)
#define FS(n, k, m) ROW(n, k, m, 0, NULL, 1, 0)
#define FE(n, m, d) ROW(n, K_ENUM, m, 0, &d, 0, 0)
#define FN(n, k, m, s)                                                         \
	ROW(n, k, m, offsetof(Hd__Ticket, n_##m), NULL, s,                     \
	    offsetof(Hd__TicketPatch, n_##m))
static const fdef fields[] = {
	F("subject", K_STR, subject),
	FE("type", type, hd__ticket_type__descriptor),
	FE("priority", priority, hd__ticket_priority__descriptor),
	FE("status", status, hd__ticket_status__descriptor),
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
	{"via", K_VIA, offsetof(Hd__Ticket, via_channel), 0, NULL, 0,
	 offsetof(Hd__TicketPatch, via), 0},
	FS("external_id", K_STR, external_id),
	F("ticket_form_id", K_ID, ticket_form_id),
	F("brand_id", K_ID, brand_id),
	FS("recipient", K_STR, recipient),
	F("satisfaction_rating", K_CSAT, satisfaction_score),
};
#define NFIELDS (sizeof fields / sizeof fields[0])

#define AT(tk, f, T) ((T *)((char *)(tk) + (f)->off))
#define NAT(tk, f)   ((size_t *)((char *)(tk) + (f)->noff))
#define PAT(p, f, T) ((T *)((char *)(p) + (f)->poff))
#define PNAT(p, f)   ((size_t *)((char *)(p) + (f)->pnoff))

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
	     const json_t *value, const json_t *prev)
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
	if (!rc && value)
		rc = hd_rule_value_from_json(value, &e->value);
	if (!rc && prev)
		rc = hd_rule_value_from_json(prev, &e->previous_value);
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

static int set_ids(Hd__Ticket *tk, const fdef *f, const Hd__TicketPatch *p,
		   hd_rpc_rep *rep)
{
	size_t n = *PNAT(p, f);
	const uint64_t *given = *PAT(p, f, uint64_t *const);
	if (n > MAX_IDS)
		return bad(rep, f->name, "must be an array of user ids");
	uint64_t *ids = calloc(n + 1, sizeof *ids);
	if (!ids)
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!given[i]) {
			free(ids);
			return bad(rep, f->name,
				   "must be an array of user ids");
		}
		ids[i] = given[i];
	}
	free(*AT(tk, f, uint64_t *));
	*AT(tk, f, uint64_t *) = ids;
	*NAT(tk, f) = n;
	return HD_OK;
}

static int set_tags(Hd__Ticket *tk, char **given, size_t ngiven,
		    hd_rpc_rep *rep)
{
	if (ngiven > MAX_TAGS)
		return bad(rep, "tags", "must be an array of at most 100 tags");
	char **tags = calloc(ngiven + 1, sizeof *tags);
	if (!tags)
		return HD_E_NOMEM;
	size_t n = 0;
	int rc = HD_OK;
	for (size_t i = 0; i < ngiven; i++) {
		const char *s = given[i];
		size_t len = strlen(s);
		if (!len || len > MAX_TAG_BYTES || strpbrk(s, " \t\r\n,")) {
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

/* A deep copy of a custom field value (kind checked). */
static int custom_copy(Hd__CustomFieldValue *c, const Hd__CustomFieldValue *v)
{
	c->has_value = v->has_value;
	c->flag = v->flag;
	if (v->has_value && strcmp(v->kind, "text") &&
	    strcmp(v->kind, "flag") && strcmp(v->kind, "tags"))
		return HD_E_INVALID;
	int rc = hd_pb_set_string(&c->kind, v->kind);
	if (!rc)
		rc = hd_pb_set_string(&c->text, v->text);
	if (rc || !v->n_tags)
		return rc;
	c->tags = calloc(v->n_tags + 1, sizeof *c->tags);
	if (!c->tags)
		return HD_E_NOMEM;
	for (size_t i = 0; i < v->n_tags; i++) {
		if (!(c->tags[i] = tk_strdup(v->tags[i])))
			return HD_E_NOMEM;
		c->n_tags++;
	}
	return HD_OK;
}

/* custom_fields [{id, value}] replace the values of the named fields. */
static int set_custom(Hd__Ticket *tk, const Hd__TicketPatch *p, hd_rpc_rep *rep)
{
	if (p->n_custom_fields > MAX_CUSTOM)
		return bad(rep, "custom_fields",
			   "must be an array of {id, value}");
	for (size_t i = 0; i < p->n_custom_fields; i++) {
		const Hd__CustomFieldValue *given = p->custom_fields[i];
		if (!given->id)
			return bad(rep, "custom_fields",
				   "each entry needs a positive integer id");
		Hd__CustomFieldValue *c = NULL;
		size_t at = 0;
		for (size_t k = 0; k < tk->n_custom_fields && !c; k++)
			if (tk->custom_fields[k]->id == given->id)
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
			if (!a)
				return HD_E_NOMEM;
			tk->custom_fields = a;
			if (!(c = malloc(sizeof *c)))
				return HD_E_NOMEM;
			hd__custom_field_value__init(c);
			c->id = given->id;
			a[tk->n_custom_fields++] = c;
		}
		int rc = custom_copy(c, given);
		if (rc == HD_E_INVALID)
			return bad(rep, "custom_fields",
				   "a value must be a string, boolean, number, "
				   "array of strings or null");
		if (rc)
			return rc;
	}
	return HD_OK;
}

static int set_via(Hd__Ticket *tk, const Hd__Via *v)
{
	int rc = HD_OK;
	if (!v)
		return HD_OK;
	if (v->channel) {
		const char *c = hd_via_name(v->channel);
		if (!c[0])
			return HD_E_INVALID;
		rc = hd_pb_set_string(&tk->via_channel, c);
	}
	if (!rc && v->has_source) {
		Hd__Via *copy = hd_via_copy(v);
		if (!copy)
			return HD_E_NOMEM;
		hd__via__free_unpacked(tk->via, NULL);
		tk->via = copy;
	}
	return rc;
}

static int set_csat(Hd__Ticket *tk, const Hd__TicketPatch *p, hd_rpc_rep *rep)
{
	static const char *const scores[] = {"offered", "unoffered", "good",
					     "bad", NULL};
	const char *s = p->satisfaction_score;
	int ok = 0;
	for (size_t i = 0; !ok && scores[i]; i++)
		ok = strcmp(s, scores[i]) == 0;
	if (!ok)
		return bad(rep, "satisfaction_rating",
			   "score must be offered, unoffered, good or bad");
	int rc = hd_pb_set_string(&tk->satisfaction_score, s);
	if (!rc)
		rc = hd_pb_set_string(&tk->satisfaction_comment,
				      p->satisfaction_comment);
	/* Zendesk's reason codes; anything else reads as none. */
	uint32_t why = p->satisfaction_reason_code;
	tk->satisfaction_reason_code =
		why == 5 || why == 6 || why == 7 || why == 8 || why == 100 ? why
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

static int set_enum(Hd__Ticket *tk, const fdef *f, int v, hd_rpc_rep *rep)
{
	const char *s = hd_vocab_name(f->desc, v);
	/* a status is never null, and "deleted" is only ever shown */
	if ((!s[0] && v) || (f->desc == &hd__ticket_status__descriptor &&
			     (!v || v == HD__TICKET_STATUS__STATUS_DELETED))) {
		char msg[160];
		snprintf(msg, sizeof msg, "'%.32s' is not a valid value", s);
		return bad(rep, f->name, msg);
	}
	return hd_pb_set_string(AT(tk, f, char *), s);
}

static int set_field(Hd__Ticket *tk, const fdef *f, const Hd__TicketPatch *p,
		     hd_rpc_rep *rep)
{
	switch (f->kind) {
	case K_STR: {
		const char *s = *PAT(p, f, char *const);
		if (check_text(f, s, rep))
			return HD_E_INVALID;
		return hd_pb_set_string(AT(tk, f, char *), s);
	}
	case K_ENUM:
		return set_enum(tk, f, *PAT(p, f, const int), rep);
	case K_ID:
		*AT(tk, f, uint64_t) = *PAT(p, f, const uint64_t);
		return HD_OK;
	case K_IDS:
		return set_ids(tk, f, p, rep);
	case K_TAGS:
		return set_tags(tk, p->tags, p->n_tags, rep);
	case K_TIME:
		*AT(tk, f, int64_t) = *PAT(p, f, const int64_t);
		return HD_OK;
	case K_CUSTOM:
		return set_custom(tk, p, rep);
	case K_VIA: {
		int rc = set_via(tk, p->via);
		return rc == HD_E_INVALID
			       ? bad(rep, "via",
				     "channel must be a lower-case word")
			       : rc;
	}
	case K_CSAT:
		return set_csat(tk, p, rep);
	}
	return HD_OK;
}

/* The field's value as audits show it (a new reference; NULL: no memory). */
static json_t *field_json(const Hd__Ticket *tk, const fdef *f)
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
	return v;
}

/* A custom field's value as audits show it (a new reference). */
static json_t *custom_json(const Hd__CustomFieldValue *c)
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
	return v;
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
		json_t *now = custom_json(tk->custom_fields[i]);
		json_t *was =
			before ? custom_json(custom_of(before, id)) : NULL;
		if (!now || (before && !was))
			rc = HD_E_NOMEM;
		else if (!before && !json_is_null(now))
			rc = tk_event(ch, "Create", name, now, NULL);
		else if (before && !json_equal(now, was))
			rc = tk_event(ch, "Change", name, now, was);
		json_decref(now);
		json_decref(was);
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
		json_t *now = field_json(tk, f);
		json_t *was = before ? field_json(before, f) : NULL;
		if (!now)
			rc = HD_E_NOMEM;
		else if (!before && !json_is_null(now) &&
			 !(json_is_array(now) && !json_array_size(now)))
			rc = tk_event(ch, "Create", f->name, now, NULL);
		else if (before && was && !json_equal(now, was))
			rc = tk_event(ch, "Change", f->name, now, was);
		json_decref(now);
		json_decref(was);
	}
	return rc;
}

static void note_unpermitted(tk_change *ch, const char *key)
{
	if (ch->nunpermitted <
		    sizeof ch->unpermitted / sizeof ch->unpermitted[0] &&
	    strlen(key) < 64 && !strpbrk(key, "\"\r\n"))
		ch->unpermitted[ch->nunpermitted++] = tk_strdup(key);
}

/* An end-user may set only these on a ticket (status only to solved). */
static int end_user_may(const fdef *f, const Hd__TicketPatch *p)
{
	if (strcmp(f->name, "status") == 0)
		return p->status == HD__TICKET_STATUS__STATUS_SOLVED;
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

static int edit_people(uint64_t **ids, size_t *n, Hd__PeopleChange **list,
		       size_t nlist, const char *name, hd_rpc_rep *rep)
{
	for (size_t i = 0; i < nlist; i++) {
		if (!list[i]->user_id)
			return bad(rep, name,
				   "entries need a positive user_id");
		int rc = edit_ids(ids, n, list[i]->user_id, !list[i]->remove);
		if (rc)
			return bad(rep, name, "too many people");
	}
	return HD_OK;
}

/* collaborators [id…] (add), email_ccs / followers [{user_id, action}]. The
 * e-mail forms need the directory shard, so only user ids are taken. */
static int write_only_people(Hd__Ticket *tk, const Hd__TicketPatch *p,
			     hd_rpc_rep *rep)
{
	for (size_t i = 0; i < p->n_collaborators; i++) {
		if (!p->collaborators[i])
			return bad(rep, "collaborators",
				   "entries need a positive user_id");
		if (edit_ids(&tk->collaborator_ids, &tk->n_collaborator_ids,
			     p->collaborators[i], 1))
			return bad(rep, "collaborators", "too many people");
	}
	int rc = edit_people(&tk->email_cc_ids, &tk->n_email_cc_ids,
			     p->email_ccs, p->n_email_ccs, "email_ccs", rep);
	if (!rc)
		rc = edit_people(&tk->follower_ids, &tk->n_follower_ids,
				 p->followers, p->n_followers, "followers",
				 rep);
	return rc;
}

static int merge_fields(Hd__Ticket *tk, const Hd__TicketPatch *p,
			const hd_principal *who, tk_change *ch, hd_rpc_rep *rep)
{
	for (size_t i = 0; i < p->n_unpermitted; i++)
		note_unpermitted(ch, p->unpermitted[i]);
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!hd_patch_has(p, fields[i].name))
			continue;
		if (!intake_is_staff(who) && !end_user_may(&fields[i], p) &&
		    !(strcmp(fields[i].name, "requester_id") == 0 &&
		      p->requester_id == who->user_id))
			return hd_rpc_fail(rep, HD_E_FORBIDDEN, fields[i].name,
					   "%s: end-users may not set this",
					   fields[i].name);
		int rc = set_field(tk, &fields[i], p, rep);
		if (rc)
			return rc;
	}
	return write_only_people(tk, p, rep);
}

static int read_comment(const Hd__TicketPatch *p, const Hd__Ticket *before,
			const hd_principal *who, tk_change *ch, hd_rpc_rep *rep)
{
	const Hd__PatchComment *c =
		hd_patch_has(p, "comment") ? p->comment : NULL;
	bool desc = hd_patch_has(p, "description");
	if (before && desc)
		note_unpermitted(ch, "description");
	if (!c && desc && !before) {
		ch->comment_body = tk_strdup(p->description);
		ch->comment_public = 1;
	} else if (c) {
		if (c->body[0])
			ch->comment_body = tk_strdup(c->body);
		else if (c->html_body[0]) {
			ch->comment_html = tk_html_sanitize(c->html_body,
							    &ch->comment_body);
			if (!ch->comment_html || !ch->comment_body)
				return bad(rep, "comment",
					   "html_body is too large");
		} else
			return bad(rep, "comment", "cannot be blank");
		ch->comment_public =
			!c->has_public || c->public_ || !intake_is_staff(who);
		if (c->author_id && intake_is_staff(who))
			ch->comment_author = c->author_id;
		ch->uploads = c->uploads;
		ch->nuploads = c->n_uploads;
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

static int status_rules(Hd__Ticket *tk, const Hd__Ticket *before,
			const Hd__TicketPatch *p, const hd_principal *who,
			hd_rpc_rep *rep)
{
	int given = hd_patch_has(p, "status") && p->status;
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

int tk_apply(Hd__Ticket *tk, const Hd__Ticket *before, const Hd__TicketPatch *p,
	     const hd_principal *who, tk_change *ch, hd_rpc_rep *rep)
{
	if (!p)
		return bad(rep, "ticket", "must be an object");
	if (before && strcmp(before->status, "closed") == 0)
		return hd_rpc_fail(rep, HD_E_INVALID, "status",
				   "Status: closed prevents ticket update");
	int rc = merge_fields(tk, p, who, ch, rep);
	if (!rc)
		rc = read_comment(p, before, who, ch, rep);
	if (!rc)
		rc = status_rules(tk, before, p, who, rep);
	if (!rc && !before)
		rc = hd_pb_set_string(&tk->description, ch->comment_body);
	return rc;
}
