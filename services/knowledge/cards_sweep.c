/* The expiry sweep: a tick job (main.c's ticks) that every HD_CARD_SWEEP_MS
 * of wall time, in one group commit, turns every verified card whose
 * next_verification_at has passed in business time (hd_now_ms) into
 * needs_verification and emits kb.card_expired for it. The state change and
 * the event share the transaction and the card leaves the due index, so
 * each expiry is announced exactly once. */
#include "cards.h"

#include "alerts.pb-c.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/store_pb.h"

#include <string.h>

#define MAX_PER_SWEEP 500 /* the rest wait for the next sweep */

const hd_cfg_opt kb_cards_opts[KB_CARDS_NOPTS] = {
	{"HD_CARD_SWEEP_MS", "--card-sweep-ms", "60000",
	 "how often (ms, wall time) overdue knowledge cards are expired"},
};

static int emit_expired(hd_txn *t, const Hd__Card *card, int64_t due)
{
	Hd__CardExpired ev = HD__CARD_EXPIRED__INIT;
	ev.card_id = card->id;
	ev.title = card->title;
	ev.owner_id = card->owner_id;
	ev.verifier_user_id = card->verifier_user_id;
	ev.verifier_group_id = card->verifier_group_id;
	ev.due_at = due;
	return hd_txn_emit_pb(t, "kb.card_expired", &ev, NULL);
}

static int expire(hd_txn *t, kb_cards *c, uint64_t id, int64_t due)
{
	Hd__Card *card = NULL;
	int rc = kb_card_get(t, c, id, &card);
	if (rc == HD_E_NOTFOUND) /* an index entry without its card */
		return hd_txn_fail(t, HD_E_CORRUPT);
	if (!rc && hd_pb_set_string(&card->state, KB_CARD_STATE_NEEDS))
		rc = hd_txn_fail(t, HD_E_NOMEM);
	if (!rc)
		rc = kb_card_put(t, c, due, card);
	if (!rc)
		rc = emit_expired(t, card, due);
	hd__card__free_unpacked(card, NULL);
	return rc;
}

typedef struct sweep_job {
	kb_cards *c;
	uint64_t expired;
} sweep_job;

typedef struct due_list {
	int64_t now;
	uint64_t ids[MAX_PER_SWEEP];
	int64_t dues[MAX_PER_SWEEP];
	size_t n;
} due_list;

static int due_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	due_list *d = arg;
	if (k->mv_size != 16)
		return HD_E_CORRUPT;
	int64_t due = (int64_t)hd_key_get_u64(k->mv_data);
	if (due > d->now || d->n >= MAX_PER_SWEEP)
		return HD_STOP;
	d->dues[d->n] = due;
	d->ids[d->n++] = hd_key_get_u64((const uint8_t *)k->mv_data + 8);
	return HD_OK;
}

static int sweep_write(hd_txn *t, void *arg)
{
	sweep_job *j = arg;
	int64_t now = hd_now_ms();
	due_list d = {.now = now};
	/* Collect first: expiring deletes from the index being walked. */
	int rc = hd_txn_foreach(t, j->c->due, NULL, 0, due_one, &d);
	if (rc)
		rc = hd_txn_fail(t, rc);
	uint64_t *ids = d.ids;
	int64_t *dues = d.dues;
	size_t n = d.n;
	for (size_t i = 0; i < n && !rc; i++)
		rc = expire(t, j->c, ids[i], dues[i]);
	j->expired = rc ? 0 : n;
	return rc ? rc : t->rc;
}

int kb_cards_sweep_once(kb_cards *c, uint64_t *expired)
{
	sweep_job j = {c, 0};
	int rc = hd_store_write(c->store, sweep_write, &j);
	*expired = j.expired;
	return rc;
}

int kb_cards_sweep_tick(hd_svc *svc, void *ctx)
{
	(void)svc;
	kb *k = ctx;
	uint64_t n = 0;
	int rc = kb_cards_sweep_once(k->cards, &n);
	if (!rc && n)
		hd_info("cards.expired", "count=%llu", (unsigned long long)n);
	return rc;
}
