/* The hook tables (see hooks.h). One line per module; NULL ends a table. */
#include "hooks.h"
#include "rt_rules.h"

const routing_event_hook routing_event_hooks[] = {
	rt_trig_comment,
	rt_locale_event,
	NULL,
};

const routing_ticket_hook routing_ticket_hooks[] = {
	rt_times_ticket,
	rt_trig_ticket,
	NULL,
};

const routing_tick_hook routing_tick_hooks[] = {
	rt_auto_tick,
	NULL,
};
