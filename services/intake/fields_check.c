/* The ticket hook: custom field values and the form checked against the
 * stored definitions inside a ticket's create/update write job, and the tags
 * that tagger, multiselect and checkbox values imply kept in step. tk's
 * strings and arrays come from protobuf-c's default (malloc) allocator. */
#include "fields.h"

#include "hd/err.h"
#include "hd/text.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUE_BYTES (64 * 1024)
#define MAX_TICKET_TAGS 100

static const Hd__CustomFieldValue *find_value(const Hd__Ticket *tk, uint64_t id)
{
	for (size_t i = 0; tk && i < tk->n_custom_fields; i++)
		if (tk->custom_fields[i]->id == id)
			return tk->custom_fields[i];
	return NULL;
}

static bool is_set(const Hd__CustomFieldValue *v)
{
	if (!v || !v->has_value)
		return false;
	if (!strcmp(v->kind, "flag"))
		return true;
	if (!strcmp(v->kind, "tags"))
		return v->n_tags > 0;
	return v->text[0] != '\0';
}

static int bad(hd_rpc_rep *rep, uint64_t id, const char *why)
{
	char field[64];
	snprintf(field, sizeof field, "custom_fields_%llu",
		 (unsigned long long)id);
	return hd_rpc_fail(rep, HD_E_INVALID, field, "%s: %s", field, why);
}

static bool digits(const char *s, size_t min)
{
	size_t n = strspn(s, "0123456789");
	return n >= min && n <= 18;
}

static bool valid_integer(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return digits(s, 1) && s[strspn(s, "0123456789")] == '\0';
}

static bool valid_decimal(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	size_t n = strspn(s, "0123456789");
	if (s[n] == '.')
		return (n > 0 || s[n + 1]) && n <= 18 &&
		       digits(s + n + 1, n ? 0 : 1) &&
		       s[n + 1 + strspn(s + n + 1, "0123456789")] == '\0';
	return n >= 1 && n <= 18 && s[n] == '\0';
}

static bool valid_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
		(s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

static bool is_option(const Hd__TicketField *f, char *v)
{
	hd_ascii_lower(v, v, strlen(v) + 1);
	for (size_t i = 0; i < f->n_custom_field_options; i++)
		if (!strcmp(f->custom_field_options[i]->value, v))
			return true;
	return false;
}

static bool regexp_matches(const char *pattern, const char *v)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool ok = regexec(&re, v, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static int check_text_value(const Hd__TicketField *f, char *v, hd_rpc_rep *rep)
{
	const char *type = f->type;
	if (strlen(v) > MAX_VALUE_BYTES || !hd_utf8_valid(v, strlen(v)))
		return bad(rep, f->id, "is too long or not valid UTF-8");
	if (!strcmp(type, "date") && !valid_date(v))
		return bad(rep, f->id, "must be a date like 2021-04-16");
	if (!strcmp(type, "integer") && !valid_integer(v))
		return bad(rep, f->id, "must be an integer");
	if (!strcmp(type, "decimal") && !valid_decimal(v))
		return bad(rep, f->id, "must be a decimal number");
	if (!strcmp(type, "regexp") &&
	    !regexp_matches(f->regexp_for_validation, v))
		return bad(rep, f->id, "does not match the field's pattern");
	if (!strcmp(type, "tagger") && !is_option(f, v))
		return bad(rep, f->id, "is not one of the field's options");
	return HD_OK;
}

static int check_value(const Hd__TicketField *f, Hd__CustomFieldValue *v,
		       hd_rpc_rep *rep)
{
	const char *kind = v->kind[0] ? v->kind : "text";
	if (!v->has_value)
		return HD_OK;
	if (!strcmp(f->type, "checkbox"))
		return strcmp(kind, "flag")
			       ? bad(rep, f->id, "must be a boolean")
			       : HD_OK;
	if (!strcmp(f->type, "multiselect")) {
		if (strcmp(kind, "tags"))
			return bad(rep, f->id, "must be an array of options");
		for (size_t i = 0; i < v->n_tags; i++)
			if (!is_option(f, v->tags[i]))
				return bad(rep, f->id,
					   "holds a value that is not one of "
					   "the field's options");
		return HD_OK;
	}
	if (strcmp(kind, "text"))
		return bad(rep, f->id, "must be a string");
	return v->text[0] ? check_text_value(f, v->text, rep) : HD_OK;
}

static void tag_remove(Hd__Ticket *tk, const char *tag)
{
	size_t kept = 0;
	for (size_t i = 0; i < tk->n_tags; i++) {
		if (strcmp(tk->tags[i], tag) == 0)
			free(tk->tags[i]);
		else
			tk->tags[kept++] = tk->tags[i];
	}
	tk->n_tags = kept;
}

static int tag_add(Hd__Ticket *tk, const char *tag)
{
	for (size_t i = 0; i < tk->n_tags; i++)
		if (strcmp(tk->tags[i], tag) == 0)
			return HD_OK;
	if (tk->n_tags >= MAX_TICKET_TAGS)
		return HD_E_INVALID;
	char **grown = realloc(tk->tags, (tk->n_tags + 1) * sizeof *grown);
	char *copy = strdup(tag);
	if (grown)
		tk->tags = grown;
	if (!grown || !copy) {
		free(copy);
		return HD_E_NOMEM;
	}
	hd_ascii_lower(copy, copy, strlen(copy) + 1);
	tk->tags[tk->n_tags++] = copy;
	return HD_OK;
}

/* Apply fn to every tag value v implies under f. */
static int implied(const Hd__TicketField *f, const Hd__CustomFieldValue *v,
		   Hd__Ticket *tk, bool add)
{
	int rc = HD_OK;
	if (!is_set(v))
		return HD_OK;
	const char *one = NULL;
	if (!strcmp(f->type, "tagger"))
		one = v->text;
	else if (!strcmp(f->type, "checkbox") && v->flag && f->tag[0])
		one = f->tag;
	else if (!strcmp(f->type, "multiselect"))
		for (size_t i = 0; i < v->n_tags && rc == HD_OK; i++)
			add ? (rc = tag_add(tk, v->tags[i]))
			    : tag_remove(tk, v->tags[i]);
	if (one)
		add ? (rc = tag_add(tk, one)) : tag_remove(tk, one);
	return rc;
}

static int check_form(const intake *in, hd_txn *t, const Hd__Ticket *tk,
		      const Hd__Ticket *before, Hd__TicketForm **form,
		      hd_rpc_rep *rep)
{
	*form = NULL;
	if (!tk->ticket_form_id)
		return HD_OK;
	int rc = intake_form_get(in, t, tk->ticket_form_id, form);
	bool changed = !before || before->ticket_form_id != tk->ticket_form_id;
	if (rc == HD_E_NOTFOUND || (changed && !rc && !(*form)->active))
		return hd_rpc_fail(rep, HD_E_INVALID, "ticket_form_id",
				   "ticket_form_id: no active ticket form "
				   "%llu",
				   (unsigned long long)tk->ticket_form_id);
	return rc;
}

static bool same_value(const Hd__CustomFieldValue *a,
		       const Hd__CustomFieldValue *b)
{
	if (!a || !b || is_set(a) != is_set(b))
		return false;
	if (!is_set(a))
		return true;
	if (strcmp(a->kind, b->kind) || a->flag != b->flag ||
	    strcmp(a->text, b->text) || a->n_tags != b->n_tags)
		return false;
	for (size_t i = 0; i < a->n_tags; i++)
		if (strcmp(a->tags[i], b->tags[i]))
			return false;
	return true;
}

/* Check and retag every value that is new or changed; a value the update
 * left alone stays as it was even if its field changed since. */
static int check_values(const intake *in, hd_txn *t, Hd__Ticket *tk,
			const Hd__Ticket *before, hd_rpc_rep *rep)
{
	int rc = HD_OK;
	for (size_t i = 0; rc == HD_OK && i < tk->n_custom_fields; i++) {
		Hd__CustomFieldValue *v = tk->custom_fields[i];
		Hd__TicketField *f = NULL;
		if (same_value(v, find_value(before, v->id)))
			continue;
		rc = intake_field_get(in, t, v->id, &f);
		if (rc == HD_E_NOTFOUND || (!rc && !f->active))
			rc = bad(rep, v->id, "is not an active ticket field");
		if (!rc)
			rc = check_value(f, v, rep);
		if (!rc)
			rc = implied(f, find_value(before, v->id), tk, false);
		if (!rc)
			rc = implied(f, v, tk, true);
		if (rc == HD_E_INVALID && !rep->field[0])
			bad(rep, v->id, "implies too many tags");
		hd__ticket_field__free_unpacked(f, NULL);
	}
	return rc;
}

static bool in_form(const Hd__TicketForm *form, uint64_t id)
{
	if (!form)
		return true;
	for (size_t i = 0; i < form->n_ticket_field_ids; i++)
		if (form->ticket_field_ids[i] == id)
			return true;
	return false;
}

static int check_required(const intake *in, hd_txn *t, const Hd__Ticket *tk,
			  const Hd__Ticket *before, const Hd__TicketForm *form,
			  const hd_principal *who, hd_rpc_rep *rep)
{
	bool portal = who->role == HD__USER_ROLE__ROLE_END_USER;
	Hd__TicketFieldList *all = NULL;
	int rc = intake_fields_all(in, t, &all);
	for (size_t i = 0; rc == HD_OK && i < all->n_fields; i++) {
		const Hd__TicketField *f = all->fields[i];
		bool req = portal ? f->required_in_portal : f->required;
		if (!req || !f->active || !in_form(form, f->id))
			continue;
		const Hd__CustomFieldValue *now = find_value(tk, f->id);
		const Hd__CustomFieldValue *was = find_value(before, f->id);
		if (!now && before)
			now = was; /* an update that leaves the field alone */
		if (!is_set(now) && (!before || is_set(was)))
			rc = bad(rep, f->id, "is required");
	}
	hd__ticket_field_list__free_unpacked(all, NULL);
	return rc;
}

int intake_fields_check(intake *in, hd_txn *t, Hd__Ticket *tk,
			const Hd__Ticket *before, const hd_principal *who,
			hd_rpc_rep *rep)
{
	Hd__TicketForm *form = NULL;
	int rc = check_form(in, t, tk, before, &form, rep);
	if (!rc)
		rc = check_values(in, t, tk, before, rep);
	if (!rc)
		rc = check_required(in, t, tk, before, form, who, rep);
	hd__ticket_form__free_unpacked(form, NULL);
	return rc;
}
