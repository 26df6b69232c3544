/* GET /api/v2/hd/bus — for operators: every consumer's cursor per source
 * beside each source's latest sequence, and whether all have converged. */
#include "gateway.h"
#include "gw_health.h"

#include "hd/err.h"
#include "rpc.pb-c.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define STATUS_TIMEOUT_MS 2000

typedef struct head {
	const char *source;
	unsigned shard;
	uint64_t latest;
	uint64_t incarnation;
} head;

/* Ask one service for its bus.status; NULL when it does not answer (at
 * once when the gateway knows it down). */
static Hd__BusStatusReply *ask(gw *g, hd_rpc_client *c, gw_req *r)
{
	hd_rpc_result res = {0};
	int left = gw_time_left(g, r);
	int rc = gw_peer_known_down(g, c) || left <= 0
			 ? HD_E_UNAVAILABLE
			 : hd_rpc_call(
				   c, "bus.status", NULL, 0, &r->who, r->trace,
				   left < STATUS_TIMEOUT_MS ? left
							    : STATUS_TIMEOUT_MS,
				   &res);
	Hd__BusStatusReply *st = NULL;
	if (rc == HD_OK && res.rc == HD_OK)
		st = hd__bus_status_reply__unpack(NULL, res.len, res.payload);
	hd_rpc_result_release(&res);
	return st;
}

/* 16 hex digits: a u64 does not survive JSON numbers in every client. */
static json_t *incarnation_json(uint64_t inc)
{
	char hex[17];
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)inc);
	return json_string(hex);
}

static json_t *consumer_json(const Hd__BusStatusReply *st, const head *heads,
			     size_t nheads, int *converged)
{
	json_t *cursors = json_array();
	for (size_t i = 0; i < st->n_cursors; i++) {
		const Hd__SourceCursor *c = st->cursors[i];
		uint64_t latest = 0, inc = 0;
		int known = 0;
		for (size_t h = 0; h < nheads; h++)
			if (heads[h].shard == c->shard &&
			    strcmp(heads[h].source, c->source) == 0) {
				latest = heads[h].latest;
				inc = heads[h].incarnation;
				known = 1;
			}
		/* Equal sequences of two incarnations are different events. */
		bool other = inc && c->incarnation && inc != c->incarnation;
		if (!known || c->applied_seq != latest || c->failed || other)
			*converged = 0;
		json_t *cj = json_pack(
			"{s:s, s:I, s:I, s:o, s:I, s:b}", "source", c->source,
			"shard", (json_int_t)c->shard, "applied_seq",
			(json_int_t)c->applied_seq, "source_latest_seq",
			known ? json_integer((json_int_t)latest) : json_null(),
			"lag",
			(json_int_t)(latest > c->applied_seq
					     ? latest - c->applied_seq
					     : 0),
			"failed", c->failed);
		/* Why it stopped (docs/operations.md says what to do). */
		if (c->failed && c->reason && c->reason[0])
			json_object_set_new(cj, "reason",
					    json_string(c->reason));
		if (c->incarnation)
			json_object_set_new(cj, "incarnation",
					    incarnation_json(c->incarnation));
		/* Why a cursor does not move: its pulls fail. */
		if (c->pull_failures)
			json_object_set_new(
				cj, "pull_failures",
				json_pack("{s:I, s:s}", "in_a_row",
					  (json_int_t)c->pull_failures, "error",
					  c->pull_error));
		json_array_append_new(cursors, cj);
	}
	return json_pack("{s:s, s:I, s:b, s:I, s:o}", "service", st->service,
			 "shard", (json_int_t)st->shard, "reachable", 1,
			 "bad_frames", (json_int_t)st->bad_frames, "cursors",
			 cursors);
}

static void add_source(json_t *sources, head *h, bool reachable)
{
	json_t *o = json_pack("{s:s, s:I, s:b, s:I}", "source", h->source,
			      "shard", (json_int_t)h->shard, "reachable",
			      reachable, "latest_seq", (json_int_t)h->latest);
	if (h->incarnation)
		json_object_set_new(o, "incarnation",
				    incarnation_json(h->incarnation));
	json_array_append_new(sources, o);
}

/* Sources: every intake shard, then every peer (routing, knowledge, …
 * publish events others consume). Consumers: every peer, then the intake
 * shards that consume (shards but 0 take shard 0's definitions). */
int gw_bus_status(gw *g, gw_req *r, gw_resp *out)
{
	head heads[GW_MAX_SHARDS + GW_PEERS];
	Hd__BusStatusReply *peer[GW_PEERS], *shard[GW_MAX_SHARDS];
	json_t *sources = json_array(), *consumers = json_array();
	int converged = 1;
	size_t n = 0;
	for (unsigned s = 0; s < g->shards; s++, n++) {
		Hd__BusStatusReply *st = shard[s] = ask(g, g->intake[s], r);
		heads[n] = (head){"intake", s, st ? st->latest_seq : 0,
				  st ? st->incarnation : 0};
		converged &= st != NULL;
		add_source(sources, &heads[n], st != NULL);
	}
	for (size_t p = 0; p < GW_PEERS; p++, n++) {
		peer[p] = ask(g, g->peers[p], r);
		heads[n] = (head){gw_peer_names[p], 0,
				  peer[p] ? peer[p]->latest_seq : 0,
				  peer[p] ? peer[p]->incarnation : 0};
		add_source(sources, &heads[n], peer[p] != NULL);
	}
	for (size_t p = 0; p < GW_PEERS; p++) {
		if (peer[p]) {
			json_array_append_new(
				consumers,
				consumer_json(peer[p], heads, n, &converged));
		} else {
			converged = 0;
			json_array_append_new(
				consumers,
				json_pack("{s:s, s:i, s:b}", "service",
					  gw_peer_names[p], "shard", 0,
					  "reachable", 0));
		}
		hd__bus_status_reply__free_unpacked(peer[p], NULL);
	}
	/* Intake shards consume routing (their copy of the triggers) and,
	 * but shard 0, shard 0's definition events. */
	for (unsigned s = 0; s < g->shards; s++) {
		if (shard[s] && shard[s]->n_cursors)
			json_array_append_new(
				consumers,
				consumer_json(shard[s], heads, n, &converged));
		hd__bus_status_reply__free_unpacked(shard[s], NULL);
	}
	out->status = 200;
	out->body = json_pack("{s:{s:o, s:o, s:b}}", "bus", "sources", sources,
			      "consumers", consumers, "converged", converged);
	return HD_OK;
}
