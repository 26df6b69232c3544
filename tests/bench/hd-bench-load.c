/* hd-bench-load: create COUNT tickets through the gateway as fast as it
 * takes them, over CONNS keep-alive connections (one thread each), so the
 * growth figures are measured with the store at 10,000 / 100,000 /
 * 1,000,000 tickets. Every ticket is acknowledged (201) before the next on
 * its connection; the first ticket number is FIRST so successive loads make
 * distinct tickets. Prints one line: LOAD n=… secs=… rps=… errors=….
 *   usage: hd-bench-load PORT FIRST COUNT CONNS   (env HD_AUTH) */
#include "bench_http.h"
#include "bench_tickets.h"
#include "hd/cfg.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_CONNS 256

static uint16_t port;
static uint64_t first, count;
static const char *auth;
static _Atomic uint64_t issued, errors;

static void *worker(void *arg)
{
	(void)arg;
	hd_buf body;
	hd_buf_init(&body, 1 << 16);
	int fd = -1;
	for (;;) {
		uint64_t i = atomic_fetch_add(&issued, 1);
		if (i >= count)
			break;
		hd_buf_reset(&body);
		bt_ticket_json(&body, first + i);
		int st = bh_post_kept(&fd, port, "/api/v2/tickets.json", auth,
				      body.data, body.len);
		if (st != 201)
			atomic_fetch_add(&errors, 1);
	}
	if (fd >= 0)
		close(fd);
	hd_buf_release(&body);
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t p = 0, conns = 0;
	auth = getenv("HD_AUTH");
	if (argc != 5 || hd_parse_u64(argv[1], &p) || !p || p > 65535 ||
	    hd_parse_u64(argv[2], &first) || hd_parse_u64(argv[3], &count) ||
	    hd_parse_u64(argv[4], &conns) || !conns || conns > MAX_CONNS ||
	    !auth) {
		fprintf(stderr,
			"usage: HD_AUTH=… %s PORT FIRST COUNT CONNS(1-%d)\n",
			argv[0], MAX_CONNS);
		return 2;
	}
	port = (uint16_t)p;
	pthread_t th[MAX_CONNS];
	int64_t t0 = bh_mono_us();
	for (uint64_t i = 0; i < conns; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (uint64_t i = 0; i < conns; i++)
		pthread_join(th[i], NULL);
	double secs = (double)(bh_mono_us() - t0) / 1e6;
	printf("LOAD n=%llu secs=%.2f rps=%.1f errors=%llu\n",
	       (unsigned long long)count, secs, secs > 0 ? count / secs : 0,
	       (unsigned long long)atomic_load(&errors));
	return atomic_load(&errors) ? 1 : 0;
}
