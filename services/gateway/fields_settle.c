/* Read-your-writes for definitions: intake shard 0 emits every field and
 * form write as an event the other shards apply on their own (an intake
 * shard that was down catches up from the bus). Before answering an admin's
 * write the gateway waits, briefly, until every shard it can reach has
 * applied shard 0's outbox up to that write, so a ticket made right after
 * the answer is checked against the new definition on any shard. Nothing is
 * written here: a shard that is down or slow is simply not waited for. */
#include "gw_fields.h"
#include "gw_health.h"

#include "hd/err.h"
#include "hd/log.h"
#include "rpc.pb-c.h"

#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>
#include <string.h>

#define SETTLE_MS      3000 /* at most, of the request's own time */
#define ASK_MS         500
#define SETTLE_POLL_MS 5

static Hd__BusStatusReply *ask(gw *g, hd_rpc_client *c, gw_req *r)
{
	hd_rpc_result res = {0};
	Hd__BusStatusReply *st = NULL;
	if (gw_peer_known_down(g, c))
		return NULL;
	if (hd_rpc_call(c, "bus.status", NULL, 0, &r->who, r->trace, ASK_MS,
			&res) == HD_OK &&
	    res.rc == HD_OK)
		st = hd__bus_status_reply__unpack(NULL, res.len, res.payload);
	hd_rpc_result_release(&res);
	return st;
}

/* 1 applied up to seq, 0 behind, -1 unreachable or its cursor failed. */
static int caught_up(gw *g, unsigned s, gw_req *r, uint64_t seq)
{
	Hd__BusStatusReply *st = ask(g, g->intake[s], r);
	int ok = st ? 0 : -1;
	for (size_t i = 0; st && i < st->n_cursors; i++) {
		const Hd__SourceCursor *c = st->cursors[i];
		if (c->shard == 0 && !strcmp(c->source, "intake"))
			ok = c->failed ? -1 : c->applied_seq >= seq;
	}
	hd__bus_status_reply__free_unpacked(st, NULL);
	return ok;
}

void gw_def_settle(gw *g, gw_req *r)
{
	if (g->shards < 2)
		return;
	Hd__BusStatusReply *head = ask(g, g->intake[0], r);
	uint64_t seq = head ? head->latest_seq : 0;
	hd__bus_status_reply__free_unpacked(head, NULL);
	int budget = gw_time_left(g, r) / 2;
	if (budget > SETTLE_MS)
		budget = SETTLE_MS;
	nng_time until = nng_clock() + (nng_time)(budget > 0 ? budget : 0);
	for (unsigned s = 1; seq && s < g->shards; s++) {
		int ok;
		while ((ok = caught_up(g, s, r, seq)) == 0 &&
		       nng_clock() < until)
			nng_msleep(SETTLE_POLL_MS);
		if (ok != 1) /* it applies the event when it can */
			hd_info("fields.copy_pending",
				"shard=%u seq=%llu trace=%s", s,
				(unsigned long long)seq, r->trace);
	}
}
