/* The incremental ticket export (API.md §12) from metrics' own copy of
 * every ticket, ordered by the ticket's latest stamp (its updated_at):
 * mc_export holds stamp ‖ id → the hd.Ticket bytes intake published, and
 * mc_export_at each ticket's current key, so a ticket appears once, at its
 * newest state. Deleted tickets stay (flagged by the gateway). A cursor is
 * the hex of the last key read; a start_time is the cursor "(start, 0)". */
#include "mc.h"

#include "hd/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mc_export_put(hd_txn *t, const mc_db *db, const Hd__Ticket *tk,
		  const Hd__Envelope *ev)
{
	uint8_t id[8], key[16];
	MDB_val old;
	int64_t stamp = tk->updated_at ? tk->updated_at : tk->created_at;
	hd_key_u64(id, tk->id);
	if (hd_txn_get(t, db->exp_at, id, 8, &old) == HD_OK &&
	    old.mv_size == 8) {
		int64_t was = (int64_t)hd_key_get_u64(old.mv_data);
		if (was > stamp)
			stamp = was; /* a stamp never goes back */
		hd_key_u64(key, (uint64_t)was);
		memcpy(key + 8, id, 8);
		hd_txn_del(t, db->exp, key, sizeof key);
	}
	hd_key_u64(key, (uint64_t)stamp);
	memcpy(key + 8, id, 8);
	hd_txn_put(t, db->exp, key, sizeof key, ev->payload.data,
		   ev->payload.len);
	return hd_txn_put(t, db->exp_at, id, 8, key, 8);
}

/* "<16 hex stamp><16 hex id>" ↔ a key. */
static int cursor_read(const char *s, uint8_t key[16])
{
	if (strlen(s) != 32)
		return HD_E_INVALID;
	for (int i = 0; i < 2; i++) {
		uint64_t v = 0;
		for (int j = 0; j < 16; j++) {
			char c = s[i * 16 + j];
			int d = c >= '0' && c <= '9'   ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
						       : -1;
			if (d < 0)
				return HD_E_INVALID;
			v = v << 4 | (uint64_t)d;
		}
		hd_key_u64(key + i * 8, v);
	}
	return HD_OK;
}

static char *cursor_make(const uint8_t key[16])
{
	char *s = malloc(33);
	if (s)
		snprintf(s, 33, "%016" PRIx64 "%016" PRIx64,
			 hd_key_get_u64(key), hd_key_get_u64(key + 8));
	return s;
}

static int add_ticket(Hd__McAnswer *a, const MDB_val *k, const MDB_val *v)
{
	size_t n = a->n_tickets;
	ProtobufCBinaryData *tv = realloc(a->tickets, (n + 1) * sizeof *tv);
	if (!tv)
		return HD_E_NOMEM;
	a->tickets = tv;
	int64_t *sv = realloc(a->stamps, (n + 1) * sizeof *sv);
	if (!sv)
		return HD_E_NOMEM;
	a->stamps = sv;
	uint8_t *copy = malloc(v->mv_size ? v->mv_size : 1);
	if (!copy)
		return HD_E_NOMEM;
	memcpy(copy, v->mv_data, v->mv_size);
	tv[n] = (ProtobufCBinaryData){v->mv_size, copy};
	sv[n] = (int64_t)hd_key_get_u64(k->mv_data);
	a->n_tickets = a->n_stamps = n + 1;
	return HD_OK;
}

typedef struct export_page {
	Hd__McAnswer *a;
	const Hd__McQuery *q;
	const uint8_t *from;
	uint8_t *last;
	int64_t cutoff;
} export_page;

static int export_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	export_page *p = arg;
	if (k->mv_size != 16)
		return HD_STOP;
	if (!memcmp(k->mv_data, p->from, 16))
		return HD_OK; /* strictly after the cursor */
	if ((int64_t)hd_key_get_u64(k->mv_data) >= p->cutoff)
		return HD_STOP;
	if (p->a->n_tickets >= p->q->limit) {
		p->a->has_more = true;
		return HD_STOP;
	}
	memcpy(p->last, k->mv_data, 16);
	return add_ticket(p->a, k, v);
}

int mc_export_query(hd_txn *t, const mc_db *db, const Hd__McQuery *q,
		    int64_t now_ms, Hd__McAnswer *a)
{
	uint8_t from[16] = {0}, last[16];
	int rc = HD_OK;
	if (q->cursor[0])
		rc = cursor_read(q->cursor, from);
	else
		hd_key_u64(from, (uint64_t)(q->start_ms > 0 ? q->start_ms : 0));
	if (rc)
		return rc;
	memcpy(last, from, 16);
	/* Changes of the last minute are left for the next call (Zendesk's
	 * rule): a slower shard may still add stamps there. */
	int64_t cutoff = now_ms - 60000;
	export_page p = {a, q, from, last, cutoff};
	rc = hd_txn_foreach_from(t, db->exp, NULL, 0, from, 16, false,
				 export_one, &p);
	a->count = a->n_tickets;
	a->end_ms = (int64_t)hd_key_get_u64(last);
	if (!rc && !(a->after_cursor = cursor_make(last)))
		rc = HD_E_NOMEM;
	return rc;
}
