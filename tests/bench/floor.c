/* hd-bench-floor: the floor every HTTP figure is measured against — a
 * minimal libmicrohttpd server with the gateway's threading model (epoll,
 * internal thread pool, answer on the second call) that returns a small JSON
 * body for GET and for POST (after reading the body).
 *   usage: hd-bench-floor PORT THREADS */
#include "hd/cfg.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"ticket\":{\"id\":256,\"subject\":\"floor\","
			   "\"status\":\"new\"}}";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	(void)cls, (void)url, (void)method, (void)version, (void)upload;
	static int marker;
	if (*state == NULL) {
		*state = &marker;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size =
			0; /* read and drop the body, as a parser would */
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(
		sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type",
				"application/json; charset=utf-8");
	enum MHD_Result ok = MHD_queue_response(
		conn, strcmp(method, "POST") == 0 ? 201 : 200, r);
	MHD_destroy_response(r);
	return ok;
}

int main(int argc, char **argv)
{
	uint64_t port = 0, threads = 0;
	if (argc != 3 || hd_parse_u64(argv[1], &port) ||
	    hd_parse_u64(argv[2], &threads) || !port || !threads) {
		fprintf(stderr, "usage: %s PORT THREADS\n", argv[0]);
		return 2;
	}
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)port,
		NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
		MHD_OPTION_CONNECTION_LIMIT, 4096U, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "hd-bench-floor: cannot listen on %llu\n",
			(unsigned long long)port);
		return 1;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
