/* Outbound address policy: internal ranges refused unless allowed. See
 * hd/net_policy.h. */
#include "hd/err.h"
#include "hd/net_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The refused ranges, one table per family: prefix, length, what it is. */
typedef struct range {
	uint8_t addr[16];
	unsigned bits;
	const char *what;
} range;

static const range v4_refused[] = {
	{{0}, 8, "unspecified (0.0.0.0/8)"},
	{{10}, 8, "private (RFC 1918)"},
	{{100, 64}, 10, "shared address space (CGNAT, 100.64.0.0/10)"},
	{{127}, 8, "loopback"},
	{{169, 254}, 16, "link-local"},
	{{172, 16}, 12, "private (RFC 1918)"},
	{{192, 0, 0}, 24, "reserved (IETF protocol assignments)"},
	{{192, 168}, 16, "private (RFC 1918)"},
	{{198, 18}, 15, "reserved (benchmarking)"},
	{{224}, 4, "multicast"},
	{{240}, 4, "reserved (240.0.0.0/4, broadcast)"},
};

static const range v6_refused[] = {
	{{0}, 128, "unspecified (::)"},
	{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback"},
	{{0xfc}, 7, "unique-local (fc00::/7)"},
	{{0xfe, 0x80}, 10, "link-local"},
	{{0xfe, 0xc0}, 10, "site-local"},
	{{0xff}, 8, "multicast"},
};

static int in_prefix(const uint8_t *a, const uint8_t *prefix, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(a, prefix, whole) != 0)
		return 0;
	if (!rest)
		return 1;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (prefix[whole] & mask);
}

static int parse_one(const char *s, size_t n, hd_netpol_cidr *out)
{
	char buf[64];
	if (n == 0 || n >= sizeof buf)
		return HD_E_INVALID;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(out, 0, sizeof *out);
	unsigned max = 0;
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		return HD_E_INVALID;
	}
	out->bits = max;
	if (slash) {
		char *end = NULL;
		const char *b = slash + 1;
		unsigned long v = strtoul(b, &end, 10);
		if (!*b || *end || v > max || b[0] < '0' || b[0] > '9')
			return HD_E_INVALID;
		out->bits = (unsigned)v;
	}
	return HD_OK;
}

int hd_netpol_parse(hd_netpol *p, const char *list, char *err, size_t cap)
{
	memset(p, 0, sizeof *p);
	static const char seps[] = ", \t\n";
	for (const char *s = list ? list : ""; *s;) {
		s += strspn(s, seps);
		size_t n = strcspn(s, seps);
		if (!n)
			break;
		if (p->n == HD_NETPOL_MAX) {
			snprintf(err, cap, "more than %d entries",
				 HD_NETPOL_MAX);
			return HD_E_INVALID;
		}
		if (parse_one(s, n, &p->allow[p->n])) {
			snprintf(err, cap,
				 "'%.*s' is not an IPv4 or IPv6 address or "
				 "CIDR",
				 (int)(n < 64 ? n : 64), s);
			return HD_E_INVALID;
		}
		p->n++;
		s += n;
	}
	return HD_OK;
}

static int allowed(const hd_netpol *p, int family, const uint8_t *a)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (p->allow[i].family == family &&
		    in_prefix(a, p->allow[i].addr, p->allow[i].bits))
			return 1;
	return 0;
}

static const char *refused(const range *t, size_t n, const uint8_t *a)
{
	for (size_t i = 0; i < n; i++)
		if (in_prefix(a, t[i].addr, t[i].bits))
			return t[i].what;
	return NULL;
}

/* The IPv4 address inside an IPv6 one that carries it, or NULL. */
static const uint8_t *embedded_v4(const uint8_t *a6)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
	static const uint8_t compat[12] = {0};
	if (!memcmp(a6, mapped, 12) || !memcmp(a6, nat64, 12))
		return a6 + 12;
	/* ::a.b.c.d (deprecated), but never :: or ::1 themselves */
	if (!memcmp(a6, compat, 12) && (a6[12] | a6[13]))
		return a6 + 12;
	return NULL;
}

int hd_netpol_check(const hd_netpol *p, const struct sockaddr *sa,
		    socklen_t len, char *why, size_t cap)
{
	char text[INET6_ADDRSTRLEN] = "?";
	const char *what = NULL;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const uint8_t *a =
			(const uint8_t *)&((const struct sockaddr_in *)sa)
				->sin_addr;
		inet_ntop(AF_INET, a, text, sizeof text);
		if (allowed(p, AF_INET, a))
			return HD_OK;
		what = refused(v4_refused,
			       sizeof v4_refused / sizeof v4_refused[0], a);
	} else if (sa->sa_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const uint8_t *a =
			((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		const uint8_t *v4 = embedded_v4(a);
		inet_ntop(AF_INET6, a, text, sizeof text);
		if (allowed(p, AF_INET6, a) || (v4 && allowed(p, AF_INET, v4)))
			return HD_OK;
		what = v4 ? refused(v4_refused,
				    sizeof v4_refused / sizeof v4_refused[0],
				    v4)
			  : refused(v6_refused,
				    sizeof v6_refused / sizeof v6_refused[0],
				    a);
	} else {
		what = "not an IP address";
	}
	if (!what)
		return HD_OK;
	snprintf(why, cap,
		 "refused to connect to %s: %s (HD_OUTBOUND_ALLOW can allow "
		 "it)",
		 text, what);
	return HD_E_FORBIDDEN;
}
