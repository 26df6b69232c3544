/* ticket.created / updated / deleted → rollup deltas. What metrics keeps of
 * each ticket (hd.MrTicket) is what it counted the ticket under last time,
 * so a change subtracts exactly that and adds the new state: backlog rows,
 * open-work index, CSAT, solve and assignment counts always sum right. */
#include "mr.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/tokenize.h"
#include "hd/vocab.h"
#include "ticket.pb-c.h"

#include <stdlib.h>
#include <string.h>

static int is_solved(unsigned st)
{
	return st <= MR_CLOSED && hd_ticket_solved((Hd__TicketStatus)st);
}

static int is_unsolved(const Hd__MrTicket *s)
{
	return s && !s->deleted && s->status <= MR_CLOSED &&
	       hd_ticket_unsolved((Hd__TicketStatus)s->status);
}

static void dims_of(const Hd__MrTicket *s, mr_dims *d)
{
	memset(d, 0, sizeof *d);
	d->group = s->group_id;
	d->agent = s->assignee_id;
	d->channel = s->channel;
	for (size_t i = 0; i < s->n_tags && i < MR_MAX_TAGS; i++)
		d->tags[d->ntags++] = mr_hash(s->tags[i], strlen(s->tags[i]));
}

/* Backlog rows and the open-work index: undo (dir -1) or do (+1) what s
 * counts for. */
static void count_open(metrics *m, hd_txn *t, const Hd__MrTicket *s, int64_t at,
		       int dir)
{
	if (!is_unsolved(s))
		return;
	mr_dims d;
	dims_of(s, &d);
	mr_roll_add(m, t, MR_BACKLOG, MR_ALL_GRANS, &d, at, s->group_id,
		    s->status, s->assignee_id != 0, dir);
	mr_open_move(m, t, MR_O_GROUP, s->group_id, s->created_at, s->id, dir);
	if (s->assignee_id)
		mr_open_move(m, t, MR_O_AGENT, s->assignee_id, s->created_at,
			     s->id, dir);
	else
		mr_open_move(m, t, MR_O_QUEUE, s->group_id, s->created_at,
			     s->id, dir);
}

static int same_open(const Hd__MrTicket *a, const Hd__MrTicket *b)
{
	if (is_unsolved(a) != is_unsolved(b))
		return 0;
	if (!is_unsolved(a))
		return 1;
	if (a->status != b->status || a->group_id != b->group_id ||
	    a->assignee_id != b->assignee_id || a->n_tags != b->n_tags)
		return 0;
	for (size_t i = 0; i < a->n_tags; i++)
		if (strcmp(a->tags[i], b->tags[i]) != 0)
			return 0;
	return 1;
}

static void csat_count(metrics *m, hd_txn *t, const Hd__MrTicket *s, int dir)
{
	mr_dims d = {.group = s->csat_group,
		     .agent = s->csat_agent,
		     .channel = s->channel,
		     .no_tags = 1};
	mr_roll_add(m, t, MR_CSAT, MR_ALL_GRANS, &d, s->csat_at, s->csat_agent,
		    s->csat_group, s->csat, dir);
}

static unsigned csat_code(const char *score)
{
	return !strcmp(score, "good") ? 1 : !strcmp(score, "bad") ? 2 : 0;
}

static void on_solve(metrics *m, hd_txn *t, Hd__MrTicket *s, int64_t at)
{
	mr_dims d;
	dims_of(s, &d);
	mr_roll_add(m, t, MR_SOLVED, MR_ALL_GRANS, &d, at, s->assignee_id, 0, 0,
		    1);
	/* First-contact resolution: solved with at most one public reply. */
	if (s->public_replies <= 1)
		mr_roll_add(m, t, MR_FCR, MR_ALL_GRANS, &d, at, s->assignee_id,
			    0, 0, 1);
	uint64_t secs =
		at > s->created_at ? (uint64_t)(at - s->created_at) / 1000 : 0;
	if (s->resolution_day)
		mr_sample_del(m, t, MR_S_RESOLUTION, s->resolution_day, s->id);
	s->resolution_day = mr_bucket(at, MR_G_DAY);
	mr_sample_put(m, t, MR_S_RESOLUTION, s->resolution_day, s->id, secs,
		      &d);
	if (s->handle_day)
		mr_sample_del(m, t, MR_S_HANDLE, s->handle_day, s->id);
	s->handle_day = 0;
	if (s->assignee_id && s->assigned_at && at >= s->assigned_at) {
		s->handle_day = mr_bucket(at, MR_G_DAY);
		s->handle_agent = s->assignee_id;
		mr_sample_put(m, t, MR_S_HANDLE, s->handle_day, s->id,
			      (uint64_t)(at - s->assigned_at) / 1000, &d);
	}
	s->solved_at = at;
	mr_self_served(m, t, s);
}

/* Self-service figures have no dimensions: whether kb.suggested or the
 * ticket's own events come first differs between runs (two sources), and
 * the counts must not. */
void mr_self_served(metrics *m, hd_txn *t, Hd__MrTicket *s)
{
	static const mr_dims none = {0};
	if (!s->suggested || s->self_served || s->first_reply_at ||
	    s->deleted || !is_solved(s->status))
		return;
	s->self_served = 1;
	mr_roll_add(m, t, MR_DEFLECT, MR_ALL_GRANS, &none, s->solved_at,
		    MR_DF_SELF_SERVED, 0, 0, 1);
}

/* Keep the old state's measurements; take the ticket's current fields. */
static int next_state(const Hd__MrTicket *old, const Hd__Ticket *tk,
		      Hd__MrTicket *s, char **tags)
{
	if (old)
		*s = *old;
	s->id = tk->id;
	s->created_at = tk->created_at;
	s->status = mr_status_code(tk->status);
	s->group_id = tk->group_id;
	s->assignee_id = tk->assignee_id;
	s->channel = mr_channel_code(tk->via_channel);
	s->deleted = tk->deleted;
	s->n_tags = 0;
	s->tags = tags;
	for (size_t i = 0; i < tk->n_tags && s->n_tags < MR_MAX_TAGS; i++) {
		char *f = hd_text_fold(tk->tags[i], strlen(tk->tags[i]));
		if (!f)
			return HD_E_NOMEM;
		tags[s->n_tags++] = f;
	}
	return HD_OK;
}

static void apply_change(metrics *m, hd_txn *t, const Hd__MrTicket *old,
			 Hd__MrTicket *s, const Hd__Ticket *tk, int64_t at)
{
	mr_dims d;
	dims_of(s, &d);
	if (!old) {
		mr_roll_add(m, t, MR_CREATED, MR_ALL_GRANS, &d, s->created_at,
			    s->channel, 0, 0, 1);
		mr_term_count(m, t, tk, &d);
		at = s->created_at;
	}
	if (!old || !same_open(old, s)) {
		count_open(m, t, old, at, -1);
		count_open(m, t, s, at, 1);
	}
	if (s->assignee_id && (!old || old->assignee_id != s->assignee_id)) {
		mr_roll_add(m, t, MR_ASSIGNED, MR_ALL_GRANS, &d, at,
			    s->assignee_id, 0, 0, 1);
		s->assigned_at = at;
	}
	if (is_solved(s->status) && !s->deleted &&
	    (!old || !is_solved(old->status)))
		on_solve(m, t, s, at);
	/* Reopened: counted for the agent who solved it. */
	if (old && is_solved(old->status) && is_unsolved(s)) {
		mr_dims r;
		dims_of(old, &r);
		mr_roll_add(m, t, MR_REOPEN, MR_ALL_GRANS, &r, at,
			    old->assignee_id, 0, 0, 1);
	}
	unsigned score = csat_code(tk->satisfaction_score);
	if (score != s->csat) {
		if (s->csat)
			csat_count(m, t, s, -1);
		s->csat = score;
		s->csat_at = at;
		s->csat_agent = s->assignee_id;
		s->csat_group = s->group_id;
		if (score)
			csat_count(m, t, s, 1);
	}
}

int mr_on_ticket(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__Ticket *tk =
		hd__ticket__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!tk)
		return HD_E_DECODE;
	Hd__MrTicket *old = NULL, s = HD__MR_TICKET__INIT;
	char *tags[MR_MAX_TAGS] = {0};
	int rc = mr_ticket_load(m, t, tk->id, &old);
	if (!rc)
		rc = next_state(old, tk, &s, tags);
	if (!rc) {
		if (!strcmp(ev->type, "ticket.deleted"))
			s.deleted = 1;
		int64_t at = tk->updated_at ? tk->updated_at : ev->time_ms;
		/* A state made by kb.suggested alone: the ticket is new here. */
		apply_change(m, t, old && old->created_at ? old : NULL, &s, tk,
			     at);
		mr_ticket_store(m, t, &s);
		if (old && old->group_id != s.group_id)
			mr_live_set_group(m, t, old->group_id);
		mr_live_set_group(m, t, s.group_id);
		rc = t->rc;
	}
	for (size_t i = 0; i < MR_MAX_TAGS; i++)
		free(tags[i]);
	hd__mr_ticket__free_unpacked(old, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

int mr_ticket_load(metrics *m, hd_txn *t, uint64_t id, Hd__MrTicket **out)
{
	uint8_t k[8];
	MDB_val v;
	*out = NULL;
	hd_key_u64(k, id);
	int rc = hd_txn_get(t, m->mr->tickets, k, 8, &v);
	if (rc == HD_E_NOTFOUND)
		return HD_OK;
	if (rc)
		return rc;
	*out = hd__mr_ticket__unpack(NULL, v.mv_size, v.mv_data);
	return *out ? HD_OK : hd_txn_fail(t, HD_E_CORRUPT);
}

int mr_ticket_store(metrics *m, hd_txn *t, const Hd__MrTicket *s)
{
	uint8_t k[8];
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 20);
	hd_key_u64(k, s->id);
	int rc = hd_pb_pack(&b, s);
	if (rc)
		hd_txn_fail(t, rc);
	else
		hd_txn_put(t, m->mr->tickets, k, 8, b.data ? b.data : "",
			   b.len);
	hd_buf_release(&b);
	return t->rc;
}
