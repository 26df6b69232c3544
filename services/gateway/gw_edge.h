/* The gateway's HTTP edge beyond routing: who the client is (its address,
 * proxies we trust), which absolute URL we answer with, slow-client guards
 * and the login limiter. Configuration is read once in gw_edge_init (setup)
 * and read-only afterwards; the guard and the limiter lock internally, so
 * every function here may be called from any MHD thread. */
#ifndef GW_EDGE_H
#define GW_EDGE_H

#include "gateway.h"
#include "gw_users.h"

#include <stdbool.h>
#include <stdint.h>

/* edge_net.c: read HD_PUBLIC_URL and HD_TRUSTED_PROXIES into g->edge.
 * HD_E_INVALID (logged, naming the variable) on a bad value; HD_E_NOMEM. */
int gw_edge_init(gw *g);
void gw_edge_release(gw *g);

/* What gw_edge_init reads, in the header so tests/unit/test_login_limit.c
 * can check the parsers below (the gateway itself uses only the calls
 * above). */
#define GW_EDGE_MAX_PROXIES 32
typedef struct gw_cidr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned bits;
} gw_cidr;
struct gw_edge {
	char public_url[256]; /* "" when unset; no trailing '/' */
	gw_cidr proxies[GW_EDGE_MAX_PROXIES];
	size_t nproxies;
};
/* Seams for that test: HD_TRUSTED_PROXIES ("10.0.0.0/8, ::1") into e,
 * HD_PUBLIC_URL into e->public_url (HD_E_INVALID on a bad value), and
 * whether address a (4 or 16 bytes of family) falls in c. */
int gw_edge_parse_proxies(struct gw_edge *e, const char *list);
int gw_edge_parse_public_url(struct gw_edge *e, const char *url);
bool gw_edge_in_cidr(const gw_cidr *c, int family, const uint8_t *a);

/* The client's address as text into r->client: the peer's, or, when the peer
 * is a trusted proxy, the last X-Forwarded-For hop it appended. */
void gw_edge_client(gw *g, gw_req *r);
/* r->base_url: HD_PUBLIC_URL when set; else the forwarded host and scheme
 * when the peer is a trusted proxy; else the local address the client
 * reached. Never the Host header of an untrusted peer. */
void gw_edge_base_url(gw *g, gw_req *r);

/* conn_guard.c: closes connections whose request headers take longer than
 * timeout_s to arrive (MHD's own timeout is per idle period, so a client
 * sending one line every few seconds would be kept forever). */
typedef struct gw_conn_guard gw_conn_guard;
int gw_conn_guard_start(gw_conn_guard **out, unsigned timeout_s);
void gw_conn_guard_stop(gw_conn_guard *cg); /* NULL is fine */
/* MHD_OPTION_NOTIFY_CONNECTION callback; cls is the guard. */
void gw_conn_guard_notify(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code);
/* The headers of conn's current request are in (first access-handler
 * call) / its response is done, so the next request's headers are due. */
void gw_conn_guard_headers_in(struct MHD_Connection *conn);
void gw_conn_guard_request_done(struct MHD_Connection *conn);

/* login_limit.c: failed credential checks per client address and per
 * account. The address limit locks that address out for the rest of its
 * window; the account limit only slows guessing down (a bucket refilling
 * over the window) and never applies to an address that signed in to that
 * account before, so an attacker can neither guess fast nor lock the real
 * user out. */
typedef struct gw_login_limit gw_login_limit;
int gw_login_limit_init(gw_login_limit **out, unsigned per_addr,
			unsigned per_account, unsigned window_s);
void gw_login_limit_free(gw_login_limit *ll);
/* Before checking credentials of account (may be "") from addr: HD_OK, or
 * HD_E_TOOBIG with *retry_after_s set when over a limit. */
int gw_login_limit_take(gw_login_limit *ll, const char *addr,
			const char *account, unsigned *retry_after_s);
/* After the check: a failure counts against addr and account; success
 * remembers addr for account. */
void gw_login_limit_done(gw_login_limit *ll, const char *addr,
			 const char *account, int ok);
/* The account named by an Authorization header ("" for Bearer or an
 * unreadable header), lower-cased, into out. */
void gw_login_account(const char *header, char *out, size_t cap);

/* http_gate.c: decide on the headers alone whether route may go on to read
 * a body: credentials (r->who), admin-only routes, the per-user and login
 * limits, the mail channel's secret and anonymous requests. A refusal is
 * left in out (status set); out untouched means go on. */
void gw_http_gate(gw *g, gw_req *r, const gw_route *route, gw_rate *rl,
		  gw_resp *out);

/* channels_email.c: the request carries the mail channel's secret
 * (HD_MAIL_SECRET), so the edge lets its body in without other credentials. */
bool gw_email_secret_ok(gw *g, gw_req *r);

#endif
