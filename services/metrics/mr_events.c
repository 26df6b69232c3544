/* The reports' event table: one handler per topic, each decoding before it
 * writes (HD_E_DECODE must leave nothing behind). Tickets are in
 * mr_ticket.c; comments, people, calls and SLA alerts here. */
#include "mr.h"

#include "alerts.pb-c.h"
#include "channels.pb-c.h"
#include "hd/err.h"
#include "knowledge.pb-c.h"
#include "ticket.pb-c.h"
#include "user.pb-c.h"

#include <string.h>

/* SLA rows keep the group beside kind and priority: ids below 2^48. */
#define GROUP_MASK ((1ULL << 48) - 1)

/* Codes stored in the SLA rollup keys: this order is the store's format
 * (pausable last, as metrics first counted it), not hd.SlaMetric's. */
static const char *const sla_metrics[] = {"",
					  "first_reply_time",
					  "next_reply_time",
					  "periodic_update_time",
					  "requester_wait_time",
					  "agent_work_time",
					  "pausable_update_time",
					  NULL};
static const char *const priorities[] = {"",     "low",    "normal",
					 "high", "urgent", NULL};

int mr_code_of(const char *const *names, const char *s)
{
	for (int i = 1; s && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return 0;
}

const char *mr_sla_metric_name(unsigned c)
{
	return c < 7 ? sla_metrics[c] : "";
}

const char *mr_priority_name(unsigned c)
{
	return c < 5 ? priorities[c] : "";
}

int mr_user_role(metrics *m, hd_txn *t, uint64_t user)
{
	uint8_t k[8];
	MDB_val v;
	hd_key_u64(k, user);
	return hd_txn_get(t, m->mr->users, k, 8, &v) == HD_OK &&
	       v.mv_size == 1 && *(const uint8_t *)v.mv_data == 1;
}

static int on_user(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__User *u = hd__user__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!u)
		return HD_E_DECODE;
	uint8_t k[8], staff = hd_role_is_agent_str(u->role);
	hd_key_u64(k, u->id);
	hd_txn_put(t, m->mr->users, k, 8, &staff, 1);
	hd__user__free_unpacked(u, NULL);
	return t->rc;
}

static int on_membership(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__GroupMembership *g = hd__group_membership__unpack(
		NULL, ev->payload.len, ev->payload.data);
	if (!g)
		return HD_E_DECODE;
	uint8_t k[16];
	hd_key_u64(k, g->group_id);
	hd_key_u64(k + 8, g->user_id);
	if (strcmp(ev->type, "group_membership.deleted") == 0)
		hd_txn_del(t, m->mr->members, k, sizeof k);
	else
		hd_txn_put(t, m->mr->members, k, sizeof k, "", 0);
	hd__group_membership__free_unpacked(g, NULL);
	return t->rc;
}

/* A public reply by staff after the ticket was opened (the description is
 * the ticket's first comment, written at created_at: not a reply). */
static int on_comment(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__Comment *c =
		hd__comment__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!c)
		return HD_E_DECODE;
	Hd__MrTicket *s = NULL;
	if (c->public_ && mr_user_role(m, t, c->author_id) &&
	    mr_ticket_load(m, t, c->ticket_id, &s) == HD_OK && s &&
	    c->created_at > s->created_at) {
		mr_dims d = {.group = s->group_id,
			     .agent = c->author_id,
			     .channel = s->channel};
		for (size_t i = 0; i < s->n_tags && i < MR_MAX_TAGS; i++)
			d.tags[d.ntags++] =
				mr_hash(s->tags[i], strlen(s->tags[i]));
		mr_roll_add(m, t, MR_REPLIES, MR_ALL_GRANS, &d, c->created_at,
			    c->author_id, 0, 0, 1);
		if (!s->first_reply_at) {
			s->first_reply_at = c->created_at;
			mr_sample_put(
				m, t, MR_S_FIRST_REPLY,
				mr_bucket(c->created_at, MR_G_DAY), s->id,
				(uint64_t)(c->created_at - s->created_at) /
					1000,
				&d);
		}
		/* Intake emits a reply's comment.created before the
		 * ticket.updated that may solve it, so a solve sees it. */
		s->public_replies++;
		mr_ticket_store(m, t, s);
	}
	hd__mr_ticket__free_unpacked(s, NULL);
	hd__comment__free_unpacked(c, NULL);
	return t->rc;
}

static const char *const outcomes[] = {"",          "answered",  "missed",
				       "abandoned", "voicemail", NULL};

static unsigned wait_bucket(uint32_t secs)
{
	return secs < 10   ? 0
	       : secs < 20 ? 1
	       : secs < 30 ? 2
	       : secs < 60 ? 3
			   : 4;
}

static int on_call(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__CallRecord *c = hd__call_record__unpack(NULL, ev->payload.len,
						    ev->payload.data);
	if (!c)
		return HD_E_DECODE;
	mr_dims d = {.agent = c->agent_id, .channel = mr_channel_code("voice")};
	mr_roll_add(m, t, MR_CALLS, MR_ALL_GRANS, &d, c->started_at,
		    (uint64_t)mr_code_of(outcomes, c->outcome),
		    wait_bucket(c->wait_seconds),
		    strcmp(c->direction, "outbound") == 0, 1);
	mr_live_calls(m, t, c->started_at);
	hd__call_record__free_unpacked(c, NULL);
	return t->rc;
}

static int on_sla(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	Hd__SlaAlert *a =
		hd__sla_alert__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!a)
		return HD_E_DECODE;
	uint8_t k[9];
	/* kind: 0 warning, 1 breached, 2 achieved (before its breach) */
	uint64_t kind = !strcmp(ev->type, "sla.breached")   ? 1
			: !strcmp(ev->type, "sla.achieved") ? 2
							    : 0;
	mr_dims d = {.group = a->group_id, .agent = a->assignee_id};
	k[0] = 1;
	hd_key_u64(k + 1, a->policy_id);
	hd_txn_put(t, m->mr->names, k, sizeof k, a->policy_title,
		   strlen(a->policy_title));
	mr_roll_add(m, t, MR_SLA, MR_ALL_GRANS, &d, a->breach_at, a->policy_id,
		    (uint64_t)mr_code_of(sla_metrics, a->metric),
		    (a->group_id & GROUP_MASK) << 16 | kind << 8 |
			    (unsigned)mr_code_of(priorities, a->priority),
		    1);
	if (kind)
		mr_live_sla(m, t, a->breach_at);
	hd__sla_alert__free_unpacked(a, NULL);
	return t->rc;
}

/* kb.suggested: remember the ticket had suggestions (a state of its own
 * when the ticket's events have not been applied yet). */
static int on_suggested(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	static const mr_dims none = {0};
	Hd__KbSuggested *k = hd__kb_suggested__unpack(NULL, ev->payload.len,
						      ev->payload.data);
	if (!k)
		return HD_E_DECODE;
	Hd__MrTicket *s = NULL, fresh = HD__MR_TICKET__INIT;
	if (k->n_suggestions && k->ticket_id &&
	    mr_ticket_load(m, t, k->ticket_id, &s) == HD_OK) {
		Hd__MrTicket *x = s ? s : &fresh;
		if (!x->suggested) {
			x->id = k->ticket_id;
			x->suggested = 1;
			mr_roll_add(m, t, MR_DEFLECT, MR_ALL_GRANS, &none,
				    ev->time_ms, MR_DF_SUGGESTED, 0, 0, 1);
			mr_self_served(m, t, x);
			mr_ticket_store(m, t, x);
		}
	}
	hd__mr_ticket__free_unpacked(s, NULL);
	hd__kb_suggested__free_unpacked(k, NULL);
	return t->rc;
}

static int on_deflection(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	static const mr_dims none = {0};
	Hd__KbDeflection *d = hd__kb_deflection__unpack(NULL, ev->payload.len,
							ev->payload.data);
	if (!d)
		return HD_E_DECODE;
	uint64_t what = !strcmp(d->action, "shown")      ? MR_DF_SHOWN
			: !strcmp(d->action, "resolved") ? MR_DF_RESOLVED
							 : 0;
	if (what)
		mr_roll_add(m, t, MR_DEFLECT, MR_ALL_GRANS, &none, d->at, what,
			    0, 0, 1);
	hd__kb_deflection__free_unpacked(d, NULL);
	return t->rc;
}

typedef struct topic {
	const char *type;
	int (*fn)(metrics *m, hd_txn *t, const Hd__Envelope *ev);
} topic;

static const topic topics[] = {
	{"ticket.created", mr_on_ticket},
	{"ticket.updated", mr_on_ticket},
	{"ticket.deleted", mr_on_ticket},
	{"comment.created", on_comment},
	{"user.created", on_user},
	{"user.updated", on_user},
	{"group_membership.created", on_membership},
	{"group_membership.deleted", on_membership},
	{"call.recorded", on_call},
	{"sla.warning", on_sla},
	{"sla.breached", on_sla},
	{"sla.achieved", on_sla},
	{"presence.changed", mr_on_presence},
	{"kb.suggested", on_suggested},
	{"kb.deflection", on_deflection},
	{NULL, NULL},
};

int mr_apply(metrics *m, hd_txn *t, const Hd__Envelope *ev)
{
	for (const topic *p = topics; p->type; p++)
		if (strcmp(p->type, ev->type) == 0)
			return p->fn(m, t, ev);
	return HD_OK;
}
