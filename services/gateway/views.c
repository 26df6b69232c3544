/* The gateway's views endpoints. */
#include "gateway.h"

const gw_route gw_view_routes[] = {
	{NULL, NULL, NULL, 0},
};
