/* intake's RPC dispatch table. */
#include "intake.h"

const hd_rpc_route intake_routes[] = {
	{"tickets.create", intake_tickets_create},
	{"tickets.get", intake_tickets_get},
	{"auth.token", intake_auth_token},
	{"users.ensure", intake_users_ensure},
	{"users.get", intake_users_get},
	{NULL, NULL},
};
