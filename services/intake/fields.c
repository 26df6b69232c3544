/* intake's ticket field RPCs (API.md §4). Shard 0 validates a definition and
 * assigns its ids (fields.save) and emits the stored object as an event in
 * the same write; every other shard applies it into its own copy
 * (fields_events.c) so the ticket hook on each shard sees the same
 * definitions, also after being down. Reads are served by any shard. */
#include "fields.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TITLE_BYTES 255
#define MAX_OPTIONS     1000

const char *const intake_fields_dbs[] = {"ticket_fields", "ticket_forms", NULL};

static const char *const field_types[] = {
	"text",    "textarea", "checkbox", "date",        "integer",
	"decimal", "regexp",   "tagger",   "multiselect", NULL};

int intake_fields_bind(intake *in)
{
	int rc = hd_store_dbi(in->store, "ticket_fields", &in->fields.fields);
	return rc ? rc
		  : hd_store_dbi(in->store, "ticket_forms", &in->fields.forms);
}

static bool has_options(const char *type)
{
	return strcmp(type, "tagger") == 0 || strcmp(type, "multiselect") == 0;
}

static int check_options(Hd__TicketField *f, hd_rpc_rep *rep)
{
	const char *k = "custom_field_options";
	if (!has_options(f->type))
		return HD_OK;
	if (f->n_custom_field_options == 0 ||
	    f->n_custom_field_options > MAX_OPTIONS)
		return hd_rpc_fail(rep, HD_E_INVALID, k,
				   "custom_field_options: a %s field needs "
				   "1-%d options",
				   f->type, MAX_OPTIONS);
	for (size_t i = 0; i < f->n_custom_field_options; i++) {
		Hd__TicketFieldOption *o = f->custom_field_options[i];
		size_t vn = strlen(o->value);
		if (!o->name[0] || strlen(o->name) > MAX_TITLE_BYTES ||
		    !hd_utf8_valid(o->name, strlen(o->name)))
			return hd_rpc_fail(rep, HD_E_INVALID, k,
					   "custom_field_options: each option "
					   "needs a name");
		if (!intake_tag_valid(o->value))
			return hd_rpc_fail(rep, HD_E_INVALID, k,
					   "custom_field_options: '%.80s' is "
					   "not a valid tag value",
					   o->value);
		hd_ascii_lower(o->value, o->value, vn + 1);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(f->custom_field_options[j]->value,
				    o->value))
				return hd_rpc_fail(
					rep, HD_E_INVALID, k,
					"custom_field_options: value '%.80s' "
					"is used twice",
					o->value);
	}
	return HD_OK;
}

static int check_definition(Hd__TicketField *f, hd_rpc_rep *rep)
{
	size_t tn = strlen(f->title);
	bool known = false;
	for (size_t i = 0; field_types[i] && !known; i++)
		known = strcmp(f->type, field_types[i]) == 0;
	if (!known)
		return hd_rpc_fail(rep, HD_E_INVALID, "type",
				   "type: '%.40s' is not a ticket field type",
				   f->type);
	if (strspn(f->title, " \t\r\n") == tn || tn > MAX_TITLE_BYTES ||
	    !hd_utf8_valid(f->title, tn))
		return hd_rpc_fail(rep, HD_E_INVALID, "title",
				   "title: cannot be blank (at most %d bytes)",
				   MAX_TITLE_BYTES);
	if (!hd_utf8_valid(f->description, strlen(f->description)) ||
	    !hd_utf8_valid(f->title_in_portal, strlen(f->title_in_portal)))
		return hd_rpc_fail(rep, HD_E_INVALID, "description",
				   "description: is not valid UTF-8");
	if (strcmp(f->type, "regexp") == 0) {
		regex_t re;
		if (!f->regexp_for_validation[0] ||
		    regcomp(&re, f->regexp_for_validation,
			    REG_EXTENDED | REG_NOSUB) != 0)
			return hd_rpc_fail(rep, HD_E_INVALID,
					   "regexp_for_validation",
					   "regexp_for_validation: is not a "
					   "valid regular expression");
		regfree(&re);
	}
	if (f->tag[0] && !intake_tag_valid(f->tag))
		return hd_rpc_fail(rep, HD_E_INVALID, "tag",
				   "tag: '%.80s' is not a valid tag", f->tag);
	if (f->tag[0])
		hd_ascii_lower(f->tag, f->tag, strlen(f->tag) + 1);
	return check_options(f, rep);
}

/* A tag can't be reused across fields (API.md §4). */
static int check_tags_unique(const intake *in, hd_txn *t,
			     const Hd__TicketField *f, hd_rpc_rep *rep)
{
	Hd__TicketFieldList *all = NULL;
	int rc = intake_fields_all(in, t, &all);
	for (size_t i = 0; rc == HD_OK && i < all->n_fields; i++) {
		const Hd__TicketField *o = all->fields[i];
		if (o->id == f->id)
			continue;
		for (size_t a = 0;
		     rc == HD_OK && a <= f->n_custom_field_options; a++) {
			const char *mine =
				a < f->n_custom_field_options
					? f->custom_field_options[a]->value
					: f->tag;
			bool clash = mine[0] && !strcmp(mine, o->tag);
			for (size_t b = 0;
			     !clash && mine[0] && b < o->n_custom_field_options;
			     b++)
				clash = !strcmp(
					mine,
					o->custom_field_options[b]->value);
			if (clash)
				rc = hd_rpc_fail(
					rep, HD_E_INVALID,
					a < f->n_custom_field_options
						? "custom_field_options"
						: "tag",
					"tag '%.80s' is already used by field "
					"%llu",
					mine, (unsigned long long)o->id);
		}
	}
	hd__ticket_field_list__free_unpacked(all, NULL);
	return rc;
}

typedef struct save_job {
	intake *in;
	Hd__TicketField *f;
	hd_rpc_rep *rep;
	uint64_t creator;
} save_job;

/* Options keep their ids across updates (matched by value). */
static int assign_option_ids(hd_txn *t, intake *in, Hd__TicketField *f,
			     const Hd__TicketField *old)
{
	for (size_t i = 0; i < f->n_custom_field_options; i++) {
		Hd__TicketFieldOption *o = f->custom_field_options[i];
		o->id = 0;
		for (size_t j = 0; old && j < old->n_custom_field_options; j++)
			if (!strcmp(old->custom_field_options[j]->value,
				    o->value))
				o->id = old->custom_field_options[j]->id;
		o->position = (uint32_t)i;
		if (!o->id &&
		    intake_next_id(t, in, "next_field_option", &o->id))
			return t->rc;
	}
	return HD_OK;
}

static int save_write(hd_txn *t, void *arg)
{
	save_job *j = arg;
	Hd__TicketField *f = j->f, *old = NULL;
	int rc = HD_OK;
	if (f->id && (rc = intake_field_get(j->in, t, f->id, &old)))
		return hd_rpc_fail(j->rep, rc, "id", "no ticket field %llu",
				   (unsigned long long)f->id);
	if (!f->id && (rc = intake_next_id(t, j->in, "next_field", &f->id)))
		goto out;
	if ((rc = check_tags_unique(j->in, t, f, j->rep)))
		goto out;
	if ((rc = assign_option_ids(t, j->in, f, old)))
		goto out;
	f->updated_at = hd_now_ms();
	f->created_at = old ? old->created_at : f->updated_at;
	f->creator_user_id = old ? old->creator_user_id : j->creator;
	rc = intake_put_pb(t, j->in->fields.fields, f->id, f);
	if (!rc)
		rc = hd_txn_emit_pb(t, "ticket_field.saved", f, NULL);
out:
	hd__ticket_field__free_unpacked(old, NULL);
	return rc ? rc : t->rc;
}

static int fields_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	if (!intake_is_admin(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only admins may change ticket fields");
	if (in->shard != 0)
		return hd_rpc_fail(rep, HD_E_INVALID, NULL,
				   "fields.save goes to intake shard 0");
	Hd__TicketField *f = NULL;
	if (hd_req_decode(req, rep, &hd__ticket_field__descriptor, (void **)&f))
		return HD_E_DECODE;
	int rc = HD_OK;
	if (!f->type[0])
		rc = hd_pb_set_string(&f->type, "text");
	if (!rc)
		rc = check_definition(f, rep);
	if (!rc) {
		save_job j = {in, f, rep, req->principal.user_id};
		rc = hd_store_write(in->store, save_write, &j);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, f);
	hd__ticket_field__free_unpacked(f, NULL);
	return rc;
}

typedef struct del_job {
	MDB_dbi dbi;
	const char *event; /* ticket_field.deleted or ticket_form.deleted */
	Hd__FieldId *fi;
} del_job;

static int del_write(hd_txn *t, void *arg)
{
	del_job *j = arg;
	uint8_t key[8];
	hd_key_u64(key, j->fi->id);
	int rc = hd_txn_del(t, j->dbi, key, 8);
	if (!rc)
		rc = hd_txn_emit_pb(t, j->event, j->fi, NULL);
	return rc ? rc : t->rc;
}

int intake_fields_delete_by(intake *in, MDB_dbi dbi, const hd_rpc_req *req,
			    hd_rpc_rep *rep)
{
	if (!intake_is_admin(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only admins may delete");
	if (in->shard != 0)
		return hd_rpc_fail(rep, HD_E_INVALID, NULL,
				   "deletes go to intake shard 0");
	Hd__FieldId *fi = NULL;
	if (hd_req_decode(req, rep, &hd__field_id__descriptor, (void **)&fi))
		return HD_E_DECODE;
	del_job j = {dbi,
		     dbi == in->fields.fields ? "ticket_field.deleted"
					      : "ticket_form.deleted",
		     fi};
	int rc = hd_store_write(in->store, del_write, &j);
	hd__field_id__free_unpacked(fi, NULL);
	return rc;
}

static int fields_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	return intake_fields_delete_by(in, in->fields.fields, req, rep);
}

int intake_fields_get_by(intake *in, MDB_dbi dbi,
			 const ProtobufCMessageDescriptor *d,
			 bool (*sees)(const hd_principal *, const void *),
			 const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__FieldId *fi = NULL;
	if (hd_req_decode(req, rep, &hd__field_id__descriptor, (void **)&fi))
		return HD_E_DECODE;
	void *m = NULL;
	hd_txn t;
	int rc = hd_store_read(in->store, &t);
	if (!rc) {
		rc = hd_txn_get_pb_id(&t, dbi, fi->id, d, &m);
		hd_txn_end(&t);
	}
	if (!rc && !sees(&req->principal, m))
		rc = HD_E_NOTFOUND;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, m);
	protobuf_c_message_free_unpacked(m, NULL);
	hd__field_id__free_unpacked(fi, NULL);
	return rc;
}

static bool portal_sees(const hd_principal *p, const void *m)
{
	const Hd__TicketField *f = m;
	return intake_is_staff(p) || (f->visible_in_portal && f->active);
}

static int fields_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	return intake_fields_get_by(in, in->fields.fields,
				    &hd__ticket_field__descriptor, portal_sees,
				    req, rep);
}

static int by_position(const void *a, const void *b)
{
	const Hd__TicketField *x = *(Hd__TicketField *const *)a;
	const Hd__TicketField *y = *(Hd__TicketField *const *)b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int fields_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__TicketFieldList *all = NULL;
	hd_txn t;
	int rc = hd_store_read(in->store, &t);
	if (!rc) {
		rc = intake_fields_all(in, &t, &all);
		hd_txn_end(&t);
	}
	if (!rc) {
		size_t kept = 0;
		for (size_t i = 0; i < all->n_fields; i++) {
			if (portal_sees(&req->principal, all->fields[i]))
				all->fields[kept++] = all->fields[i];
			else
				hd__ticket_field__free_unpacked(all->fields[i],
								NULL);
		}
		all->n_fields = kept;
		if (kept) /* qsort(NULL, 0) is undefined */
			qsort(all->fields, kept, sizeof *all->fields,
			      by_position);
		rc = hd_pb_pack(&rep->payload, all);
	}
	hd__ticket_field_list__free_unpacked(all, NULL);
	return rc;
}

const hd_rpc_route intake_fields_routes[] = {
	{"fields.list", fields_list},
	{"fields.get", fields_get},
	{"fields.save", fields_save},
	{"fields.delete", fields_delete},
	{"forms.list", intake_forms_list},
	{"forms.get", intake_forms_get},
	{"forms.save", intake_forms_save},
	{"forms.delete", intake_forms_delete},
	{NULL, NULL},
};
