/* The small admin HTTP listener every service runs: /healthz (no loop of
 * the process is stuck, see hd/liveness.h), /readyz (the service says it can
 * take work) and /metrics (Prometheus text). One internal thread; the ready
 * flag is an atomic. */
#ifndef HD_ADMIN_H
#define HD_ADMIN_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct hd_admin hd_admin;

/* A service's own readiness test (the gateway: are its peers reachable?),
 * asked on the admin thread at every /readyz while the ready flag is set:
 * HD_OK, or an error with the reason, one line, written into why. */
typedef int (*hd_admin_ready_fn)(void *arg, char *why, size_t cap);

/* Listen on bind:port (port 0 = disabled: *out stays NULL, HD_OK). ready is
 * read on every /readyz, then check(arg) when check is not NULL; a 503
 * names the reason. HD_E_UNAVAILABLE when the port cannot be bound. */
int hd_admin_start(hd_admin **out, const char *bind, unsigned port,
		   _Atomic int *ready, hd_admin_ready_fn check, void *arg);
void hd_admin_stop(hd_admin *a);

#endif
