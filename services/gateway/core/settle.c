/* Read-your-writes for definitions other services copy from events: field
 * and form definitions (intake shard 0 → the other intake shards), group
 * memberships (intake shard 0 → knowledge), business-hours schedules
 * (routing → metrics). The owner emits each write as an event that the
 * consumers apply on their own (one that was down catches up from the
 * bus). Before answering such a write the gateway waits, briefly, until
 * every consumer it can reach has applied the owner's outbox up to that
 * write, so the next request already sees it anywhere. Nothing is written
 * here: a consumer that is down or slow is not waited for. */
#include "gw_settle.h"
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

/* 1 applied source/0 up to seq, 0 behind, -1 unreachable or failed. */
static int caught_up(gw *g, hd_rpc_client *c, gw_req *r, const char *source,
		     uint64_t seq)
{
	Hd__BusStatusReply *st = ask(g, c, r);
	int ok = st ? 0 : -1;
	for (size_t i = 0; st && i < st->n_cursors; i++) {
		const Hd__SourceCursor *cur = st->cursors[i];
		if (cur->shard == 0 && !strcmp(cur->source, source))
			ok = cur->failed ? -1 : cur->applied_seq >= seq;
	}
	hd__bus_status_reply__free_unpacked(st, NULL);
	return ok;
}

void gw_settle(gw *g, gw_req *r, hd_rpc_client *owner, const char *source,
	       hd_rpc_client *const *consumers, size_t n)
{
	Hd__BusStatusReply *head = ask(g, owner, r);
	uint64_t seq = head ? head->latest_seq : 0;
	hd__bus_status_reply__free_unpacked(head, NULL);
	int budget = gw_time_left(g, r) / 2;
	if (budget > SETTLE_MS)
		budget = SETTLE_MS;
	nng_time until = nng_clock() + (nng_time)(budget > 0 ? budget : 0);
	for (size_t i = 0; seq && i < n; i++) {
		int ok;
		while ((ok = caught_up(g, consumers[i], r, source, seq)) == 0 &&
		       nng_clock() < until)
			nng_msleep(SETTLE_POLL_MS);
		if (ok != 1) /* it applies the event when it can */
			hd_info("gateway.copy_pending",
				"source=%s consumer=%s seq=%llu trace=%s",
				source, gw_peer_name(g, consumers[i]),
				(unsigned long long)seq, r->trace);
	}
}

void gw_settle_fields(gw *g, gw_req *r)
{
	if (g->shards > 1)
		gw_settle(g, r, g->intake[0], "intake", g->intake + 1,
			  g->shards - 1);
}

void gw_settle_members(gw *g, gw_req *r)
{
	gw_settle(g, r, g->intake[0], "intake", &KNOWLEDGE(g), 1);
}

void gw_settle_schedules(gw *g, gw_req *r)
{
	gw_settle(g, r, ROUTING(g), "routing", &METRICS(g), 1);
}
