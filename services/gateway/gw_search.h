/* The gateway's search (search.c): scatter a ticket query to every intake
 * shard and merge the replies by the requested order. */
#ifndef GW_SEARCH_H
#define GW_SEARCH_H

#include "gateway.h"
#include "search.pb-c.h"

/* Zendesk returns at most this many results per query (API.md §5). */
#define GW_SEARCH_MAX 1000

/* The merged hits of one query: hits[0..n) are borrowed from replies. */
typedef struct gw_search_result {
	Hd__SearchReply *replies[GW_MAX_SHARDS];
	unsigned nreplies;
	Hd__SearchHit **hits;
	size_t n;
	uint64_t count;                  /* every match over all shards */
	unsigned missing[GW_MAX_SHARDS]; /* shards that could not answer */
	size_t nmissing;
} gw_search_result;

/* Run query on every intake shard asking each for `limit` hits, and merge.
 * Unreachable shards are left out and listed in res->missing (see
 * gw_partial); when none answers, or on another failure, out holds the
 * HTTP error. Release with gw_search_release. */
int gw_search_gather(gw *g, gw_req *r, const Hd__SearchRequest *sr,
		     gw_search_result *res, gw_resp *out);
void gw_search_release(gw_search_result *res);

#endif
