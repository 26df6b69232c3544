/* gateway: wiring only — config, RPC clients, HTTP listener. */
#include "gateway.h"
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
	 "how long a request waits for the owning service"},
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
		rc = open_clients(g, svc);
	if (!rc)
		rc = gw_http_start(g, (unsigned)threads);
	return rc;
}

static void teardown(hd_svc *svc, void *ctx)
{
	(void)svc;
	gw *g = ctx;
	gw_http_stop(g); /* finishes in-flight requests */
	for (unsigned s = 0; s < g->shards; s++)
		hd_rpc_client_close(g->intake[s]);
	for (size_t p = 0; p < GW_PEERS; p++)
		hd_rpc_client_close(g->peers[p]);
	gw_auth_release(g);
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
