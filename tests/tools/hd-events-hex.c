/* hd-events-hex: print a service's outbox for tests, one event a line:
 * "<seq> <type> <payload as hex>". Asks events.since over the service's
 * RPC socket. usage: hd-events-hex RPC_URL AFTER_SEQ */
#include "common.pb-c.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/rpc.h"
#include "rpc.pb-c.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	uint64_t after = 0;
	if (argc != 3 || hd_parse_u64(argv[2], &after)) {
		fprintf(stderr, "usage: %s RPC_URL AFTER_SEQ\n", argv[0]);
		return 2;
	}
	hd_rpc_client *c = NULL;
	int rc = hd_rpc_client_open(&c, argv[1]);
	Hd__EventsSinceRequest req = HD__EVENTS_SINCE_REQUEST__INIT;
	req.after_seq = after;
	req.max = 2000;
	uint8_t buf[32];
	size_t len = hd__events_since_request__pack(&req, buf);
	hd_rpc_result res = {0};
	if (!rc)
		rc = hd_rpc_call(c, "events.since", buf, len, NULL, "", 5000,
				 &res);
	if (!rc)
		rc = res.rc;
	Hd__EventsSinceReply *rep =
		rc ? NULL
		   : hd__events_since_reply__unpack(NULL, res.len, res.payload);
	if (!rc && !rep)
		rc = HD_E_DECODE;
	for (size_t i = 0; rep && i < rep->n_events; i++) {
		const Hd__Envelope *e = rep->events[i];
		printf("%llu %s ", (unsigned long long)e->seq, e->type);
		for (size_t k = 0; k < e->payload.len; k++)
			printf("%02x", e->payload.data[k]);
		printf("\n");
	}
	hd__events_since_reply__free_unpacked(rep, NULL);
	hd_rpc_result_release(&res);
	hd_rpc_client_close(c);
	if (rc)
		fprintf(stderr, "hd-events: %s\n", hd_strerror(rc));
	return rc ? 1 : 0;
}
