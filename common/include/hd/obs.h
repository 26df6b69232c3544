/* Operational gauges every service exports on /metrics, read at scrape
 * time: store size and map usage, outbox depth and oldest retained event,
 * and per-source bus lag (the newest seq a source announced minus the one
 * applied). Counters and histograms live beside the code they count. */
#ifndef HD_OBS_H
#define HD_OBS_H

#include "hd/buf.h"

/* An hd_prom_collect_fn; arg is the service's hd_svc. */
void hd_obs_collect(void *arg, hd_buf *out);

#endif
