/* A minimal blocking HTTP/1.1 keep-alive client for the bench tools: one
 * connection per thread, requests written whole, responses read by their
 * Content-Length (the gateway always sends one). Not for untrusted peers. */
#ifndef HD_BENCH_HTTP_H
#define HD_BENCH_HTTP_H

#include <stddef.h>
#include <stdint.h>

/* Connect to 127.0.0.1:port with TCP_NODELAY. Returns the fd or -1. */
int bh_connect(uint16_t port);

/* Send a POST of body (JSON) to path with the Authorization header auth
 * (NULL: none) and read the reply. Returns the HTTP status, or -1 when the
 * connection failed (the caller reconnects). */
int bh_post(int fd, const char *path, const char *auth, const char *body,
	    size_t len);

/* bh_post on the thread's kept connection *fd (-1: none yet), connecting
 * first when there is none; a failed one is closed and *fd set to -1, so
 * the next call reconnects. Returns the HTTP status or -1. */
int bh_post_kept(int *fd, uint16_t port, const char *path, const char *auth,
		 const char *body, size_t len);

/* Current CLOCK_REALTIME / CLOCK_MONOTONIC in microseconds. */
int64_t bh_wall_us(void);
int64_t bh_mono_us(void);

#endif
