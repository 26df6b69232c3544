/* Request metrics of the public HTTP API: one latency histogram series per
 * method, route pattern and status class. Labels come from our route table,
 * never from the raw path, so clients cannot grow the series table. */
#ifndef GW_OBS_H
#define GW_OBS_H

#include <stdint.h>

/* Record one answered request. route: the matched pattern, or NULL when no
 * route matched (404/405: labelled "unmatched"). Any thread. */
void gw_obs_request(const char *method, const char *route, unsigned status,
		    int64_t elapsed_us);

#endif
