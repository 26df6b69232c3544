/* A routing context on a scratch store, for routing's unit tests: its own
 * tables, the view index's and the SLA ones, bound as the service binds
 * them (routing_store_bind, sla_bind). Include after unit_svc.h. */
#ifndef UNIT_ROUTING_H
#define UNIT_ROUTING_H

#include "routing.h"
#include "sla.h"
#include "views_index.h"

#include "unit_svc.h"

static const char *const unit_routing_own_dbs[] = {
	"tickets", "unassigned", "views", "meta", "commands", NULL};
static const char *const *const unit_routing_dbs[] = {
	unit_routing_own_dbs, routing_vidx_dbs, routing_sla_dbs, NULL};

static inline void unit_routing_open(unit_store *u, routing *r)
{
	r->store = unit_store_open(u, unit_routing_dbs, "routing");
	assert_hd_ok(routing_store_bind(r));
	assert_hd_ok(sla_bind(r->store, &r->sla));
}

#endif
