/* Decoding the hd.Ticket carried by ticket.* bus events. */
#include "hd/evdecode.h"

#include "hd/err.h"
#include "hd/via_compat.h"

#include <string.h>

int hd_ev_ticket(const Hd__Envelope *ev, const char *const *types,
		 Hd__Ticket **out)
{
	*out = NULL;
	for (; *types; types++) {
		if (strcmp(ev->type, *types) != 0)
			continue;
		*out = hd__ticket__unpack(NULL, ev->payload.len,
					  ev->payload.data);
		if (!*out)
			return HD_E_DECODE;
		/* an event written before the typed via */
		int rc = hd_ticket_via_compat(*out, NULL);
		if (rc) {
			hd__ticket__free_unpacked(*out, NULL);
			*out = NULL;
		}
		return rc;
	}
	return HD_OK;
}
