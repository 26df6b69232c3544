/* gateway: wiring only — config, RPC clients, HTTP listener. */
#include "gateway.h"
#include "gw_stream.h"
#include "gw_edge.h"
#include "gw_health.h"
#include "gw_users.h"

#include "hd/err.h"

#include <stdio.h>
#include <string.h>

const char *const gw_peer_names[GW_PEERS] = {"routing", "knowledge",
					     "notifications", "metrics"};

static const hd_cfg_opt opts[] = {
	{"HD_HTTP_BIND", "--http-bind", "127.0.0.1", "public HTTP address"},
	{"HD_HTTP_PORT", "--http-port", "8080", "public HTTP port"},
	{"HD_HTTP_THREADS", "--http-threads", "64",
	 "HTTP worker threads (each may wait on one RPC)"},
	{"HD_MAX_BODY", "--max-body", "1048576",
	 "largest request body in bytes"},
	{"HD_MAX_UPLOAD", "--max-upload", "10485760",
	 "largest POST /uploads body in bytes (413 beyond)"},
	{"HD_RPC_TIMEOUT_MS", "--rpc-timeout-ms", "10000",
	 "one deadline per HTTP request, shared by all of its RPCs"},
	{"HD_PEER_MAX_INFLIGHT", "--peer-max-inflight", "auto",
	 "calls in flight to one service at most (503 beyond), so a hung "
	 "service cannot hold every HTTP thread; auto: 3/4 of "
	 "HD_HTTP_THREADS"},
	{"HD_PEER_QUEUE_MS", "--peer-queue-ms", "100",
	 "how long a call waits for a free slot under HD_PEER_MAX_INFLIGHT"},
	{"HD_BREAKER_FAILURES", "--breaker-failures", "5",
	 "transport failures in a row that open a service's circuit "
	 "(503 + Retry-After at once while open)"},
	{"HD_BREAKER_COOLDOWN_MS", "--breaker-cooldown-ms", "2000",
	 "how long an open circuit refuses calls before one probe"},
	{"HD_READY_PEERS", "--ready-peers",
	 "intake,routing,knowledge,notifications,metrics",
	 "services /readyz needs reachable (comma-separated)"},
	{"HD_AUTH_CACHE_TTL_MS", "--auth-cache-ttl-ms", "2000",
	 "how long a verified credential is trusted before asking intake"},
	{"HD_AUTH_STALE_MS", "--auth-stale-ms", "900000",
	 "how long a verified credential still signs in while intake shard "
	 "0 is unreachable (0: never)"},
	{"HD_RATE_LIMIT", "--rate-limit", "700",
	 "requests per minute per user (429 beyond)"},
	{"HD_ANONYMOUS_REQUESTS", "--anonymous-requests", "0",
	 "1: POST /requests without credentials (requester{name,email})"},
	{"HD_ANON_RATE_LIMIT", "--anon-rate-limit", "10",
	 "anonymous POST /requests per minute per client IP (429 beyond)"},
	{"HD_MAIL_SECRET", "--mail-secret", "",
	 "secret of the inbound e-mail channel (empty: admins only)"},
	{"HD_MAIL_MAX_BYTES", "--mail-max-bytes", "26214400",
	 "largest inbound e-mail message in bytes (413 beyond)"},
	{"HD_PUBLIC_URL", "--public-url", "",
	 "base of every absolute URL we answer with, e.g. "
	 "https://desk.example.com (empty: the address the client reached)"},
	{"HD_TRUSTED_PROXIES", "--trusted-proxies", "",
	 "comma list of proxy addresses/CIDRs whose Host, X-Forwarded-Host, "
	 "-Proto and -For are believed (empty: none)"},
	{"HD_HTTP_TIMEOUT_S", "--http-timeout-s", "60",
	 "seconds a client may take to send a request's headers, and may "
	 "stay idle while sending a body, before it is disconnected"},
	{"HD_HTTP_PER_IP_CONNS", "--http-per-ip-conns", "256",
	 "open connections per client address (more are refused)"},
	{"HD_LOGIN_ADDR_LIMIT", "--login-addr-limit", "20",
	 "failed sign-ins per client address per window (429 beyond)"},
	{"HD_LOGIN_ACCOUNT_LIMIT", "--login-account-limit", "10",
	 "failed sign-ins per account per window from addresses that never "
	 "signed in to it (slows guessing; 429 + Retry-After beyond)"},
	{"HD_LOGIN_WINDOW_S", "--login-window-s", "300",
	 "the window of the sign-in limits, in seconds"},
	{"HD_STREAM_MAX_CONNS", "--stream-max-conns", "2000",
	 "live update streams (GET /api/v2/hd/stream) open on this gateway "
	 "at most (429 beyond)"},
	{"HD_STREAM_PER_USER", "--stream-per-user", "8",
	 "live update streams one user may have open (429 beyond)"},
	{"HD_STREAM_RING", "--stream-ring", "4096",
	 "events kept for reconnecting streams (Last-Event-ID); older: reset"},
	{"HD_STREAM_HEARTBEAT_S", "--stream-heartbeat-s", "15",
	 "seconds of silence after which a stream gets a heartbeat comment"},
};

static gw the_gw;

static int open_clients(gw *g, hd_svc *svc)
{
	char url[512];
	int rc = HD_OK;
	for (unsigned s = 0; s < g->shards && rc == HD_OK; s++) {
		rc = hd_svc_url(svc, "intake", "RPC", s, url, sizeof url);
		if (rc == HD_OK)
			rc = hd_rpc_client_open(&g->intake[s], url);
	}
	for (size_t p = 0; p < GW_PEERS && rc == HD_OK; p++) {
		rc = hd_svc_url(svc, gw_peer_names[p], "RPC", 0, url,
				sizeof url);
		if (rc == HD_OK)
			rc = hd_rpc_client_open(&g->peers[p], url);
	}
	return rc;
}

static int login_limits(gw *g)
{
	uint64_t addr = 0, account = 0, window = 0;
	int rc = hd_cfg_u64(&g->svc->cfg, "HD_LOGIN_ADDR_LIMIT", 1, 1000000,
			    &addr);
	if (!rc)
		rc = hd_cfg_u64(&g->svc->cfg, "HD_LOGIN_ACCOUNT_LIMIT", 1,
				1000000, &account);
	if (!rc)
		rc = hd_cfg_u64(&g->svc->cfg, "HD_LOGIN_WINDOW_S", 1, 86400,
				&window);
	if (!rc)
		rc = gw_login_limit_init(&g->logins, (unsigned)addr,
					 (unsigned)account, (unsigned)window);
	return rc;
}

static int setup(hd_svc *svc, void *ctx)
{
	gw *g = ctx;
	uint64_t port = 0, threads = 0, max_body = 0, timeout = 0;
	g->svc = svc;
	g->shards = svc->shards;
	int rc = hd_cfg_u64(&svc->cfg, "HD_HTTP_PORT", 1, 65535, &port);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_HTTP_THREADS", 1, 1024,
				&threads);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_MAX_BODY", 1024,
				(uint64_t)1 << 30, &max_body);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_RPC_TIMEOUT_MS", 100, 600000,
				&timeout);
	uint64_t rate = 0;
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_RATE_LIMIT", 1, 1000000, &rate);
	if (rc)
		return rc;
	gw_ratelimit_init((unsigned)rate);
	g->port = (unsigned)port;
	g->max_body = (size_t)max_body;
	g->rpc_timeout_ms = (int)timeout;
	snprintf(g->bind, sizeof g->bind, "%s",
		 hd_cfg_get(&svc->cfg, "HD_HTTP_BIND"));
	rc = gw_auth_init(g);
	if (!rc)
		rc = gw_edge_init(g);
	if (!rc)
		rc = login_limits(g);
	if (!rc)
		rc = open_clients(g, svc);
	if (!rc)
		rc = gw_health_init(g);
	if (!rc)
		rc = gw_stream_init(g);
	if (!rc)
		rc = gw_http_start(g, (unsigned)threads);
	return rc;
}

static void teardown(hd_svc *svc, void *ctx)
{
	(void)svc;
	gw *g = ctx;
	gw_http_stop(g); /* finishes in-flight requests */
	gw_stream_release(g);
	gw_health_release(g);
	for (unsigned s = 0; s < g->shards; s++)
		hd_rpc_client_close(g->intake[s]);
	for (size_t p = 0; p < GW_PEERS; p++)
		hd_rpc_client_close(g->peers[p]);
	gw_auth_release(g);
	gw_edge_release(g);
	gw_login_limit_free(g->logins);
	g->logins = NULL;
}

static const hd_svc_def def = {
	.name = "gateway",
	.about = "Hana Desk gateway: the Zendesk-compatible HTTP API "
		 "(stateless; run as many as you like). --routes lists "
		 "every route as METHOD PATTERN AUTH and exits.",
	.index = 0,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.ctx = &the_gw,
	.setup = setup,
	.teardown = teardown,
};

int main(int argc, char **argv)
{
	/* Needs no configuration or peers: tests and tools list the routes. */
	if (argc == 2 && strcmp(argv[1], "--routes") == 0)
		return gw_routes_print(stdout) == 0 ? 0 : 1;
	return hd_svc_main(&def, argc, argv);
}
