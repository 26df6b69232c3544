/* intake's fields module, internal interface (fields.c, fields_store.c,
 * fields_forms.c, fields_check.c, fields_events.c). Definitions live on every
 * shard; shard 0 validates and assigns ids and emits the stored object as an
 * event in the same write; the other shards apply it from the bus. */
#ifndef INTAKE_FIELDS_H
#define INTAKE_FIELDS_H

#include "field.pb-c.h"
#include "intake.h"

/* fields_store.c (in in->fields): a definition by id (caller frees).
 * HD_E_NOTFOUND. */
int intake_field_get(const intake *in, hd_txn *t, uint64_t id,
		     Hd__TicketField **out);
int intake_form_get(const intake *in, hd_txn *t, uint64_t id,
		    Hd__TicketForm **out);
/* Every stored message of a table in key order, as a list the caller frees
 * (hd__ticket_field_list / hd__ticket_form_list __free_unpacked). */
int intake_fields_all(const intake *in, hd_txn *t, Hd__TicketFieldList **out);
int intake_forms_all(const intake *in, hd_txn *t, Hd__TicketFormList **out);
/* A tag as Zendesk takes it: 1-80 bytes of UTF-8, no spaces or commas. */
bool intake_tag_valid(const char *tag);

/* fields.c: delete the FieldId-named row of dbi (admins only). */
int intake_fields_delete_by(intake *in, MDB_dbi dbi, const hd_rpc_req *req,
			    hd_rpc_rep *rep);

/* fields.c: answer the FieldId-named row of dbi (a d message) when sees()
 * lets the principal see it; HD_E_NOTFOUND otherwise. */
int intake_fields_get_by(intake *in, MDB_dbi dbi,
			 const ProtobufCMessageDescriptor *d,
			 bool (*sees)(const hd_principal *, const void *),
			 const hd_rpc_req *req, hd_rpc_rep *rep);

/* fields_forms.c: the forms.* RPCs (same replication as fields). */
int intake_forms_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_forms_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_forms_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_forms_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* The definition events of shard 0 (fields_events.c applies them):
 * "ticket_field.saved" / "ticket_form.saved" carry the stored object,
 * "ticket_field.deleted" / "ticket_form.deleted" its FieldId. */

#endif
