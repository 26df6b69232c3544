/* Publisher side of the bus: post-commit batch frames, heartbeats, and the
 * events.since RPC. See hd/bus.h. */
#include "common.pb-c.h"
#include "hd/bus.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/prom.h"
#include "nng_sync.h"
#include "rpc.pb-c.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEARTBEAT_MS   1000
#define PULL_MAX_BYTES ((size_t)8 << 20)

HD_COUNTER(frames_sent, "hd_bus_frames_published_total",
	   "Event batch frames published on the bus.")
HD_COUNTER(publish_failures, "hd_bus_publish_failures_total",
	   "Frames that could not be handed to nng (consumers will pull).")

struct hd_pub {
	nng_socket sock;
	hd_store *store;
	char source[32];
	unsigned shard;
	pthread_t heartbeat;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int stopping;
};

static void send_frame(hd_pub *p, const char *topic, const uint8_t *body,
		       size_t len)
{
	size_t tlen = strlen(topic) + 1;
	nng_msg *msg = NULL;
	if (nng_msg_alloc(&msg, tlen + len)) {
		hd_counter_add(&publish_failures, 1);
		return;
	}
	memcpy(nng_msg_body(msg), topic, tlen);
	if (len)
		memcpy((uint8_t *)nng_msg_body(msg) + tlen, body, len);
	if (hd_auth_bus_seal(msg) ||
	    nng_sendmsg(p->sock, msg, NNG_FLAG_NONBLOCK)) {
		nng_msg_free(msg);
		hd_counter_add(&publish_failures, 1);
	}
}

static void on_commit(void *arg, const char *topic, const uint8_t *batch,
		      size_t len)
{
	send_frame(arg, topic, batch, len);
	hd_counter_add(&frames_sent, 1);
}

static void send_heartbeat(hd_pub *p)
{
	Hd__Heartbeat hb = HD__HEARTBEAT__INIT;
	hb.source = p->source;
	hb.shard = p->shard;
	hb.latest_seq = hd_store_latest_seq(p->store);
	hb.oldest_seq = hd_store_oldest_seq(p->store);
	hb.incarnation = hd_store_incarnation(p->store);
	uint8_t buf[128];
	size_t len = hd__heartbeat__pack(&hb, buf);
	send_frame(p, "hb", buf, len);
}

static void *heartbeat_main(void *arg)
{
	hd_pub *p = arg;
	pthread_mutex_lock(&p->mu);
	while (!p->stopping) {
		pthread_mutex_unlock(&p->mu);
		send_heartbeat(p);
		pthread_mutex_lock(&p->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)HEARTBEAT_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		if (!p->stopping)
			pthread_cond_timedwait(&p->cond, &p->mu, &until);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int hd_pub_open(hd_pub **out, const char *url, hd_store *store,
		const char *source, unsigned shard)
{
	*out = NULL;
	hd_pub *p = calloc(1, sizeof *p);
	if (!p)
		return HD_E_NOMEM;
	p->store = store;
	p->shard = shard;
	snprintf(p->source, sizeof p->source, "%s", source);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cond, NULL);
	int rc = hd_err_from_nng(nng_pub0_open(&p->sock));
	if (rc)
		goto fail_socket;
	/* Measured: default queues lose frames even at 5k/s; 1024 holds to
	 * ~10k/s. Loss beyond that is repaired by pulling. */
	nng_socket_set_int(p->sock, NNG_OPT_SENDBUF, 1024);
	int nrc = hd_nng_listen(p->sock, url, NULL, 0);
	if (nrc) {
		hd_error("bus.listen_failed", "url=%s err=\"%s\"", url,
			 nng_strerror(nrc));
		rc = nrc == NNG_EADDRINUSE ? HD_E_UNAVAILABLE : HD_E_INVALID;
		goto fail;
	}
	hd_store_on_commit(store, on_commit, p);
	if (pthread_create(&p->heartbeat, NULL, heartbeat_main, p)) {
		rc = HD_E_NOMEM;
		goto fail;
	}
	p->started = 1;
	*out = p;
	return HD_OK;
fail:
	nng_close(p->sock);
fail_socket:
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return rc;
}

void hd_pub_close(hd_pub *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->mu);
	if (p->started)
		pthread_join(p->heartbeat, NULL);
	hd_store_on_commit(p->store, NULL, NULL);
	hd_nng_close_by(p->sock, 2000);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

static int add_event(void *arg, uint64_t seq, const uint8_t *env, size_t len)
{
	(void)seq;
	return hd_pb_put_bytes(arg, 1, env, len);
}

int hd_bus_events_since(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	hd_store *store = ctx;
	Hd__EventsSinceRequest *in =
		hd__events_since_request__unpack(NULL, req->len, req->payload);
	if (!in)
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.EventsSinceRequest");
	unsigned max = in->max ? in->max : 1000;
	if (max > HD_BUS_MAX_PULL)
		max = HD_BUS_MAX_PULL;
	uint64_t after = in->after_seq;
	hd__events_since_request__free_unpacked(in, NULL);
	/* Read the bounds first: latest may only grow while we scan. */
	uint64_t latest = hd_store_latest_seq(store);
	int rc = hd_store_events_since(store, after, max, PULL_MAX_BYTES,
				       add_event, &rep->payload);
	if (rc == HD_E_BEHIND)
		return hd_rpc_fail(
			rep, rc, "after_seq",
			"events after %llu were trimmed; oldest "
			"retained is %llu",
			(unsigned long long)after,
			(unsigned long long)hd_store_oldest_seq(store));
	if (rc == HD_OK)
		rc = hd_pb_put_varint(&rep->payload, 2, latest);
	if (rc == HD_OK)
		rc = hd_pb_put_varint(&rep->payload, 3,
				      hd_store_oldest_seq(store));
	if (rc == HD_OK)
		rc = hd_pb_put_varint(&rep->payload, 4,
				      hd_store_incarnation(store));
	return rc;
}
