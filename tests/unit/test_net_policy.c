/* The outbound address policy (common/net_policy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "hd/err.h"
#include "hd/net_policy.h"
#include "unit.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

/* Check one literal address; fills why. */
static int check(const hd_netpol *p, const char *addr, char *why, size_t cap)
{
	struct sockaddr_in v4 = {.sin_family = AF_INET};
	struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
	why[0] = '\0';
	if (inet_pton(AF_INET, addr, &v4.sin_addr) == 1)
		return hd_netpol_check(p, (struct sockaddr *)&v4, sizeof v4,
				       why, cap);
	assert_int_equal(inet_pton(AF_INET6, addr, &v6.sin6_addr), 1);
	return hd_netpol_check(p, (struct sockaddr *)&v6, sizeof v6, why, cap);
}

static void refused_as(const hd_netpol *p, const char *addr, const char *what)
{
	char why[200];
	if (check(p, addr, why, sizeof why) != HD_E_FORBIDDEN)
		fail_msg("%s was allowed", addr);
	if (!strstr(why, what) || !strstr(why, "HD_OUTBOUND_ALLOW"))
		fail_msg("%s: \"%s\" does not say %s", addr, why, what);
}

static void allowed(const hd_netpol *p, const char *addr)
{
	char why[200];
	if (check(p, addr, why, sizeof why) != HD_OK)
		fail_msg("%s was refused: %s", addr, why);
}

static void test_internal_ranges_refused(void **state)
{
	(void)state;
	hd_netpol p;
	char err[160];
	assert_hd_ok(hd_netpol_parse(&p, "", err, sizeof err));
	refused_as(&p, "127.0.0.1", "loopback");
	refused_as(&p, "127.255.255.254", "loopback");
	refused_as(&p, "0.0.0.0", "unspecified");
	refused_as(&p, "10.0.0.1", "RFC 1918");
	refused_as(&p, "172.16.0.1", "RFC 1918");
	refused_as(&p, "172.31.255.255", "RFC 1918");
	refused_as(&p, "192.168.0.1", "RFC 1918");
	refused_as(&p, "169.254.169.254", "link-local");
	refused_as(&p, "100.64.0.1", "CGNAT");
	refused_as(&p, "100.127.255.255", "CGNAT");
	refused_as(&p, "224.0.0.1", "multicast");
	refused_as(&p, "255.255.255.255", "reserved");
	refused_as(&p, "::1", "loopback");
	refused_as(&p, "::", "unspecified");
	refused_as(&p, "fc00::1", "unique-local");
	refused_as(&p, "fdff:ffff::1", "unique-local");
	refused_as(&p, "fe80::1", "link-local");
	refused_as(&p, "ff02::1", "multicast");
	/* IPv4 carried in IPv6 is judged as IPv4. */
	refused_as(&p, "::ffff:127.0.0.1", "loopback");
	refused_as(&p, "::ffff:10.1.2.3", "RFC 1918");
	refused_as(&p, "64:ff9b::a9fe:a9fe", "link-local");
	/* The neighbours of each range are public. */
	allowed(&p, "172.15.255.255");
	allowed(&p, "172.32.0.0");
	allowed(&p, "100.63.255.255");
	allowed(&p, "100.128.0.0");
	allowed(&p, "11.0.0.1");
	allowed(&p, "93.184.216.34");
	allowed(&p, "2606:2800:220:1::1");
	allowed(&p, "::ffff:93.184.216.34");
	allowed(&p, "fbff::1");
	/* Not an IP socket at all. */
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	char why[200];
	assert_hd_rc(hd_netpol_check(&p, (struct sockaddr *)&un, sizeof un, why,
				     sizeof why),
		     HD_E_FORBIDDEN);
	/* A NULL policy allows nothing internal either. */
	assert_hd_rc(check(NULL, "127.0.0.1", why, sizeof why), HD_E_FORBIDDEN);
}

static void test_allow_list(void **state)
{
	(void)state;
	hd_netpol p;
	char err[160];
	assert_hd_ok(hd_netpol_parse(&p,
				     " 127.0.0.0/8, 10.20.0.0/16 fd00::/8,"
				     "192.168.1.7",
				     err, sizeof err));
	assert_int_equal(p.n, 4);
	allowed(&p, "127.0.0.1");
	allowed(&p, "::ffff:127.0.0.1");
	allowed(&p, "10.20.99.1");
	refused_as(&p, "10.21.0.1", "RFC 1918");
	allowed(&p, "fd12::1");
	refused_as(&p, "fc00::1", "unique-local");
	allowed(&p, "192.168.1.7");
	refused_as(&p, "192.168.1.8", "RFC 1918");
	refused_as(&p, "::1", "loopback"); /* 127/8 is IPv4 only */
}

static void test_bad_lists_named(void **state)
{
	(void)state;
	hd_netpol p;
	char err[160];
	static const char *const bad[] = {
		"10.0.0.0/33", "10.0.0.300", "fd00::/129", "10.0.0.0/",
		"10.0.0.0/-1", "localhost",  "10.0.0.0/8x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char list[64];
		snprintf(list, sizeof list, "127.0.0.0/8,%s", bad[i]);
		assert_hd_rc(hd_netpol_parse(&p, list, err, sizeof err),
			     HD_E_INVALID);
		if (!strstr(err, bad[i]))
			fail_msg("error \"%s\" does not name %s", err, bad[i]);
	}
	char many[1024] = "";
	for (int i = 0; i <= HD_NETPOL_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
			 "10.0.%d.0/24,", i);
	assert_hd_rc(hd_netpol_parse(&p, many, err, sizeof err), HD_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_internal_ranges_refused),
		cmocka_unit_test(test_allow_list),
		cmocka_unit_test(test_bad_lists_named),
	};
	return cmocka_run_group_tests_name("net_policy", tests, NULL, NULL);
}
