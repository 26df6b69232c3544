/* hd-bus-inject: a hostile publisher for tests. Listens on a pub URL and,
 * for a while, sends frames no consumer should accept: no topic terminator,
 * a topic with bytes that are not protobuf, a heartbeat that does not decode,
 * an empty batch. Each frame carries a valid cluster authentication tag (the
 * key from HD_CLUSTER_KEY_FILE or $HD_DATA/cluster.key): this is a buggy
 * member of the cluster, and the consumer's decoding is what is tested.
 * usage: hd-bus-inject URL SECONDS */
#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/frame_auth.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/supplemental/util/platform.h>
#include <stdio.h>
#include <string.h>

static void send_raw(nng_socket s, const void *p, size_t n)
{
	nng_msg *m = NULL;
	if (nng_msg_alloc(&m, n) != 0)
		return;
	memcpy(nng_msg_body(m), p, n);
	if (hd_auth_bus_seal(m) != 0 || nng_sendmsg(s, m, 0) != 0)
		nng_msg_free(m);
}

int main(int argc, char **argv)
{
	uint64_t secs = 0;
	if (argc != 3 || hd_parse_u64(argv[2], &secs)) {
		fprintf(stderr, "usage: %s URL SECONDS\n", argv[0]);
		return 2;
	}
	if (hd_cluster_key_load_env(NULL)) {
		fprintf(stderr, "hd-bus-inject: cannot read the cluster key\n");
		return 1;
	}
	nng_socket s;
	int rc = nng_pub0_open(&s);
	if (rc == 0)
		rc = nng_listen(s, argv[1], NULL, 0);
	if (rc) {
		fprintf(stderr, "hd-bus-inject: %s\n", nng_strerror(rc));
		return 1;
	}
	static const char no_nul[] = "garbage without a topic terminator";
	static const char bad_batch[] = "ticket.created\0\xff\xff\xff\xff\x0f";
	static const char bad_hb[] = "hb\0\x0a\xff\xff\xff";
	static const char empty_batch[] = "batch\0";
	for (uint64_t i = 0; i < secs * 20; i++) {
		send_raw(s, no_nul, sizeof no_nul - 1);
		send_raw(s, bad_batch, sizeof bad_batch - 1);
		send_raw(s, bad_hb, sizeof bad_hb - 1);
		send_raw(s, empty_batch, sizeof empty_batch - 1);
		nng_msleep(50);
	}
	nng_close(s);
	return 0;
}
