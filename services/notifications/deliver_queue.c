/* The outbox: queueing deliveries inside the caller's transaction, and
 * recording each attempt's result (attempt history, retry time, dead
 * letters) in one group commit per batch of finished transfers. */
#include "notifications.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/obj_mac.h"
#include "hd/prom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HD_COUNTER(c_delivered, "hd_notify_deliveries_total",
	   "Deliveries (webhook, mail, chat) that reached their receiver.")
HD_COUNTER(c_retries, "hd_notify_retries_total",
	   "Failed attempts that will be retried.")
HD_COUNTER(c_dead, "hd_notify_dead_letters_total",
	   "Deliveries given up on and moved to the dead letters.")
HD_COUNTER(c_unsent, "hd_notify_mail_unsent_total",
	   "Mails not queued because outgoing e-mail is off (HD_SMTP_URL "
	   "empty).")
HD_COUNTER(c_queued, "hd_notify_queued_total",
	   "Deliveries written to the outbox.")

int notify_enqueue(notify *n, hd_txn *t, Hd__Delivery *d)
{
	uint8_t k[8], lk[40];
	int64_t now = hd_wall_ms();
	if (!d->id)
		d->id = notify_next_id(n, t);
	if (!d->created_at)
		d->created_at = now;
	if (!d->next_at)
		d->next_at = now;
	char *was = d->status; /* d may be unpacked: leave its strings be */
	d->status = "pending";
	notify_put_pb_u64(t, n->deliveries, d->id, d);
	d->status = was;
	hd_key_u64(k, d->id);
	hd_txn_put(t, n->pending, k, 8, "", 0);
	notify_lane_key(lk, d->lane, d->id);
	hd_txn_put(t, n->by_lane, lk, 40, "", 0);
	notify_queue_put(n, t, d);
	if (!t->rc)
		hd_counter_add(&c_queued, 1);
	return t->rc;
}

void notify_message_id(notify *n, uint64_t sc_id, uint64_t ticket_id, char *out,
		       size_t cap)
{
	char u[21], head[100], mac[2 * HD_MAIL_MID_MAC_BYTES + 1] = "0";
	notify_random_token(u, 20);
	if (sc_id)
		snprintf(head, sizeof head, "hd.sc.%llu.%llu.%s",
			 (unsigned long long)sc_id,
			 (unsigned long long)ticket_id, u);
	else
		snprintf(head, sizeof head, "hd.t.%llu.%s",
			 (unsigned long long)ticket_id, u);
	/* no cluster key (tests only): a MAC no reply will match */
	hd_obj_mac_hex(HD_MAIL_MID_MAC, head, strlen(head),
		       HD_MAIL_MID_MAC_BYTES, mac, sizeof mac);
	snprintf(out, cap, "%s.%s@%s", head, mac, n->cfg.mail_domain);
}

int notify_thread_ticket(notify *n, hd_txn *t, uint64_t ticket_id,
			 const char *msgid, Hd__Delivery *d)
{
	uint8_t k[8];
	MDB_val v;
	hd_key_u64(k, ticket_id);
	if (hd_txn_get(t, n->mail_roots, k, 8, &v) == HD_OK &&
	    v.mv_size < 300) {
		char ref[310];
		snprintf(ref, sizeof ref, "<%.*s>", (int)v.mv_size,
			 (const char *)v.mv_data);
		d->in_reply_to = strdup(ref);
		d->references = strdup(ref);
		if (!d->in_reply_to || !d->references)
			return hd_txn_fail(t, HD_E_NOMEM);
	} else {
		hd_txn_put(t, n->mail_roots, k, 8, msgid, strlen(msgid));
	}
	return t->rc;
}

bool notify_mail_off(notify *n)
{
	if (n->cfg.smtp_url && n->cfg.smtp_url[0])
		return false;
	hd_counter_add(&c_unsent, 1);
	return true;
}

int notify_mail_to(notify *n, hd_txn *t, const notify_addressee *to,
		   uint64_t ticket_id, const char *tmpl, json_t *vars,
		   uint64_t delay_ms)
{
	if (notify_mail_off(n)) {
		json_decref(vars);
		return HD_OK;
	}
	Hd__Delivery d = HD__DELIVERY__INIT;
	char msgid[200];
	int rc = HD_OK;
	notify_message_id(n, 0, ticket_id, msgid, sizeof msgid);
	rc = notify_vars_set(&d, vars);
	d.kind = "mail";
	d.lane = "";
	d.template_ = (char *)tmpl;
	d.ticket_id = ticket_id;
	d.recipient_id = to->user_id;
	d.mail_to = (char *)to->email;
	d.mail_to_name = (char *)to->name;
	d.locale = (char *)to->locale;
	d.message_id = msgid;
	d.auto_submitted = 1;
	d.event_type = (char *)tmpl;
	d.next_at = hd_wall_ms() + (int64_t)delay_ms;
	if (!rc && ticket_id)
		rc = notify_thread_ticket(n, t, ticket_id, msgid, &d);
	if (!rc)
		rc = notify_enqueue(n, t, &d);
	if (!rc) {
		uint8_t k[8];
		hd_key_u64(k, d.id);
		hd_txn_put(t, n->msgids, msgid, strlen(msgid), k, 8);
	}
	if (d.in_reply_to != protobuf_c_empty_string)
		free(d.in_reply_to);
	if (d.references != protobuf_c_empty_string)
		free(d.references);
	notify_vars_free(&d);
	json_decref(vars);
	return rc ? rc : t->rc;
}

int notify_mail_user(notify *n, hd_txn *t, uint64_t user_id, uint64_t ticket_id,
		     const char *tmpl, json_t *vars, uint64_t delay_ms)
{
	Hd__User *u = NULL;
	int rc = notify_get_pb_u64(t, n->users, user_id, &hd__user__descriptor,
				   (void **)&u);
	if (rc || !u->email[0] || u->deleted || u->suspended) {
		hd__user__free_unpacked(u, NULL);
		json_decref(vars);
		return rc == HD_E_DECODE ? hd_txn_fail(t, rc) : HD_OK;
	}
	notify_addressee to = {user_id, u->email, u->name, u->locale};
	rc = notify_mail_to(n, t, &to, ticket_id, tmpl, vars, delay_ms);
	hd__user__free_unpacked(u, NULL);
	return rc;
}

/* One finished attempt, applied to its delivery in the sender's write. */
static void record_one(notify *n, hd_txn *t, const notify_outcome *o)
{
	Hd__Delivery *d = NULL;
	Hd__Attempt a = HD__ATTEMPT__INIT;
	uint8_t k[8], ak[12], lk[40];
	if (notify_get_pb_u64(t, n->deliveries, o->delivery_id,
			      &hd__delivery__descriptor, (void **)&d))
		return; /* gone (replayed and finished elsewhere): nothing */
	int64_t next_at = 0;
	const char *what =
		notify_classify(&n->cfg, o, d, o->completed_at, &next_at);
	a.delivery_id = d->id;
	a.n = ++d->attempts;
	a.started_at = o->started_at;
	a.completed_at = o->completed_at;
	a.status_code = o->status_code;
	a.error = (char *)o->error;
	a.outcome = (char *)what;
	hd_key_u64(ak, d->id);
	ak[8] = (uint8_t)(a.n >> 24);
	ak[9] = (uint8_t)(a.n >> 16);
	ak[10] = (uint8_t)(a.n >> 8);
	ak[11] = (uint8_t)a.n;
	notify_put_pb(t, n->attempts, ak, 12, &a);
	char *old_status = d->status, *old_err = d->last_error;
	d->last_status_code = o->status_code;
	d->last_error = (char *)o->error;
	d->status = (char *)(strcmp(what, "retry") == 0 ? "pending" : what);
	hd_key_u64(k, d->id);
	notify_queue_del(n, t, d); /* keyed by the old next_at */
	if (strcmp(what, "retry") == 0) {
		d->next_at = next_at;
		notify_queue_put(n, t, d);
		hd_counter_add(&c_retries, 1);
	} else {
		d->completed_at = o->completed_at;
		hd_txn_del(t, n->pending, k, 8);
		if (strcmp(what, "dead") == 0) {
			notify_lane_key(lk, d->lane, d->id);
			hd_txn_put(t, n->dead, lk, 40, "", 0);
			hd_counter_add(&c_dead, 1);
			hd_warn("notify.dead_letter",
				"delivery=%llu code=%d err=\"%s\"",
				(unsigned long long)d->id, o->status_code,
				o->error);
		} else {
			hd_counter_add(&c_delivered, 1);
		}
	}
	notify_put_pb_u64(t, n->deliveries, d->id, d);
	d->status = old_status;
	d->last_error = old_err;
	hd__delivery__free_unpacked(d, NULL);
}

typedef struct record_job {
	notify *n;
	const notify_outcome *o;
	size_t count;
} record_job;

static int record_fn(hd_txn *t, void *arg)
{
	record_job *j = arg;
	for (size_t i = 0; i < j->count && !t->rc; i++)
		record_one(j->n, t, &j->o[i]);
	return t->rc;
}

int notify_record_outcomes(notify *n, const notify_outcome *o, size_t count)
{
	record_job j = {n, o, count};
	return hd_store_write(n->store, record_fn, &j);
}
