/* The list index that lets every ticket list in id order (/tickets, a
 * requester's, an assignee's, an organization's, the deleted list) read
 * only the tickets of its page (tickets_list.c):
 *   tk_lists  list (1 byte) ‖ owner id (u64 BE) ‖ ticket id (u64 BE) → empty
 *             list 'a' every live ticket (owner 0), 'd' every deleted one
 *             (owner 0), 'r' by requester, 'g' by assignee, 'o' by
 *             organization (live tickets only; owner 0 = none)
 *   tk_lists  '#' ‖ list ‖ owner id (u64 BE) → u64 BE entries (the count)
 * Kept in the transaction that writes the ticket: tk_by_created_put (every
 * creation, the API's and the importer's) puts a new ticket's entries and
 * tk_lists_update moves a changed one's. Stores written before the index
 * existed get it built once at start (tk_lists_ensure). */
#include "tickets.h"

#include "hd/err.h"
#include "hd/log.h"

#include <string.h>

#define BUILT_KEY "#built_v1"

static void count_add(const intake *in, hd_txn *t, char list, uint64_t owner,
		      int delta)
{
	uint8_t key[10], v[8];
	MDB_val cur;
	uint64_t n = 0;
	key[0] = '#';
	key[1] = (uint8_t)list;
	hd_key_u64(key + 2, owner);
	if (hd_txn_get(t, in->tk.lists, key, sizeof key, &cur) == HD_OK &&
	    cur.mv_size == 8)
		n = hd_key_get_u64(cur.mv_data);
	n = delta > 0 ? n + 1 : n ? n - 1 : 0;
	hd_key_u64(v, n);
	hd_txn_put(t, in->tk.lists, key, sizeof key, v, sizeof v);
}

static void entry(const intake *in, hd_txn *t, char list, uint64_t owner,
		  uint64_t id, int add)
{
	uint8_t key[TK_LISTS_KEY];
	tk_lists_key(key, list, owner, id);
	if (t->rc)
		return;
	MDB_val k = {sizeof key, key}, v = {0, ""};
	int mrc = add ? mdb_put(t->txn, in->tk.lists, &k, &v, MDB_NOOVERWRITE)
		      : mdb_del(t->txn, in->tk.lists, &k, NULL);
	if (mrc == 0)
		count_add(in, t, list, owner, add ? 1 : -1);
	else if (mrc != MDB_KEYEXIST && mrc != MDB_NOTFOUND)
		hd_txn_fail(t, hd_err_from_mdb(mrc));
}

void tk_lists_key(uint8_t out[TK_LISTS_KEY], char list, uint64_t owner,
		  uint64_t id)
{
	out[0] = (uint8_t)list;
	hd_key_u64(out + 1, owner);
	hd_key_u64(out + 9, id);
}

/* Every entry of tk (add 1) or removed (add 0). */
static void entries(const intake *in, hd_txn *t, const Hd__Ticket *tk, int add)
{
	if (tk->deleted) {
		entry(in, t, 'd', 0, tk->id, add);
		return;
	}
	entry(in, t, 'a', 0, tk->id, add);
	entry(in, t, 'r', tk->requester_id, tk->id, add);
	entry(in, t, 'g', tk->assignee_id, tk->id, add);
	entry(in, t, 'o', tk->organization_id, tk->id, add);
}

int tk_lists_update(const intake *in, hd_txn *t, const Hd__Ticket *before,
		    const Hd__Ticket *tk)
{
	if (before && tk && before->deleted == tk->deleted &&
	    before->requester_id == tk->requester_id &&
	    before->assignee_id == tk->assignee_id &&
	    before->organization_id == tk->organization_id)
		return t->rc; /* no list changes */
	if (before)
		entries(in, t, before, 0);
	if (tk)
		entries(in, t, tk, 1);
	return t->rc;
}

int tk_lists_count(const intake *in, hd_txn *t, char list, uint64_t owner,
		   uint64_t *n)
{
	uint8_t key[10];
	MDB_val v;
	key[0] = '#';
	key[1] = (uint8_t)list;
	hd_key_u64(key + 2, owner);
	*n = 0;
	int rc = hd_txn_get(t, in->tk.lists, key, sizeof key, &v);
	if (rc == HD_OK && v.mv_size == 8)
		*n = hd_key_get_u64(v.mv_data);
	return rc == HD_E_NOTFOUND ? HD_OK : rc;
}

int tk_lists_ready(const intake *in, hd_txn *t)
{
	MDB_val v;
	return hd_txn_get(t, in->tk.lists, BUILT_KEY, strlen(BUILT_KEY), &v) ==
	       HD_OK;
}

static int put_new(const intake *in, hd_txn *t, const Hd__Ticket *tk)
{
	return tk_lists_update(in, t, NULL, tk);
}

static int rebuild(hd_txn *t, void *arg)
{
	tk_rebuild *r = arg;
	const intake *in = r->in;
	int rc = tk_index_rebuild(t, r, in->tk.lists, put_new);
	if (!rc) /* every ticket is in: the lists may answer from now on */
		hd_txn_put(t, in->tk.lists, BUILT_KEY, strlen(BUILT_KEY), "1",
			   1);
	return rc ? rc : t->rc;
}

int tk_lists_ensure(intake *in)
{
	hd_txn t;
	tk_rebuild r = {in, 0};
	int rc = hd_store_read(in->store, &t);
	if (rc)
		return rc;
	int ready = tk_lists_ready(in, &t);
	hd_txn_end(&t);
	if (ready)
		return HD_OK;
	rc = hd_store_write(in->store, rebuild, &r);
	if (rc)
		hd_error("tickets.lists_failed", "err=%s", hd_errname(rc));
	else
		hd_info("tickets.lists_built", "tickets=%llu",
			(unsigned long long)r.built);
	return rc;
}
