/* The created_at index that lets a cursor list ordered by created_at start
 * at its cursor and stop at its page (tickets_list.c):
 *   tk_by_created  i64 created_at (sign bit flipped, BE) ‖ u64 id (BE)
 *                  → empty
 * One entry per ticket, put in the transaction that creates the ticket;
 * created_at never changes and tickets are never removed from "tickets"
 * (deletion is a flag), so the entry never moves. Stores written before the
 * index existed get it built once at start (tk_by_created_ensure). */
#include "tickets.h"

#include "hd/err.h"
#include "hd/log.h"

const char *const intake_tk_by_created_dbs[] = {"tk_by_created", "tk_lists",
						NULL};

void tk_by_created_key(uint8_t out[TK_BY_CREATED_KEY], int64_t created_at,
		       uint64_t id)
{
	hd_key_u64(out, (uint64_t)created_at ^ (UINT64_C(1) << 63));
	hd_key_u64(out + 8, id);
}

/* Every creation passes here (the API's write and the importer's), so the
 * new ticket's list entries (tickets_by_owner.c) are put here too. */
int tk_by_created_put(const intake *in, hd_txn *t, const Hd__Ticket *tk)
{
	uint8_t key[TK_BY_CREATED_KEY];
	tk_by_created_key(key, tk->created_at, tk->id);
	hd_txn_put(t, in->tk.by_created, key, sizeof key, "", 0);
	return tk_lists_update(in, t, NULL, tk);
}

typedef struct index_put {
	const intake *in;
	hd_txn *t;
	int (*put)(const intake *in, hd_txn *t, const Hd__Ticket *tk);
	uint64_t *n;
} index_put;

static int put_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	index_put *p = arg;
	Hd__Ticket *tk = hd__ticket__unpack(NULL, v->mv_size, v->mv_data);
	if (tk && !p->put(p->in, p->t, tk))
		(*p->n)++;
	hd__ticket__free_unpacked(tk, NULL);
	return p->t->rc ? HD_STOP : HD_OK;
}

int tk_index_rebuild(hd_txn *t, tk_rebuild *r, MDB_dbi index,
		     int (*put)(const intake *in, hd_txn *t,
				const Hd__Ticket *tk))
{
	const intake *in = r->in;
	if (mdb_drop(t->txn, index, 0))
		return hd_txn_fail(t, HD_E_IO);
	index_put p = {in, t, put, &r->built};
	int rc = hd_txn_foreach(t, in->tk.tickets, NULL, 0, put_one, &p);
	return t->rc ? t->rc : rc;
}

/* Empty the index and put every ticket's entry, in one write job. */
static int rebuild(hd_txn *t, void *arg)
{
	tk_rebuild *r = arg;
	return tk_index_rebuild(t, r, r->in->tk.by_created, tk_by_created_put);
}

int tk_by_created_ensure(intake *in)
{
	uint64_t tickets = 0, entries = 0;
	tk_rebuild r = {in, 0};
	int rc = hd_store_count(in->store, in->tk.tickets, &tickets);
	if (!rc)
		rc = hd_store_count(in->store, in->tk.by_created, &entries);
	if (rc || tickets == entries)
		return rc;
	rc = hd_store_write(in->store, rebuild, &r);
	if (rc)
		hd_error("tickets.by_created_failed", "err=%s", hd_errname(rc));
	else
		hd_info("tickets.by_created_built", "tickets=%llu",
			(unsigned long long)r.built);
	return rc;
}
