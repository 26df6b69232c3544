/* intake's ticket form RPCs (API.md §4): a form groups ticket fields. Same
 * replication as fields: shard 0 validates and assigns the id and emits the
 * stored form; the other shards apply it (fields_events.c). */
#include "fields.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <string.h>

typedef struct form_job {
	intake *in;
	Hd__TicketForm *f;
	hd_rpc_rep *rep;
} form_job;

static int form_write(hd_txn *t, void *arg)
{
	form_job *j = arg;
	Hd__TicketForm *f = j->f, *old = NULL;
	int rc = HD_OK;
	if (f->id && (rc = intake_form_get(j->in, t, f->id, &old)))
		return hd_rpc_fail(j->rep, rc, "id", "no ticket form %llu",
				   (unsigned long long)f->id);
	for (size_t i = 0; rc == HD_OK && i < f->n_ticket_field_ids; i++) {
		Hd__TicketField *fd = NULL;
		if (intake_field_get(j->in, t, f->ticket_field_ids[i], &fd))
			rc = hd_rpc_fail(
				j->rep, HD_E_INVALID, "ticket_field_ids",
				"ticket_field_ids: no ticket field "
				"%llu",
				(unsigned long long)f->ticket_field_ids[i]);
		hd__ticket_field__free_unpacked(fd, NULL);
	}
	if (!rc && !f->id)
		rc = intake_next_id(t, j->in, "next_form", &f->id);
	if (!rc) {
		f->updated_at = hd_now_ms();
		f->created_at = old ? old->created_at : f->updated_at;
		rc = intake_put_pb(t, j->in->fields.forms, f->id, f);
	}
	if (!rc)
		rc = hd_txn_emit_pb(t, "ticket_form.saved", f, NULL);
	hd__ticket_form__free_unpacked(old, NULL);
	return rc ? rc : t->rc;
}

int intake_forms_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	if (!intake_is_admin(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only admins may change ticket forms");
	if (in->shard != 0)
		return hd_rpc_fail(rep, HD_E_INVALID, NULL,
				   "forms.save goes to intake shard 0");
	Hd__TicketForm *f = NULL;
	if (hd_req_decode(req, rep, &hd__ticket_form__descriptor, (void **)&f))
		return HD_E_DECODE;
	size_t n = strlen(f->name);
	int rc = HD_OK;
	if (strspn(f->name, " \t\r\n") == n || n > 255 ||
	    !hd_utf8_valid(f->name, n))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "name",
				 "name: cannot be blank (at most 255 bytes)");
	if (!rc && !f->display_name[0])
		rc = hd_pb_set_string(&f->display_name, f->name);
	if (!rc) {
		form_job j = {in, f, rep};
		rc = hd_store_write(in->store, form_write, &j);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, f);
	hd__ticket_form__free_unpacked(f, NULL);
	return rc;
}

int intake_forms_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	return intake_fields_delete_by(in, in->fields.forms, req, rep);
}

static bool sees(const hd_principal *p, const void *m)
{
	const Hd__TicketForm *f = m;
	return intake_is_staff(p) || (f->end_user_visible && f->active);
}

int intake_forms_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	return intake_fields_get_by(in, in->fields.forms,
				    &hd__ticket_form__descriptor, sees, req,
				    rep);
}

int intake_forms_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__TicketFormList *all = NULL;
	hd_txn t;
	int rc = hd_store_read(in->store, &t);
	if (!rc) {
		rc = intake_forms_all(in, &t, &all);
		hd_txn_end(&t);
	}
	if (!rc) {
		size_t kept = 0;
		for (size_t i = 0; i < all->n_forms; i++) {
			if (sees(&req->principal, all->forms[i]))
				all->forms[kept++] = all->forms[i];
			else
				hd__ticket_form__free_unpacked(all->forms[i],
							       NULL);
		}
		all->n_forms = kept;
		rc = hd_pb_pack(&rep->payload, all);
	}
	hd__ticket_form_list__free_unpacked(all, NULL);
	return rc;
}
