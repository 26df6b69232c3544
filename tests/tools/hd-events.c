/* hd-events: print a service's outbox, one event a line ("seq type"), for
 * tests that check what was published. call.recorded events also show the
 * call (call_id, ticket, agent, outcome, wait). usage: hd-events RPC_URL */
#include "channels.pb-c.h"
#include "hd/err.h"
#include "hd/rpc.h"
#include "rpc.pb-c.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void print_event(const Hd__Envelope *e)
{
	printf("%" PRIu64 " %s", e->seq, e->type);
	if (strcmp(e->type, "call.recorded") == 0) {
		Hd__CallRecord *c = hd__call_record__unpack(
			NULL, e->payload.len, e->payload.data);
		if (c)
			printf(" call_id=%s ticket=%" PRIu64 " agent=%" PRIu64
			       " outcome=%s wait=%u",
			       c->call_id, c->ticket_id, c->agent_id,
			       c->outcome, c->wait_seconds);
		else
			printf(" undecodable");
		hd__call_record__free_unpacked(c, NULL);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s RPC_URL\n", argv[0]);
		return 2;
	}
	hd_rpc_client *c = NULL;
	hd_rpc_result res = {0};
	Hd__EventsSinceRequest q = HD__EVENTS_SINCE_REQUEST__INIT;
	uint8_t buf[32];
	q.max = 100000;
	size_t len = hd__events_since_request__pack(&q, buf);
	int rc = hd_rpc_client_open(&c, argv[1]);
	if (!rc)
		rc = hd_rpc_call(c, "events.since", buf, len, NULL, "hd-events",
				 5000, &res);
	if (!rc)
		rc = res.rc;
	Hd__EventsSinceReply *rep =
		rc ? NULL
		   : hd__events_since_reply__unpack(NULL, res.len, res.payload);
	if (!rc && !rep)
		rc = HD_E_DECODE;
	for (size_t i = 0; rep && i < rep->n_events; i++)
		print_event(rep->events[i]);
	if (rc)
		fprintf(stderr, "hd-events: %s\n", hd_strerror(rc));
	hd__events_since_reply__free_unpacked(rep, NULL);
	hd_rpc_result_release(&res);
	hd_rpc_client_close(c);
	return rc ? 1 : 0;
}
