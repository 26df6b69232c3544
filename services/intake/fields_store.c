/* Ticket field and form storage. Key layout (integers big-endian):
 *   ticket_fields  u64 field id → hd.TicketField
 *   ticket_forms   u64 form id  → hd.TicketForm
 * Option ids come from meta's "next_field_option" counter. Both tables are
 * small (tens of rows), so lists are full scans. */
#include "fields.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdlib.h>
#include <string.h>

int intake_field_get(const intake *in, hd_txn *t, uint64_t id,
		     Hd__TicketField **out)
{
	return hd_txn_get_pb_id(t, in->fields.fields, id,
				&hd__ticket_field__descriptor, (void **)out);
}

int intake_form_get(const intake *in, hd_txn *t, uint64_t id,
		    Hd__TicketForm **out)
{
	return hd_txn_get_pb_id(t, in->fields.forms, id,
				&hd__ticket_form__descriptor, (void **)out);
}

int intake_fields_all(const intake *in, hd_txn *t, Hd__TicketFieldList **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return HD_E_NOMEM;
	hd__ticket_field_list__init(*out);
	return hd_txn_scan_pb(t, in->fields.fields, NULL, 0,
			      &hd__ticket_field__descriptor, NULL, NULL,
			      (void ***)&(*out)->fields, &(*out)->n_fields);
}

int intake_forms_all(const intake *in, hd_txn *t, Hd__TicketFormList **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return HD_E_NOMEM;
	hd__ticket_form_list__init(*out);
	return hd_txn_scan_pb(t, in->fields.forms, NULL, 0,
			      &hd__ticket_form__descriptor, NULL, NULL,
			      (void ***)&(*out)->forms, &(*out)->n_forms);
}

bool intake_tag_valid(const char *tag)
{
	size_t n = strlen(tag);
	return n > 0 && n <= 80 && hd_utf8_valid(tag, n) &&
	       !strpbrk(tag, " \t\r\n,");
}
