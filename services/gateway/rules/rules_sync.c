/* Read-your-writes for trigger definitions: routing owns them and every
 * intake shard keeps an event-sourced copy it evaluates inside ticket
 * writes. After a trigger is created, changed, deleted or reordered, the
 * API answers once every shard's routing cursor has reached the event that
 * carried the change (at most SYNC_MS; a shard that stays behind is named
 * by its /readyz and shows as a lagging cursor on /hd/bus). */
#include "gateway.h"
#include "gw_health.h"

#include "hd/err.h"
#include "hd/log.h"
#include "rpc.pb-c.h"

#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>
#include <string.h>

#define SYNC_MS 3000

static Hd__BusStatusReply *status_of(gw *g, hd_rpc_client *c, gw_req *r)
{
	hd_rpc_result res = {0};
	int left = gw_time_left(g, r);
	int rc = left <= 0 ? HD_E_UNAVAILABLE
			   : hd_rpc_call(c, "bus.status", NULL, 0, &r->who,
					 r->trace,
					 left < SYNC_MS ? left : SYNC_MS, &res);
	Hd__BusStatusReply *st = NULL;
	if (rc == HD_OK && res.rc == HD_OK)
		st = hd__bus_status_reply__unpack(NULL, res.len, res.payload);
	hd_rpc_result_release(&res);
	return st;
}

static bool caught_up(const Hd__BusStatusReply *st, uint64_t seq)
{
	for (size_t i = 0; st && i < st->n_cursors; i++)
		if (!strcmp(st->cursors[i]->source, "routing"))
			return st->cursors[i]->applied_seq >= seq;
	return false;
}

void gw_trig_sync(gw *g, gw_req *r)
{
	Hd__BusStatusReply *rt = status_of(g, ROUTING(g), r);
	uint64_t seq = rt ? rt->latest_seq : 0;
	hd__bus_status_reply__free_unpacked(rt, NULL);
	if (!seq)
		return;
	for (unsigned s = 0; s < g->shards; s++) {
		int waited = 0;
		for (;;) {
			Hd__BusStatusReply *st = status_of(g, g->intake[s], r);
			bool ok = caught_up(st, seq);
			hd__bus_status_reply__free_unpacked(st, NULL);
			if (ok)
				break;
			if (waited >= SYNC_MS || gw_time_left(g, r) <= 10) {
				hd_warn("gateway.trigger_sync_behind",
					"shard=%u seq=%llu", s,
					(unsigned long long)seq);
				break;
			}
			nng_msleep(5);
			waited += 5;
		}
	}
}
