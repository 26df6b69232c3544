/* hd-events-since: print a service's outbox for tests, one JSON object per
 * line: {"seq":N,"type":"…"} plus, for kb.card_expired, the decoded
 * hd.CardExpired fields. usage: hd-events-since RPC_URL [AFTER_SEQ] */
#include "alerts.pb-c.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/rpc.h"
#include "rpc.pb-c.h"

#include <stdio.h>
#include <string.h>

static void print_event(const Hd__Envelope *ev, uint64_t seq)
{
	printf("{\"seq\":%llu,\"type\":\"%s\"", (unsigned long long)seq,
	       ev->type);
	if (!strcmp(ev->type, "kb.card_expired")) {
		Hd__CardExpired *ce = hd__card_expired__unpack(
			NULL, ev->payload.len, ev->payload.data);
		if (ce)
			printf(",\"card_id\":%llu,\"owner_id\":%llu,"
			       "\"verifier_user_id\":%llu,"
			       "\"verifier_group_id\":%llu,\"due_at\":%lld",
			       (unsigned long long)ce->card_id,
			       (unsigned long long)ce->owner_id,
			       (unsigned long long)ce->verifier_user_id,
			       (unsigned long long)ce->verifier_group_id,
			       (long long)ce->due_at);
		hd__card_expired__free_unpacked(ce, NULL);
	}
	printf("}\n");
}

int main(int argc, char **argv)
{
	uint64_t after = 0;
	if (argc < 2 || argc > 3 ||
	    (argc == 3 && hd_parse_u64(argv[2], &after))) {
		fprintf(stderr, "usage: %s RPC_URL [AFTER_SEQ]\n", argv[0]);
		return 2;
	}
	hd_rpc_client *c = NULL;
	int rc = hd_rpc_client_open(&c, argv[1]);
	for (;;) {
		Hd__EventsSinceRequest q = HD__EVENTS_SINCE_REQUEST__INIT;
		uint8_t buf[32];
		hd_rpc_result res = {0};
		q.after_seq = after;
		q.max = 1000;
		size_t len = hd__events_since_request__pack(&q, buf);
		rc = rc ? rc
			: hd_rpc_call(c, "events.since", buf, len, NULL, "",
				      5000, &res);
		rc = rc ? rc : res.rc;
		Hd__EventsSinceReply *rep =
			rc ? NULL
			   : hd__events_since_reply__unpack(NULL, res.len,
							    res.payload);
		hd_rpc_result_release(&res);
		if (!rep) {
			rc = rc ? rc : HD_E_DECODE;
			break;
		}
		for (size_t i = 0; i < rep->n_events; i++)
			print_event(rep->events[i], rep->events[i]->seq);
		size_t n = rep->n_events;
		if (n)
			after = rep->events[n - 1]->seq;
		hd__events_since_reply__free_unpacked(rep, NULL);
		if (!n)
			break;
	}
	hd_rpc_client_close(c);
	if (rc)
		fprintf(stderr, "hd-events-since: %s\n", hd_strerror(rc));
	return rc ? 1 : 0;
}
