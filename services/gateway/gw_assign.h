/* The gateway's assignment and presence endpoints (assign.c, presence.c),
 * answered by routing (g->peers[0]). */
#ifndef GW_ASSIGN_H
#define GW_ASSIGN_H

#include "gateway.h"

extern const gw_route gw_assign_routes[];   /* assign.c */
extern const gw_route gw_presence_routes[]; /* presence.c */

#endif
