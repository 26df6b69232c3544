/* Unit tests for what the gateway's peer health builds on (issue 13 hole 9,
 * issue 19 fail fast): the RPC client's connection state from nng pipe
 * events, one deadline per call (send and receive together), and the trace
 * id that follows a request into the serving service's log lines. Real nng
 * sockets on ipc:// in a scratch directory per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/log.h"
#include "hd/rpc.h"
#include "unit_rpc.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int h_sick(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	hd_warn("unit.handler_line", "step=%s", "before-failing");
	return hd_rpc_fail(rep, HD_E_INTERNAL, NULL, "disk on fire");
}

static int h_sleep(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	unit_sleep_ms(1500);
	return HD_OK;
}

static const hd_rpc_route routes[] = {
	{"sick", h_sick},
	{"sleep", h_sleep},
	{NULL, NULL},
};

typedef unit_rpc fixture;

static hd_rpc_server *serve(const char *url)
{
	hd_rpc_server *srv = NULL;
	assert_hd_ok(hd_rpc_server_new(&srv));
	assert_hd_ok(hd_rpc_server_add(srv, routes, NULL));
	assert_hd_ok(hd_rpc_server_start(srv, url, 2));
	return srv;
}

static bool has_pipe(void *arg)
{
	hd_rpc_link l;
	hd_rpc_client_link(arg, &l);
	return l.pipes > 0;
}

static bool no_pipe(void *arg)
{
	return !has_pipe(arg);
}

/* The client knows when its peer comes and goes, without calling it. */
static void test_link_follows_the_peer(void **state)
{
	fixture *f = *state;
	hd_rpc_link l;
	hd_rpc_client_link(f->cli, &l);
	assert_int_equal(l.pipes, 0);
	assert_int_equal(l.connects, 0);
	hd_rpc_server *srv = serve(f->url);
	assert_true(unit_wait(has_pipe, f->cli, 5000));
	hd_rpc_server_stop(srv);
	assert_true(unit_wait(no_pipe, f->cli, 5000));
	hd_rpc_client_link(f->cli, &l);
	assert_int_equal(l.connects, 1);
	srv = serve(f->url); /* a restarted peer: a second connection */
	assert_true(unit_wait(has_pipe, f->cli, 5000));
	hd_rpc_client_link(f->cli, &l);
	assert_int_equal(l.connects, 2);
	hd_rpc_server_stop(srv);
}

/* A peer that takes connections and drops them before nng's handshake,
 * as a process does while it dies: nng 1.5.2's dialer treats the failed
 * handshake ("object closed") as final and never dials again, so the
 * client must start a new dialer itself (rpc_client.c's tender). */
typedef struct dropper {
	int fd;
	atomic_int stop;
	atomic_int dropped;
} dropper;

static void *drop_connections(void *arg)
{
	dropper *d = arg;
	while (!atomic_load(&d->stop)) {
		int c = accept(d->fd, NULL, NULL); /* blocking: at once */
		if (c < 0)
			break; /* the listener was shut down */
		shutdown(c, SHUT_RDWR);
		close(c);
		atomic_fetch_add(&d->dropped, 1);
	}
	return NULL;
}

static void test_redials_after_a_handshake_cut_short(void **state)
{
	fixture *f = *state;
	const char *path = f->url + strlen("ipc://");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	dropper d = {.fd = socket(AF_UNIX, SOCK_STREAM, 0)};
	assert_true(d.fd >= 0);
	assert_int_equal(bind(d.fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(d.fd, 64), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, drop_connections, &d), 0);
	/* Long enough for the dialer's retries (50–500 ms apart) to meet
	 * several cut handshakes. */
	unit_sleep_ms(3000);
	atomic_store(&d.stop, 1);
	shutdown(d.fd, SHUT_RDWR); /* wakes the accept */
	pthread_join(t, NULL);
	close(d.fd);
	unlink(path);
	assert_true(atomic_load(&d.dropped) > 0);
	hd_rpc_server *srv = serve(f->url);
	if (!unit_wait(has_pipe, f->cli, 8000))
		fail_msg("no connection 8 s after the peer came up (%d "
			 "handshakes cut before)",
			 atomic_load(&d.dropped));
	hd_rpc_result res;
	assert_hd_ok(
		hd_rpc_call(f->cli, "sick", NULL, 0, NULL, "t", 5000, &res));
	hd_rpc_result_release(&res);
	hd_rpc_server_stop(srv);
}

typedef struct late {
	const char *url;
	hd_rpc_server *srv;
} late;

static void *start_late(void *arg)
{
	late *l = arg;
	unit_sleep_ms(400);
	l->srv = serve(l->url);
	return NULL;
}

/* timeout_ms bounds the whole call: a send that waited for the peer to
 * come up leaves the reply only the rest of the time. Before, each of
 * send and receive had the full timeout (issue 13: >30 s at a 10 s
 * timeout). */
static void test_timeout_is_one_deadline(void **state)
{
	fixture *f = *state;
	late l = {.url = f->url};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, start_late, &l), 0);
	hd_rpc_result res;
	int64_t t0 = unit_now_ms();
	int rc = hd_rpc_call(f->cli, "sleep", NULL, 0, NULL, "t", 800, &res);
	int64_t took = unit_now_ms() - t0;
	hd_rpc_result_release(&res);
	pthread_join(t, NULL);
	assert_hd_rc(rc, HD_E_TIMEDOUT);
	/* send ~400 ms + receive: 800 ms in all, not 400 + 800 */
	if (took >= 1100)
		fail_msg("a call with timeout 800 ms took %lld ms",
			 (long long)took);
	hd_rpc_server_stop(l.srv);
}

/* Read what fd 2 received into buf. */
static void read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	for (;;) {
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
}

/* The caller's trace id reaches the service: the handler's own lines and
 * the server's rpc.failed line carry it; lines after the call do not. */
static void test_trace_in_service_logs(void **state)
{
	fixture *f = *state;
	hd_log_init("unit", "info");
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	int saved = dup(STDERR_FILENO);
	dup2(pipefd[1], STDERR_FILENO);
	hd_rpc_server *srv = serve(f->url);
	hd_rpc_result res;
	int rc = hd_rpc_call(f->cli, "sick", NULL, 0, NULL, "c0ffee12", 5000,
			     &res);
	hd_rpc_result_release(&res);
	hd_rpc_server_stop(srv);
	hd_warn("unit.after", "x=1");
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(pipefd[1]);
	hd_log_init("unit", "error");
	static char text[65536];
	read_all(pipefd[0], text, sizeof text);
	close(pipefd[0]);
	assert_hd_ok(rc);
	assert_int_equal(res.rc, HD_E_INTERNAL);
	const char *h = strstr(text, "event=unit.handler_line");
	const char *failed = strstr(text, "event=rpc.failed");
	const char *after = strstr(text, "event=unit.after");
	if (!h || !failed || !after)
		fail_msg("log lines missing:\n%s", text);
	const char *eol = strchr(h, '\n');
	const char *tr = strstr(h, "trace=c0ffee12");
	if (!tr || tr > eol)
		fail_msg("handler line without the trace:\n%s", text);
	eol = strchr(failed, '\n');
	tr = strstr(failed, "trace=c0ffee12");
	if (!tr || tr > eol)
		fail_msg("rpc.failed without the trace:\n%s", text);
	if (strstr(after, "trace="))
		fail_msg("a line after the call kept the trace:\n%s", text);
}

int main(void)
{
	hd_log_init("unit", "error");
#define T(fn)                                                                  \
	cmocka_unit_test_setup_teardown(fn, unit_rpc_setup_client,             \
					unit_rpc_teardown)
	const struct CMUnitTest tests[] = {
		T(test_link_follows_the_peer),
		T(test_timeout_is_one_deadline),
		T(test_trace_in_service_logs),
		T(test_redials_after_a_handshake_cut_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
