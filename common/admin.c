/* Admin HTTP endpoints on libmicrohttpd; see hd/admin.h. */
#include "hd/admin.h"

#include "hd/buf.h"
#include "hd/err.h"
#include "hd/liveness.h"
#include "hd/log.h"
#include "hd/prom.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hd_admin {
	struct MHD_Daemon *daemon;
	_Atomic int *ready;
	hd_admin_ready_fn check;
	void *check_arg;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status,
			     const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, body, mode);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	enum MHD_Result ok = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ok;
}

/* 200 while every loop moves or idles; 503 naming each stuck loop. */
static enum MHD_Result healthz(struct MHD_Connection *conn)
{
	const char *text = "text/plain; charset=utf-8";
	char why[1024];
	if (hd_liveness_check(why, sizeof why) == HD_OK)
		return reply(conn, 200, text, "ok\n", 3,
			     MHD_RESPMEM_PERSISTENT);
	return reply(conn, 503, text, why, strlen(why), MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result readyz(hd_admin *a, struct MHD_Connection *conn)
{
	const char *text = "text/plain; charset=utf-8";
	if (!a->ready || !atomic_load(a->ready))
		return reply(conn, 503, text, "not ready\n", 10,
			     MHD_RESPMEM_PERSISTENT);
	char why[480] = "";
	if (!a->check || a->check(a->check_arg, why, sizeof why) == HD_OK)
		return reply(conn, 200, text, "ready\n", 6,
			     MHD_RESPMEM_PERSISTENT);
	char body[512];
	int n = snprintf(body, sizeof body, "not ready: %s\n", why);
	size_t len = n < 0 ? 0 : (size_t)n;
	return reply(conn, 503, text, body,
		     len < sizeof body ? len : sizeof body - 1,
		     MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	(void)version;
	(void)upload;
	hd_admin *a = cls;
	if (*state == NULL) { /* answer on the second call (see DESIGN.md) */
		*state = a;
		return MHD_YES;
	}
	*upload_size = 0;
	const char *text = "text/plain; charset=utf-8";
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(conn, 405, text, "method not allowed\n", 19,
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/healthz") == 0)
		return healthz(conn);
	if (strcmp(url, "/readyz") == 0)
		return readyz(a, conn);
	if (strcmp(url, "/metrics") == 0) {
		hd_buf b;
		hd_buf_init(&b, (size_t)16 << 20);
		if (hd_prom_render(&b) || !b.data) {
			hd_buf_release(&b);
			return reply(conn, 500, text, "render failed\n", 14,
				     MHD_RESPMEM_PERSISTENT);
		}
		size_t len;
		char *body = hd_buf_detach(&b, &len);
		/* MUST_FREE: MHD frees the body with free() when sent. */
		return reply(conn, 200,
			     "text/plain; version=0.0.4; charset=utf-8", body,
			     len, MHD_RESPMEM_MUST_FREE);
	}
	return reply(conn, 404, text, "not found\n", 10,
		     MHD_RESPMEM_PERSISTENT);
}

int hd_admin_start(hd_admin **out, const char *bind, unsigned port,
		   _Atomic int *ready, hd_admin_ready_fn check, void *arg)
{
	*out = NULL;
	if (port == 0)
		return HD_OK;
	hd_admin *a = calloc(1, sizeof *a);
	if (!a)
		return HD_E_NOMEM;
	a->ready = ready;
	a->check = check;
	a->check_arg = arg;
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
		hd_error("admin.bad_bind", "bind=%s", bind);
		free(a);
		return HD_E_INVALID;
	}
	a->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)port,
		NULL, NULL, on_request, a, MHD_OPTION_SOCK_ADDR, &addr,
		MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
	if (!a->daemon) {
		hd_error("admin.listen_failed", "bind=%s port=%u", bind, port);
		free(a);
		return HD_E_UNAVAILABLE;
	}
	*out = a;
	return HD_OK;
}

void hd_admin_stop(hd_admin *a)
{
	if (!a)
		return;
	MHD_stop_daemon(a->daemon);
	free(a);
}
