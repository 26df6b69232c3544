/* The bench tools' HTTP client: see bench_http.h. */
#include "bench_http.h"

#include "hd/buf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REPLY_MAX (1u << 20)

int bh_connect(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one response; returns its status or -1. The body is dropped. */
static int read_reply(int fd)
{
	static _Thread_local char buf[REPLY_MAX];
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		if (have == sizeof buf - 1)
			return -1;
		ssize_t r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = 0;
		end = strstr(buf, "\r\n\r\n");
	}
	int status = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	const char *cl = strcasestr(buf, "\r\ncontent-length:");
	if (!cl || cl > end)
		return -1;
	size_t want = strtoul(cl + 17, NULL, 10);
	size_t got = have - (size_t)(end + 4 - buf);
	while (got < want) {
		ssize_t r = recv(fd, buf, sizeof buf - 1, 0);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return got == want ? status : -1;
}

int bh_post(int fd, const char *path, const char *auth, const char *body,
	    size_t len)
{
	hd_buf req;
	hd_buf_init(&req, REPLY_MAX);
	hd_buf_printf(&req,
		      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		      "Content-Type: application/json\r\n"
		      "Content-Length: %zu\r\n",
		      path, len);
	if (auth)
		hd_buf_printf(&req, "Authorization: %s\r\n", auth);
	hd_buf_puts(&req, "\r\n");
	int rc = hd_buf_append(&req, body, len);
	if (!rc)
		rc = send_all(fd, (const char *)req.data, req.len);
	hd_buf_release(&req);
	return rc ? -1 : read_reply(fd);
}

int bh_post_kept(int *fd, uint16_t port, const char *path, const char *auth,
		 const char *body, size_t len)
{
	if (*fd < 0)
		*fd = bh_connect(port);
	int st = *fd < 0 ? -1 : bh_post(*fd, path, auth, body, len);
	if (st < 0 && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return st;
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t bh_wall_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

int64_t bh_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}
