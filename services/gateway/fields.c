/* The gateway's fields endpoints. */
#include "gateway.h"

const gw_route gw_field_routes[] = {
	{NULL, NULL, NULL, 0},
};
