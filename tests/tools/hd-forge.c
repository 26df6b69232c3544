/* hd-forge: a neighbour on the cluster network, for tests of cluster
 * authentication. KEY says how the forgery is sealed: "none" (no trailer),
 * "wrong" (a random key) or "right" (the suite's key from
 * HD_CLUSTER_KEY_FILE or $HD_DATA/cluster.key: the control showing that the
 * same bytes would have been taken); for rpc also "replay" (the right key,
 * and the very same sealed bytes sent a second time on a new connection).
 *   hd-forge rpc URL METHOD KEY
 *     One request as an admin (user 1) with an empty payload; prints
 *     "status=NAME message=…" of the reply.
 *   hd-forge bus URL SOURCE SHARD SEQ SECONDS KEY
 *     Listens as SOURCE/SHARD's publisher and sends, 20 times a second for
 *     SECONDS, one ticket.created event with sequence SEQ (a ticket with id
 *     900000 and subject "forged").
 *   hd-forge hb URL SOURCE SHARD SEQ SECONDS right|old
 *     The same with a heartbeat of another incarnation saying the source
 *     has SEQ events, sealed with the suite's key now ("right") or as if
 *     recorded ten minutes ago ("old"). */
#include "common.pb-c.h"
#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "rpc.pb-c.h"
#include "ticket.pb-c.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int use_key(const char *mode)
{
	if (strcmp(mode, "none") == 0)
		return 0;
	if (hd_cluster_key_load_env(NULL)) {
		fprintf(stderr, "hd-forge: cannot read the cluster key\n");
		return -1;
	}
	if (strcmp(mode, "wrong") == 0) {
		uint8_t k[HD_CLUSTER_KEY_BYTES];
		randombytes_buf(k, sizeof k);
		hd_cluster_key_set(k);
	} else if (strcmp(mode, "right") != 0) {
		fprintf(stderr, "hd-forge: KEY is none, wrong or right\n");
		return -1;
	}
	return 1;
}

static nng_msg *pack_msg(const ProtobufCMessage *m)
{
	nng_msg *msg = NULL;
	if (nng_msg_alloc(&msg, protobuf_c_message_get_packed_size(m)))
		return NULL;
	protobuf_c_message_pack(m, nng_msg_body(msg));
	return msg;
}

static void print_reply(nng_msg *msg, const uint8_t *nonce, int sealed)
{
	/* Verify with the key we sealed with; an unsealed request gets a
	 * reply we can only read by dropping its trailer. */
	int ok = sealed && hd_auth_rpc_open_reply(msg, nonce) == HD_OK;
	if (!ok && nng_msg_len(msg) >= HD_AUTH_TRAILER_BYTES)
		nng_msg_chop(msg, HD_AUTH_TRAILER_BYTES);
	Hd__RpcReply *rep = hd__rpc_reply__unpack(NULL, nng_msg_len(msg),
						  nng_msg_body(msg));
	if (!rep) {
		printf("status=UNDECODABLE\n");
		return;
	}
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
		&hd__status__descriptor, rep->status);
	printf("status=%s reply_verified=%s message=%s\n", v ? v->name : "?",
	       ok ? "yes" : "no", rep->message);
	hd__rpc_reply__free_unpacked(rep, NULL);
}

/* Send msg on a new connection and print the reply. */
static int exchange(const char *url, nng_msg *msg, const uint8_t *nonce,
		    int sealed)
{
	nng_socket s;
	int rc = nng_req0_open(&s);
	if (!rc) {
		nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 10000);
		rc = nng_dial(s, url, NULL, 0);
	}
	if (!rc)
		rc = nng_sendmsg(s, msg, 0);
	if (rc)
		nng_msg_free(msg);
	if (!rc)
		rc = nng_recvmsg(s, &msg, 0);
	if (rc) {
		fprintf(stderr, "hd-forge: %s\n", nng_strerror(rc));
	} else {
		print_reply(msg, nonce, sealed);
		nng_msg_free(msg);
	}
	nng_close(s);
	return rc ? 1 : 0;
}

static int forge_rpc(const char *url, const char *method, const char *mode)
{
	int replay = strcmp(mode, "replay") == 0;
	int sealed = use_key(replay ? "right" : mode);
	if (sealed < 0)
		return 2;
	Hd__RpcRequest req = HD__RPC_REQUEST__INIT;
	Hd__Principal p = HD__PRINCIPAL__INIT;
	p.user_id = 1;
	p.role = HD__USER_ROLE__ROLE_ADMIN;
	p.email = "admin@example.com";
	req.method = (char *)method;
	req.trace_id = "forged";
	req.principal = &p;
	nng_msg *msg = pack_msg(&req.base), *again = NULL;
	uint8_t nonce[HD_AUTH_NONCE_BYTES] = {0};
	if (!msg || (sealed && hd_auth_rpc_seal_request(msg, nonce)) ||
	    (replay && nng_msg_dup(&again, msg))) {
		fprintf(stderr, "hd-forge: cannot build the request\n");
		return 1;
	}
	int rc = exchange(url, msg, nonce, sealed);
	if (!rc && again)
		rc = exchange(url, again, nonce, sealed);
	else if (again)
		nng_msg_free(again);
	return rc;
}

static nng_msg *forged_frame(const char *source, uint32_t shard, uint64_t seq)
{
	Hd__Ticket tk = HD__TICKET__INIT;
	tk.id = 900000;
	tk.subject = "forged";
	tk.created_at = tk.updated_at = (int64_t)time(NULL) * 1000;
	uint8_t *payload = malloc(hd__ticket__get_packed_size(&tk));
	if (!payload)
		return NULL;
	Hd__Envelope ev = HD__ENVELOPE__INIT, *evs[1] = {&ev};
	ev.type = "ticket.created";
	ev.source = (char *)source;
	ev.shard = shard;
	ev.seq = seq;
	ev.time_ms = tk.created_at;
	ev.trace_id = "forged";
	ev.payload.data = payload;
	ev.payload.len = hd__ticket__pack(&tk, payload);
	Hd__EventBatch b = HD__EVENT_BATCH__INIT;
	b.events = evs;
	b.n_events = 1;
	static const char topic[] = "ticket.created";
	nng_msg *msg = NULL;
	size_t blen = hd__event_batch__get_packed_size(&b);
	if (nng_msg_alloc(&msg, sizeof topic + blen) == 0) {
		memcpy(nng_msg_body(msg), topic, sizeof topic);
		hd__event_batch__pack(&b, (uint8_t *)nng_msg_body(msg) +
						  sizeof topic);
	}
	free(payload);
	return msg;
}

static nng_msg *forged_heartbeat(const char *source, uint32_t shard,
				 uint64_t seq)
{
	Hd__Heartbeat hb = HD__HEARTBEAT__INIT;
	hb.source = (char *)source;
	hb.shard = shard;
	hb.latest_seq = seq;
	hb.incarnation = 0x0123456789abcdefULL; /* nobody's */
	static const char topic[] = "hb";
	nng_msg *msg = NULL;
	size_t blen = hd__heartbeat__get_packed_size(&hb);
	if (nng_msg_alloc(&msg, sizeof topic + blen) == 0)
		hd__heartbeat__pack(&hb, (uint8_t *)nng_msg_body(msg) +
						 sizeof topic);
	if (msg)
		memcpy(nng_msg_body(msg), topic, sizeof topic);
	return msg;
}

/* Seal m with the suite's key as if at now - age_ms. */
static int seal_aged(nng_msg *m, int64_t age_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	uint8_t trailer[HD_AUTH_TRAILER_BYTES];
	if (hd_auth_seal(HD_AUTH_BUS, nng_msg_body(m), nng_msg_len(m),
			 now - age_ms, NULL, trailer))
		return -1;
	return nng_msg_append(m, trailer, sizeof trailer) ? -1 : 0;
}

static int forge_bus(char **argv)
{
	int hb = strcmp(argv[0], "hb") == 0;
	int64_t age_ms = hb && strcmp(argv[6], "old") == 0 ? 600000 : 0;
	uint64_t shard = 0, seq = 0, secs = 0;
	if (hd_parse_u64(argv[3], &shard) || hd_parse_u64(argv[4], &seq) ||
	    hd_parse_u64(argv[5], &secs))
		return 2;
	int sealed = use_key(age_ms ? "right" : argv[6]);
	if (sealed < 0)
		return 2;
	nng_socket s;
	int rc = nng_pub0_open(&s);
	if (!rc)
		rc = nng_listen(s, argv[1], NULL, 0);
	if (rc) {
		fprintf(stderr, "hd-forge: %s\n", nng_strerror(rc));
		return 1;
	}
	for (uint64_t i = 0; i < secs * 20; i++) {
		nng_msg *m =
			hb ? forged_heartbeat(argv[2], (uint32_t)shard, seq)
			   : forged_frame(argv[2], (uint32_t)shard, seq);
		if (m && sealed && seal_aged(m, age_ms)) {
			nng_msg_free(m);
			m = NULL;
		}
		if (m && nng_sendmsg(s, m, 0) != 0)
			nng_msg_free(m);
		nng_msleep(50);
	}
	nng_close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "rpc") == 0)
		return forge_rpc(argv[2], argv[3], argv[4]);
	if (argc == 8 &&
	    (strcmp(argv[1], "bus") == 0 || strcmp(argv[1], "hb") == 0))
		return forge_bus(argv + 1);
	fprintf(stderr,
		"usage: %s rpc URL METHOD none|wrong|right|replay\n"
		"       %s bus URL SOURCE SHARD SEQ SECONDS "
		"none|wrong|right\n"
		"       %s hb URL SOURCE SHARD SEQ SECONDS right|old\n",
		argv[0], argv[0], argv[0]);
	return 2;
}
