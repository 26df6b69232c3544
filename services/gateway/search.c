/* The gateway's search endpoints. */
#include "gateway.h"

const gw_route gw_search_routes[] = {
	{NULL, NULL, NULL, 0},
};
