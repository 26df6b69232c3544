/* Which addresses outbound requests may connect to (SSRF defence). The
 * internal ranges — loopback, unspecified, RFC 1918 private, CGNAT
 * (100.64/10), link-local, IPv6 unique-local (fc00::/7), multicast and
 * reserved — are refused unless an operator's allow list (CIDRs) covers the
 * address. IPv4 inside IPv6 (::ffff:a.b.c.d, 64:ff9b::/96) is judged as
 * IPv4. The check is on the socket address actually connected to, so a
 * caller must apply it after resolution (curl's open-socket callback).
 * A policy is read-only after hd_netpol_parse; any thread may check. */
#ifndef HD_NET_POLICY_H
#define HD_NET_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define HD_NETPOL_MAX 32

typedef struct hd_netpol_cidr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned bits;
} hd_netpol_cidr;

typedef struct hd_netpol {
	hd_netpol_cidr allow[HD_NETPOL_MAX];
	size_t n;
} hd_netpol;

/* Parse a comma- or space-separated CIDR list ("127.0.0.0/8, fd00::/8";
 * a bare address means /32 or /128; "" allows nothing internal). On
 * HD_E_INVALID (a bad entry, more than HD_NETPOL_MAX) err names the entry. */
int hd_netpol_parse(hd_netpol *p, const char *list, char *err, size_t cap);
/* HD_OK when sa may be connected to; HD_E_FORBIDDEN with why (e.g.
 * "127.0.0.1 is loopback") otherwise, also for non-IP families. */
int hd_netpol_check(const hd_netpol *p, const struct sockaddr *sa,
		    socklen_t len, char *why, size_t cap);

#endif
