/* The gateway's request histogram; see gw_obs.h. */
#include "gw_obs.h"

#include "hd/prom.h"

#include <string.h>

HD_HISTOGRAM(http_seconds, "hd_http_request_duration_seconds",
	     "Time from a request's body to its queued response, by method, "
	     "route pattern and status class.",
	     hd_prom_latency_us, "method", "route", "code")

/* MHD passes any token a client sends as the method: keep a fixed set. */
static const char *method_label(const char *m)
{
	static const char *const known[] = {"GET",    "POST", "PUT",    "PATCH",
					    "DELETE", "HEAD", "OPTIONS"};
	for (size_t i = 0; m && i < sizeof known / sizeof known[0]; i++)
		if (strcmp(m, known[i]) == 0)
			return known[i];
	return "other";
}

static const char *status_class(unsigned status)
{
	static const char *const classes[] = {"1xx", "2xx", "3xx", "4xx",
					      "5xx"};
	return status >= 100 && status < 600 ? classes[status / 100 - 1]
					     : "other";
}

void gw_obs_request(const char *method, const char *route, unsigned status,
		    int64_t elapsed_us)
{
	const char *labels[] = {method_label(method),
				route ? route : "unmatched",
				status_class(status)};
	hd_prom_observe(&http_seconds, labels,
			(uint64_t)(elapsed_us > 0 ? elapsed_us : 0));
	if (status >= 500)
		hd_prom_error("http_5xx");
}
