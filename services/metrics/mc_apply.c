/* Applying events to the per-ticket metrics records (mc.h). Every time is
 * the business-clock time carried by the event itself (the ticket's
 * created_at / updated_at, the comment's created_at, the envelope's time for
 * routing's alerts), so replaying the log into an empty store rebuilds the
 * same records. */
#include "mc.h"

#include "alerts.pb-c.h"
#include "user.pb-c.h"

#include "hd/err.h"
#include "hd/evdecode.h"
#include "hd/store_pb.h"
#include "hd/vocab.h"

#include <stdlib.h>
#include <string.h>

/* Beyond this many status spans a ticket's oldest spans fold into calendar
 * totals (a hostile client flapping statuses must not grow a record without
 * bound); folded time counts as business time too (see mc_render.c). */
#define MAX_SPANS 512

static int on_user(hd_txn *t, const mc_db *db, const Hd__Envelope *ev)
{
	Hd__User *u = hd__user__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!u)
		return HD_E_DECODE;
	uint8_t k[8];
	hd_key_u64(k, u->id);
	size_t n = strlen(u->role);
	if (n > 0 && n < 16)
		hd_txn_put(t, db->users, k, 8, u->role, n);
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

static Hd__McTicket *new_record(const Hd__Ticket *tk)
{
	Hd__McTicket *m = hd_pb_new(&hd__mc_ticket__descriptor);
	if (!m)
		return NULL;
	m->ticket_id = tk->id;
	m->created_at = tk->created_at;
	m->requester_id = tk->requester_id;
	m->latest_comment_added_at = tk->created_at; /* the first comment */
	m->stages = calloc(4, sizeof *m->stages);
	m->instances = calloc(4, sizeof *m->instances);
	m->n_stages = m->n_instances = 4;
	if (!m->stages || !m->instances) {
		hd__mc_ticket__free_unpacked(m, NULL);
		return NULL;
	}
	return m;
}

static void fold_oldest(Hd__McTicket *m)
{
	Hd__TicketStatus s = hd_status_of(m->spans[0]->status);
	int64_t d = m->spans[1]->at - m->spans[0]->at;
	if (s == HD__TICKET_STATUS__STATUS_PENDING)
		m->fold_agent_wait += d;
	else if (!hd_ticket_solved(s))
		m->fold_requester_wait += d;
	if (s == HD__TICKET_STATUS__STATUS_HOLD)
		m->fold_on_hold += d;
	hd__mc_span__free_unpacked(m->spans[0], NULL);
	memmove(m->spans, m->spans + 1, (m->n_spans - 1) * sizeof *m->spans);
	m->n_spans--;
}

static int add_span(Hd__McTicket *m, const char *status, int64_t at)
{
	Hd__McSpan **v = realloc(m->spans, (m->n_spans + 1) * sizeof *v);
	if (!v)
		return HD_E_NOMEM;
	m->spans = v;
	Hd__McSpan *sp = hd_pb_new(&hd__mc_span__descriptor);
	if (!sp || hd_pb_set_string(&sp->status, status)) {
		hd__mc_span__free_unpacked(sp, NULL);
		return HD_E_NOMEM;
	}
	sp->at = at;
	m->spans[m->n_spans++] = sp;
	while (m->n_spans > MAX_SPANS)
		fold_oldest(m);
	return HD_OK;
}

static int on_status(hd_txn *t, const mc_db *db, Hd__McTicket *m,
		     const char *status, int64_t at)
{
	if (hd_ticket_solved_str(m->status) && !hd_ticket_solved_str(status))
		m->reopens++;
	if (hd_status_of(status) == HD__TICKET_STATUS__STATUS_SOLVED) {
		m->solved_at = at;
		if (!m->first_solved_at)
			m->first_solved_at = at;
	}
	m->status_updated_at = at;
	int rc = add_span(m, status, at);
	if (!rc)
		rc = hd_pb_set_string(&m->status, status);
	return rc ? hd_txn_fail(t, rc) : mc_stages_status(t, db, m, at);
}

static void on_people(Hd__McTicket *m, const Hd__Ticket *tk, int64_t at)
{
	if (tk->assignee_id != m->assignee_id && tk->assignee_id) {
		m->assignee_stations++;
		if (!m->initially_assigned_at)
			m->initially_assigned_at = at;
		m->assigned_at = at;
	}
	if (tk->group_id != m->group_id && tk->group_id)
		m->group_stations++;
	m->assignee_id = tk->assignee_id;
	m->group_id = tk->group_id;
	m->requester_id = tk->requester_id;
	if (tk->updater_id && tk->updater_id == tk->requester_id)
		m->requester_updated_at = at;
	if (tk->updater_id && tk->updater_id == tk->assignee_id)
		m->assignee_updated_at = at;
}

static int on_ticket(hd_txn *t, const mc_db *db, const Hd__Envelope *ev,
		     const Hd__Ticket *tk)
{
	Hd__McTicket *m = NULL;
	int rc = mc_ticket_get(t, db, tk->id, &m);
	if (rc == HD_E_NOTFOUND) {
		rc = (m = new_record(tk)) ? HD_OK : HD_E_NOMEM;
		if (!rc)
			rc = mc_stage_reply(t, db, m,
					    0); /* activate reply_time */
	}
	if (rc) {
		hd__mc_ticket__free_unpacked(m, NULL);
		return hd_txn_fail(t, rc);
	}
	int64_t at = m->n_spans ? tk->updated_at : tk->created_at;
	if (at < m->updated_at)
		at = m->updated_at;
	on_people(m, tk, at);
	if (strcmp(tk->status, m->status) != 0)
		on_status(t, db, m, tk->status, at);
	m->updated_at = at;
	m->deleted = tk->deleted;
	mc_rating_apply(t, db, tk, m, at);
	mc_export_put(t, db, tk, ev);
	mc_ticket_put(t, db, m);
	hd__mc_ticket__free_unpacked(m, NULL);
	return t->rc;
}

static int on_comment(hd_txn *t, const mc_db *db, const Hd__Envelope *ev)
{
	Hd__Comment *c =
		hd__comment__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!c)
		return HD_E_DECODE;
	Hd__McTicket *m = NULL;
	char role[16];
	if (mc_ticket_get(t, db, c->ticket_id, &m) == HD_OK) {
		mc_user_role(t, db, c->author_id, role);
		bool staff = hd_role_is_agent_str(role);
		if (c->created_at > m->latest_comment_added_at)
			m->latest_comment_added_at = c->created_at;
		if (c->public_ && staff) {
			m->replies++;
			if (!m->first_reply_at) {
				m->first_reply_at = c->created_at;
				mc_stage_reply(t, db, m, c->created_at);
			}
		}
		mc_ticket_put(t, db, m);
	}
	hd__mc_ticket__free_unpacked(m, NULL);
	hd__comment__free_unpacked(c, NULL);
	return t->rc;
}

/* routing's SLA metric names → Zendesk's metric event names. */
static const char *breach_metric(const char *sla)
{
	if (!strcmp(sla, "first_reply_time") || !strcmp(sla, "next_reply_time"))
		return "reply_time";
	return sla;
}

static int on_breach(hd_txn *t, const mc_db *db, const Hd__Envelope *ev)
{
	Hd__SlaAlert *a =
		hd__sla_alert__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!a)
		return HD_E_DECODE;
	Hd__McTicket *m = NULL;
	if (mc_ticket_get(t, db, a->ticket_id, &m) == HD_OK && a->metric[0])
		mc_mevent_add(t, db, m, breach_metric(a->metric), "breach",
			      a->breach_at ? a->breach_at : ev->time_ms, 0, 0);
	hd__mc_ticket__free_unpacked(m, NULL);
	hd__sla_alert__free_unpacked(a, NULL);
	return t->rc;
}

static const char *const ticket_types[] = {"ticket.created", "ticket.updated",
					   "ticket.deleted", NULL};

int mc_apply(hd_txn *t, const mc_db *db, const Hd__Envelope *ev)
{
	if (!strncmp(ev->type, "user.", 5))
		return on_user(t, db, ev);
	if (!strcmp(ev->type, "comment.created"))
		return on_comment(t, db, ev);
	if (!strcmp(ev->type, "sla.breached"))
		return on_breach(t, db, ev);
	if (!strncmp(ev->type, "schedule.", 9))
		return mc_sched_apply(t, db, ev);
	Hd__Ticket *tk = NULL;
	int rc = hd_ev_ticket(ev, ticket_types, &tk);
	if (!rc && tk)
		rc = on_ticket(t, db, ev, tk);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}
