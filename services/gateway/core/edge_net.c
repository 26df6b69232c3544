/* Who is asking and which URL we answer with. A Host or X-Forwarded-*
 * header is the client's word, so it is believed only from a proxy the
 * operator named (HD_TRUSTED_PROXIES); otherwise links would point wherever
 * a hostile client says (cache poisoning, password-reset phishing). */
#include "gw_edge.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef gw_cidr cidr;
#define MAX_PROXIES GW_EDGE_MAX_PROXIES

#define HOST_CHARS                                                             \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]"

/* "10.0.0.0/8", "192.0.2.7" or "::1/128" into c. */
static int parse_cidr(const char *text, cidr *c)
{
	char host[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	if (n == 0 || n >= sizeof host)
		return HD_E_INVALID;
	memcpy(host, text, n);
	host[n] = '\0';
	memset(c, 0, sizeof *c);
	if (inet_pton(AF_INET, host, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, host, c->addr) == 1)
		c->family = AF_INET6;
	else
		return HD_E_INVALID;
	unsigned max = c->family == AF_INET ? 32 : 128;
	uint64_t bits = max;
	if (slash && (hd_parse_u64(slash + 1, &bits) || bits > max))
		return HD_E_INVALID;
	c->bits = (unsigned)bits;
	return HD_OK;
}

static int parse_proxies(struct gw_edge *e, const char *list)
{
	char item[80];
	const char *p = list ? list : "";
	while (*p) {
		p += strspn(p, " ,");
		size_t n = strcspn(p, " ,");
		if (n == 0)
			break;
		if (n >= sizeof item || e->nproxies == MAX_PROXIES)
			return HD_E_INVALID;
		memcpy(item, p, n);
		item[n] = '\0';
		if (parse_cidr(item, &e->proxies[e->nproxies++]))
			return HD_E_INVALID;
		p += n;
	}
	return HD_OK;
}

static int parse_public_url(struct gw_edge *e, const char *url)
{
	size_t n = url ? strlen(url) : 0;
	while (n && url[n - 1] == '/')
		n--;
	if (n == 0)
		return HD_OK;
	size_t scheme = strncmp(url, "https://", 8) == 0  ? 8
			: strncmp(url, "http://", 7) == 0 ? 7
							  : 0;
	if (!scheme || n <= scheme || n >= sizeof e->public_url ||
	    strspn(url + scheme, HOST_CHARS "/_~%") < n - scheme)
		return HD_E_INVALID;
	memcpy(e->public_url, url, n);
	e->public_url[n] = '\0';
	return HD_OK;
}

int gw_edge_init(gw *g)
{
	g->edge = calloc(1, sizeof *g->edge);
	if (!g->edge)
		return HD_E_NOMEM;
	const char *url = hd_cfg_get(&g->svc->cfg, "HD_PUBLIC_URL");
	const char *proxies = hd_cfg_get(&g->svc->cfg, "HD_TRUSTED_PROXIES");
	if (parse_public_url(g->edge, url)) {
		hd_error("config.invalid",
			 "var=HD_PUBLIC_URL value=\"%s\" want=\"http(s)://host"
			 "[:port][/prefix]\"",
			 url);
		return HD_E_INVALID;
	}
	if (parse_proxies(g->edge, proxies)) {
		hd_error("config.invalid",
			 "var=HD_TRUSTED_PROXIES value=\"%s\" want=\"a comma "
			 "list of addresses or CIDRs (at most %d)\"",
			 proxies, MAX_PROXIES);
		return HD_E_INVALID;
	}
	return HD_OK;
}

void gw_edge_release(gw *g)
{
	free(g->edge);
	g->edge = NULL;
}

/* The address bytes of sa (an IPv4-mapped IPv6 address counts as IPv4). */
static int sa_bytes(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa && sa->sa_family == AF_INET) {
		memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return AF_INET;
	}
	if (sa && sa->sa_family == AF_INET6) {
		const uint8_t *a =
			((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
		if (memcmp(a, mapped, 12) == 0) {
			memcpy(out, a + 12, 4);
			return AF_INET;
		}
		memcpy(out, a, 16);
		return AF_INET6;
	}
	return 0;
}

static int in_cidr(const cidr *c, int family, const uint8_t *a)
{
	if (family != c->family)
		return 0;
	unsigned whole = c->bits / 8, rest = c->bits % 8;
	if (memcmp(a, c->addr, whole) != 0)
		return 0;
	if (!rest)
		return 1;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (c->addr[whole] & mask);
}

static const struct sockaddr *peer(gw_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	return ci ? ci->client_addr : NULL;
}

static int peer_trusted(gw *g, gw_req *r)
{
	uint8_t a[16];
	int family = sa_bytes(peer(r), a);
	for (size_t i = 0; family && i < g->edge->nproxies; i++)
		if (in_cidr(&g->edge->proxies[i], family, a))
			return 1;
	return 0;
}

/* The last hop of X-Forwarded-For: the one our proxy appended. */
static int forwarded_for(gw_req *r, char *out, size_t cap)
{
	const char *xff = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						      "X-Forwarded-For");
	if (!xff)
		return 0;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " ");
	size_t n = strcspn(last, " ");
	uint8_t tmp[16];
	if (n == 0 || n >= cap)
		return 0;
	memcpy(out, last, n);
	out[n] = '\0';
	return inet_pton(AF_INET, out, tmp) == 1 ||
	       inet_pton(AF_INET6, out, tmp) == 1;
}

void gw_edge_client(gw *g, gw_req *r)
{
	uint8_t a[16];
	int family = sa_bytes(peer(r), a);
	snprintf(r->client, sizeof r->client, "-");
	if (family)
		inet_ntop(family, a, r->client, sizeof r->client);
	char fwd[sizeof r->client];
	if (peer_trusted(g, r) && forwarded_for(r, fwd, sizeof fwd))
		memcpy(r->client, fwd, sizeof fwd);
}

static const char *header(gw_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static int host_ok(const char *host)
{
	return host && host[0] && strlen(host) < 200 &&
	       strspn(host, HOST_CHARS) == strlen(host);
}

/* "host:port" of the socket the client connected to: ours, not theirs. */
static void local_host(gw *g, gw_req *r, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	uint8_t a[16];
	char ip[INET6_ADDRSTRLEN];
	int family = 0;
	if (ci &&
	    getsockname(ci->connect_fd, (struct sockaddr *)&ss, &len) == 0)
		family = sa_bytes((struct sockaddr *)&ss, a);
	if (!family || !inet_ntop(family, a, ip, sizeof ip)) {
		snprintf(out, cap, "%s:%u", g->bind, g->port);
		return;
	}
	snprintf(out, cap, family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip,
		 g->port);
}

void gw_edge_base_url(gw *g, gw_req *r)
{
	if (g->edge->public_url[0]) {
		snprintf(r->base_url, sizeof r->base_url, "%s",
			 g->edge->public_url);
		return;
	}
	if (peer_trusted(g, r)) {
		const char *host = header(r, "X-Forwarded-Host");
		const char *proto = header(r, "X-Forwarded-Proto");
		if (!host_ok(host))
			host = header(r, MHD_HTTP_HEADER_HOST);
		if (host_ok(host)) {
			snprintf(r->base_url, sizeof r->base_url, "%s://%s",
				 proto && strcmp(proto, "https") == 0 ? "https"
								      : "http",
				 host);
			return;
		}
	}
	char host[96];
	local_host(g, r, host, sizeof host);
	snprintf(r->base_url, sizeof r->base_url, "http://%s", host);
}

int gw_edge_parse_proxies(struct gw_edge *e, const char *list)
{
	return parse_proxies(e, list);
}

int gw_edge_parse_public_url(struct gw_edge *e, const char *url)
{
	return parse_public_url(e, url);
}

bool gw_edge_in_cidr(const gw_cidr *c, int family, const uint8_t *a)
{
	return in_cidr(c, family, a);
}
