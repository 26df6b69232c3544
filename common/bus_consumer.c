/* Consumer side of the bus: exactly-once application through a cursor kept
 * in the consumer's own transaction, gap repair by pulling. See hd/bus.h.
 *
 * Threads: one receives pub/sub frames for every source and applies those
 * that continue a source's cursor; each source has its own puller thread that
 * fetches missing ranges over events.since, so a slow or dead source never
 * stalls the others. A per-source mutex serializes the two appliers. */
#include "bus_cursor.h"
#include "common.pb-c.h"
#include "hd/buf.h"
#include "hd/bus.h"
#include "hd/dial_keep.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/liveness.h"
#include "hd/log.h"
#include "hd/prom.h"
#include "hd/sub_recv.h"
#include "nng_sync.h"
#include "rpc.pb-c.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SOURCES     64
#define RECV_TIMEOUT_MS 200
#define POLL_EVERY_MS   1000
#define PULL_TIMEOUT_MS 3000
/* Stop aborts pulls in flight, so threads end at once; the deadline only
 * guards against nng hanging. */
#define STOP_DEADLINE_S 3

HD_COUNTER(bad_frames_total, "hd_bus_bad_frames_total",
	   "Bus frames that could not be decoded and were skipped.")
HD_COUNTER(bad_payloads_total, "hd_bus_bad_payloads_total",
	   "Events whose payload could not be decoded; skipped.")
HD_COUNTER(dead_events_total, "hd_bus_dead_events_total",
	   "Events this service could not apply, kept in __dead_events.")
HD_COUNTER(applied_total, "hd_bus_events_applied_total",
	   "Events applied by this service's consumer.")
HD_COUNTER(pulled_total, "hd_bus_events_pulled_total",
	   "Events fetched with events.since (gap repair and catch-up).")
HD_COUNTER(received_total, "hd_bus_events_received_total",
	   "Events received in pub/sub frames (before deduplication).")
HD_COUNTER(pull_failures_total, "hd_bus_pull_failures_total",
	   "events.since calls that failed (source down, busy or slow).")

/* A pull that timed out asks for fewer events next time (a slow source on a
 * busy machine must still make progress), down to PULL_MIN; each success
 * doubles the size back up to HD_BUS_MAX_PULL. */
#define PULL_MIN 16

typedef struct hd_consumer hd_consumer;

typedef struct source_state {
	hd_consumer *c;
	hd_source src;
	char key[48]; /* "<name>/<shard>": the cursor key */
	_Atomic uint64_t applied;
	_Atomic uint64_t announced; /* latest seq the source said it has */
	_Atomic int failed;
	_Atomic int reason;           /* HD_BUS_* once failed */
	_Atomic uint64_t incarnation; /* the source's, as the cursor has it */
	hd_rpc_client *rpc;
	pthread_mutex_t mu; /* serializes applying; guards wake */
	pthread_cond_t cond;
	int wake;
	pthread_t puller;
	int puller_started;
	unsigned pull_max;              /* puller thread only */
	_Atomic unsigned pull_failures; /* in a row */
	_Atomic int pull_error;
} source_state;

struct hd_consumer {
	hd_store *store;
	MDB_dbi cursors, dead;
	hd_apply_fn apply;
	void *arg;
	source_state *sources;
	size_t n;
	nng_socket sub;
	hd_sub_recv recv;   /* the consumer thread's wait; stop ends it */
	hd_dial_keep *keep; /* the sub's dials, redialled when nng gives up */
	pthread_t thread;
	int thread_started;
	hd_loop *live; /* "bus.consumer": frames received, not yet applied */
	_Atomic int stopping;
	_Atomic uint64_t bad_frames;
};

/* ---- applying, inside the store's group commit ---- */

typedef struct apply_job {
	hd_consumer *c;
	source_state *s;
	Hd__Envelope **evs;
	size_t n;
	uint64_t cursor;      /* out: the cursor after the job */
	uint64_t incarnation; /* out: the source incarnation it follows */
	int reason;           /* out: HD_BUS_* when the source diverged */
} apply_job;

typedef struct apply_one {
	hd_consumer *c;
	const Hd__Envelope *ev;
} apply_one;

static int apply_one_event(hd_txn *t, void *arg)
{
	apply_one *a = arg;
	return a->c->apply(a->c->arg, t, a->ev);
}

/* Errors worth waiting out (the same event will apply later); any other
 * error means this event can never apply here. */
static bool transient(int rc)
{
	return rc == HD_E_STORAGE_FULL || rc == HD_E_NOMEM || rc == HD_E_IO ||
	       rc == HD_E_CLOSED || rc == HD_E_UNAVAILABLE ||
	       rc == HD_E_TIMEDOUT;
}

/* Keep an event that cannot be applied, with the reason, and move on: a
 * poison event must not stop every later event of its source, and it is
 * not lost (operators find it in __dead_events and the log). */
static void bury(hd_txn *t, apply_job *j, const Hd__Envelope *ev, int rc)
{
	uint8_t key[64 + 8];
	size_t kl = strlen(j->s->key);
	memcpy(key, j->s->key, kl);
	hd_key_u64(key + kl, ev->seq);
	hd_buf b;
	hd_buf_init(&b, (size_t)64 << 20);
	int brc = hd_buf_puts(&b, hd_errname(rc));
	size_t n = hd__envelope__get_packed_size(ev);
	if (brc == HD_OK)
		brc = hd_buf_append(&b, "", 1);
	if (brc == HD_OK && b.len + n <= b.max) {
		uint8_t *pb = malloc(n ? n : 1);
		if (pb) {
			hd__envelope__pack(ev, pb);
			/* failing, the record keeps the reason alone, as
			 * for an envelope too large to keep */
			brc = hd_buf_append(&b, pb, n);
			free(pb);
		}
	}
	hd_txn_put(t, j->c->dead, key, kl + 8, b.data, b.len);
	hd_buf_release(&b);
	hd_counter_add(&dead_events_total, 1);
	hd_error("bus.event_dead",
		 "source=%s seq=%llu type=%.64s trace=%.64s err=%s", j->s->key,
		 (unsigned long long)ev->seq, ev->type, ev->trace_id,
		 hd_errname(rc));
}

static int apply_batch(hd_txn *t, void *arg)
{
	apply_job *j = arg;
	/* The stored cursor, not the in-memory one, decides: this is what
	 * makes a redelivered event a no-op. */
	hd_bus_cursor bc;
	hd_bus_cursor_read(t, j->c->cursors, j->s->key, &bc);
	uint64_t cur = bc.seq, applied = 0;
	j->reason = bc.reason;
	for (size_t i = 0; i < j->n && !j->reason; i++) {
		const Hd__Envelope *ev = j->evs[i];
		/* Before the seq test: a restored source reuses sequences,
		 * and "already applied" would hide its different events. */
		if ((j->reason = hd_bus_cursor_check(&bc, ev->incarnation)))
			break;
		if (ev->seq <= cur)
			continue;
		if (ev->seq != cur + 1)
			break; /* a gap: stop here, the puller fills it */
		/* Each event in its own child transaction, so a failing one
		 * leaves no half-applied writes behind. */
		apply_one a = {j->c, ev};
		int rc = hd_txn_nested(t, apply_one_event, &a);
		if (rc == HD_E_DECODE) {
			hd_counter_add(&bad_payloads_total, 1);
			hd_prom_error("bus_bad_payload");
			hd_warn("bus.bad_payload",
				"source=%s seq=%llu type=%.64s trace=%.64s",
				j->s->key, (unsigned long long)ev->seq,
				ev->type, ev->trace_id);
		} else if (rc && (transient(rc) || t->rc)) {
			return rc;
		} else if (rc) {
			bury(t, j, ev, rc);
		}
		cur = ev->seq;
		applied++;
	}
	bc.seq = cur;
	bc.reason = j->reason;
	hd_bus_cursor_write(t, j->c->cursors, j->s->key, &bc);
	j->cursor = cur;
	j->incarnation = bc.incarnation;
	if (t->rc == HD_OK)
		hd_counter_add(&applied_total, applied);
	return t->rc;
}

/* ---- divergence: the source is not the one the cursor followed ---- */

static void stopped(source_state *s, int reason, uint64_t seen_inc,
		    uint64_t seen_seq)
{
	atomic_store(&s->reason, reason);
	atomic_store(&s->failed, 1);
	hd_prom_error("bus_source_diverged");
	hd_error("bus.source_diverged",
		 "source=%s reason=%s applied=%llu incarnation=%016llx "
		 "seen_incarnation=%016llx seen_seq=%llu action=\"stopped "
		 "applying from this source; see docs/operations.md, re-sync "
		 "after a restore\"",
		 s->key, hd_bus_reason_name(reason),
		 (unsigned long long)atomic_load(&s->applied),
		 (unsigned long long)atomic_load(&s->incarnation),
		 (unsigned long long)seen_inc, (unsigned long long)seen_seq);
}

typedef struct mark_job {
	hd_consumer *c;
	source_state *s;
	int reason;
} mark_job;

static int mark_cursor(hd_txn *t, void *arg)
{
	mark_job *m = arg;
	hd_bus_cursor bc;
	hd_bus_cursor_read(t, m->c->cursors, m->s->key, &bc);
	if (!bc.reason)
		bc.reason = m->reason;
	return hd_bus_cursor_write(t, m->c->cursors, m->s->key, &bc);
}

/* Stop applying from s and keep that in its cursor, so a restart does not
 * resume it. Caller holds s->mu. */
static void diverge(hd_consumer *c, source_state *s, int reason,
		    uint64_t seen_inc, uint64_t seen_seq)
{
	if (atomic_load(&s->failed))
		return;
	mark_job m = {c, s, reason};
	int rc = hd_store_write(c->store, mark_cursor, &m);
	if (rc)
		hd_warn("bus.mark_failed", "source=%s err=%s", s->key,
			hd_strerror(rc));
	stopped(s, reason, seen_inc, seen_seq);
}

/* Whether evs[i] belongs to another incarnation than the cursor's. */
static bool foreign(source_state *s, const Hd__Envelope *ev)
{
	uint64_t inc = atomic_load(&s->incarnation);
	return ev->incarnation && inc && ev->incarnation != inc;
}

/* Apply events (ascending seqs, from one source) and advance the cursor.
 * Caller holds s->mu. Returns the store's error, if any. */
static int apply_events(hd_consumer *c, source_state *s, Hd__Envelope **evs,
			size_t n)
{
	size_t first = 0;
	uint64_t applied = atomic_load(&s->applied);
	while (first < n && evs[first]->seq <= applied &&
	       !foreign(s, evs[first]))
		first++;
	if (first == n)
		return HD_OK;
	apply_job j = {.c = c, .s = s, .evs = evs + first, .n = n - first};
	int rc = hd_store_write(c->store, apply_batch, &j);
	if (rc) {
		hd_prom_error("bus_apply");
		hd_error("bus.apply_failed", "source=%s err=%s", s->key,
			 hd_strerror(rc));
		return rc;
	}
	atomic_store(&s->applied, j.cursor);
	atomic_store(&s->incarnation, j.incarnation);
	if (j.reason && !atomic_load(&s->failed))
		stopped(s, j.reason, evs[first]->incarnation, evs[first]->seq);
	return HD_OK;
}

/* ---- pulling ---- */

static void raise_announced(source_state *s, uint64_t seq)
{
	uint64_t cur = atomic_load(&s->announced);
	while (seq > cur &&
	       !atomic_compare_exchange_weak(&s->announced, &cur, seq))
		;
}

static void wake_puller(source_state *s)
{
	pthread_mutex_lock(&s->mu);
	s->wake = 1;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
}

/* A failed pull: counted, shown on /hd/bus, logged at the 1st, 2nd, 4th,
 * 8th … failure in a row (a source that stays unreachable does not flood
 * the log, and a stall is never silent). */
static void pull_failed(source_state *s, uint64_t after, int rc)
{
	hd_counter_add(&pull_failures_total, 1);
	atomic_store(&s->pull_error, rc);
	unsigned n = atomic_fetch_add(&s->pull_failures, 1) + 1;
	if (rc == HD_E_TIMEDOUT || rc == HD_E_UNAVAILABLE)
		s->pull_max =
			s->pull_max / 4 > PULL_MIN ? s->pull_max / 4 : PULL_MIN;
	if ((n & (n - 1)) == 0)
		hd_warn("bus.pull_failed",
			"source=%s after_seq=%llu max=%u err=%s failures=%u",
			s->key, (unsigned long long)after, s->pull_max,
			hd_errname(rc), n);
}

static void pull_worked(source_state *s)
{
	unsigned n = atomic_exchange(&s->pull_failures, 0);
	atomic_store(&s->pull_error, HD_OK);
	if (n)
		hd_info("bus.pull_recovered", "source=%s failures=%u", s->key,
			n);
	s->pull_max = s->pull_max * 2 < HD_BUS_MAX_PULL ? s->pull_max * 2
							: HD_BUS_MAX_PULL;
}

/* Pull and apply until the source says we have everything. Runs on the
 * source's puller thread only. */
static void catch_up(hd_consumer *c, source_state *s)
{
	while (!atomic_load(&c->stopping) && !atomic_load(&s->failed)) {
		Hd__EventsSinceRequest req = HD__EVENTS_SINCE_REQUEST__INIT;
		req.after_seq = atomic_load(&s->applied);
		req.max = s->pull_max;
		uint8_t buf[32];
		size_t len = hd__events_since_request__pack(&req, buf);
		hd_rpc_result res;
		int rc = hd_rpc_call(s->rpc, "events.since", buf, len, NULL,
				     NULL, PULL_TIMEOUT_MS, &res);
		if (rc == HD_OK && res.rc == HD_E_BEHIND) {
			atomic_store(&s->reason, HD_BUS_BEHIND_RETENTION);
			atomic_store(&s->failed, 1);
			hd_prom_error("bus_behind_retention");
			hd_error("bus.behind_retention",
				 "source=%s applied=%llu msg=\"%s\" "
				 "action=\"this "
				 "consumer stopped applying from the source; "
				 "rebuild or restore it\"",
				 s->key, (unsigned long long)req.after_seq,
				 res.message);
		}
		if (rc || res.rc) {
			if (!atomic_load(&s->failed) &&
			    !atomic_load(&c->stopping))
				pull_failed(s, req.after_seq, rc ? rc : res.rc);
			hd_rpc_result_release(&res);
			return; /* source down or busy: the next poll retries */
		}
		Hd__EventsSinceReply *rep = hd__events_since_reply__unpack(
			NULL, res.len, res.payload);
		hd_rpc_result_release(&res);
		if (!rep) {
			hd_counter_add(&bad_frames_total, 1);
			pull_failed(s, req.after_seq, HD_E_DECODE);
			return;
		}
		pull_worked(s);
		hd_counter_add(&pulled_total, rep->n_events);
		pthread_mutex_lock(&s->mu);
		/* latest_seq was read after our request arrived, so it is at
		 * least what we had applied, unless the source lost events. */
		uint64_t inc = atomic_load(&s->incarnation);
		int why = rep->incarnation && inc && rep->incarnation != inc
				  ? HD_BUS_INCARNATION_CHANGED
			  : rep->latest_seq < req.after_seq
				  ? HD_BUS_SEQ_BACKWARDS
				  : HD_BUS_OK;
		int arc = HD_OK;
		if (why)
			diverge(c, s, why, rep->incarnation, rep->latest_seq);
		else
			arc = apply_events(c, s, rep->events, rep->n_events);
		pthread_mutex_unlock(&s->mu);
		if (!why)
			raise_announced(s, rep->latest_seq);
		int done = why || arc || rep->n_events == 0 ||
			   atomic_load(&s->applied) >= rep->latest_seq;
		hd__events_since_reply__free_unpacked(rep, NULL);
		if (done)
			return;
	}
}

/* ---- frames ---- */

static source_state *find_source(hd_consumer *c, const char *name,
				 unsigned shard)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->sources[i].src.shard == shard &&
		    strcmp(c->sources[i].src.name, name) == 0)
			return &c->sources[i];
	return NULL;
}

static void bad_frame(hd_consumer *c, const char *why, size_t len)
{
	atomic_fetch_add(&c->bad_frames, 1);
	hd_counter_add(&bad_frames_total, 1);
	hd_prom_error("bus_bad_frame");
	hd_warn("bus.bad_frame", "reason=\"%s\" bytes=%zu", why, len);
}

static void on_heartbeat(hd_consumer *c, const uint8_t *p, size_t len)
{
	Hd__Heartbeat *hb = hd__heartbeat__unpack(NULL, len, p);
	if (!hb) {
		bad_frame(c, "heartbeat does not decode", len);
		return;
	}
	source_state *s = find_source(c, hb->source, hb->shard);
	uint64_t inc = s ? atomic_load(&s->incarnation) : 0;
	if (s && hb->incarnation && inc && hb->incarnation != inc) {
		pthread_mutex_lock(&s->mu);
		diverge(c, s, HD_BUS_INCARNATION_CHANGED, hb->incarnation,
			hb->latest_seq);
		pthread_mutex_unlock(&s->mu);
	} else if (s) {
		raise_announced(s, hb->latest_seq);
		/* Behind, or (a heartbeat older than a frame, or a source
		 * that lost events) ahead: the puller finds out which. */
		if (hb->latest_seq != atomic_load(&s->applied))
			wake_puller(s);
	}
	hd__heartbeat__free_unpacked(hb, NULL);
}

/* Frames taken off the socket in one go: their events are applied per
 * source in one group commit, not one commit per frame, so a consumer that
 * fell a little behind catches up with few fsyncs. */
#define DRAIN_FRAMES 128

typedef struct drain {
	Hd__EventBatch *batches[DRAIN_FRAMES];
	source_state *sources[DRAIN_FRAMES];
	size_t n;
} drain;

static void on_batch(hd_consumer *c, drain *d, const uint8_t *p, size_t len)
{
	Hd__EventBatch *b = hd__event_batch__unpack(NULL, len, p);
	if (!b || b->n_events == 0) {
		bad_frame(c, b ? "empty batch" : "batch does not decode", len);
		hd__event_batch__free_unpacked(b, NULL);
		return;
	}
	source_state *s =
		find_source(c, b->events[0]->source, b->events[0]->shard);
	for (size_t i = 1; s && i < b->n_events; i++)
		if (b->events[i]->seq != b->events[i - 1]->seq + 1 ||
		    strcmp(b->events[i]->source, s->src.name) != 0)
			s = NULL;
	if (!s) {
		bad_frame(c, "batch from an unknown source or out of order",
			  len);
		hd__event_batch__free_unpacked(b, NULL);
		return;
	}
	raise_announced(s, b->events[b->n_events - 1]->seq);
	hd_counter_add(&received_total, b->n_events);
	d->batches[d->n] = b;
	d->sources[d->n++] = s;
}

static void on_frame(hd_consumer *c, drain *d, nng_msg *msg)
{
	if (hd_auth_bus_open(msg))
		return; /* counted and logged there */
	const uint8_t *body = nng_msg_body(msg);
	size_t len = nng_msg_len(msg);
	const uint8_t *nul = memchr(body, '\0', len < 64 ? len : 64);
	if (!nul) {
		bad_frame(c, "no topic terminator", len);
		return;
	}
	size_t tlen = (size_t)(nul - body);
	const uint8_t *payload = nul + 1;
	size_t plen = len - tlen - 1;
	if (tlen == 2 && memcmp(body, "hb", 2) == 0)
		on_heartbeat(c, payload, plen);
	else
		on_batch(c, d, payload, plen);
}

/* Apply every drained event of source s, in arrival order, in one write. */
static void apply_drained(hd_consumer *c, drain *d, source_state *s)
{
	size_t total = 0, n = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->sources[i] == s)
			total += d->batches[i]->n_events;
	Hd__Envelope **evs = malloc(total * sizeof *evs);
	if (!evs) {
		wake_puller(s); /* the puller gets them instead */
		return;
	}
	for (size_t i = 0; i < d->n; i++)
		for (size_t e = 0;
		     d->sources[i] == s && e < d->batches[i]->n_events; e++)
			evs[n++] = d->batches[i]->events[e];
	pthread_mutex_lock(&s->mu);
	int gap = evs[0]->seq > atomic_load(&s->applied) + 1;
	if (!gap && !atomic_load(&s->failed))
		apply_events(c, s, evs, n);
	/* A gap before or inside the drained frames: the puller fills it. */
	int behind = atomic_load(&s->applied) < evs[n - 1]->seq;
	pthread_mutex_unlock(&s->mu);
	if (behind && !atomic_load(&s->failed))
		wake_puller(s);
	free(evs);
}

static void apply_drain(hd_consumer *c, drain *d)
{
	for (size_t i = 0; i < d->n; i++) {
		int first = 1; /* apply each source once, at its first frame */
		for (size_t j = 0; j < i && first; j++)
			first = d->sources[j] != d->sources[i];
		if (first)
			apply_drained(c, d, d->sources[i]);
	}
	for (size_t i = 0; i < d->n; i++)
		hd__event_batch__free_unpacked(d->batches[i], NULL);
	d->n = 0;
}

static void *consumer_main(void *arg)
{
	hd_consumer *c = arg;
	drain d = {.n = 0};
	while (!atomic_load(&c->stopping)) {
		nng_msg *msg = hd_sub_recv_next(&c->recv);
		if (!msg)
			continue;
		on_frame(c, &d, msg);
		nng_msg_free(msg);
		while (d.n < DRAIN_FRAMES &&
		       nng_recvmsg(c->sub, &msg, NNG_FLAG_NONBLOCK) == 0) {
			on_frame(c, &d, msg);
			nng_msg_free(msg);
		}
		int64_t frames = (int64_t)d.n;
		if (frames)
			hd_liveness_queued(c->live, frames);
		apply_drain(c, &d);
		if (frames)
			hd_liveness_done(c->live, frames);
	}
	return NULL;
}

/* A source's puller: at start, when woken (a gap, a newer heartbeat) and
 * once a second in any case, so a silent pub/sub path loses nothing. */
static void *puller_main(void *arg)
{
	source_state *s = arg;
	hd_consumer *c = s->c;
	while (!atomic_load(&c->stopping)) {
		if (!atomic_load(&s->failed))
			catch_up(c, s);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)POLL_EVERY_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&s->mu);
		while (!s->wake && !atomic_load(&c->stopping))
			if (pthread_cond_timedwait(&s->cond, &s->mu, &until))
				break;
		s->wake = 0;
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

/* ---- lifecycle ---- */

static int load_cursors(hd_consumer *c)
{
	hd_txn t;
	int rc = hd_store_read(c->store, &t);
	if (rc)
		return rc;
	for (size_t i = 0; i < c->n; i++) {
		source_state *s = &c->sources[i];
		hd_bus_cursor bc;
		hd_bus_cursor_read(&t, c->cursors, s->key, &bc);
		atomic_store(&s->applied, bc.seq);
		atomic_store(&s->incarnation, bc.incarnation);
		atomic_store(&s->reason, bc.reason);
		atomic_store(&s->failed, bc.reason != HD_BUS_OK);
		if (bc.reason)
			hd_error("bus.source_stopped",
				 "source=%s reason=%s applied=%llu "
				 "action=\"see docs/operations.md, re-sync "
				 "after a restore\"",
				 s->key, hd_bus_reason_name(bc.reason),
				 (unsigned long long)bc.seq);
	}
	rc = t.rc;
	hd_txn_end(&t);
	return rc;
}

static int open_sub(hd_consumer *c)
{
	int rc = hd_err_from_nng(nng_sub0_open(&c->sub));
	if (rc)
		return rc;
	nng_socket_set_int(c->sub, NNG_OPT_RECVBUF, 1024);
	nng_socket_set_ms(c->sub, NNG_OPT_RECONNMINT, 50);
	nng_socket_set_ms(c->sub, NNG_OPT_RECONNMAXT, 500);
	nng_socket_set_size(c->sub, NNG_OPT_RECVMAXSZ, (size_t)64 << 20);
	nng_socket_set(c->sub, NNG_OPT_SUB_SUBSCRIBE, "", 0);
	rc = hd_sub_recv_open(&c->recv, c->sub, RECV_TIMEOUT_MS);
	if (rc)
		return rc;
	rc = hd_dial_keep_open(&c->keep, c->sub, c->n);
	for (size_t i = 0; i < c->n && rc == HD_OK; i++)
		rc = hd_dial_keep_add(c->keep, c->sources[i].src.pub_url);
	return rc;
}

static void free_consumer(hd_consumer *c)
{
	for (size_t i = 0; c->sources && i < c->n; i++) {
		hd_rpc_client_close(c->sources[i].rpc);
		pthread_cond_destroy(&c->sources[i].cond);
		pthread_mutex_destroy(&c->sources[i].mu);
	}
	free(c->sources);
	hd_sub_recv_close(&c->recv);
	hd_liveness_forget(c->live);
	free(c);
}

/* Join a thread against a shared deadline; 0 when it ended in time. */
static int join_by(pthread_t t, const struct timespec *deadline)
{
	return pthread_timedjoin_np(t, NULL, deadline);
}

/* Empty the subscriber's queue before closing it: nng 1.5.2 can hang in
 * nng_close() on a full one (DESIGN.md); the close has a deadline too. */
static void close_sub(nng_socket sub)
{
	nng_msg *m;
	while (nng_recvmsg(sub, &m, NNG_FLAG_NONBLOCK) == 0)
		nng_msg_free(m);
	hd_nng_close_by(sub, 2000);
}

/* Stop every thread that was started; 0 when all ended by the deadline. */
static int stop_threads(hd_consumer *c)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += STOP_DEADLINE_S;
	atomic_store(&c->stopping, 1);
	int late = 0;
	for (size_t i = 0; i < c->n; i++) {
		source_state *s = &c->sources[i];
		if (!s->puller_started)
			continue;
		hd_rpc_client_abort(s->rpc);
		wake_puller(s);
		late |= join_by(s->puller, &deadline) != 0;
	}
	hd_sub_recv_stop(&c->recv); /* after stopping is set */
	if (c->thread_started)
		late |= join_by(c->thread, &deadline) != 0;
	if (!late && c->sub.id) {
		hd_dial_keep_close(c->keep);
		c->keep = NULL;
		close_sub(c->sub);
	}
	return late;
}

int hd_consumer_start(hd_consumer **out, hd_store *store,
		      const hd_source *sources, size_t n, hd_apply_fn apply,
		      void *arg)
{
	*out = NULL;
	if (n == 0 || n > MAX_SOURCES)
		return HD_E_INVALID;
	hd_consumer *c = calloc(1, sizeof *c);
	if (!c)
		return HD_E_NOMEM;
	c->store = store;
	c->apply = apply;
	c->arg = arg;
	c->n = n;
	c->sources = calloc(n, sizeof *c->sources);
	int rc = c->sources ? hd_store_dbi(store, "__dead_events", &c->dead)
			    : HD_OK;
	if (rc == HD_OK)
		rc = c->sources ? hd_store_dbi(store, "__cursors", &c->cursors)
				: HD_E_NOMEM;
	for (size_t i = 0; c->sources && i < n; i++) {
		pthread_mutex_init(&c->sources[i].mu, NULL);
		pthread_cond_init(&c->sources[i].cond, NULL);
	}
	for (size_t i = 0; i < n && rc == HD_OK; i++) {
		source_state *s = &c->sources[i];
		s->c = c;
		s->src = sources[i];
		s->pull_max = HD_BUS_MAX_PULL;
		snprintf(s->key, sizeof s->key, "%s/%u", s->src.name,
			 s->src.shard);
		rc = hd_rpc_client_open(&s->rpc, s->src.rpc_url);
	}
	if (rc == HD_OK)
		rc = load_cursors(c);
	if (rc == HD_OK)
		rc = open_sub(c);
	c->live = hd_liveness_register("bus.consumer", 1);
	if (rc == HD_OK && pthread_create(&c->thread, NULL, consumer_main, c))
		rc = HD_E_NOMEM;
	c->thread_started = rc == HD_OK;
	for (size_t i = 0; i < n && rc == HD_OK; i++) {
		source_state *s = &c->sources[i];
		if (pthread_create(&s->puller, NULL, puller_main, s))
			rc = HD_E_NOMEM;
		s->puller_started = rc == HD_OK;
	}
	if (rc) {
		stop_threads(c);
		free_consumer(c);
		return rc;
	}
	*out = c;
	return HD_OK;
}

/* Consumers whose threads would not stop. Their threads may still run, so
 * their memory (and the store it points to) must stay; kept here it stays
 * reachable, which is the truth: LeakSanitizer does not call it a leak when
 * the process exits with it. */
static pthread_mutex_t abandoned_mu = PTHREAD_MUTEX_INITIALIZER;
static hd_consumer *volatile abandoned[8];
static size_t nabandoned;

static void abandon(hd_consumer *c)
{
	pthread_mutex_lock(&abandoned_mu);
	if (nabandoned < sizeof abandoned / sizeof abandoned[0])
		abandoned[nabandoned++] = c;
	pthread_mutex_unlock(&abandoned_mu);
}

int hd_consumer_stop(hd_consumer *c)
{
	if (!c)
		return HD_OK;
	if (stop_threads(c)) {
		/* Leave the threads and their memory: the process is exiting,
		 * and every applied event is already durable. */
		hd_warn("bus.stop_deadline",
			"msg=\"consumer did not stop in %ds; leaving it to "
			"the exit\"",
			STOP_DEADLINE_S);
		abandon(c);
		return HD_E_TIMEDOUT;
	}
	free_consumer(c);
	return HD_OK;
}

size_t hd_consumer_status(hd_consumer *c, hd_cursor_status *out, size_t max)
{
	for (size_t i = 0; i < c->n && i < max; i++) {
		snprintf(out[i].name, sizeof out[i].name, "%s",
			 c->sources[i].src.name);
		out[i].shard = c->sources[i].src.shard;
		out[i].applied = atomic_load(&c->sources[i].applied);
		out[i].failed = atomic_load(&c->sources[i].failed);
		out[i].announced = atomic_load(&c->sources[i].announced);
		out[i].incarnation = atomic_load(&c->sources[i].incarnation);
		out[i].reason = atomic_load(&c->sources[i].reason);
		out[i].pull_failures =
			atomic_load(&c->sources[i].pull_failures);
		out[i].pull_error = atomic_load(&c->sources[i].pull_error);
	}
	return c->n;
}

uint64_t hd_consumer_bad_frames(hd_consumer *c)
{
	return atomic_load(&c->bad_frames);
}
