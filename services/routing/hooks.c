/* The hook tables (see hooks.h). One line per module; NULL ends a table. */
#include "assign.h"
#include "hooks.h"
#include "rt_rules.h"
#include "sla.h"
#include "views_index.h"

/* clang-format off */
const routing_event_hook routing_event_hooks[] = {
	rt_locale_event,
	routing_sla_event_hook,
	as_event_hook,
	NULL,
};

const routing_ticket_hook routing_ticket_hooks[] = {
	rt_times_ticket,
	routing_sla_ticket_hook,
	as_ticket_hook,
	routing_vidx_ticket,
	NULL,
};

const routing_tick_hook routing_tick_hooks[] = {
	rt_auto_tick,
	routing_sla_tick_hook,
	as_tick_hook,
	routing_vidx_tick,
	NULL,
};
/* clang-format on */
