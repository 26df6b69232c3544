/* Decoding the hd.Ticket carried by ticket.* bus events. */
#include "hd/evdecode.h"

#include "hd/err.h"

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
		return *out ? HD_OK : HD_E_DECODE;
	}
	return HD_OK;
}
