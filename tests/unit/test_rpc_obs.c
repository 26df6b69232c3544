/* Unit tests for the RPC latency histograms (common/rpc_server.c,
 * rpc_client.c) over real nng ipc:// sockets: both sides count each call
 * by method and outcome, and a method the server does not route is
 * labelled "unknown" so a hostile caller cannot grow the series table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/prom.h"
#include "hd/rpc.h"
#include "unit.h"

#include <string.h>

#define TIMEOUT_MS 5000

static int h_echo(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return hd_buf_append(&rep->payload, req->payload, req->len);
}

static int h_fail(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return hd_rpc_fail(rep, HD_E_INVALID, "subject", "제목이 필요합니다");
}

static const hd_rpc_route routes[] = {
	{"tickets.echo", h_echo}, {"tickets.fail", h_fail}, {NULL, NULL}};

static double sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; (p = strstr(p, series)); p += n)
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

static void call_ok(hd_rpc_client *c, const char *method, int want)
{
	hd_rpc_result res;
	assert_hd_ok(
		hd_rpc_call(c, method, "hi", 2, NULL, "t1", TIMEOUT_MS, &res));
	assert_hd_rc(res.rc, want);
	hd_rpc_result_release(&res);
}

static void test_both_sides_count_by_method_and_outcome(void **state)
{
	(void)state;
	char dir[64], url[128];
	unit_mkdtemp(dir, sizeof dir);
	unit_ipc_url(url, sizeof url, dir, "obs");
	hd_rpc_server *srv = NULL;
	hd_rpc_client *c = NULL;
	assert_hd_ok(hd_rpc_server_new(&srv));
	assert_hd_ok(hd_rpc_server_add(srv, routes, NULL));
	assert_hd_ok(hd_rpc_server_start(srv, url, 2));
	assert_hd_ok(hd_rpc_client_open(&c, url));
	call_ok(c, "tickets.echo", HD_OK);
	call_ok(c, "tickets.echo", HD_OK);
	call_ok(c, "tickets.fail", HD_E_INVALID);
	call_ok(c, "x-7f3a\"hostile", HD_E_NOTFOUND);
	hd_rpc_client_close(c);
	hd_rpc_server_stop(srv);
	unit_rmtree(dir);

	hd_buf b;
	hd_buf_init(&b, (size_t)4 << 20);
	assert_hd_ok(hd_prom_render(&b));
	const char *t = b.data;
	assert_true(sample(t, "hd_rpc_server_duration_seconds_count{method="
			      "\"tickets.echo\",outcome=\"OK\"}") == 2);
	assert_true(sample(t, "hd_rpc_server_duration_seconds_count{method="
			      "\"tickets.fail\",outcome=\"INVALID\"}") == 1);
	assert_true(sample(t, "hd_rpc_server_duration_seconds_count{method="
			      "\"unknown\",outcome=\"NOTFOUND\"}") == 1);
	assert_true(sample(t, "hd_rpc_client_duration_seconds_count{method="
			      "\"tickets.echo\",outcome=\"OK\"}") == 2);
	assert_true(sample(t, "hd_rpc_client_duration_seconds_count{method="
			      "\"tickets.fail\",outcome=\"INVALID\"}") == 1);
	/* The client labels by its own (here odd) method name, escaped; the
	 * server never takes the name it was sent. */
	assert_true(sample(t,
			   "hd_rpc_client_duration_seconds_count{method="
			   "\"x-7f3a\\\"hostile\",outcome=\"NOTFOUND\"}") == 1);
	const char *srv_part = strstr(t, "# TYPE hd_rpc_server_duration");
	assert_non_null(srv_part);
	const char *next = strstr(srv_part + 1, "# TYPE");
	size_t len = next ? (size_t)(next - srv_part) : strlen(srv_part);
	assert_null(memmem(srv_part, len, "7f3a", 4));
	hd_buf_release(&b);
}

static void test_unreachable_peer_counts_as_transport_error(void **state)
{
	(void)state;
	char dir[64], url[128];
	unit_mkdtemp(dir, sizeof dir);
	unit_ipc_url(url, sizeof url, dir, "nobody");
	hd_rpc_client *c = NULL;
	assert_hd_ok(hd_rpc_client_open(&c, url));
	hd_rpc_result res;
	int rc = hd_rpc_call(c, "tickets.lost", "x", 1, NULL, NULL, 200, &res);
	assert_true(rc == HD_E_UNAVAILABLE || rc == HD_E_TIMEDOUT);
	hd_rpc_result_release(&res);
	hd_rpc_client_close(c);
	unit_rmtree(dir);
	hd_buf b;
	hd_buf_init(&b, (size_t)4 << 20);
	assert_hd_ok(hd_prom_render(&b));
	char series[128];
	snprintf(series, sizeof series,
		 "hd_rpc_client_duration_seconds_count{method=\"tickets.lost\","
		 "outcome=\"%s\"}",
		 hd_errname(rc));
	assert_true(sample(b.data, series) == 1);
	hd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_sides_count_by_method_and_outcome),
		cmocka_unit_test(
			test_unreachable_peer_counts_as_transport_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
