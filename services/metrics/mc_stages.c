/* Ticket metric events (API.md §9): each metric of a ticket moves through
 * activate / pause / fulfill as the ticket's status changes, Zendesk's way:
 *   reply_time           active from creation until the first public
 *                        agent comment
 *   agent_work_time      active in new and open, paused in pending and hold
 *   requester_wait_time  active in new, open and hold, paused in pending
 *   resolution_time      active until solved
 * Solving fulfills the last three; a reopen starts a new instance. */
#include "mc.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <string.h>

enum { ST_NONE, ST_ACTIVE, ST_PAUSED, ST_FULFILLED };
enum { M_REPLY, M_AGENT_WORK, M_REQUESTER_WAIT, M_RESOLUTION, M_COUNT };

static const char *const metric_names[M_COUNT] = {
	"reply_time", "agent_work_time", "requester_wait_time",
	"resolution_time"};

/* The stages of agent_work_time, requester_wait_time, resolution_time in
 * each status (0 rows: statuses no stream moves for). */
static const unsigned char by_status[][3] = {
	[HD__TICKET_STATUS__STATUS_NEW] = {ST_ACTIVE, ST_ACTIVE, ST_ACTIVE},
	[HD__TICKET_STATUS__STATUS_OPEN] = {ST_ACTIVE, ST_ACTIVE, ST_ACTIVE},
	[HD__TICKET_STATUS__STATUS_PENDING] = {ST_PAUSED, ST_PAUSED, ST_ACTIVE},
	[HD__TICKET_STATUS__STATUS_HOLD] = {ST_PAUSED, ST_ACTIVE, ST_ACTIVE},
	[HD__TICKET_STATUS__STATUS_SOLVED] = {ST_FULFILLED, ST_FULFILLED,
					      ST_FULFILLED},
	[HD__TICKET_STATUS__STATUS_CLOSED] = {ST_FULFILLED, ST_FULFILLED,
					      ST_FULFILLED},
};

int mc_mevent_add(hd_txn *t, const mc_db *db, const Hd__McTicket *m,
		  const char *metric, const char *type, int64_t at,
		  int64_t from, int64_t to)
{
	Hd__McMetricEvent e = HD__MC_METRIC_EVENT__INIT;
	uint8_t key[16];
	int rc = hd_txn_next_id(t, db->meta, "mevent_seq", &e.id);
	if (rc)
		return rc;
	e.instance_id = 1;
	for (int i = 0; i < M_COUNT && (size_t)i < m->n_instances; i++)
		if (!strcmp(metric, metric_names[i]) && m->instances[i])
			e.instance_id = m->instances[i];
	e.ticket_id = m->ticket_id;
	e.metric = (char *)metric;
	e.type = (char *)type;
	e.time = at;
	e.measure_from = from;
	e.measure_to = to;
	hd_key_u64(key, (uint64_t)at);
	hd_key_u64(key + 8, e.id);
	return hd_txn_put_pb(t, db->mevents, key, sizeof key, &e);
}

/* Move metric i to stage st at `at`, with the events that takes. */
static int move(hd_txn *t, const mc_db *db, Hd__McTicket *m, int i, unsigned st,
		int64_t at)
{
	unsigned was = m->stages[i];
	const char *name = metric_names[i];
	int rc = HD_OK;
	if (was == st || (st == ST_FULFILLED && was == ST_NONE))
		return HD_OK;
	if (was == ST_FULFILLED || was == ST_NONE) {
		m->instances[i]++; /* a first start or a reopen */
		rc = mc_mevent_add(t, db, m, name, "activate", at, 0, 0);
		was = ST_ACTIVE;
	}
	if (!rc && st == ST_PAUSED)
		rc = mc_mevent_add(t, db, m, name, "pause", at, 0, 0);
	if (!rc && st == ST_ACTIVE && was == ST_PAUSED)
		rc = mc_mevent_add(t, db, m, name, "activate", at, 0, 0);
	if (!rc && st == ST_FULFILLED) {
		rc = mc_mevent_add(t, db, m, name, "fulfill", at, 0, 0);
		if (!rc && i == M_RESOLUTION)
			rc = mc_mevent_add(t, db, m, name, "update_status", at,
					   m->created_at, at);
	}
	m->stages[i] = st;
	return rc;
}

int mc_stages_status(hd_txn *t, const mc_db *db, Hd__McTicket *m, int64_t at)
{
	if (m->n_stages < M_COUNT || m->n_instances < M_COUNT)
		return hd_txn_fail(t, HD_E_CORRUPT);
	Hd__TicketStatus s = hd_status_of(m->status);
	if (s <= 0 || (size_t)s >= sizeof by_status / sizeof by_status[0] ||
	    !by_status[s][0])
		return HD_OK; /* a status intake does not have: no stream moves */
	int rc = HD_OK;
	for (int i = 0; !rc && i < 3; i++)
		rc = move(t, db, m, M_AGENT_WORK + i, by_status[s][i], at);
	return rc ? hd_txn_fail(t, rc) : HD_OK;
}

int mc_stage_reply(hd_txn *t, const mc_db *db, Hd__McTicket *m, int64_t at)
{
	if (m->n_stages < M_COUNT || m->n_instances < M_COUNT)
		return hd_txn_fail(t, HD_E_CORRUPT);
	int rc = HD_OK;
	if (m->stages[M_REPLY] == ST_NONE)
		rc = move(t, db, m, M_REPLY, ST_ACTIVE, m->created_at);
	else if (m->stages[M_REPLY] == ST_ACTIVE) {
		rc = move(t, db, m, M_REPLY, ST_FULFILLED, at);
		if (!rc)
			rc = mc_mevent_add(t, db, m, "reply_time",
					   "update_status", at, m->created_at,
					   at);
	}
	return rc ? hd_txn_fail(t, rc) : HD_OK;
}
