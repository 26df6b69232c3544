/* Which deliveries start now. One pass walks the queue index
 * (deliver_index.c) lane by lane, starting after the lane where the previous
 * pass ran out of transfer slots, so every destination gets its turn:
 *   an ordered lane (webhook, chat) sends only its head, once it is due and
 *   nothing of the lane is in flight (a receiver gets its events in order);
 *   the mail lane sends its due rows, earliest first, up to the SMTP
 *   server's share of the slots.
 * A destination whose circuit is open is skipped with one seek past its
 * lane: its rows are neither read nor counted as new failures. */
#include "deliver.h"

#include "hd/err.h"

#include <string.h>

/* Rows looked at per pass: bounds one pass however long the outbox gets. */
#define PASS_ROWS 5000

typedef struct pass {
	notify_sender *s;
	hd_txn *t;
	MDB_cursor *cur;
	int64_t now;
	unsigned rows;
} pass;

static int lane_in_flight(const notify_sender *s, const char *lane)
{
	for (size_t i = 0; i < s->nx; i++)
		if (strcmp(s->x[i]->lane, lane) == 0)
			return 1;
	return 0;
}

static int id_in_flight(const notify_sender *s, uint64_t id)
{
	for (size_t i = 0; i < s->nx; i++)
		if (s->x[i]->d->id == id)
			return 1;
	return 0;
}

/* Is the destination of a destination-known lane unavailable now? A
 * webhook lane is named by its webhook, so its host is known without
 * reading the delivery; a chat lane's host is checked once built. */
static int lane_blocked(pass *p, const char *lane)
{
	notify_sender *s = p->s;
	Hd__Webhook *w = NULL;
	char host[256];
	if (strncmp(lane, "chat:", 5) == 0)
		return 0;
	if (notify_get_pb(p->t, s->n->webhooks, lane, strlen(lane),
			  &hd__webhook__descriptor, (void **)&w))
		return 0; /* deleted: the head goes to the dead letters */
	notify_url_host(w->endpoint, host, sizeof host);
	hd__webhook__free_unpacked(w, NULL);
	return notify_breaker_blocked(&s->breakers, host, p->now) ||
	       notify_host_busy(s, host) >= notify_host_cap(s);
}

static void start_id(pass *p, uint64_t id, int *started)
{
	Hd__Delivery *d = NULL;
	*started = -1;
	if (notify_get_pb_u64(p->t, p->s->n->deliveries, id,
			      &hd__delivery__descriptor, (void **)&d) == HD_OK)
		*started = notify_xfer_start(p->s, p->t, d); /* takes d */
	else
		hd__delivery__free_unpacked(d, NULL);
}

static void visit_ordered(pass *p, const char *lane, const MDB_val *k,
			  const MDB_val *v)
{
	int started;
	p->rows++;
	if (v->mv_size != 8 || lane_in_flight(p->s, lane) ||
	    (int64_t)hd_key_get_u64(v->mv_data) > p->now ||
	    lane_blocked(p, lane))
		return;
	start_id(p, hd_key_get_u64((const uint8_t *)k->mv_data + 40), &started);
}

/* The mail lane: rank is next_at, so the walk stops at the first row not
 * yet due. */
static void visit_mail(pass *p, MDB_val *k, MDB_val *v)
{
	notify_sender *s = p->s;
	static const uint8_t zero[32];
	size_t busy = notify_host_busy(s, s->smtp_host);
	if (notify_breaker_blocked(&s->breakers, s->smtp_host, p->now)) {
		p->rows++;
		return;
	}
	int mrc = 0;
	/* raw cursor: seeks past whole lanes, wraps around */
	for (; mrc == 0 && k->mv_size == NOTIFY_QKEY &&
	       memcmp(k->mv_data, zero, 32) == 0 && busy < notify_host_cap(s) &&
	       notify_sender_room(s) && p->rows < PASS_ROWS;
	     mrc = mdb_cursor_get(p->cur, k, v, MDB_NEXT)) {
		const uint8_t *key = k->mv_data;
		p->rows++;
		if ((int64_t)hd_key_get_u64(key + 32) > p->now)
			break;
		uint64_t id = hd_key_get_u64(key + 40);
		if (id_in_flight(s, id))
			continue;
		int started;
		start_id(p, id, &started);
		if (started < 0)
			break; /* breaker or cap said no: later */
		busy += (size_t)started;
	}
}

/* Position the cursor on the first key at or after lane + fill. */
static int seek(MDB_cursor *cur, uint8_t buf[NOTIFY_QKEY], int fill, MDB_val *k,
		MDB_val *v)
{
	memset(buf + 32, fill, NOTIFY_QKEY - 32);
	*k = (MDB_val){NOTIFY_QKEY, buf};
	/* raw cursor: seeks past whole lanes, wraps around */
	return mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
}

static void walk(pass *p)
{
	notify_sender *s = p->s;
	uint8_t start[NOTIFY_QKEY], next[NOTIFY_QKEY];
	char lane[33];
	MDB_val k, v;
	int wrapped = 0;
	memcpy(start, s->resume, sizeof start);
	memcpy(next, start, sizeof next);
	k = (MDB_val){NOTIFY_QKEY, next};
	/* raw cursor: seeks past whole lanes, wraps around */
	int mrc = mdb_cursor_get(p->cur, &k, &v, MDB_SET_RANGE);
	while (notify_sender_room(s) && p->rows < PASS_ROWS) {
		if (mrc == MDB_NOTFOUND && !wrapped) {
			wrapped = 1; /* the lanes before where we started */
			/* raw cursor: seeks past whole lanes, wraps around */
			mrc = mdb_cursor_get(p->cur, &k, &v, MDB_FIRST);
			continue;
		}
		if (mrc || k.mv_size != NOTIFY_QKEY ||
		    (wrapped && memcmp(k.mv_data, start, NOTIFY_QKEY) >= 0))
			break;
		memcpy(lane, k.mv_data, 32);
		lane[32] = '\0';
		memcpy(next, k.mv_data, 32);
		if (lane[0])
			visit_ordered(p, lane, &k, &v);
		else
			visit_mail(p, &k, &v);
		/* Resume after this lane: the next pass serves the others
		 * first when this one ran out of slots. */
		memset(s->resume, 0, sizeof s->resume);
		memcpy(s->resume, next, 32);
		memset(s->resume + 32, 0xFF, NOTIFY_QKEY - 32);
		mrc = seek(p->cur, next, 0xFF, &k, &v);
	}
}

void notify_schedule(notify_sender *s)
{
	hd_txn t;
	MDB_cursor *cur = NULL;
	if (hd_store_read(s->n->store, &t))
		return;
	if (mdb_cursor_open(t.txn, s->n->queue, &cur) == 0) {
		pass p = {s, &t, cur, hd_wall_ms(), 0};
		walk(&p);
		mdb_cursor_close(cur);
	}
	hd_txn_end(&t);
}
