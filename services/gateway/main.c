/* gateway: wiring only — the service as one table (hd/svc.h). */
#include "gateway.h"

#include <stdio.h>
#include <string.h>

const char *const gw_peer_names[GW_PEERS] = {
	[GW_PEER_ROUTING] = "routing",
	[GW_PEER_KNOWLEDGE] = "knowledge",
	[GW_PEER_NOTIFICATIONS] = "notifications",
	[GW_PEER_METRICS] = "metrics",
};

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

/* Read the options and open the peers before anything serves; HTTP last,
 * so it stops first. */
static const hd_svc_module modules[] = {
	{"gateway", gw_open, NULL}, /* the options (handlers.c) */
	{"auth", gw_auth_open, gw_auth_close},
	{"edge", gw_edge_open, gw_edge_close},
	{"logins", gw_logins_open, gw_logins_close},
	{"limits", gw_limits_open, gw_limits_close},
	{"peers", gw_peers_open, gw_peers_close},
	{"health", gw_health_open, gw_health_close},
	{"stream", gw_stream_open, gw_stream_close},
	{"http", gw_http_open, gw_http_close},
	{NULL, NULL, NULL}};

/* Its own name for the admin port only; every service it calls. */
static const hd_svc_peer peers[] = {
	HD_SVC_PEER("intake", "INTAKE", 1),
	HD_SVC_PEER("routing", "ROUTING", 0),
	HD_SVC_PEER("knowledge", "KNOWLEDGE", 0),
	HD_SVC_PEER("notifications", "NOTIFICATIONS", 0),
	HD_SVC_PEER("metrics", "METRICS", 0),
	{NULL}};

static const hd_svc_def def = {
	.name = "gateway",
	.about = "Hana Desk gateway: the Zendesk-compatible HTTP API "
		 "(stateless; run as many as you like). --routes lists "
		 "every route as METHOD PATTERN AUTH and exits.",
	.index = 0,
	.opts = opts,
	.nopts = sizeof opts / sizeof opts[0],
	.peers = peers,
	.ctx = &the_gw,
	.modules = modules,
};

int main(int argc, char **argv)
{
	/* Needs no configuration or peers: tests and tools list the routes. */
	if (argc == 2 && strcmp(argv[1], "--routes") == 0)
		return gw_routes_print(stdout) == 0 ? 0 : 1;
	return hd_svc_main(&def, argc, argv);
}
