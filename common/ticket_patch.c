/* The "ticket" object's keys, one row each: the JSON type a key takes and
 * where its value goes in hd.TicketPatch. Only types are checked here (and
 * spellings of the vocabulary enums, which have no other typed form); the
 * values — lengths, tag syntax, status rules, who may set what — are
 * intake's. The messages are the ones Zendesk clients see. */
#include "hd/ticket_patch.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "hd/vocab.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_UNPERMITTED 32
#define MAX_PEOPLE      100

enum pkind {
	P_STR,
	P_ENUM,
	P_ID,
	P_IDS,
	P_TIME,
	P_TAGS,
	P_CUSTOM,
	P_VIA,
	P_CSAT,
	P_COMMENT,
	P_DESC,
	P_PEOPLE,
	P_SAFE,
	P_STAMP,
	P_IGNORED
};

typedef struct prow {
	const char *name;
	enum pkind kind;
	size_t off;  /* the member in Hd__TicketPatch */
	size_t noff; /* P_IDS / P_TAGS / P_PEOPLE: the n_ member */
	const ProtobufCEnumDescriptor *desc;
} prow;

#define R(n, k, m)                                                             \
	{                                                                      \
		n, k, offsetof(Hd__TicketPatch, m), 0, NULL                    \
	}
#define RN(n, k, m)                                                            \
	{                                                                      \
		n, k, offsetof(Hd__TicketPatch, m),                            \
			offsetof(Hd__TicketPatch, n_##m), NULL                 \
	}
#define RE(n, m, d)                                                            \
	{                                                                      \
		n, P_ENUM, offsetof(Hd__TicketPatch, m), 0, &d                 \
	}
#define RX(n, k)                                                               \
	{                                                                      \
		n, k, 0, 0, NULL                                               \
	}
static const prow rows[] = {
	R("subject", P_STR, subject),
	RE("type", type, hd__ticket_type__descriptor),
	RE("priority", priority, hd__ticket_priority__descriptor),
	RE("status", status, hd__ticket_status__descriptor),
	R("requester_id", P_ID, requester_id),
	R("submitter_id", P_ID, submitter_id),
	R("assignee_id", P_ID, assignee_id),
	R("organization_id", P_ID, organization_id),
	R("group_id", P_ID, group_id),
	RN("collaborator_ids", P_IDS, collaborator_ids),
	RN("follower_ids", P_IDS, follower_ids),
	RN("email_cc_ids", P_IDS, email_cc_ids),
	R("problem_id", P_ID, problem_id),
	R("due_at", P_TIME, due_at),
	RN("tags", P_TAGS, tags),
	RX("custom_fields", P_CUSTOM),
	RX("via", P_VIA),
	R("external_id", P_STR, external_id),
	R("ticket_form_id", P_ID, ticket_form_id),
	R("brand_id", P_ID, brand_id),
	R("recipient", P_STR, recipient),
	RX("satisfaction_rating", P_CSAT),
	RX("comment", P_COMMENT),
	RX("description", P_DESC),
	RN("collaborators", P_PEOPLE, collaborators),
	RN("email_ccs", P_PEOPLE, email_ccs),
	RN("followers", P_PEOPLE, followers),
	RX("safe_update", P_SAFE),
	RX("updated_stamp", P_STAMP),
	RX("requester", P_IGNORED), /* the gateway resolves it first */
};
#define NROWS (sizeof rows / sizeof rows[0])

#define AT(p, r, T) ((T *)((char *)(p) + (r)->off))
#define NAT(p, r)   ((size_t *)((char *)(p) + (r)->noff))

static int bad(hd_patch_err *e, const char *field, const char *why)
{
	snprintf(e->field, sizeof e->field, "%s", field);
	snprintf(e->message, sizeof e->message, "%s: %s", field, why);
	return HD_E_INVALID;
}

Hd__TicketPatch *hd_ticket_patch_new(void)
{
	Hd__TicketPatch *p = malloc(sizeof *p);
	if (p)
		hd__ticket_patch__init(p);
	return p;
}

void hd_ticket_patch_free(Hd__TicketPatch *p)
{
	if (p)
		hd__ticket_patch__free_unpacked(p, NULL);
}

static int push_str(char ***list, size_t *n, const char *s)
{
	char **grown = realloc(*list, (*n + 1) * sizeof *grown);
	if (!grown)
		return HD_E_NOMEM;
	*list = grown;
	if (!(grown[*n] = strdup(s ? s : "")))
		return HD_E_NOMEM;
	(*n)++;
	return HD_OK;
}

bool hd_patch_has(const Hd__TicketPatch *p, const char *name)
{
	for (size_t i = 0; p && i < p->n_fields; i++)
		if (strcmp(p->fields[i], name) == 0)
			return true;
	return false;
}

int hd_patch_mark(Hd__TicketPatch *p, const char *name)
{
	return hd_patch_has(p, name) ? HD_OK
				     : push_str(&p->fields, &p->n_fields, name);
}

int hd_patch_str(Hd__TicketPatch *p, const char *name, char **member,
		 const char *value)
{
	int rc = hd_pb_set_string(member, value ? value : "");
	return rc ? rc : hd_patch_mark(p, name);
}

int hd_patch_add_tag(Hd__TicketPatch *p, const char *tag)
{
	int rc = push_str(&p->tags, &p->n_tags, tag);
	return rc ? rc : hd_patch_mark(p, "tags");
}

Hd__PatchComment *hd_patch_comment(Hd__TicketPatch *p)
{
	if (!p->comment) {
		p->comment = malloc(sizeof *p->comment);
		if (!p->comment)
			return NULL;
		hd__patch_comment__init(p->comment);
	}
	return hd_patch_mark(p, "comment") ? NULL : p->comment;
}

static Hd__ViaParty *party_new(void)
{
	Hd__ViaParty *x = malloc(sizeof *x);
	if (x)
		hd__via_party__init(x);
	return x;
}

Hd__Via *hd_via_new(void)
{
	Hd__Via *v = malloc(sizeof *v);
	if (!v)
		return NULL;
	hd__via__init(v);
	v->from = party_new();
	v->to = party_new();
	if (!v->from || !v->to) {
		hd__via__free_unpacked(v, NULL);
		return NULL;
	}
	return v;
}

/* The party keys and where each lives; id is the one number. */
#define PK(k)                                                                  \
	{                                                                      \
#k, offsetof(Hd__ViaParty, k)                                  \
	}
static const struct pkey {
	const char *key;
	size_t off;
} party_keys[] = {PK(title),   PK(address), PK(name), PK(phone),
		  PK(chat_id), PK(metric),  PK(on)};
#define NPKEYS (sizeof party_keys / sizeof party_keys[0])

static char **party_str(Hd__ViaParty *x, const char *key)
{
	for (size_t i = 0; i < NPKEYS; i++)
		if (strcmp(key, party_keys[i].key) == 0)
			return (char **)((char *)x + party_keys[i].off);
	return NULL;
}

static int mark(char ***list, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], key) == 0)
			return HD_OK;
	return push_str(list, n, key);
}

int hd_via_party_set(Hd__ViaParty *x, const char *key, const char *value)
{
	char **s = party_str(x, key);
	int rc = HD_OK;
	if (strcmp(key, "id") == 0)
		x->id = value ? strtoull(value, NULL, 10) : 0;
	else if (s)
		rc = hd_pb_set_string(s, value ? value : "");
	else
		return HD_E_INVALID;
	return rc ? rc : mark(&x->fields, &x->n_fields, key);
}

/* from / to: an object of the party keys (string, integer id or null);
 * other keys are dropped. */
static int party_from_json(const json_t *o, Hd__ViaParty *x, hd_patch_err *e)
{
	const char *key;
	json_t *v;
	if (!json_is_object(o))
		return bad(e, "via",
			   "source.from and source.to must be objects");
	json_object_foreach((json_t *)o, key, v)
	{
		char num[24];
		const char *s = json_string_value(v);
		if (json_is_integer(v)) {
			snprintf(num, sizeof num, "%lld",
				 (long long)json_integer_value(v));
			s = num;
		} else if (!s && !json_is_null(v)) {
			continue;
		}
		int rc = hd_via_party_set(x, key, s);
		if (rc == HD_E_NOMEM)
			return rc;
	}
	return HD_OK;
}

int hd_via_mark(Hd__Via *v, const char *key)
{
	v->has_source = true;
	return mark(&v->fields, &v->n_fields, key);
}

int hd_via_from_json(const json_t *v, Hd__Via *out, hd_patch_err *e)
{
	json_t *ch = json_object_get(v, "channel");
	json_t *src = json_object_get(v, "source");
	if (!json_is_object(v) || (ch && !json_is_string(ch)) ||
	    (src && !json_is_object(src)))
		return bad(e, "via",
			   "must be {\"channel\":\"…\",\"source\":{…}}");
	if (ch) {
		int c = 0;
		const char *s = json_string_value(ch);
		if (!s[0] ||
		    hd_vocab_parse(&hd__via_channel__descriptor, s, &c))
			return bad(e, "via",
				   "channel must be a lower-case word naming "
				   "a channel");
		out->channel = (Hd__ViaChannel)c;
	}
	if (!src)
		return HD_OK;
	out->has_source = true;
	const char *key;
	json_t *x;
	json_object_foreach(src, key, x)
	{
		bool from = strcmp(key, "from") == 0;
		int rc = HD_OK;
		if ((from || strcmp(key, "to") == 0) && !json_is_null(x))
			rc = party_from_json(x, from ? out->from : out->to, e);
		else if (strcmp(key, "rel") == 0 && json_is_string(x))
			rc = hd_pb_set_string(&out->rel, json_string_value(x));
		else if (strcmp(key, "rel") != 0)
			continue; /* a null party, or no key of a source */
		if (!rc)
			rc = hd_via_mark(out, key);
		if (rc)
			return rc;
	}
	return HD_OK;
}

static json_t *party_json(const Hd__ViaParty *x)
{
	json_t *o = json_object();
	for (size_t i = 0; x && o && i < x->n_fields; i++) {
		const char *k = x->fields[i];
		char **s = party_str((Hd__ViaParty *)x, k);
		json_t *v = NULL;
		if (strcmp(k, "id") == 0)
			v = x->id ? json_integer((json_int_t)x->id)
				  : json_null();
		else
			v = s && (*s)[0] ? json_string(*s) : json_null();
		json_object_set_new(o, k, v);
	}
	return o;
}

json_t *hd_via_source_json(const Hd__Via *via)
{
	json_t *src = json_object();
	for (size_t i = 0; via && src && i < via->n_fields; i++) {
		const char *k = via->fields[i];
		json_t *v = strcmp(k, "from") == 0 ? party_json(via->from)
			    : strcmp(k, "to") == 0 ? party_json(via->to)
			    : via->rel[0]          ? json_string(via->rel)
						   : json_null();
		json_object_set_new(src, k, v);
	}
	return src;
}

char *hd_via_source_text(const Hd__Via *via)
{
	json_t *src = hd_via_source_json(via);
	char *text = src ? json_dumps(src, JSON_COMPACT) : NULL;
	json_decref(src);
	return text;
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

static int set_ids(uint64_t **out, size_t *n, const char *name, json_t *v,
		   hd_patch_err *e)
{
	if (json_is_null(v))
		return HD_OK;
	if (!json_is_array(v))
		return bad(e, name, "must be an array of user ids");
	size_t i;
	json_t *x;
	*out = calloc(json_array_size(v) + 1, sizeof **out);
	if (!*out)
		return HD_E_NOMEM;
	json_array_foreach(v, i, x)
	{
		if (!json_is_integer(x) || json_integer_value(x) <= 0)
			return bad(e, name, "must be an array of user ids");
		(*out)[(*n)++] = (uint64_t)json_integer_value(x);
	}
	return HD_OK;
}

static int set_tags(Hd__TicketPatch *p, json_t *v, hd_patch_err *e)
{
	size_t i;
	json_t *x;
	if (json_is_null(v))
		return HD_OK;
	if (!json_is_array(v))
		return bad(e, "tags", "must be an array of at most 100 tags");
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x))
			return bad(e, "tags",
				   "each tag must be 1-80 bytes without "
				   "spaces or commas");
		int rc = push_str(&p->tags, &p->n_tags, json_string_value(x));
		if (rc)
			return rc;
	}
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
		size_t i;
		json_t *x;
		if ((rc = hd_pb_set_string(&c->kind, "tags")))
			return rc;
		json_array_foreach(val, i, x)
		{
			if (!json_is_string(x))
				return HD_E_INVALID;
			rc = push_str(&c->tags, &c->n_tags,
				      json_string_value(x));
			if (rc)
				return rc;
		}
	} else {
		return HD_E_INVALID;
	}
	return rc;
}

static int set_custom(Hd__TicketPatch *p, json_t *v, hd_patch_err *e)
{
	if (!json_is_array(v))
		return bad(e, "custom_fields",
			   "must be an array of {id, value}");
	size_t i;
	json_t *x;
	p->custom_fields =
		calloc(json_array_size(v) + 1, sizeof *p->custom_fields);
	if (!p->custom_fields)
		return HD_E_NOMEM;
	json_array_foreach(v, i, x)
	{
		json_t *id = json_object_get(x, "id");
		if (!json_is_integer(id) || json_integer_value(id) <= 0)
			return bad(e, "custom_fields",
				   "each entry needs a positive integer id");
		Hd__CustomFieldValue *c = malloc(sizeof *c);
		if (!c)
			return HD_E_NOMEM;
		hd__custom_field_value__init(c);
		c->id = (uint64_t)json_integer_value(id);
		p->custom_fields[p->n_custom_fields++] = c;
		json_t *val = json_object_get(x, "value");
		int rc = custom_value(c, val ? val : json_null());
		if (rc == HD_E_INVALID)
			return bad(e, "custom_fields",
				   "a value must be a string, boolean, number, "
				   "array of strings or null");
		if (rc)
			return rc;
	}
	return HD_OK;
}

static int set_csat(Hd__TicketPatch *p, json_t *v, hd_patch_err *e)
{
	json_t *s = json_object_get(v, "score");
	json_t *c = json_object_get(v, "comment");
	if (!json_is_object(v) || !json_is_string(s) ||
	    (c && !json_is_null(c) && !json_is_string(c)))
		return bad(e, "satisfaction_rating",
			   "score must be offered, unoffered, good or bad");
	int rc = hd_pb_set_string(&p->satisfaction_score, json_string_value(s));
	if (!rc && json_is_string(c))
		rc = hd_pb_set_string(&p->satisfaction_comment,
				      json_string_value(c));
	json_int_t why = json_integer_value(json_object_get(v, "reason_code"));
	p->satisfaction_reason_code =
		why > 0 && why <= 1000 ? (uint32_t)why : 0;
	return rc;
}

static int set_uploads(Hd__PatchComment *c, json_t *list)
{
	size_t i;
	json_t *x;
	if (!json_is_array(list) || !json_array_size(list))
		return HD_OK;
	c->uploads = calloc(json_array_size(list), sizeof *c->uploads);
	if (!c->uploads)
		return HD_E_NOMEM;
	json_array_foreach(list, i, x)
	{
		Hd__PatchUpload *u = malloc(sizeof *u);
		if (!u)
			return HD_E_NOMEM;
		hd__patch_upload__init(u);
		c->uploads[c->n_uploads++] = u;
		u->id = (uint64_t)json_integer_value(json_object_get(x, "id"));
		u->size = (uint64_t)json_integer_value(
			json_object_get(x, "size"));
		int rc = hd_pb_set_string(
			&u->file_name,
			json_string_value(json_object_get(x, "file_name")));
		if (!rc)
			rc = hd_pb_set_string(&u->content_type,
					      json_string_value(json_object_get(
						      x, "content_type")));
		if (rc)
			return rc;
	}
	return HD_OK;
}

static int set_comment(Hd__TicketPatch *p, json_t *c, hd_patch_err *e)
{
	if (json_is_null(c))
		return HD_OK; /* as if not given */
	json_t *body = json_object_get(c, "body");
	json_t *html = json_object_get(c, "html_body");
	json_t *pub = json_object_get(c, "public");
	json_t *author = json_object_get(c, "author_id");
	json_t *up = json_object_get(c, "uploads");
	if (!json_is_object(c) || (body && !json_is_string(body)) ||
	    (html && !json_is_string(html)) || (pub && !json_is_boolean(pub)) ||
	    (author && !json_is_integer(author)) || (up && !json_is_array(up)))
		return bad(e, "comment",
			   "must be {\"body\"|\"html_body\":\"…\", "
			   "\"public\":bool, \"author_id\":int, "
			   "\"uploads\":[…]}");
	Hd__PatchComment *pc = hd_patch_comment(p);
	if (!pc)
		return HD_E_NOMEM;
	int rc = HD_OK;
	if (body)
		rc = hd_pb_set_string(&pc->body, json_string_value(body));
	else if (html)
		rc = hd_pb_set_string(&pc->html_body, json_string_value(html));
	pc->has_public = pub != NULL;
	pc->public_ = json_is_true(pub);
	if (author && json_integer_value(author) > 0)
		pc->author_id = (uint64_t)json_integer_value(author);
	/* the gateway resolves uploads tokens into hd_attachments */
	return rc ? rc : set_uploads(pc, json_object_get(c, "hd_attachments"));
}

/* collaborators [id…] (add); email_ccs / followers [{user_id, action}]. */
static int set_people(Hd__TicketPatch *p, const prow *r, json_t *list,
		      hd_patch_err *e)
{
	size_t i;
	json_t *x;
	int plain = strcmp(r->name, "collaborators") == 0;
	if (!json_is_array(list) || json_array_size(list) > MAX_PEOPLE)
		return bad(e, r->name, "must be an array");
	size_t n = json_array_size(list);
	if (plain)
		p->collaborators = calloc(n + 1, sizeof *p->collaborators);
	else
		*AT(p, r, Hd__PeopleChange **) =
			calloc(n + 1, sizeof(Hd__PeopleChange *));
	if (plain ? !p->collaborators : !*AT(p, r, Hd__PeopleChange **))
		return HD_E_NOMEM;
	json_array_foreach(list, i, x)
	{
		json_t *uid = plain ? x : json_object_get(x, "user_id");
		json_t *act = json_object_get(x, "action");
		if (!json_is_integer(uid) || json_integer_value(uid) <= 0)
			return bad(e, r->name,
				   "entries need a positive user_id");
		uint64_t id = (uint64_t)json_integer_value(uid);
		if (plain) {
			p->collaborators[p->n_collaborators++] = id;
			continue;
		}
		Hd__PeopleChange *c = malloc(sizeof *c);
		if (!c)
			return HD_E_NOMEM;
		hd__people_change__init(c);
		c->user_id = id;
		c->remove = json_is_string(act) &&
			    strcmp(json_string_value(act), "delete") == 0;
		(*AT(p, r, Hd__PeopleChange **))[(*NAT(p, r))++] = c;
	}
	return HD_OK;
}

static int set_enum(Hd__TicketPatch *p, const prow *r, json_t *v,
		    hd_patch_err *e)
{
	const char *s = json_is_null(v) ? "" : json_string_value(v);
	int val = 0;
	if (!s)
		return bad(e, r->name, "must be a string");
	if (hd_vocab_parse(r->desc, s, &val)) {
		char msg[160];
		snprintf(msg, sizeof msg, "'%.32s' is not a valid value", s);
		return bad(e, r->name, msg);
	}
	*AT(p, r, int) = val;
	return HD_OK;
}

static int set_row(Hd__TicketPatch *p, const prow *r, json_t *v,
		   hd_patch_err *e)
{
	int64_t ms = 0;
	switch (r->kind) {
	case P_STR:
		if (!json_is_string(v) && !json_is_null(v))
			return bad(e, r->name, "must be a string");
		return hd_pb_set_string(AT(p, r, char *),
					json_is_null(v) ? ""
							: json_string_value(v));
	case P_ENUM:
		return set_enum(p, r, v, e);
	case P_ID:
		if (!json_is_null(v) &&
		    (!json_is_integer(v) || json_integer_value(v) <= 0))
			return bad(e, r->name, "must be a positive integer");
		*AT(p, r, uint64_t) =
			json_is_null(v) ? 0 : (uint64_t)json_integer_value(v);
		return HD_OK;
	case P_IDS:
		return set_ids(AT(p, r, uint64_t *), NAT(p, r), r->name, v, e);
	case P_TIME:
		if (!json_is_null(v) && (!json_is_string(v) ||
					 parse_time(json_string_value(v), &ms)))
			return bad(e, r->name, "must be an ISO 8601 time");
		p->due_at = ms;
		return HD_OK;
	case P_TAGS:
		return set_tags(p, v, e);
	case P_CUSTOM:
		return set_custom(p, v, e);
	case P_VIA:
		if (!(p->via = hd_via_new()))
			return HD_E_NOMEM;
		return hd_via_from_json(v, p->via, e);
	case P_CSAT:
		return set_csat(p, v, e);
	case P_COMMENT:
		return set_comment(p, v, e);
	case P_DESC:
		return json_is_string(v)
			       ? hd_pb_set_string(&p->description,
						  json_string_value(v))
			       : HD_OK;
	case P_PEOPLE:
		return set_people(p, r, v, e);
	case P_SAFE:
		p->safe_update = json_is_true(v);
		return HD_OK;
	case P_STAMP:
		return json_is_string(v)
			       ? hd_pb_set_string(&p->updated_stamp,
						  json_string_value(v))
			       : HD_OK;
	case P_IGNORED:
		return HD_OK;
	}
	return HD_OK;
}

static const prow *row_of(const char *key)
{
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(key, rows[i].name) == 0)
			return &rows[i];
	return NULL;
}

/* Skipped for the field list: a null comment or a description that is not
 * text change nothing (as before the patch existed). */
static bool marks(const prow *r, const json_t *v)
{
	if (r->kind == P_COMMENT)
		return !json_is_null(v);
	if (r->kind == P_DESC || r->kind == P_STAMP)
		return json_is_string(v);
	return r->kind != P_IGNORED;
}

int hd_ticket_patch_from_json(const json_t *obj, Hd__TicketPatch *p,
			      hd_patch_err *e)
{
	const char *key;
	json_t *v;
	if (!json_is_object(obj))
		return bad(e, "ticket", "must be an object");
	json_object_foreach((json_t *)obj, key, v)
	{
		const prow *r = row_of(key);
		int rc = HD_OK;
		if (!r) {
			if (p->n_unpermitted < MAX_UNPERMITTED &&
			    strlen(key) < 64 && !strpbrk(key, "\"\r\n"))
				rc = push_str(&p->unpermitted,
					      &p->n_unpermitted, key);
			if (rc)
				return rc;
			continue;
		}
		rc = set_row(p, r, v, e);
		if (!rc && marks(r, v))
			rc = hd_patch_mark(p, key);
		if (rc)
			return rc;
	}
	return HD_OK;
}
