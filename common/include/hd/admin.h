/* The small admin HTTP listener every service runs: /healthz (the process
 * answers), /readyz (the service says it can take work) and /metrics
 * (Prometheus text). One internal thread; the ready flag is an atomic. */
#ifndef HD_ADMIN_H
#define HD_ADMIN_H

#include <stdatomic.h>

typedef struct hd_admin hd_admin;

/* Listen on bind:port (port 0 = disabled: *out stays NULL, HD_OK). ready is
 * read on every /readyz. HD_E_UNAVAILABLE when the port cannot be bound. */
int hd_admin_start(hd_admin **out, const char *bind, unsigned port,
		   _Atomic int *ready);
void hd_admin_stop(hd_admin *a);

#endif
