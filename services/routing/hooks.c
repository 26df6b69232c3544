/* The hook tables (see hooks.h). One line per module; NULL ends a table. */
#include "hooks.h"

const routing_event_hook routing_event_hooks[] = {
	NULL,
};

const routing_ticket_hook routing_ticket_hooks[] = {
	NULL,
};

const routing_tick_hook routing_tick_hooks[] = {
	NULL,
};
