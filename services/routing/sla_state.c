/* Each ticket's SLA state in sla_state (u64 ticket id → hd.SlaTicketState)
 * and the small edits the clocks, targets and timers make to it. The state
 * is a heap message (unpacked, or made by hd_pb_new) changed in place: every
 * member added here is allocated as protobuf-c's free expects, so
 * hd__sla_ticket_state__free_unpacked frees it whole. An allocation that
 * fails fails the transaction (sticky on t). Older versions stored the state
 * as JSON text; sla_state_of_json reads that once at open. */
#include "sla.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <stdlib.h>
#include <string.h>

Hd__SlaClock *sla_clock_find(const Hd__SlaTicketState *s, int m)
{
	for (size_t i = 0; s && i < s->n_clocks; i++)
		if ((int)s->clocks[i]->metric == m + 1)
			return s->clocks[i];
	return NULL;
}

/* Append one pointer to a repeated member (arr, n). */
static bool grow(hd_txn *t, void ***arr, size_t n, void *item)
{
	void **v = item ? realloc(*arr, (n + 1) * sizeof *v) : NULL;
	if (!v) {
		free(item);
		hd_txn_fail(t, HD_E_NOMEM);
		return false;
	}
	v[n] = item;
	*arr = v;
	return true;
}

static void spans_clear(Hd__SlaClock *c)
{
	for (size_t i = 0; i < c->n_spans; i++)
		hd__sla_span__free_unpacked(c->spans[i], NULL);
	free(c->spans);
	c->spans = NULL;
	c->n_spans = 0;
}

Hd__SlaClock *sla_clock_fresh(hd_txn *t, Hd__SlaTicketState *s, int m)
{
	Hd__SlaClock *c = sla_clock_find(s, m);
	if (!c) {
		c = hd_pb_new(&hd__sla_clock__descriptor);
		if (!grow(t, (void ***)&s->clocks, s->n_clocks, c))
			return NULL;
		s->n_clocks++;
	}
	spans_clear(c);
	c->metric = (Hd__SlaMetric)(m + 1);
	c->stage = HD__SLA_CLOCK__STAGE__STAGE_UNSET;
	c->since = c->fold_cal = c->fold_biz = 0;
	c->warned = c->breached = c->achieved_sent = false;
	return c;
}

void sla_span_add(hd_txn *t, Hd__SlaClock *c, int64_t from, int64_t to)
{
	Hd__SlaSpan *sp = hd_pb_new(&hd__sla_span__descriptor);
	if (sp) {
		sp->from = from;
		sp->to = to;
	}
	if (grow(t, (void ***)&c->spans, c->n_spans, sp))
		c->n_spans++;
}

void sla_spans_drop(Hd__SlaClock *c, size_t k)
{
	for (size_t i = 0; i < k && i < c->n_spans; i++)
		hd__sla_span__free_unpacked(c->spans[i], NULL);
	k = k < c->n_spans ? k : c->n_spans;
	memmove(c->spans, c->spans + k, (c->n_spans - k) * sizeof *c->spans);
	c->n_spans -= k;
}

void sla_timers_clear(Hd__SlaTicketState *s)
{
	for (size_t i = 0; i < s->n_timers; i++)
		hd__sla_timer__free_unpacked(s->timers[i], NULL);
	free(s->timers);
	s->timers = NULL;
	s->n_timers = 0;
}

void sla_timer_add(hd_txn *t, Hd__SlaTicketState *s, int64_t due, int kind,
		   int metric, int64_t breach_at)
{
	Hd__SlaTimer *tm = hd_pb_new(&hd__sla_timer__descriptor);
	if (tm) {
		tm->due = due;
		tm->kind = (uint32_t)kind;
		tm->metric = (Hd__SlaMetric)(metric + 1);
		tm->breach_at = breach_at;
	}
	if (grow(t, (void ***)&s->timers, s->n_timers, tm))
		s->n_timers++;
}

void sla_timer_remove(Hd__SlaTicketState *s, size_t i)
{
	hd__sla_timer__free_unpacked(s->timers[i], NULL);
	memmove(s->timers + i, s->timers + i + 1,
		(s->n_timers - i - 1) * sizeof *s->timers);
	s->n_timers--;
}

void sla_targets_set(hd_txn *t, Hd__SlaTicketState *s,
		     Hd__SlaTarget *const *rows, size_t n)
{
	for (size_t i = 0; i < s->n_targets; i++)
		hd__sla_target__free_unpacked(s->targets[i], NULL);
	free(s->targets);
	s->targets = NULL;
	s->n_targets = 0;
	for (size_t i = 0; i < n; i++) {
		Hd__SlaTarget *c = hd_pb_new(&hd__sla_target__descriptor);
		if (c) {
			Hd__SlaTarget copy = *rows[i];
			copy.base = c->base;
			*c = copy;
		}
		if (!grow(t, (void ***)&s->targets, s->n_targets, c))
			return;
		s->n_targets++;
	}
}

int sla_state_get(hd_txn *t, const sla_db *db, uint64_t ticket_id,
		  Hd__SlaTicketState **state)
{
	int rc = hd_txn_get_pb_id(t, db->state, ticket_id,
				  &hd__sla_ticket_state__descriptor,
				  (void **)state);
	if (rc == HD_E_NOTFOUND || rc == HD_E_CORRUPT) {
		*state = hd_pb_new(&hd__sla_ticket_state__descriptor);
		rc = *state ? HD_OK : HD_E_NOMEM;
	}
	return rc;
}

int sla_state_put(hd_txn *t, const sla_db *db, uint64_t ticket_id,
		  const Hd__SlaTicketState *state)
{
	return hd_txn_put_pb_id(t, db->state, ticket_id, state);
}

/* ---- the JSON of older versions (sla_clock.c's format before) ---- */

static Hd__SlaClock__Stage stage_of(const char *s)
{
	if (s && !strcmp(s, "active"))
		return HD__SLA_CLOCK__STAGE__STAGE_ACTIVE;
	if (s && !strcmp(s, "paused"))
		return HD__SLA_CLOCK__STAGE__STAGE_PAUSED;
	if (s && !strcmp(s, "achieved"))
		return HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED;
	return HD__SLA_CLOCK__STAGE__STAGE_UNSET;
}

static int64_t int_at(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static int64_t item(const json_t *arr, size_t i)
{
	return json_integer_value(json_array_get(arr, i));
}

/* The JSON state o as a message; any allocation failure fails scratch. */
static void state_fill(hd_txn *scratch, const json_t *o, Hd__SlaTicketState *s)
{
	const char *name;
	json_t *c, *v;
	size_t i, k;
	s->policy_id = (uint64_t)int_at(o, "policy_id");
	s->schedule_id = (uint64_t)int_at(o, "schedule_id");
	json_object_foreach(json_object_get(o, "clocks"), name, c)
	{
		int m = sla_metric_code(name);
		Hd__SlaClock *ck =
			m < 0 ? NULL : sla_clock_fresh(scratch, s, m);
		if (!ck)
			continue;
		ck->stage = stage_of(
			json_string_value(json_object_get(c, "stage")));
		ck->since = int_at(c, "since");
		ck->fold_cal = int_at(c, "fold_cal");
		ck->fold_biz = int_at(c, "fold_biz");
		ck->warned = json_is_true(json_object_get(c, "warned"));
		ck->breached = json_is_true(json_object_get(c, "breached"));
		ck->achieved_sent =
			json_is_true(json_object_get(c, "achieved_sent"));
		json_array_foreach(json_object_get(c, "spans"), k, v)
			sla_span_add(scratch, ck, item(v, 0), item(v, 1));
	}
	json_array_foreach(json_object_get(o, "targets"), i, v)
	{
		Hd__SlaTarget *tg = NULL;
		if (sla_target_of_json(v, &tg) ||
		    !grow(scratch, (void ***)&s->targets, s->n_targets, tg)) {
			hd_txn_fail(scratch, HD_E_NOMEM);
			return;
		}
		s->n_targets++;
	}
	json_array_foreach(json_object_get(o, "timers"), i, v)
		sla_timer_add(scratch, s, item(v, 0), (int)item(v, 1),
			      (int)item(v, 2), item(v, 3));
}

int sla_state_of_json(const json_t *o, Hd__SlaTicketState **out)
{
	hd_txn scratch = {0}; /* only its sticky rc */
	*out = hd_pb_new(&hd__sla_ticket_state__descriptor);
	if (!*out)
		return HD_E_NOMEM;
	state_fill(&scratch, o, *out);
	return scratch.rc;
}
