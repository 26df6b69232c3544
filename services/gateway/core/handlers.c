/* The gateway's modules as main.c's table opens and closes them: the
 * options read once into the gw context, the peer clients, then each part
 * of the HTTP edge. (Its HTTP handlers are dispatched by routes.c and
 * http.c.) */
#include "gateway.h"
#include "gw_edge.h"
#include "gw_health.h"
#include "gw_stream.h"
#include "gw_users.h"

#include "hd/err.h"

#include <stdio.h>

int gw_open(hd_svc *svc, void *ctx)
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
	uint64_t rate = 0, upload = 0, mail = 0, anon_rate = 0, anon = 0;
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_RATE_LIMIT", 1, 1000000, &rate);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_MAX_UPLOAD", 1024,
				(uint64_t)1 << 30, &upload);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_MAIL_MAX_BYTES", 1024,
				(uint64_t)30 << 20, &mail);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_ANON_RATE_LIMIT", 1, 1000000,
				&anon_rate);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_ANONYMOUS_REQUESTS", 0, 1,
				&anon);
	if (rc)
		return rc;
	g->max_upload = (size_t)upload;
	g->max_mail = (size_t)mail;
	g->anon_rate_limit = (unsigned)anon_rate;
	g->anonymous_requests = anon == 1;
	g->mail_secret = hd_cfg_get(&svc->cfg, "HD_MAIL_SECRET");
	g->rate_limit = (unsigned)rate;
	g->port = (unsigned)port;
	g->http_threads = (unsigned)threads;
	g->max_body = (size_t)max_body;
	g->rpc_timeout_ms = (int)timeout;
	snprintf(g->bind, sizeof g->bind, "%s",
		 hd_cfg_get(&svc->cfg, "HD_HTTP_BIND"));
	return HD_OK;
}

int gw_auth_open(hd_svc *svc, void *ctx)
{
	return gw_auth_init(ctx);
}

void gw_auth_close(hd_svc *svc, void *ctx)
{
	gw_auth_release(ctx);
}

int gw_edge_open(hd_svc *svc, void *ctx)
{
	return gw_edge_init(ctx);
}

void gw_edge_close(hd_svc *svc, void *ctx)
{
	gw_edge_release(ctx);
}

int gw_logins_open(hd_svc *svc, void *ctx)
{
	gw *g = ctx;
	uint64_t addr = 0, account = 0, window = 0;
	int rc =
		hd_cfg_u64(&svc->cfg, "HD_LOGIN_ADDR_LIMIT", 1, 1000000, &addr);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_LOGIN_ACCOUNT_LIMIT", 1, 1000000,
				&account);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_LOGIN_WINDOW_S", 1, 86400,
				&window);
	if (!rc)
		rc = gw_login_limit_init(&g->logins, (unsigned)addr,
					 (unsigned)account, (unsigned)window);
	return rc;
}

void gw_logins_close(hd_svc *svc, void *ctx)
{
	gw *g = ctx;
	gw_login_limit_free(g->logins);
	g->logins = NULL;
}

int gw_limits_open(hd_svc *svc, void *ctx)
{
	gw *g = ctx;
	(void)svc;
	return gw_ratelimit_init(&g->limits, g->rate_limit, g->anon_rate_limit);
}

void gw_limits_close(hd_svc *svc, void *ctx)
{
	gw *g = ctx;
	(void)svc;
	gw_ratelimit_free(g->limits);
	g->limits = NULL;
}

/* Every intake shard and one client per named peer (gw_peer_names). */
int gw_peers_open(hd_svc *svc, void *ctx)
{
	gw *g = ctx;
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

void gw_peers_close(hd_svc *svc, void *ctx)
{
	gw *g = ctx;
	for (unsigned s = 0; s < g->shards; s++) {
		hd_rpc_client_close(g->intake[s]);
		g->intake[s] = NULL;
	}
	for (size_t p = 0; p < GW_PEERS; p++) {
		hd_rpc_client_close(g->peers[p]);
		g->peers[p] = NULL;
	}
}

int gw_health_open(hd_svc *svc, void *ctx)
{
	return gw_health_init(ctx);
}

void gw_health_close(hd_svc *svc, void *ctx)
{
	gw_health_release(ctx);
}

int gw_stream_open(hd_svc *svc, void *ctx)
{
	int rc = gw_stream_init(ctx);
	if (rc) { /* a module that failed to open is not closed */
		gw_stream_close_clients(ctx);
		gw_stream_release(ctx);
	}
	return rc;
}

void gw_stream_close(hd_svc *svc, void *ctx)
{
	/* Normally done by gw_http_stop; when HTTP never opened, the stream's
	 * threads are still running here. Twice is harmless. */
	gw_stream_close_clients(ctx);
	gw_stream_release(ctx);
}

int gw_http_open(hd_svc *svc, void *ctx)
{
	gw *g = ctx;
	return gw_http_start(g, g->http_threads);
}

/* Finishes in-flight requests. */
void gw_http_close(hd_svc *svc, void *ctx)
{
	gw_http_stop(ctx);
}
