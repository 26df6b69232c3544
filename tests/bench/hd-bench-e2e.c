/* hd-bench-e2e: event end-to-end latency, from intake's commit of a ticket
 * to the moment metrics and routing have applied its event.
 *
 * Method (everything timed by this one process's clock, no clock skew):
 *   - load: CONNS keep-alive connections create tickets through the gateway,
 *     paced to RATE tickets/s in total (RATE 0: as fast as they are taken);
 *   - commit: the tool subscribes to intake's pub socket like any consumer;
 *     intake publishes a batch only after its group commit is durable, so
 *     the arrival of an event's frame is the commit moment plus one hop
 *     (the figure is slightly low by that hop, ~0.05 ms);
 *   - applied: one thread per consumer polls its bus.status RPC (the cursor
 *     it commits in the same transaction as the event's effects) every
 *     POLL_US; an event counts as applied when the polled cursor first
 *     covers its seq (the figure is high by up to one poll round trip).
 * Events the subscriber never saw (pub/sub may drop) are counted as unseen
 * and left out, never guessed. Prints one line per consumer:
 *   E2E svc=… rate=… achieved_rps=… n=… unseen=… p50_ms=… p99_ms=… max_ms=…
 *   usage: hd-bench-e2e PORT RUN_DIR RATE SECONDS CONNS   (env HD_AUTH) */
#include "bench_http.h"
#include "bench_tickets.h"
#include "common.pb-c.h"
#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/rpc.h"
#include "rpc.pb-c.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CONNS 128
#define POLL_US   200
#define SETTLE_MS 30000
#define NWATCH    2

typedef struct watch {
	const char *svc;
	hd_rpc_client *cl;
	int64_t *applied_us; /* by seq - base; 0 = not yet */
	_Atomic uint64_t seen;
	pthread_t th;
} watch;

static uint16_t port;
static const char *auth;
static uint64_t rate, seconds, conns;
static uint64_t base, cap;
static int64_t *commit_us;
static atomic_int stop_load, stop_watch;
static _Atomic uint64_t created, failed, ticket_no;
static watch watches[NWATCH] = {{.svc = "metrics"}, {.svc = "routing"}};

/* The seq of intake shard 0's cursor in svc's bus.status (or, for intake
 * itself, its outbox head). HD_OK or the transport/decode error. */
static int status_seq(hd_rpc_client *cl, int own, uint64_t *out)
{
	hd_rpc_result res = {0};
	int rc = hd_rpc_call(cl, "bus.status", NULL, 0, NULL, "bench-e2e", 2000,
			     &res);
	if (!rc)
		rc = res.rc;
	Hd__BusStatusReply *st =
		rc ? NULL
		   : hd__bus_status_reply__unpack(NULL, res.len, res.payload);
	if (!rc && !st)
		rc = HD_E_DECODE;
	for (size_t i = 0; st && i < st->n_cursors && !own; i++)
		if (strcmp(st->cursors[i]->source, "intake") == 0 &&
		    st->cursors[i]->shard == 0)
			*out = st->cursors[i]->applied_seq;
	if (st && own)
		*out = st->latest_seq;
	hd__bus_status_reply__free_unpacked(st, NULL);
	hd_rpc_result_release(&res);
	return rc;
}

static void *poll_watch(void *arg)
{
	watch *w = arg;
	while (!atomic_load(&stop_watch)) {
		uint64_t seq = 0;
		if (status_seq(w->cl, 0, &seq) == HD_OK) {
			int64_t now = bh_wall_us();
			for (uint64_t s = atomic_load(&w->seen) + 1; s <= seq;
			     s++)
				if (s > base && s - base < cap)
					w->applied_us[s - base] = now;
			if (seq > atomic_load(&w->seen))
				atomic_store(&w->seen, seq);
		}
		usleep(POLL_US);
	}
	return NULL;
}

static void note_frame(nng_msg *m)
{
	int64_t now = bh_wall_us();
	const uint8_t *p = nng_msg_body(m);
	size_t len = nng_msg_len(m);
	const uint8_t *z = memchr(p, 0, len);
	if (!z || strcmp((const char *)p, "hb") == 0)
		return;
	Hd__EventBatch *b =
		hd__event_batch__unpack(NULL, len - (size_t)(z + 1 - p), z + 1);
	for (size_t i = 0; b && i < b->n_events; i++) {
		uint64_t s = b->events[i]->seq;
		if (s > base && s - base < cap && !commit_us[s - base])
			commit_us[s - base] = now;
	}
	hd__event_batch__free_unpacked(b, NULL);
}

static void *subscribe(void *arg)
{
	nng_socket *sub = arg;
	while (!atomic_load(&stop_watch)) {
		nng_msg *m = NULL;
		if (nng_recvmsg(*sub, &m, 0) != 0)
			continue; /* receive timeout: look at stop_watch */
		if (hd_auth_bus_open(m) == HD_OK)
			note_frame(m);
		nng_msg_free(m);
	}
	return NULL;
}

static void *load(void *arg)
{
	uint64_t j = (uint64_t)(uintptr_t)arg;
	hd_buf body;
	hd_buf_init(&body, 1 << 16);
	int fd = -1;
	int64_t t0 = bh_mono_us(), end = t0 + (int64_t)seconds * 1000000;
	/* connection j sends at t0 + (j + k·conns)/rate seconds */
	double step = rate ? 1e6 * (double)conns / (double)rate : 0;
	double next = rate ? (double)t0 + 1e6 * (double)j / (double)rate : 0;
	while (!atomic_load(&stop_load) && bh_mono_us() < end) {
		if (rate) {
			int64_t wait = (int64_t)next - bh_mono_us();
			if (wait > 0)
				usleep((useconds_t)wait);
			next += step;
		}
		hd_buf_reset(&body);
		bt_ticket_json(&body,
			       2000000000ull + atomic_fetch_add(&ticket_no, 1));
		int st = bh_post_kept(&fd, port, "/api/v2/tickets.json", auth,
				      body.data, body.len);
		atomic_fetch_add(st == 201 ? &created : &failed, 1);
	}
	if (fd >= 0)
		close(fd);
	hd_buf_release(&body);
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const watch *w, uint64_t last, double secs)
{
	int64_t *lat = calloc(cap, sizeof *lat);
	size_t n = 0, unseen = 0, unapplied = 0;
	for (uint64_t s = base + 1; lat && s <= last && s - base < cap; s++) {
		if (!commit_us[s - base])
			unseen++;
		else if (!w->applied_us[s - base])
			unapplied++;
		else {
			int64_t d =
				w->applied_us[s - base] - commit_us[s - base];
			lat[n++] = d > 0 ? d : 0;
		}
	}
	if (n)
		qsort(lat, n, sizeof *lat, cmp_i64);
	double ms = 1e-3;
	printf("E2E svc=%s rate=%llu achieved_rps=%.1f n=%zu unseen=%zu "
	       "unapplied=%zu errors=%llu p50_ms=%.3f p99_ms=%.3f "
	       "max_ms=%.3f\n",
	       w->svc, (unsigned long long)rate,
	       secs > 0 ? (double)atomic_load(&created) / secs : 0, n, unseen,
	       unapplied, (unsigned long long)atomic_load(&failed),
	       n ? (double)lat[n / 2] * ms : 0,
	       n ? (double)lat[n * 99 / 100] * ms : 0,
	       n ? (double)lat[n - 1] * ms : 0);
	free(lat);
}

static int open_clients(const char *run, hd_rpc_client **intake)
{
	char url[600];
	snprintf(url, sizeof url, "ipc://%s/intake-0.rpc", run);
	if (hd_rpc_client_open(intake, url))
		return 1;
	for (int i = 0; i < NWATCH; i++) {
		snprintf(url, sizeof url, "ipc://%s/%s-0.rpc", run,
			 watches[i].svc);
		watches[i].applied_us =
			calloc(cap, sizeof *watches[i].applied_us);
		if (!watches[i].applied_us ||
		    hd_rpc_client_open(&watches[i].cl, url))
			return 1;
	}
	return 0;
}

static int open_sub(const char *run, nng_socket *sub)
{
	char url[600];
	snprintf(url, sizeof url, "ipc://%s/intake-0.pub", run);
	if (nng_sub0_open(sub) != 0)
		return 1;
	nng_socket_set_int(*sub, NNG_OPT_RECVBUF, 1024);
	nng_socket_set_ms(*sub, NNG_OPT_RECVTIMEO, 100);
	nng_socket_set(*sub, NNG_OPT_SUB_SUBSCRIBE, "", 0);
	return nng_dial(*sub, url, NULL, 0) != 0;
}

/* Wait until every consumer's cursor reached last (or SETTLE_MS). */
static void settle(uint64_t last)
{
	int64_t give_up = bh_mono_us() + SETTLE_MS * 1000ll;
	for (int i = 0; i < NWATCH; i++)
		while (atomic_load(&watches[i].seen) < last &&
		       bh_mono_us() < give_up)
			usleep(1000);
}

int main(int argc, char **argv)
{
	uint64_t p = 0;
	auth = getenv("HD_AUTH");
	if (argc != 6 || hd_parse_u64(argv[1], &p) || !p || p > 65535 ||
	    hd_parse_u64(argv[3], &rate) || hd_parse_u64(argv[4], &seconds) ||
	    !seconds || hd_parse_u64(argv[5], &conns) || !conns ||
	    conns > MAX_CONNS || !auth) {
		fprintf(stderr,
			"usage: HD_AUTH=… %s PORT RUN_DIR RATE SECONDS "
			"CONNS(1-%d)\n",
			argv[0], MAX_CONNS);
		return 2;
	}
	if (hd_cluster_key_load_env(argv[0]))
		return 1;
	port = (uint16_t)p;
	cap = seconds * 50000 + 100000; /* above any rate this suite reaches */
	commit_us = calloc(cap, sizeof *commit_us);
	hd_rpc_client *intake = NULL;
	nng_socket sub;
	if (!commit_us || open_clients(argv[2], &intake) ||
	    open_sub(argv[2], &sub) || status_seq(intake, 1, &base)) {
		fprintf(stderr, "hd-bench-e2e: cannot reach the suite\n");
		return 1;
	}
	pthread_t sub_th, load_th[MAX_CONNS];
	pthread_create(&sub_th, NULL, subscribe, &sub);
	for (int i = 0; i < NWATCH; i++) {
		atomic_store(&watches[i].seen, base);
		pthread_create(&watches[i].th, NULL, poll_watch, &watches[i]);
	}
	usleep(200000); /* let the subscriber's dial complete */
	int64_t t0 = bh_mono_us();
	for (uint64_t i = 0; i < conns; i++)
		pthread_create(&load_th[i], NULL, load, (void *)(uintptr_t)i);
	for (uint64_t i = 0; i < conns; i++)
		pthread_join(load_th[i], NULL);
	double secs = (double)(bh_mono_us() - t0) / 1e6;
	uint64_t last = base;
	status_seq(intake, 1, &last);
	settle(last);
	atomic_store(&stop_watch, 1);
	pthread_join(sub_th, NULL);
	for (int i = 0; i < NWATCH; i++) {
		pthread_join(watches[i].th, NULL);
		report(&watches[i], last, secs);
		hd_rpc_client_close(watches[i].cl);
		free(watches[i].applied_us);
	}
	hd_rpc_client_close(intake);
	nng_close(sub);
	free(commit_us);
	return 0;
}
