/* Held events of unknown types; see hd/bus_held.h.
 *
 * Key layout of __held_events: "<source>/<shard>" ‖ u64 seq (big-endian) →
 * the encoded hd.Envelope, so a replay goes source by source in order. */
#include "hd/bus_held.h"

#include "common.pb-c.h"
#include "hd/buf.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/prom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HD_COUNTER(held_total, "hd_bus_events_held_total",
	   "Events of a type this build does not know, kept in "
	   "__held_events for a later version (never skipped).")
HD_COUNTER(unheld_total, "hd_bus_events_unheld_total",
	   "Held events applied at start by a build that knows their type.")

/* Every type a publisher of this build emits. A type missing here would be
 * held instead of applied: tests/integration/test_upgrade.py checks the
 * list against the hd_txn_emit_pb calls in services/. */
const char *const hd_event_types[] = {
	"address.verify",
	"call.recorded",
	"comment.created",
	"directory.memberships",
	"email.verification",
	"group.created",
	"group.deleted",
	"group.updated",
	"group_membership.created",
	"group_membership.deleted",
	"kb.card_expired",
	"kb.deflection",
	"kb.suggested",
	"organization.created",
	"organization.deleted",
	"organization.updated",
	"password.reset",
	"presence.changed",
	"rule.notification",
	"sla.achieved",
	"sla.breached",
	"schedule.deleted",
	"schedule.saved",
	"signin.link",
	"sla.warning",
	"ticket.created",
	"ticket.deleted",
	"ticket.updated",
	"ticket_field.deleted",
	"ticket_field.saved",
	"ticket_form.deleted",
	"ticket_form.saved",
	"trigger.created",
	"trigger.deleted",
	"trigger.reordered",
	"trigger.updated",
	"user.created",
	"user.deleted",
	"user.updated",
	NULL,
};

int hd_event_type_known(const char *type)
{
	for (size_t i = 0; hd_event_types[i]; i++)
		if (strcmp(hd_event_types[i], type) == 0)
			return 1;
	return 0;
}

static size_t held_key(uint8_t *key, size_t cap, const Hd__Envelope *ev)
{
	int n = snprintf((char *)key, cap - 8, "%s/%u", ev->source, ev->shard);
	size_t kl = n < 0 ? 0 : (size_t)n;
	if (kl > cap - 9)
		kl = cap - 9;
	hd_key_u64(key + kl, ev->seq);
	return kl + 8;
}

int hd_bus_hold(hd_txn *t, const Hd__Envelope *ev)
{
	MDB_dbi dbi;
	int rc = hd_store_dbi(t->store, "__held_events", &dbi);
	if (rc)
		return hd_txn_fail(t, rc);
	size_t n = hd__envelope__get_packed_size(ev);
	uint8_t *bytes = malloc(n ? n : 1), key[80];
	if (!bytes)
		return hd_txn_fail(t, HD_E_NOMEM);
	hd__envelope__pack(ev, bytes);
	rc = hd_txn_put(t, dbi, key, held_key(key, sizeof key, ev), bytes, n);
	free(bytes);
	if (rc == HD_OK) {
		hd_counter_add(&held_total, 1);
		hd_warn("bus.event_held",
			"source=%s/%u seq=%llu type=%.64s trace=%.64s "
			"msg=\"unknown event type kept in __held_events; a "
			"build that knows it applies it at start\"",
			ev->source, ev->shard, (unsigned long long)ev->seq,
			ev->type, ev->trace_id);
	}
	return rc;
}

typedef struct replay {
	hd_apply_fn apply;
	void *arg;
	const Hd__Envelope *ev;
	uint64_t applied, left;
} replay;

static int apply_held(hd_txn *t, void *arg)
{
	replay *r = arg;
	return r->apply(r->arg, t, r->ev);
}

/* Apply the held event under key k if its type is known now, and drop
 * it. Borrowed LMDB bytes are decoded before anything is written. */
static void replay_one(hd_txn *t, replay *r, MDB_dbi dbi, const MDB_val *k)
{
	MDB_val v;
	if (hd_txn_get(t, dbi, k->mv_data, k->mv_size, &v))
		return;
	Hd__Envelope *ev = hd__envelope__unpack(NULL, v.mv_size, v.mv_data);
	if (ev && hd_event_type_known(ev->type)) {
		r->ev = ev;
		if (hd_txn_nested(t, apply_held, r) == HD_OK &&
		    hd_txn_del(t, dbi, k->mv_data, k->mv_size) == HD_OK)
			r->applied++;
		else
			r->left++;
	} else {
		r->left++;
	}
	hd__envelope__free_unpacked(ev, NULL);
}

/* Keys are copied first: a parent transaction's cursor must not be used
 * across the child transactions the applies run in. */
static int replay_job(hd_txn *t, void *arg)
{
	replay *r = arg;
	MDB_dbi dbi;
	MDB_cursor *cur = NULL;
	hd_buf keys;
	hd_buf_init(&keys, (size_t)64 << 20);
	int rc = hd_store_dbi(t->store, "__held_events", &dbi);
	if (rc == HD_OK)
		rc = hd_err_from_mdb(mdb_cursor_open(t->txn, dbi, &cur));
	MDB_val k, v;
	for (int op = MDB_FIRST;
	     rc == HD_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
	     op = MDB_NEXT) {
		uint8_t kl = (uint8_t)k.mv_size;
		rc = hd_buf_append(&keys, &kl, 1);
		if (rc == HD_OK)
			rc = hd_buf_append(&keys, k.mv_data, kl);
	}
	if (cur)
		mdb_cursor_close(cur);
	for (size_t at = 0; rc == HD_OK && at < keys.len && !t->rc;) {
		MDB_val key = {(uint8_t)keys.data[at], keys.data + at + 1};
		replay_one(t, r, dbi, &key);
		at += 1 + key.mv_size;
	}
	hd_buf_release(&keys);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

int hd_bus_held_replay(hd_store *store, hd_apply_fn apply, void *arg,
		       uint64_t *applied, uint64_t *left)
{
	replay r = {.apply = apply, .arg = arg};
	int rc = hd_store_write(store, replay_job, &r);
	*applied = rc ? 0 : r.applied;
	*left = r.left;
	if (rc == HD_OK && r.applied) {
		hd_counter_add(&unheld_total, r.applied);
		hd_info("bus.held_applied", "applied=%llu still_held=%llu",
			(unsigned long long)r.applied,
			(unsigned long long)r.left);
	}
	return rc;
}
