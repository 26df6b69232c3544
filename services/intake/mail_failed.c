/* The failed-mail store: every message the pipeline could not turn into a
 * ticket or comment is kept whole, with the reason, until an admin has it
 * reprocessed. Key layout (directory shard):
 *   mail_failed      u64 id → hd.MailFailed (without raw)
 *   mail_failed_raw  u64 id → the message's bytes
 * Entries are never deleted; a reprocessed one is marked processed. */
#include "mail.h"
#include "tickets.h"

#include "email.pb-c.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/prom.h"
#include "user.pb-c.h"

#include <stdlib.h>
#include <string.h>

HD_COUNTER(c_failed, "hd_mail_failed_total",
	   "inbound mail kept in (or kept again in) the failed-mail store")

typedef struct put_job {
	intake *in;
	const uint8_t *raw;
	size_t len;
	const char *reason;
	char *subject;
	uint64_t id;
} put_job;

static int put_run(hd_txn *t, void *arg)
{
	put_job *j = arg;
	Hd__MailFailed *e = NULL;
	Hd__MailFailed fresh = HD__MAIL_FAILED__INIT;
	int rc = HD_OK;
	if (j->id)
		rc = hd_txn_get_pb_id(t, j->in->mail.failed, j->id,
				      &hd__mail_failed__descriptor,
				      (void **)&e);
	else if ((rc = intake_next_id(t, j->in, "next_mail_failed", &j->id)) ==
		 HD_OK) {
		fresh.id = j->id;
		fresh.received_at = hd_now_ms();
		fresh.size = j->len;
		fresh.subject = j->subject ? j->subject : "";
	}
	Hd__MailFailed *w = e ? e : &fresh;
	char *old_reason = w->reason;
	w->reason = (char *)j->reason;
	uint8_t key[8];
	hd_key_u64(key, j->id);
	if (rc == HD_OK && !e)
		rc = hd_txn_put(t, j->in->mail.failed_raw, key, 8,
				j->len ? j->raw : (const uint8_t *)"", j->len);
	if (rc == HD_OK)
		rc = intake_put_pb(t, j->in->mail.failed, j->id, w);
	w->reason = old_reason;
	hd__mail_failed__free_unpacked(e, NULL);
	return rc ? rc : t->rc;
}

int mail_failed_put(intake *in, const uint8_t *raw, size_t len,
		    const char *reason, uint64_t id, uint64_t *out_id)
{
	put_job j = {
		.in = in, .raw = raw, .len = len, .reason = reason, .id = id};
	if (!id)
		j.subject = mail_peek_subject(raw, len);
	int rc = hd_store_write(in->store, put_run, &j);
	free(j.subject);
	*out_id = rc ? 0 : j.id;
	if (rc == HD_OK)
		hd_counter_add(&c_failed, 1);
	HD_LOG(rc ? HD_LOG_ERROR : HD_LOG_WARN, "mail.failed",
	       "id=%llu size=%zu reason=\"%s\" rc=%s", (unsigned long long)j.id,
	       len, reason, hd_errname(rc));
	return rc;
}

int mail_failed_done(const intake *in, hd_txn *t, uint64_t id,
		     const char *result, uint64_t ticket_id)
{
	Hd__MailFailed *e = NULL;
	int rc = hd_txn_get_pb_id(t, in->mail.failed, id,
				  &hd__mail_failed__descriptor, (void **)&e);
	if (rc == HD_OK) {
		e->processed = true;
		e->processed_at = hd_now_ms();
		rc = hd_pb_set_string(&e->result, result);
		e->ticket_id = ticket_id;
		rc = rc ? hd_txn_fail(t, rc)
			: intake_put_pb(t, in->mail.failed, id, e);
	}
	hd__mail_failed__free_unpacked(e, NULL);
	return rc;
}

int mail_failed_raw(intake *in, uint64_t id, uint8_t **raw, size_t *len)
{
	hd_txn t;
	MDB_val v;
	uint8_t key[8];
	hd_key_u64(key, id);
	*raw = NULL;
	int rc = hd_store_read(in->store, &t);
	if (rc == HD_OK)
		rc = hd_txn_get(&t, in->mail.failed_raw, key, 8, &v);
	if (rc == HD_OK && !(*raw = malloc(v.mv_size ? v.mv_size : 1)))
		rc = HD_E_NOMEM;
	if (rc == HD_OK) {
		memcpy(*raw, v.mv_data, v.mv_size);
		*len = v.mv_size;
	}
	hd_txn_end(&t);
	return rc;
}

static int admin_only(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return intake_is_admin(&req->principal)
		       ? HD_OK
		       : hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				     "only admins see failed mail");
}

int mail_rpc_fail(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	int rc = admin_only(req, rep);
	if (rc)
		return rc;
	Hd__MailFailRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__mail_fail_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	Hd__MailIngestReply out = HD__MAIL_INGEST_REPLY__INIT;
	rc = mail_failed_put(ctx, q->raw.data, q->raw.len, q->reason,
			     q->failed_id, &out.failed_id);
	out.result = "failed";
	out.reason = q->reason;
	if (rc == HD_OK)
		rc = hd_pb_pack(&rep->payload, &out);
	hd__mail_fail_request__free_unpacked(q, NULL);
	return rc;
}

/* Step the cursor to the newest entry, then skip entries older. */
typedef struct failed_page {
	Hd__MailFailedList *out;
	uint32_t per_page;
	uint64_t skip, i;
} failed_page;

static int failed_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	failed_page *p = arg;
	if (p->out->n_entries >= p->per_page)
		return HD_STOP;
	if (p->i++ < p->skip)
		return HD_OK;
	Hd__MailFailed *e =
		hd__mail_failed__unpack(NULL, v->mv_size, v->mv_data);
	if (!e)
		return HD_E_CORRUPT;
	p->out->entries[p->out->n_entries++] = e;
	return HD_OK;
}

static int list_page(const intake *in, hd_txn *t, uint64_t skip,
		     uint32_t per_page, Hd__MailFailedList *out)
{
	MDB_stat st;
	int rc = hd_err_from_mdb(mdb_stat(t->txn, in->mail.failed, &st));
	if (rc)
		return rc;
	out->count = st.ms_entries;
	out->entries = calloc(per_page, sizeof *out->entries);
	if (!out->entries)
		return HD_E_NOMEM;
	failed_page p = {out, per_page, skip, 0};
	return hd_txn_foreach_rev(t, in->mail.failed, NULL, 0, failed_one, &p);
}

int mail_rpc_failed_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	int rc = admin_only(req, rep);
	if (rc)
		return rc;
	Hd__MailFailedListRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__mail_failed_list_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	uint32_t per = q->per_page ? q->per_page : 30;
	if (per > 100)
		per = 100;
	uint64_t skip = (uint64_t)(q->page ? q->page - 1 : 0) * per;
	Hd__MailFailedList out = HD__MAIL_FAILED_LIST__INIT;
	hd_txn t;
	rc = hd_store_read(in->store, &t);
	if (rc == HD_OK) {
		rc = list_page(in, &t, skip, per, &out);
		hd_txn_end(&t);
	}
	if (rc == HD_OK)
		rc = hd_pb_pack(&rep->payload, &out);
	hd_pb_free_repeated(&out.base);
	hd__mail_failed_list_request__free_unpacked(q, NULL);
	return rc;
}

int mail_rpc_failed_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	int rc = admin_only(req, rep);
	if (rc)
		return rc;
	Hd__IdRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__id_request__descriptor, (void **)&q))
		return HD_E_DECODE;
	Hd__MailFailed *e = NULL;
	hd_txn t;
	rc = hd_store_read(in->store, &t);
	if (rc == HD_OK) {
		rc = hd_txn_get_pb_id(&t, in->mail.failed, q->id,
				      &hd__mail_failed__descriptor,
				      (void **)&e);
		hd_txn_end(&t);
	}
	if (rc == HD_OK)
		rc = mail_failed_raw(in, q->id, &e->raw.data, &e->raw.len);
	if (rc == HD_OK)
		rc = hd_pb_pack(&rep->payload, e);
	else if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, "id", "no failed mail %llu",
			    (unsigned long long)q->id);
	hd__mail_failed__free_unpacked(e, NULL);
	hd__id_request__free_unpacked(q, NULL);
	return rc;
}

int mail_failed_done_run(hd_txn *t, void *arg)
{
	mail_done_job *j = arg;
	int rc = mail_failed_done(j->in, t, j->id, j->result, j->ticket_id);
	return rc ? rc : t->rc;
}

/* After the gateway finished a reprocessed message elsewhere
 * (notifications, or another shard's mail.apply). */
int mail_rpc_failed_done(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	int rc = admin_only(req, rep);
	if (rc)
		return rc;
	Hd__MailFailedDoneRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__mail_failed_done_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	mail_done_job j = {in, q->id, q->result, q->ticket_id};
	rc = hd_store_write(in->store, mail_failed_done_run, &j);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, "id", "no failed mail %llu",
			    (unsigned long long)q->id);
	hd__mail_failed_done_request__free_unpacked(q, NULL);
	return rc;
}
