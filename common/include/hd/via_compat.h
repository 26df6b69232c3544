/* Reading the via an older build stored as JSON text. Ticket 24 (via.source),
 * Ticket 42 (the latest write's {"channel",…,"source"}) and Audit 7
 * (via.source) were strings; they are typed hd.Via fields now (Ticket.via,
 * Ticket.update_via, Audit.via). protobuf-c keeps the old fields of a record
 * or event written before as unknown fields; these functions are the one
 * place that turns that text into the typed via. Any thread. */
#ifndef HD_VIA_COMPAT_H
#define HD_VIA_COMPAT_H

#include "ticket.pb-c.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

/* Fill tk->via and tk->update_via from the old text fields when tk carries
 * them (the typed field, when set, wins) and drop the old bytes. Text that
 * does not parse is dropped (the via then reads as none). HD_OK, HD_E_NOMEM.
 * *changed (may be NULL) says whether tk changed. */
int hd_ticket_via_compat(Hd__Ticket *tk, bool *changed);
/* The same for an audit's via (field 7). */
int hd_audit_via_compat(Hd__Audit *au, bool *changed);

/* hd_pb_fix_fn shapes of the two (hd_txn_upgrade_pb at store open). */
int hd_ticket_via_fix(ProtobufCMessage *msg, bool *changed);
int hd_audit_via_fix(ProtobufCMessage *msg, bool *changed);

/* The channel name of tk's latest write ("" when unknown): update_via, or
 * on a record written before it the old text, read without changing tk. */
const char *hd_ticket_update_channel(const Hd__Ticket *tk);

/* A deep copy of v (NULL: no memory, or v NULL); free with
 * hd__via__free_unpacked(copy, NULL). */
Hd__Via *hd_via_copy(const Hd__Via *v);

#endif
