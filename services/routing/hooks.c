/* The hook tables (see hooks.h). One line per module; NULL ends a table. */
#include "hooks.h"
#include "sla.h"

const routing_event_hook routing_event_hooks[] = {
	routing_sla_event_hook,
	NULL,
};

const routing_ticket_hook routing_ticket_hooks[] = {
	routing_sla_ticket_hook,
	NULL,
};

const routing_tick_hook routing_tick_hooks[] = {
	routing_sla_tick_hook,
	NULL,
};
