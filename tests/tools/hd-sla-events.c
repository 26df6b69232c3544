/* hd-sla-events: print a service's outbox for tests, one JSON object a line,
 * through its events.since RPC. SLA alerts and rule notifications are
 * decoded; other events show seq and type only.
 * usage: hd-sla-events RPC_URL [AFTER_SEQ] */
#include "alerts.pb-c.h"
#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/rpc.h"
#include "rpc.pb-c.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *decode(const Hd__Envelope *e)
{
	json_t *o = json_pack("{s:I, s:s}", "seq", (json_int_t)e->seq, "type",
			      e->type);
	if (!strncmp(e->type, "sla.", 4)) {
		Hd__SlaAlert *a = hd__sla_alert__unpack(NULL, e->payload.len,
							e->payload.data);
		if (a)
			json_object_update_new(
				o,
				json_pack("{s:I, s:I, s:s, s:s, s:I, s:s}",
					  "ticket_id", (json_int_t)a->ticket_id,
					  "policy_id", (json_int_t)a->policy_id,
					  "policy_title", a->policy_title,
					  "metric", a->metric, "breach_at",
					  (json_int_t)a->breach_at, "priority",
					  a->priority));
		hd__sla_alert__free_unpacked(a, NULL);
	} else if (!strcmp(e->type, "rule.notification")) {
		Hd__RuleNotification *n = hd__rule_notification__unpack(
			NULL, e->payload.len, e->payload.data);
		if (n)
			json_object_update_new(
				o,
				json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:s}",
					  "ticket_id", (json_int_t)n->ticket_id,
					  "rule_kind", n->rule_kind, "rule_id",
					  (json_int_t)n->rule_id, "target_id",
					  (json_int_t)n->target_id,
					  "target_role", n->target_role,
					  "subject", n->subject, "body",
					  n->body));
		hd__rule_notification__free_unpacked(n, NULL);
	}
	return o;
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
		Hd__EventsSinceRequest req = HD__EVENTS_SINCE_REQUEST__INIT;
		req.after_seq = after;
		req.max = 1000;
		uint8_t buf[32];
		size_t len = hd__events_since_request__pack(&req, buf);
		hd_rpc_result res = {0};
		if (!rc)
			rc = hd_rpc_call(c, "events.since", buf, len, NULL,
					 NULL, 5000, &res);
		if (!rc)
			rc = res.rc;
		Hd__EventsSinceReply *rep =
			rc ? NULL
			   : hd__events_since_reply__unpack(NULL, res.len,
							    res.payload);
		hd_rpc_result_release(&res);
		if (!rc && !rep)
			rc = HD_E_DECODE;
		size_t n = rep ? rep->n_events : 0;
		for (size_t i = 0; i < n; i++) {
			json_t *o = decode(rep->events[i]);
			char *s =
				json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
			if (s)
				puts(s);
			free(s);
			json_decref(o);
			after = rep->events[i]->seq;
		}
		hd__events_since_reply__free_unpacked(rep, NULL);
		if (rc || n == 0)
			break;
	}
	hd_rpc_client_close(c);
	if (rc)
		fprintf(stderr, "hd-events: %s\n", hd_strerror(rc));
	return rc ? 1 : 0;
}
