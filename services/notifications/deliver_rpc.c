/* Delivery history RPCs (admins only): webhooks.invocations (a lane's
 * deliveries, newest first), webhooks.attempts (one delivery's attempts),
 * webhooks.dead_letters, and webhooks.replay (a dead letter back into the
 * outbox: same delivery id, so receivers still de-duplicate; its retry
 * horizon starts again). */
#include "notifications.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

typedef struct ids {
	uint64_t *v;
	size_t n;
} ids;

static int collect(void *arg, const MDB_val *k, const MDB_val *v)
{
	ids *s = arg;
	(void)v;
	uint64_t *grown = realloc(s->v, (s->n + 1) * sizeof *grown);
	if (!grown)
		return HD_E_NOMEM;
	s->v = grown;
	s->v[s->n++] = hd_key_get_u64((const uint8_t *)k->mv_data + 32);
	return 0;
}

static Hd__DeliveryQuery *decode_query(const hd_rpc_req *req, hd_rpc_rep *rep,
				       int *rc)
{
	*rc = req->principal.role == HD__USER_ROLE__ROLE_ADMIN
		      ? HD_OK
		      : hd_rpc_fail(rep, HD_E_FORBIDDEN, "", "admins only");
	if (*rc)
		return NULL;
	Hd__DeliveryQuery *q =
		hd__delivery_query__unpack(NULL, req->len, req->payload);
	if (!q)
		*rc = hd_rpc_fail(rep, HD_E_DECODE, "", "bad request");
	return q;
}

/* Deliveries of webhook q->webhook_id indexed in dbi, newest first. */
static int list(notify *n, MDB_dbi dbi, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	int rc;
	Hd__DeliveryQuery *q = decode_query(req, rep, &rc);
	if (!q)
		return rc;
	uint8_t prefix[40];
	ids s = {0};
	Hd__DeliveryList l = HD__DELIVERY_LIST__INIT;
	unsigned limit = q->limit && q->limit <= 100 ? q->limit : 100;
	hd_txn t;
	notify_lane_key(prefix, q->webhook_id, 0);
	rc = hd_store_read(n->store, &t);
	if (!rc)
		rc = hd_txn_foreach(&t, dbi, prefix, 32, collect, &s);
	l.deliveries = calloc(limit, sizeof *l.deliveries);
	if (!l.deliveries && !rc)
		rc = HD_E_NOMEM;
	for (size_t i = s.n; i-- > 0 && !rc;) {
		if (q->before_id && s.v[i] >= q->before_id)
			continue;
		if (l.n_deliveries == limit) {
			l.has_more = 1;
			break;
		}
		Hd__Delivery *d = NULL;
		if (notify_get_pb_u64(&t, n->deliveries, s.v[i],
				      &hd__delivery__descriptor,
				      (void **)&d) == HD_OK)
			l.deliveries[l.n_deliveries++] = d;
	}
	hd_txn_end(&t);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	for (size_t i = 0; i < l.n_deliveries; i++)
		hd__delivery__free_unpacked(l.deliveries[i], NULL);
	free(l.deliveries);
	free(s.v);
	hd__delivery_query__free_unpacked(q, NULL);
	return rc;
}

static int invocations(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	return list(n, n->by_lane, req, rep);
}

static int dead_letters(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	return list(n, n->dead, req, rep);
}

typedef struct attempts_state {
	Hd__AttemptList *l;
} attempts_state;

static int attempt_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	Hd__AttemptList *l = arg;
	(void)k;
	Hd__Attempt *a = hd__attempt__unpack(NULL, v->mv_size, v->mv_data);
	Hd__Attempt **grown =
		a ? realloc(l->attempts, (l->n_attempts + 1) * sizeof *grown)
		  : NULL;
	if (!grown) {
		hd__attempt__free_unpacked(a, NULL);
		return a ? HD_E_NOMEM : 0;
	}
	l->attempts = grown;
	l->attempts[l->n_attempts++] = a;
	return 0;
}

static int attempts(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	int rc;
	Hd__DeliveryQuery *q = decode_query(req, rep, &rc);
	if (!q)
		return rc;
	Hd__Delivery *d = NULL;
	Hd__AttemptList l = HD__ATTEMPT_LIST__INIT;
	uint8_t prefix[8];
	hd_txn t;
	hd_key_u64(prefix, q->delivery_id);
	rc = hd_store_read(n->store, &t);
	if (!rc)
		rc = notify_get_pb_u64(&t, n->deliveries, q->delivery_id,
				       &hd__delivery__descriptor, (void **)&d);
	if (!rc && strcmp(d->lane, q->webhook_id) != 0)
		rc = HD_E_NOTFOUND;
	if (!rc)
		rc = hd_txn_foreach(&t, n->attempts, prefix, 8, attempt_one,
				    &l);
	hd_txn_end(&t);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	else
		hd_rpc_fail(rep, rc, "", "invocation not found");
	for (size_t i = 0; i < l.n_attempts; i++)
		hd__attempt__free_unpacked(l.attempts[i], NULL);
	free(l.attempts);
	hd__delivery__free_unpacked(d, NULL);
	hd__delivery_query__free_unpacked(q, NULL);
	return rc;
}

typedef struct replay_job {
	notify *n;
	const Hd__DeliveryQuery *q;
	Hd__Delivery *d;
} replay_job;

static int replay_fn(hd_txn *t, void *arg)
{
	replay_job *j = arg;
	uint8_t lk[40];
	MDB_val v;
	notify_lane_key(lk, j->q->webhook_id, j->q->delivery_id);
	int rc = hd_txn_get(t, j->n->dead, lk, 40, &v);
	if (!rc)
		rc = notify_get_pb_u64(t, j->n->deliveries, j->q->delivery_id,
				       &hd__delivery__descriptor,
				       (void **)&j->d);
	if (rc)
		return rc;
	hd_txn_del(t, j->n->dead, lk, 40);
	j->d->created_at = j->d->next_at = hd_wall_ms();
	j->d->completed_at = 0;
	rc = hd_pb_set_string(&j->d->status, "pending");
	return rc ? rc : notify_enqueue(j->n, t, j->d);
}

static int replay(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	notify *n = ctx;
	int rc;
	Hd__DeliveryQuery *q = decode_query(req, rep, &rc);
	if (!q)
		return rc;
	replay_job j = {n, q, NULL};
	rc = hd_store_write(n->store, replay_fn, &j);
	if (!rc) {
		rc = hd_pb_pack(&rep->payload, j.d);
		notify_sender_kick(n);
	} else {
		hd_rpc_fail(rep, rc, "", "dead letter not found");
	}
	hd__delivery__free_unpacked(j.d, NULL);
	hd__delivery_query__free_unpacked(q, NULL);
	return rc;
}

const hd_rpc_route notify_delivery_routes[] = {
	{"webhooks.invocations", invocations},
	{"webhooks.attempts", attempts},
	{"webhooks.dead_letters", dead_letters},
	{"webhooks.replay", replay},
	{NULL, NULL},
};
