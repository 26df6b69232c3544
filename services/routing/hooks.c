/* The hook tables (see hooks.h). One line per module; NULL ends a table. */
#include "assign.h"
#include "hooks.h"

const routing_event_hook routing_event_hooks[] = {
	as_event_hook,
	NULL,
};

const routing_ticket_hook routing_ticket_hooks[] = {
	as_ticket_hook,
	NULL,
};

const routing_tick_hook routing_tick_hooks[] = {
	as_tick_hook,
	NULL,
};
