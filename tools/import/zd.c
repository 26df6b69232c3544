/* Field by field, Zendesk's names on the left. Unknown keys are ignored (an
 * export carries many we do not keep: url, raw_subject, fields, …); a key
 * we keep with the wrong JSON type is an error naming it. */
#include "zd.h"

#include "hd/time_parse.h"
#include "hd/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(char *err, size_t cap, const char *field, const char *why)
{
	snprintf(err, cap, "%s: %s", field, why);
	return -1;
}

uint64_t zd_id(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) && json_integer_value(v) > 0
		       ? (uint64_t)json_integer_value(v)
		       : 0;
}

int zd_time(const json_t *v, int64_t *ms)
{
	*ms = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	return hd_time_parse_iso(json_string_value(v), ms) ? -1 : 0;
}

/* A string member: missing/null → "", else it must be a string. */
static int str(json_t *o, const char *key, char **out, char *err, size_t cap)
{
	json_t *v = json_object_get(o, key);
	*out = "";
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(err, cap, key, "must be a string");
	*out = (char *)json_string_value(v);
	return 0;
}

/* An id member: missing/null → 0, else a positive integer. */
static int idv(json_t *o, const char *key, uint64_t *out, char *err, size_t cap)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return bad(err, cap, key, "must be a positive integer id");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int when(json_t *o, const char *key, int64_t *ms, char *err, size_t cap)
{
	if (zd_time(json_object_get(o, key), ms))
		return bad(err, cap, key,
			   "must be an ISO-8601 time such as "
			   "2024-03-01T10:00:00Z");
	return 0;
}

static int strings(json_t *o, const char *key, char ***out, size_t *n,
		   char *err, size_t cap)
{
	json_t *v = json_object_get(o, key), *x;
	size_t i;
	*out = NULL;
	*n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(err, cap, key, "must be an array of strings");
	*out = calloc(json_array_size(v) + 1, sizeof **out);
	if (!*out)
		return bad(err, cap, key, "out of memory");
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x))
			return bad(err, cap, key,
				   "must be an array of strings");
		(*out)[(*n)++] = (char *)json_string_value(x);
	}
	return 0;
}

int zd_ticket(json_t *o, Hd__ImportTicket *t, int *deleted, char *err,
	      size_t cap)
{
	hd__import_ticket__init(t);
	*deleted = 0;
	if (!json_is_object(o))
		return bad(err, cap, "ticket", "must be an object");
	if (!(t->zendesk_id = zd_id(o, "id")))
		return bad(err, cap, "id", "must be a positive integer");
	json_t *via = json_object_get(o, "via");
	json_t *metric = json_object_get(o, "metric_set");
	if (str(o, "subject", &t->subject, err, cap) ||
	    str(o, "description", &t->description, err, cap) ||
	    str(o, "status", &t->status, err, cap) ||
	    str(o, "priority", &t->priority, err, cap) ||
	    str(o, "type", &t->type, err, cap) ||
	    str(o, "external_id", &t->external_id, err, cap) ||
	    idv(o, "requester_id", &t->requester_id, err, cap) ||
	    idv(o, "submitter_id", &t->submitter_id, err, cap) ||
	    idv(o, "assignee_id", &t->assignee_id, err, cap) ||
	    idv(o, "organization_id", &t->organization_id, err, cap) ||
	    when(o, "created_at", &t->created_at, err, cap) ||
	    when(o, "updated_at", &t->updated_at, err, cap) ||
	    when(o, "due_at", &t->due_at, err, cap) ||
	    when(o, "solved_at", &t->solved_at, err, cap) ||
	    strings(o, "tags", &t->tags, &t->n_tags, err, cap))
		return -1;
	if (!t->solved_at && json_is_object(metric) &&
	    when(metric, "solved_at", &t->solved_at, err, cap))
		return -1;
	if (json_is_object(via) &&
	    str(via, "channel", &t->via_channel, err, cap))
		return -1;
	*deleted = hd_status_of(t->status) == HD__TICKET_STATUS__STATUS_DELETED;
	if (!*deleted && !t->requester_id)
		return bad(err, cap, "requester_id", "is required");
	if (!t->created_at && !*deleted)
		return bad(err, cap, "created_at", "is required");
	return 0;
}

void zd_ticket_release(Hd__ImportTicket *t)
{
	free(t->tags);
	for (size_t i = 0; i < t->n_comments; i++)
		free(t->comments[i]);
	free(t->comments);
	t->tags = NULL;
	t->comments = NULL;
	t->n_tags = t->n_comments = 0;
}

int zd_comment(json_t *o, Hd__ImportComment *c, char *err, size_t cap)
{
	hd__import_comment__init(c);
	if (!json_is_object(o))
		return bad(err, cap, "comment", "must be an object");
	json_t *pub = json_object_get(o, "public");
	c->zendesk_id = zd_id(o, "id");
	if (str(o, "body", &c->body, err, cap) ||
	    str(o, "html_body", &c->html_body, err, cap) ||
	    idv(o, "author_id", &c->author_id, err, cap) ||
	    when(o, "created_at", &c->created_at, err, cap))
		return -1;
	if (!c->body[0] && !c->html_body[0] &&
	    str(o, "plain_body", &c->body, err, cap))
		return -1;
	if (pub && !json_is_boolean(pub))
		return bad(err, cap, "public", "must be true or false");
	c->public_ = !pub || json_is_true(pub);
	if (!c->author_id)
		return bad(err, cap, "author_id", "is required");
	if (!c->body[0] && !c->html_body[0])
		return bad(err, cap, "body", "is blank");
	return 0;
}

int zd_user(json_t *o, Hd__ImportUser *iu, Hd__User *u, char *err, size_t cap)
{
	hd__import_user__init(iu);
	hd__user__init(u);
	iu->user = u;
	if (!json_is_object(o))
		return bad(err, cap, "user", "must be an object");
	if (!(iu->zendesk_id = zd_id(o, "id")))
		return bad(err, cap, "id", "must be a positive integer");
	char *iana = "";
	json_t *susp = json_object_get(o, "suspended");
	if (str(o, "name", &u->name, err, cap) ||
	    str(o, "email", &u->email, err, cap) ||
	    str(o, "role", &u->role, err, cap) ||
	    str(o, "locale", &u->locale, err, cap) ||
	    str(o, "time_zone", &u->time_zone, err, cap) ||
	    str(o, "iana_time_zone", &iana, err, cap) ||
	    str(o, "phone", &u->phone, err, cap) ||
	    str(o, "external_id", &u->external_id, err, cap) ||
	    str(o, "details", &u->details, err, cap) ||
	    str(o, "notes", &u->notes, err, cap) ||
	    idv(o, "organization_id", &iu->organization_zendesk_id, err, cap) ||
	    when(o, "created_at", &u->created_at, err, cap) ||
	    when(o, "updated_at", &u->updated_at, err, cap) ||
	    strings(o, "tags", &u->tags, &u->n_tags, err, cap))
		return -1;
	if (iana[0] || strchr(u->time_zone, ' '))
		u->time_zone =
			iana; /* "Eastern Time (US & Canada)" is Rails' */
	u->suspended = json_is_true(susp);
	u->verified = json_is_true(json_object_get(o, "verified"));
	return 0;
}

void zd_user_release(Hd__User *u)
{
	free(u->tags);
	u->tags = NULL;
	u->n_tags = 0;
}

int zd_org(json_t *o, Hd__ImportOrganization *io, Hd__Organization *org,
	   char *err, size_t cap)
{
	hd__import_organization__init(io);
	hd__organization__init(org);
	io->organization = org;
	if (!json_is_object(o))
		return bad(err, cap, "organization", "must be an object");
	if (!(io->zendesk_id = zd_id(o, "id")))
		return bad(err, cap, "id", "must be a positive integer");
	if (str(o, "name", &org->name, err, cap) ||
	    str(o, "external_id", &org->external_id, err, cap) ||
	    str(o, "details", &org->details, err, cap) ||
	    str(o, "notes", &org->notes, err, cap) ||
	    when(o, "created_at", &org->created_at, err, cap) ||
	    when(o, "updated_at", &org->updated_at, err, cap) ||
	    strings(o, "domain_names", &org->domain_names, &org->n_domain_names,
		    err, cap) ||
	    strings(o, "tags", &org->tags, &org->n_tags, err, cap))
		return -1;
	org->shared_tickets =
		json_is_true(json_object_get(o, "shared_tickets"));
	org->shared_comments =
		json_is_true(json_object_get(o, "shared_comments"));
	return 0;
}

void zd_org_release(Hd__Organization *o)
{
	free(o->domain_names);
	free(o->tags);
	o->domain_names = o->tags = NULL;
	o->n_domain_names = o->n_tags = 0;
}
