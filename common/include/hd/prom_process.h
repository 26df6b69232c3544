/* The standard process_* metrics every Prometheus client exports (resident
 * and virtual memory, CPU seconds, open and maximum file descriptors, start
 * time), read from /proc/self at scrape time, and hd_build_info. Stateless;
 * any thread. */
#ifndef HD_PROM_PROCESS_H
#define HD_PROM_PROCESS_H

#include "hd/buf.h"

/* An hd_prom_collect_fn; arg is unused. A figure /proc cannot give is
 * left out rather than reported as 0. */
void hd_prom_process_collect(void *arg, hd_buf *out);

#endif
