/* hd-events: print a service's outbox for tests, read over its events.since
 * RPC (what a consumer would get), one JSON object a line:
 *   {"seq","type","source","shard","time_ms","payload","payload_hex"}
 * payload is the decoded message when the type is in the table below, else
 * null (also when it does not decode); payload_hex is always the raw bytes.
 * usage: hd-events RPC_URL [AFTER_SEQ] (without AFTER_SEQ: every event the
 * service still keeps, also when it trimmed its oldest by age) */
#include "alerts.pb-c.h"
#include "channels.pb-c.h"
#include "common.pb-c.h"
#include "rule.pb-c.h"
#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/pb_json.h"
#include "hd/rpc.h"
#include "knowledge.pb-c.h"
#include "routing.pb-c.h"
#include "rpc.pb-c.h"
#include "ticket.pb-c.h"
#include "user.pb-c.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Event type → payload message; a type ending in ".*" is a prefix. */
static const struct {
	const char *type;
	const ProtobufCMessageDescriptor *desc;
} payloads[] = {
	{"ticket.*", &hd__ticket__descriptor},
	{"comment.created", &hd__comment__descriptor},
	{"user.*", &hd__user__descriptor},
	{"group.*", &hd__group__descriptor},
	{"group_membership.*", &hd__group_membership__descriptor},
	{"organization.*", &hd__organization__descriptor},
	{"sla.*", &hd__sla_alert__descriptor},
	{"rule.notification", &hd__rule_notification__descriptor},
	{"kb.card_expired", &hd__card_expired__descriptor},
	{"kb.suggested", &hd__kb_suggested__descriptor},
	{"kb.deflection", &hd__kb_deflection__descriptor},
	{"presence.changed", &hd__presence_changed__descriptor},
	{"call.recorded", &hd__call_record__descriptor},
	{"trigger.created", &hd__rule__descriptor},
	{"trigger.updated", &hd__rule__descriptor},
	{"trigger.deleted", &hd__rule_ref__descriptor},
	{"trigger.reordered", &hd__rule_list__descriptor},
};

static const ProtobufCMessageDescriptor *payload_desc(const char *type)
{
	for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
		const char *t = payloads[i].type;
		size_t n = strlen(t);
		if (n > 2 && !strcmp(t + n - 2, ".*") ? !strncmp(type, t, n - 1)
						      : !strcmp(type, t))
			return payloads[i].desc;
	}
	return NULL;
}

static json_t *hex_json(const ProtobufCBinaryData *b)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(b->len * 2 + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < b->len; i++) {
		s[2 * i] = digits[b->data[i] >> 4];
		s[2 * i + 1] = digits[b->data[i] & 15];
	}
	s[b->len * 2] = '\0';
	json_t *j = json_string(s);
	free(s);
	return j;
}

static int print_event(const Hd__Envelope *e)
{
	const ProtobufCMessageDescriptor *d = payload_desc(e->type);
	json_t *payload =
		d ? hd_pb_decode_json(d, e->payload.data, e->payload.len)
		  : NULL;
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:o, s:o}", "seq",
			      (json_int_t)e->seq, "type", e->type, "source",
			      e->source, "shard", (json_int_t)e->shard,
			      "time_ms", (json_int_t)e->time_ms, "payload",
			      payload ? payload : json_null(), "payload_hex",
			      hex_json(&e->payload));
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (s)
		puts(s);
	free(s);
	json_decref(o);
	return s ? HD_OK : HD_E_NOMEM;
}

/* The oldest seq the source still keeps, from its HD_E_BEHIND message
 * ("… oldest retained is N", common/bus_pub.c); 0 when not there. */
static uint64_t oldest_retained(const char *msg)
{
	const char *p = msg ? strstr(msg, "oldest retained is ") : NULL;
	uint64_t v = 0;
	if (p && hd_parse_u64(p + strlen("oldest retained is "), &v))
		v = 0;
	return v;
}

/* One events.since page after *after; prints it and moves *after on. *n is
 * how many events the page held (0: the end). With from_oldest, a source
 * that trimmed the start (a test that moves the clock days ahead trims by
 * age) is read from its oldest retained event instead. */
static int print_page(hd_rpc_client *c, uint64_t *after, size_t *n,
		      int from_oldest)
{
	Hd__EventsSinceRequest q = HD__EVENTS_SINCE_REQUEST__INIT;
	uint8_t buf[32];
	hd_rpc_result res = {0};
	Hd__EventsSinceReply *rep = NULL;
	q.after_seq = *after;
	q.max = 1000;
	size_t len = hd__events_since_request__pack(&q, buf);
	int rc = hd_rpc_call(c, "events.since", buf, len, NULL, "hd-events",
			     5000, &res);
	if (!rc)
		rc = res.rc;
	uint64_t oldest = rc == HD_E_BEHIND && from_oldest
				  ? oldest_retained(res.message)
				  : 0;
	if (oldest > *after + 1) {
		hd_rpc_result_release(&res);
		*after = oldest - 1;
		*n = 1; /* not the end: ask again from there */
		return HD_OK;
	}
	if (!rc) {
		rep = hd__events_since_reply__unpack(NULL, res.len,
						     res.payload);
		rc = rep ? HD_OK : HD_E_DECODE;
	}
	*n = rep ? rep->n_events : 0;
	for (size_t i = 0; !rc && i < *n; i++) {
		rc = print_event(rep->events[i]);
		*after = rep->events[i]->seq;
	}
	hd__events_since_reply__free_unpacked(rep, NULL);
	hd_rpc_result_release(&res);
	return rc;
}

int main(int argc, char **argv)
{
	uint64_t after = 0;
	int from_oldest = argc == 2; /* no AFTER_SEQ: all that is retained */
	if (argc < 2 || argc > 3 ||
	    (argc == 3 && hd_parse_u64(argv[2], &after))) {
		fprintf(stderr, "usage: %s RPC_URL [AFTER_SEQ]\n", argv[0]);
		return 2;
	}
	if (hd_cluster_key_load_env(argv[0]))
		return 1;
	hd_rpc_client *c = NULL;
	size_t n = 1;
	int rc = hd_rpc_client_open(&c, argv[1]);
	while (!rc && n)
		rc = print_page(c, &after, &n, from_oldest);
	hd_rpc_client_close(c);
	if (rc)
		fprintf(stderr, "hd-events: %s\n", hd_strerror(rc));
	return rc ? 1 : 0;
}
