/* The gateway's HTTP dispatch table. Paths are matched without ".json". */
#include "gateway.h"

const gw_route gw_routes[] = {
	{"POST", "/api/v2/tickets", gw_tickets_create, GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}", gw_tickets_show, GW_AUTH_USER},
	{"GET", "/api/v2/hd/bus", gw_bus_status, GW_AUTH_ADMIN},
	{NULL, NULL, NULL, 0},
};
