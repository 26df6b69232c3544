/* Decoding the hd.Ticket carried by ticket.* bus events. */
#ifndef HD_EVDECODE_H
#define HD_EVDECODE_H

#include "common.pb-c.h"
#include "ticket.pb-c.h"

/* When ev->type is one of `types` (a NULL-terminated list), unpacks its
 * payload into *out (free with hd__ticket__free_unpacked) and returns HD_OK.
 * Any other type leaves *out NULL and returns HD_OK; a payload that does not
 * decode returns HD_E_DECODE. */
int hd_ev_ticket(const Hd__Envelope *ev, const char *const *types,
		 Hd__Ticket **out);

#endif
