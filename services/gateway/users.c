/* The gateway's users endpoints. */
#include "gateway.h"

const gw_route gw_user_routes[] = {
	{NULL, NULL, NULL, 0},
};
