/* hd-rule-events: print the rule.notification events in a routing shard's
 * outbox, read over its events.since RPC (what a consumer would get), one
 * JSON object per line. usage: hd-rule-events ROUTING_RPC_URL */
#include "alerts.pb-c.h"
#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/rpc.h"
#include "rpc.pb-c.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_one(const Hd__Envelope *ev)
{
	Hd__RuleNotification *n = hd__rule_notification__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!n) {
		printf("{\"seq\":%llu,\"error\":\"undecodable\"}\n",
		       (unsigned long long)ev->seq);
		return;
	}
	json_t *o = json_pack(
		"{s:I, s:I, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "seq",
		(json_int_t)ev->seq, "ticket_id", (json_int_t)n->ticket_id,
		"rule_kind", n->rule_kind, "rule_id", (json_int_t)n->rule_id,
		"rule_title", n->rule_title, "target_kind", n->target_kind,
		"target_id", (json_int_t)n->target_id, "target_role",
		n->target_role, "subject", n->subject, "body", n->body);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (text)
		printf("%s\n", text);
	free(text);
	json_decref(o);
	hd__rule_notification__free_unpacked(n, NULL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s ROUTING_RPC_URL\n", argv[0]);
		return 2;
	}
	hd_rpc_client *c = NULL;
	int rc = hd_rpc_client_open(&c, argv[1]);
	uint64_t after = 0;
	while (rc == HD_OK) {
		Hd__EventsSinceRequest req = HD__EVENTS_SINCE_REQUEST__INIT;
		req.after_seq = after;
		req.max = 1000;
		uint8_t buf[32];
		size_t len = hd__events_since_request__pack(&req, buf);
		hd_rpc_result res = {0};
		rc = hd_rpc_call(c, "events.since", buf, len, NULL, NULL, 5000,
				 &res);
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
		for (size_t i = 0; i < rep->n_events; i++) {
			if (!strcmp(rep->events[i]->type, "rule.notification"))
				print_one(rep->events[i]);
			after = rep->events[i]->seq;
		}
		size_t n = rep->n_events;
		hd__events_since_reply__free_unpacked(rep, NULL);
		if (n == 0)
			break;
	}
	hd_rpc_client_close(c);
	if (rc)
		fprintf(stderr, "hd-rule-events: %s\n", hd_strerror(rc));
	return rc ? 1 : 0;
}
