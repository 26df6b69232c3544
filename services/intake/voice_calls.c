/* Call records: storing one with its indexes (live_call_put), listing this
 * shard's records by ticket, agent and time (voice.calls), and finding the
 * user behind a phone number on the directory shard (voice.caller). Lists
 * walk an index prefix (or every record) and sort newest first. */
#include "live.h"
#include "users.h"
#include "vec.h"

#include "hd/call_order.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/phone.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LIST 10100

int live_call_put(hd_txn *t, intake *in, Hd__CallRecord *rec, const char *trace)
{
	uint8_t seq[8], key[16];
	int rc = intake_next_id(t, in, "next_call", &rec->seq);
	if (rc)
		return rc;
	hd_key_u64(seq, rec->seq);
	intake_put_pb(t, in->live.calls, rec->seq, rec);
	hd_txn_put(t, in->live.call_ids, rec->call_id, strlen(rec->call_id),
		   seq, 8);
	hd_key_u64(key, rec->ticket_id);
	memcpy(key + 8, seq, 8);
	hd_txn_put(t, in->live.by_ticket, key, 16, "", 0);
	if (rec->agent_id) {
		hd_key_u64(key, rec->agent_id);
		hd_txn_put(t, in->live.by_agent, key, 16, "", 0);
	}
	return t->rc ? t->rc : hd_txn_emit_pb(t, "call.recorded", rec, trace);
}

typedef struct call_rows {
	MDB_dbi calls; /* in->live.calls */
	Hd__CallRecord **v;
	size_t n, cap;
	uint64_t count; /* every match, kept or not */
	const Hd__CallListRequest *q;
} call_rows;

static int keep(hd_txn *t, call_rows *rows, uint64_t seq)
{
	Hd__CallRecord *c = NULL;
	int rc = hd_txn_get_pb_id(t, rows->calls, seq,
				  &hd__call_record__descriptor, (void **)&c);
	if (rc)
		return rc;
	const Hd__CallListRequest *q = rows->q;
	if ((q->ticket_id && c->ticket_id != q->ticket_id) ||
	    (q->agent_id && c->agent_id != q->agent_id) ||
	    (q->start_time && c->started_at < q->start_time) ||
	    (q->end_time && c->started_at >= q->end_time)) {
		hd__call_record__free_unpacked(c, NULL);
		return HD_OK;
	}
	rows->count++;
	if (rows->n >= MAX_LIST) { /* past any page a client may ask for */
		hd__call_record__free_unpacked(c, NULL);
		return HD_OK;
	}
	rc = intake_vec_room(&rows->v, &rows->cap, rows->n, sizeof *rows->v,
			     64);
	if (rc)
		hd__call_record__free_unpacked(c, NULL);
	else
		rows->v[rows->n++] = c;
	return rc;
}

typedef struct row_walk {
	hd_txn *t;
	call_rows *rows;
	size_t skip; /* bytes before the record's seq: the prefix */
} row_walk;

static int row_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	row_walk *w = arg;
	if (k->mv_size != w->skip + 8)
		return w->skip ? HD_STOP : HD_OK;
	return keep(w->t, w->rows,
		    hd_key_get_u64((const uint8_t *)k->mv_data + w->skip));
}

/* Every record under the 8-byte prefix of an index (or, with dbi = calls
 * and no prefix, every record). */
static int walk(hd_txn *t, MDB_dbi dbi, const uint8_t *prefix, call_rows *rows)
{
	row_walk w = {t, rows, prefix ? 8 : 0};
	return hd_txn_foreach(t, dbi, prefix, w.skip, row_one, &w);
}

int live_rpc_calls(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	if (!intake_is_staff(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only agents and admins see call records");
	Hd__CallListRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__call_list_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	call_rows rows = {.calls = in->live.calls, .q = q};
	uint8_t prefix[8];
	hd_txn t;
	int rc = hd_store_read(in->store, &t);
	if (!rc) {
		hd_key_u64(prefix, q->ticket_id ? q->ticket_id : q->agent_id);
		rc = q->ticket_id  ? walk(&t, in->live.by_ticket, prefix, &rows)
		     : q->agent_id ? walk(&t, in->live.by_agent, prefix, &rows)
				   : walk(&t, in->live.calls, NULL, &rows);
		hd_txn_end(&t);
	}
	if (!rc) {
		if (rows.n)
			qsort(rows.v, rows.n, sizeof *rows.v,
			      hd_call_newest_first);
		Hd__CallList l = HD__CALL_LIST__INIT;
		l.calls = rows.v;
		l.n_calls = rows.n < q->limit ? rows.n : q->limit;
		l.count = rows.count;
		rc = hd_pb_pack(&rep->payload, &l);
	}
	for (size_t i = 0; i < rows.n; i++)
		hd__call_record__free_unpacked(rows.v[i], NULL);
	free(rows.v);
	hd__call_list_request__free_unpacked(q, NULL);
	return rc;
}

typedef struct phone_find {
	const char *want;
	Hd__User **out;
} phone_find;

static int phone_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	phone_find *f = arg;
	Hd__User *u = hd__user__unpack(NULL, v->mv_size, v->mv_data);
	char norm[HD_PHONE_MAX];
	if (u && !u->deleted && u->phone[0] && hd_phone_norm(u->phone, norm) &&
	    strcmp(norm, f->want) == 0) {
		*f->out = u;
		return HD_STOP;
	}
	hd__user__free_unpacked(u, NULL);
	return HD_OK;
}

/* The first live user whose phone has the same normal form. A scan of the
 * users table: the directory keeps no phone index yet. */
static int by_phone(const intake *in, hd_txn *t, const char *want,
		    Hd__User **out)
{
	phone_find f = {want, out};
	int rc = hd_txn_foreach(t, in->dir.users, NULL, 0, phone_one, &f);
	return rc ? rc : *out ? HD_OK : HD_E_NOTFOUND;
}

int live_rpc_caller(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	if (in->shard != INTAKE_DIRECTORY_SHARD ||
	    !intake_is_staff(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "voice.caller: staff, directory shard");
	Hd__PhoneLookup *pl =
		hd__phone_lookup__unpack(NULL, req->len, req->payload);
	char norm[HD_PHONE_MAX];
	if (!pl || !hd_phone_norm(pl->phone, norm)) {
		hd__phone_lookup__free_unpacked(pl, NULL);
		return hd_rpc_fail(rep, HD_E_INVALID, "phone",
				   "phone: not a phone number");
	}
	hd__phone_lookup__free_unpacked(pl, NULL);
	Hd__User *u = NULL;
	hd_txn t;
	int rc = hd_store_read(in->store, &t);
	if (!rc) {
		rc = by_phone(in, &t, norm, &u);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, u);
	hd__user__free_unpacked(u, NULL);
	return rc;
}
